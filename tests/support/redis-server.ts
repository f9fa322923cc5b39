import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './servers/app-server';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:PORT/0` */
  readonly url: string;
  /** Kills the server (SIGKILL) and starts a new, empty one on the same port. */
  restart(): Promise<void>;
  /** Kills the server and leaves it down until `start()`. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): it holds its sockets and answers nothing, like a link that
   * drops every packet. `resume()` thaws it. */
  freeze(): void;
  resume(): void;
  /** CPU time redis-server has used since it started (INFO cpu), in microseconds. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

/** Debian's redis-server, or REDIS_SERVER_PATH. */
export function redisServerExecutable(): string {
  return process.env.REDIS_SERVER_PATH?.trim() || 'redis-server';
}

/**
 * A real redis-server of its own on a free loopback port, with no persistence (a restart loses
 * everything, the worst case) and nothing written outside a temporary folder.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'meshcall-redis-'));
  let child: ChildProcess | null = null;
  let output = '';

  const start = async () => {
    const spawned = spawn(
      redisServerExecutable(),
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--protected-mode',
        'yes',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = spawned;
    spawned.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    spawned.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(port))) {
      if (spawned.exitCode !== null) throw new Error(`redis-server exited:\n${output}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGCONT');
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    start,
    kill,
    async restart() {
      await kill();
      await start();
    },
    freeze: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async cpuMicros() {
      const info = await inlineCommand(port, 'INFO cpu');
      const seconds = (name: string) =>
        Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
      return Math.round((seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6);
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether a Redis on `port` answers PING, over a raw socket (RESP inline command). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** Sends one inline command over a raw socket and resolves with its bulk-string answer. */
function inlineCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let answer = Buffer.alloc(0);
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer to ${command}`)));
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (data: Buffer) => {
      answer = Buffer.concat([answer, data]);
      const headerEnd = answer.indexOf('\r\n');
      if (headerEnd < 0) return;
      const length = Number(answer.subarray(1, headerEnd).toString());
      if (answer.length < headerEnd + 2 + length) return;
      socket.destroy();
      resolve(answer.subarray(headerEnd + 2, headerEnd + 2 + length).toString());
    });
  });
}
