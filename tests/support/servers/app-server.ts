import { spawn, type ChildProcess } from 'node:child_process';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';

export interface AppServer {
  readonly url: string;
  readonly port: number;
  /** Everything the server printed, for assertions on logs. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the process and starts a new one on the same port, as a deploy would. */
  restart(): Promise<void>;
}

export interface AppServerOptions {
  env?: Record<string, string>;
  /** Runs `next start` instead of our server: the app without signaling. */
  withoutSignaling?: boolean;
  protocol?: 'http' | 'https';
  port?: number;
}

/** Starts the production build (`npm run build` first) as its own process, on a free port. */
export async function startAppServer(options: AppServerOptions = {}): Promise<AppServer> {
  const port = options.port ?? (await freePort());
  const protocol = options.protocol ?? 'http';
  const url = `${protocol}://127.0.0.1:${port}`;
  let log = '';
  let child: ChildProcess;

  const launch = async () => {
    const command = options.withoutSignaling
      ? ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1']
      : ['dist/server.mjs'];
    child = spawn(process.execPath, command, {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await waitForHttp(options.withoutSignaling ? `${url}/` : `${url}/healthz`, child, () => log);
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
    output: () => log,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
  };
}

async function waitForHttp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Server exited early:\n${log()}`);
    if (await answers(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Server at ${url} did not start:\n${log()}`);
}

/** Whether `url` answers 2xx. Test servers may use a self-signed certificate, accepted here. */
function answers(url: string): Promise<boolean> {
  if (url.startsWith('https:')) {
    return new Promise((resolve) => {
      const request = httpsGet(url, { rejectUnauthorized: false, timeout: 1_000 }, (response) => {
        response.resume();
        resolve((response.statusCode ?? 500) < 300);
      });
      request.on('error', () => resolve(false));
      request.on('timeout', () => request.destroy());
    });
  }
  return fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
    (response) => response.ok,
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
