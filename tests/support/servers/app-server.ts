import { spawn, type ChildProcess } from 'node:child_process';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';

export interface AppServer {
  readonly url: string;
  readonly port: number;
  /** Where signaling listens beside `next start` or `next dev`; null on the custom server. */
  readonly signalingPort: number | null;
  /** The server process's id, for reading its descriptors and memory from /proc. */
  readonly pid: number;
  /** Everything the server printed, for assertions on logs. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the process and starts a new one on the same port, as a deploy would. */
  restart(): Promise<void>;
}

/** How the app is started: our custom server (`npm start`), or Next's own `next start` or
 * `next dev`, with signaling beside it on its own port. */
export type AppCommand = 'custom-server' | 'next-start' | 'next-dev';

export interface AppServerOptions {
  env?: Record<string, string>;
  command?: AppCommand;
  protocol?: 'http' | 'https';
  port?: number;
  /** The working directory, where `.env` files are read: the project's by default. */
  cwd?: string;
  /** A soft and hard limit on the process's open descriptors (prlimit), so that leaks show. */
  descriptorLimit?: number;
}

const NEXT = 'node_modules/next/dist/bin/next';

/**
 * Starts the app as its own process on a free port: the production build (`npm run build`
 * first), or the sources under `next dev`. Resolves once `/healthz` says signaling is up.
 */
export async function startAppServer(options: AppServerOptions = {}): Promise<AppServer> {
  const port = options.port ?? (await freePort());
  const protocol = options.protocol ?? 'http';
  const command = options.command ?? 'custom-server';
  const url = `${protocol}://127.0.0.1:${port}`;
  const signalingPort =
    command === 'custom-server' ? null : Number(options.env?.SIGNALING_PORT ?? (await freePort()));
  let log = '';
  let child: ChildProcess;

  const launch = async () => {
    const args = {
      'custom-server': ['dist/server.mjs'],
      'next-start': [NEXT, 'start', '-p', String(port), '-H', '127.0.0.1'],
      'next-dev': [NEXT, 'dev', '-p', String(port), '-H', '127.0.0.1'],
    }[command];
    const [executable, argv] = options.descriptorLimit
      ? ['prlimit', [`--nofile=${options.descriptorLimit}`, process.execPath, ...args]]
      : [process.execPath, args];
    child = spawn(executable, argv, {
      cwd: options.cwd,
      env: {
        ...process.env,
        NODE_ENV: command === 'next-dev' ? 'development' : 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...(signalingPort === null ? {} : { SIGNALING_PORT: String(signalingPort) }),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    // `next dev` compiles each route on its first request.
    const timeoutMs = command === 'next-dev' ? 120_000 : 30_000;
    await waitForHttp(`${url}/healthz`, child, () => log, timeoutMs);
  };

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };

  await launch();
  return {
    url,
    port,
    signalingPort,
    // prlimit sets the limit and then becomes the server: same process id.
    get pid() {
      return child.pid ?? 0;
    },
    output: () => log,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
  };
}

async function waitForHttp(
  url: string,
  child: ChildProcess,
  log: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Server exited early:\n${log()}`);
    if (await answers(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Server at ${url} did not start:\n${log()}`);
}

/**
 * Whether `url` answers: 2xx, or 503 from a health check saying signaling could not start (which
 * some tests want). Test servers may use a self-signed certificate, accepted here.
 */
function answers(url: string): Promise<boolean> {
  const ready = (status: number) => status < 300 || status === 503;
  if (url.startsWith('https:')) {
    return new Promise((resolve) => {
      const request = httpsGet(url, { rejectUnauthorized: false, timeout: 1_000 }, (response) => {
        response.resume();
        resolve(ready(response.statusCode ?? 500));
      });
      request.on('error', () => resolve(false));
      request.on('timeout', () => request.destroy());
    });
  }
  return fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
    (response) => ready(response.status),
    () => false,
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
