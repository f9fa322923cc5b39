import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../tests/support/servers/app-server';

/**
 * A real coturn on 127.0.0.1 for tests, with the TURN REST API (use-auth-secret) that the app's
 * ephemeral credentials target. Installed by .ci/run (Debian package `coturn`).
 */
export interface Coturn {
  /** A `turn:` URL for the app's TURN_URLS. */
  readonly url: string;
  stop(): Promise<void>;
}

export function coturnExecutable(): string | null {
  const candidate = process.env.TURNSERVER_PATH?.trim() || 'turnserver';
  try {
    execFileSync(candidate, ['--version'], { stdio: 'pipe' });
    return candidate;
  } catch {
    return null;
  }
}

/**
 * `relayIp`: the address relays are allocated on (loopback by default). A relay to a peer that is
 * not on loopback (Janus never gathers there) must be allocated on that peer's interface.
 */
export async function startCoturn(
  secret: string,
  { relayIp = '127.0.0.1' }: { relayIp?: string } = {},
): Promise<Coturn> {
  const executable = coturnExecutable();
  if (!executable) throw new Error('coturn (turnserver) is not installed: apt-get install coturn');
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'meshcall-coturn-'));
  const config = join(directory, 'turnserver.conf');
  writeFileSync(
    config,
    [
      'listening-ip=127.0.0.1',
      `relay-ip=${relayIp}`,
      `listening-port=${port}`,
      // Relay ports of our own, away from the listening one.
      `min-port=${port + 1}`,
      `max-port=${port + 200}`,
      'realm=meshcall.test',
      'use-auth-secret',
      `static-auth-secret=${secret}`,
      'fingerprint',
      'no-tls',
      'no-dtls',
      'no-cli',
      'no-multicast-peers',
      // Tests only: both browsers live on this machine's loopback, which production refuses
      // (see deploy/turnserver.conf).
      'allow-loopback-peers',
      `pidfile=${join(directory, 'turnserver.pid')}`,
      'simple-log',
      `log-file=${join(directory, 'turn.log')}`,
      'verbose',
    ].join('\n'),
  );
  let log = '';
  const child: ChildProcess = spawn(executable, ['-c', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await waitForTcp(port, child, () => log);
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** coturn listens on TCP as well as UDP: a TCP connect tells us it is up. */
async function waitForTcp(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`coturn exited early:\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`coturn did not start on port ${port}:\n${log()}`);
}
