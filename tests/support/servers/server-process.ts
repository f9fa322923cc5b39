import { fork, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parsePrometheusText } from '../report';
import type { ControlReply, ControlRequest } from './process-control';

export type ServerKind = 'meshcall' | 'bare-ws';

export interface ServerProcess {
  readonly kind: ServerKind;
  /** The operating system's process id, for reading it from outside (/proc, strace, perf). */
  readonly pid: number;
  readonly port: number;
  /** Where clients connect: `/ws` for ours, a pair query for the bare relay. */
  readonly url: string;
  /** Resident and heap memory after a full garbage collection in the server process. */
  memory(): Promise<{ rss: number; heapUsed: number }>;
  /** CPU time the server process has used so far, in microseconds. */
  cpuMicros(): Promise<number>;
  /** `/metrics` of our server, parsed into `name{labels}` -> value. */
  metrics(): Promise<Map<string, number>>;
  /** Everything the process printed on stderr (and stdout), for failures. */
  output(): string;
  /** Shuts down as on SIGTERM: sockets closed with 1012, then exit. */
  stop(): Promise<void>;
  /** Sends a signal (SIGKILL: the process dies on the spot) and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

const SOURCE: Record<ServerKind, string> = {
  meshcall: fileURLToPath(new URL('./signaling-server.ts', import.meta.url)),
  'bare-ws': fileURLToPath(new URL('./bare-relay.ts', import.meta.url)),
};
const BUNDLE_DIR = fileURLToPath(
  new URL('../../../node_modules/.cache/meshcall-bench/', import.meta.url),
);
const bundles = new Map<ServerKind, Promise<string>>();

/**
 * Bundles a server with esbuild, as `npm run build:server` bundles `server.ts` for production, so
 * that it runs as plain JavaScript: no TypeScript loader thread in the process being measured.
 */
function bundle(kind: ServerKind): Promise<string> {
  let bundled = bundles.get(kind);
  if (!bundled) {
    const outfile = `${BUNDLE_DIR}${kind}.mjs`;
    bundled = mkdir(BUNDLE_DIR, { recursive: true })
      .then(() =>
        build({
          entryPoints: [SOURCE[kind]],
          outfile,
          bundle: true,
          platform: 'node',
          target: 'node20',
          format: 'esm',
          packages: 'external',
          logLevel: 'warning',
        }),
      )
      .then(() => outfile);
    bundles.set(kind, bundled);
  }
  return bundled;
}

/** Starts a server as its own Node process on a free loopback port, with GC exposed. */
export async function startServerProcess(
  kind: ServerKind,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child: ChildProcess = fork(await bundle(kind), [], {
    // BENCH_SERVER_NODE_ARGS adds flags for a look inside, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    execArgv: [
      '--expose-gc',
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  let nextId = 1;
  const pending = new Map<number, (reply: ControlReply) => void>();
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`${kind} server exited with ${code}:\n${output}`)),
    );
    child.on('message', (reply: ControlReply) => {
      if (reply.type === 'listening') return resolve(reply.port);
      if ('id' in reply) {
        pending.get(reply.id)?.(reply);
        pending.delete(reply.id);
      }
    });
  });
  const request = <T extends ControlReply['type']>(type: T & ControlRequest['type']) =>
    new Promise<Extract<ControlReply, { type: T }>>((resolve, reject) => {
      if (child.exitCode !== null)
        return reject(new Error(`${kind} server has exited:\n${output}`));
      const id = nextId++;
      pending.set(id, (reply) => resolve(reply as Extract<ControlReply, { type: T }>));
      child.send({ id, type } satisfies ControlRequest);
    });

  return {
    kind,
    pid: child.pid!,
    port,
    url: kind === 'meshcall' ? `ws://127.0.0.1:${port}/ws` : `ws://127.0.0.1:${port}/`,
    async memory() {
      const { rss, heapUsed } = await request('memory');
      return { rss, heapUsed };
    },
    async cpuMicros() {
      const { userMicros, systemMicros } = await request('cpu');
      return userMicros + systemMicros;
    },
    async metrics() {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return parsePrometheusText(text);
    },
    output: () => output,
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await request('shutdown');
      await exited;
    },
  };
}
