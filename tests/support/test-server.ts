import { Writable } from 'node:stream';
import pino from 'pino';
import { loadServerConfig } from '../../lib/server/config';
import {
  createHttpServer,
  type HttpServer,
  type HttpServerOptions,
} from '../../lib/server/http-server';

export interface TestServer {
  /** `ws://127.0.0.1:PORT/ws` */
  readonly url: string;
  /** `http://127.0.0.1:PORT` */
  readonly httpUrl: string;
  readonly http: HttpServer;
  /** Every log line so far, parsed. */
  logs(): Record<string, unknown>[];
  /** Bytes of log written so far. */
  logBytes(): number;
  stop(): Promise<void>;
}

/**
 * The real HTTP server and signaling endpoint (without Next) on an ephemeral loopback port, for
 * tests over real sockets. `env` takes the same variables as the server.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  {
    keepLogs = true,
    ...handlers
  }: { keepLogs?: boolean } & Pick<
    HttpServerOptions,
    'handleRequest' | 'handleDevUpgrade' | 'serverActionIds'
  > = {},
): Promise<TestServer> {
  const config = loadServerConfig({ NODE_ENV: 'test', ...env });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      // Formatted either way, so that logging costs what it costs in production.
      if (keepLogs) lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const http = createHttpServer({
    config,
    log: pino({ level: env.LOG_LEVEL ?? 'debug' }, sink),
    ...handlers,
  });
  const address = await http.listen(0, '127.0.0.1');
  let stopped = false;
  return {
    url: `ws://127.0.0.1:${address.port}/ws`,
    httpUrl: `http://127.0.0.1:${address.port}`,
    http,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    logBytes: () => lines.reduce((total, line) => total + line.length + 1, 0),
    async stop() {
      if (stopped) return;
      stopped = true;
      await http.shutdown(500);
    },
  };
}

/** Polls `condition` until it holds; for state that settles asynchronously, instead of sleeping. */
export async function waitFor(
  condition: () => boolean,
  { timeoutMs = 5_000, what = 'condition' as string | (() => string) } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
