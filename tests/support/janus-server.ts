import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

/**
 * A real Janus for tests (vitest, Playwright, benchmarks): the configuration the project ships in
 * deploy/janus/, with a random API secret, a free WebSocket port, a free RTP port range and, if
 * asked, a short session timeout. Its API listens on 127.0.0.1 as shipped. Installed by .ci/run (Debian's `janus`).
 */
export interface JanusServer {
  /** The WebSocket API, for JANUS_URL. */
  readonly url: string;
  /** Empty when started withoutApiSecret. */
  readonly apiSecret: string;
  readonly rtpPorts: { readonly min: number; readonly max: number };
  /** The running process's id (for CPU measurements), or null while it is down. */
  pid(): number | null;
  /** Everything Janus printed since it was last started. */
  output(): string;
  /** SIGKILL, as a crash would: no goodbye on any socket. */
  kill(): Promise<void>;
  /** SIGSTOP: the process hangs with its sockets open, as a stuck Janus would. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** Starts it again on the same ports with the same secret (after kill() or by itself). */
  restart(): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL if it lingers) and removes its configuration folder. */
  stop(): Promise<void>;
}

export interface JanusServerOptions {
  /** Janus's general.session_timeout, in seconds (the shipped config says 60). */
  sessionTimeoutSeconds?: number;
  /** Run Janus without an API secret, as a misconfigured production Janus would. */
  withoutApiSecret?: boolean;
}

const DEPLOY_DIR = join(import.meta.dirname, '..', '..', 'deploy', 'janus');
const CONFIG_FILES = [
  'janus.jcfg',
  'janus.plugin.videoroom.jcfg',
  'janus.transport.websockets.jcfg',
] as const;
const RTP_RANGE_SIZE = 100;

/** $JANUS_PATH, else `janus` on PATH; null when neither runs. */
export function janusExecutable(): string | null {
  const candidate = process.env.JANUS_PATH?.trim() || 'janus';
  const probe = spawnSync(candidate, ['--help'], { stdio: 'ignore', timeout: 10_000 });
  return probe.error ? null : candidate;
}

export const NO_JANUS =
  'Janus is not installed (apt-get install janus, or set JANUS_PATH): skipping the SFU cases.';

export async function startJanus(options: JanusServerOptions = {}): Promise<JanusServer> {
  const executable = janusExecutable();
  if (!executable) throw new Error(NO_JANUS);
  const apiSecret = options.withoutApiSecret ? '' : randomBytes(24).toString('hex');
  const wsPort = await freeTcpPort();
  const rtpPorts = await freeUdpRange(RTP_RANGE_SIZE);
  const directory = mkdtempSync(join(tmpdir(), 'meshcall-janus-'));
  writeTestConfig(directory, {
    apiSecret,
    wsPort,
    rtpPorts,
    sessionTimeoutSeconds: options.sessionTimeoutSeconds,
  });
  const url = `ws://127.0.0.1:${wsPort}`;

  let child: ChildProcess | null = null;
  let log = '';
  const launch = async () => {
    log = '';
    const started = spawn(executable, ['-F', directory, '--disable-colors'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await waitForApi(url, started, () => log);
  };
  const halt = async (signal: NodeJS.Signals) => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGCONT');
    running.kill(signal);
    const lingering = setTimeout(() => running.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(lingering);
  };

  await launch().catch((error: unknown) => {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  });
  return {
    url,
    apiSecret,
    rtpPorts,
    output: () => log,
    pid: () => child?.pid ?? null,
    kill: () => halt('SIGKILL'),
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async restart() {
      await halt('SIGTERM');
      await launch();
    },
    async stop() {
      await halt('SIGTERM');
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

interface TestSettings {
  apiSecret: string;
  wsPort: number;
  rtpPorts: { min: number; max: number };
  sessionTimeoutSeconds: number | undefined;
}

/** Copies deploy/janus/ into `directory`, changing only what a test needs. */
function writeTestConfig(directory: string, settings: TestSettings): void {
  for (const file of CONFIG_FILES) {
    let text = readFileSync(join(DEPLOY_DIR, file), 'utf8');
    if (file === 'janus.jcfg') {
      if (settings.apiSecret) {
        text = replaceSetting(text, 'api_secret', JSON.stringify(settings.apiSecret), true);
      }
      text = replaceSetting(
        text,
        'rtp_port_range',
        `"${settings.rtpPorts.min}-${settings.rtpPorts.max}"`,
      );
      // No ice_enforce_list: Janus never gathers on loopback interfaces, and enforcing "lo"
      // leaves it no address, so libnice falls back to every interface (IPv6 link-local too).
      // As shipped it offers this machine's own IPv4 addresses, which traffic never leaves.
      if (settings.sessionTimeoutSeconds !== undefined) {
        text = replaceSetting(text, 'session_timeout', String(settings.sessionTimeoutSeconds));
      }
      text = replaceSetting(text, 'debug_level', process.env.JANUS_DEBUG_LEVEL ?? '3');
    }
    if (file === 'janus.transport.websockets.jcfg') {
      text = replaceSetting(text, 'ws_port', String(settings.wsPort));
    }
    writeFileSync(join(directory, file), text, { mode: 0o600 });
  }
}

/**
 * Sets `name = value` on the line that holds it (commented out or not), so the test config stays
 * the shipped one. Throws if the shipped file no longer has that line.
 */
function replaceSetting(text: string, name: string, value: string, uncomment = false): string {
  const pattern = new RegExp(`^(\\s*)${uncomment ? '#?' : ''}${name}\\s*=.*$`, 'm');
  if (!pattern.test(text)) throw new Error(`deploy/janus has no ${name} setting to replace`);
  return text.replace(pattern, (_line, indent: string) => `${indent}${name} = ${value}`);
}

/** Waits until Janus answers an `info` request on its WebSocket API. */
async function waitForApi(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`janus exited early:\n${log()}`);
    }
    if (await answersInfo(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`janus did not answer on ${url}:\n${log()}`);
}

function answersInfo(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'janus-protocol');
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), 2_000);
    socket.on('open', () => socket.send(JSON.stringify({ janus: 'info', transaction: 'ready' })));
    socket.on('message', (data: WebSocket.RawData) => {
      done(String(data).includes('"server_info"'));
    });
    socket.on('error', () => done(false));
  });
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/**
 * A block of UDP ports that are all free now, below Linux's ephemeral range (32768+) so that the
 * browsers' own sockets do not land in it. Random, so two test runs rarely pick the same block.
 */
async function freeUdpRange(size: number): Promise<{ min: number; max: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const min = 20_000 + Math.floor(Math.random() * ((32_000 - 20_000 - size) / size)) * size;
    const max = min + size - 1;
    if (await udpPortsFree(min, max)) return { min, max };
  }
  throw new Error('found no free block of UDP ports for Janus');
}

async function udpPortsFree(min: number, max: number): Promise<boolean> {
  for (let port = min; port <= max; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}
