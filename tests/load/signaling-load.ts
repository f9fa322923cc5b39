/**
 * Load test: thousands of sockets in hundreds of rooms joining, signaling, leaving and resuming
 * against the real signaling server in its own process, for a bounded time, on loopback only.
 * Afterwards no room, peer or connection may be left, and the memory growth is printed.
 *
 *   npm run test:load -- [--duration 60] [--sockets 2000] [--rooms 500]
 *   npm run test:load -- --shared 3     # 3 processes sharing rooms through a redis-server
 *
 * In the shared mode each socket starts on one process and resumes on the next after a drop, and
 * afterwards no key may be left in Redis either.
 * Exits non-zero on any unexpected error, refused socket or leak.
 */
import { parseArgs } from 'node:util';
import { createClient } from '@redis/client';
import { percentile } from '../support/report';
import { startRedisServer, type RedisServer } from '../support/redis-server';
import { startServerProcess, type ServerProcess } from '../support/servers/server-process';
import WebSocket from 'ws';
import { roomIdFromIndex } from '../../lib/room-id';
import {
  SIGNALING_SUBPROTOCOL,
  type ClientMessage,
  type ServerMessage,
} from '../../lib/signaling/protocol';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: process.env.LOAD_DURATION_S ?? '60' },
    sockets: { type: 'string', default: '2000' },
    rooms: { type: 'string', default: '500' },
    shared: { type: 'string', default: '0' },
  },
});
const SHARED = Number(args.shared);
const DURATION_MS = Number(args.duration) * 1000;
const SOCKETS = Number(args.sockets);
const ROOMS = Number(args.rooms);
/** Client addresses on loopback, so that the default per-address limit (50) applies as it would. */
const ADDRESSES = Math.ceil(SOCKETS / 40);
const MEDIA = { audio: true, video: true, screen: null };
/** Share of cycles that end with a dropped socket and a resume instead of a `leave`. */
const DROP_SHARE = Number(process.env.DROP_SHARE ?? 0.02);

interface Tally {
  joins: number;
  resumes: number;
  leaves: number;
  signals: number;
  /** Refusals that honest races explain: a roommate that left just as we wrote to it. */
  races: number;
  errors: Map<string, number>;
  /** Milliseconds from sending `join` to receiving `joined`. */
  joinLatencies: number[];
}

const tally: Tally = {
  joins: 0,
  resumes: 0,
  leaves: 0,
  signals: 0,
  races: 0,
  errors: new Map(),
  joinLatencies: [],
};
const fail = (what: string) => tally.errors.set(what, (tally.errors.get(what) ?? 0) + 1);
const pause = (min: number, max: number) =>
  new Promise((resolve) => setTimeout(resolve, min + Math.random() * (max - min)));

/** One browser's signaling, scripted: it handles every message in the order it arrives. */
class SimulatedPeer {
  private socket!: WebSocket;
  private resumeToken: string | undefined;
  private readonly roommates = new Set<string>();
  private onJoined: ((message: Extract<ServerMessage, { type: 'joined' }>) => void) | null = null;
  private dropping = false;

  private attempt = 0;

  constructor(
    /** The processes it may reach; it starts on the first and moves on after each drop. */
    private readonly urls: readonly string[],
    private readonly room: string,
    private readonly localAddress: string,
  ) {}

  async connect(): Promise<void> {
    const url = this.urls[this.attempt++ % this.urls.length]!;
    const origin = new URL(url.replace(/^ws/, 'http')).origin;
    const socket = new WebSocket(url, SIGNALING_SUBPROTOCOL, {
      origin,
      localAddress: this.localAddress,
    });
    this.socket = socket;
    socket.on('message', (data) => this.observe(JSON.parse(data.toString()) as ServerMessage));
    socket.on('close', (code) => {
      if (code !== 1000 && code !== 1005 && socket === this.socket && !this.dropping) {
        fail(`socket closed by the server (${code})`);
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
  }

  private send(message: ClientMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  private observe(message: ServerMessage): void {
    switch (message.type) {
      case 'joined':
        this.roommates.clear();
        for (const peer of message.peers) this.roommates.add(peer.peerId);
        this.onJoined?.(message);
        return;
      case 'peer-joined':
        this.roommates.add(message.peer.peerId);
        return;
      case 'peer-left':
        this.roommates.delete(message.peerId);
        return;
      case 'error':
        if (message.code === 'unknown-peer') tally.races++;
        else fail(`error ${message.code}`);
        return;
      default:
        return;
    }
  }

  private join(): Promise<Extract<ServerMessage, { type: 'joined' }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no "joined" within 30 s')), 30_000);
      const sentAt = performance.now();
      this.onJoined = (message) => {
        tally.joinLatencies.push(performance.now() - sentAt);
        clearTimeout(timer);
        this.onJoined = null;
        resolve(message);
      };
      this.send({
        type: 'join',
        roomId: this.room,
        name: 'Load',
        media: MEDIA,
        resumeToken: this.resumeToken,
      });
    });
  }

  async run(until: number): Promise<void> {
    while (Date.now() < until) {
      const joined = await this.join();
      if (joined.resumed) tally.resumes++;
      else tally.joins++;
      this.resumeToken = joined.resumeToken;

      // Signal to each roommate as a newcomer would: an offer and a few candidates.
      for (const to of this.roommates) {
        this.send({ type: 'description', to, description: { type: 'offer', sdp: OFFER } });
        for (let i = 0; i < 3; i++) this.send({ type: 'candidate', to, candidate: CANDIDATE });
        tally.signals += 4;
      }
      await pause(1_000, 3_000);
      if (Date.now() >= until) break;

      if (Math.random() < DROP_SHARE) {
        // The network drops: a new socket presents the resume token.
        this.dropping = true;
        const closed = new Promise((resolve) => this.socket.once('close', resolve));
        this.socket.terminate();
        await closed;
        this.dropping = false;
        await this.connect();
      } else {
        this.send({ type: 'leave' });
        this.resumeToken = undefined;
        tally.leaves++;
        await pause(200, 1_000);
      }
    }
  }

  async close(): Promise<void> {
    // One the server closed already will not say so again.
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.close(1000);
    await closed;
  }
}

const OFFER = 'v=0\r\n'.padEnd(6_000, 'a');
const CANDIDATE = {
  candidate:
    'candidate:842163049 1 udp 1677729535 192.0.2.10 54321 typ srflx raddr 0.0.0.0 rport 0',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

/** The processes under test, read as one. */
class Servers {
  constructor(readonly list: ServerProcess[]) {}
  async metrics(): Promise<Map<string, number>> {
    const total = new Map<string, number>();
    for (const metrics of await Promise.all(this.list.map((server) => server.metrics()))) {
      for (const [name, value] of metrics) total.set(name, (total.get(name) ?? 0) + value);
    }
    return total;
  }
  async memory(): Promise<{ rss: number; heapUsed: number }> {
    const readings = await Promise.all(this.list.map((server) => server.memory()));
    return {
      rss: readings.reduce((sum, reading) => sum + reading.rss, 0),
      heapUsed: readings.reduce((sum, reading) => sum + reading.heapUsed, 0),
    };
  }
  async cpuMicros(): Promise<number> {
    const readings = await Promise.all(this.list.map((server) => server.cpuMicros()));
    return readings.reduce((sum, reading) => sum + reading, 0);
  }
  output(): string {
    return this.list.map((server) => server.output()).join('\n');
  }
  async stop(): Promise<void> {
    await Promise.all(this.list.map((server) => server.stop()));
  }
}

async function redisKeys(redis: RedisServer): Promise<string[]> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    return await client.keys('*');
  } finally {
    client.destroy();
  }
}

async function main(): Promise<void> {
  // Default limits throughout (40 sockets per client address stay under MAX_CONNECTIONS_PER_IP),
  // but a slower heartbeat and a longer page-silence limit: a browser answers pings in its
  // network stack and pings from its own event loop, while here 2,000 simulated browsers do both
  // from one event loop, which a shared machine can starve for longer than 15 s (a peer waiting
  // that long to read its `joined` was taken for a frozen page and dropped).
  const redis = SHARED > 0 ? await startRedisServer() : null;
  const env: Record<string, string> = {
    HEARTBEAT_INTERVAL_MS: '15000',
    PAGE_SILENCE_LIMIT_MS: '60000',
  };
  if (redis) env.REDIS_URL = redis.url;
  const server = new Servers(
    await Promise.all(
      Array.from({ length: Math.max(1, SHARED) }, () => startServerProcess('meshcall', env)),
    ),
  );
  const urls = server.list.map((process) => process.url);
  const failures: string[] = [];
  let keysLeft: string[] = [];
  try {
    const before = await server.memory();
    const started = Date.now();
    const peers: SimulatedPeer[] = [];
    for (let i = 0; i < SOCKETS; i++) {
      const address = `127.0.0.${2 + (i % ADDRESSES)}`;
      const rotated = [...urls.slice(i % urls.length), ...urls.slice(0, i % urls.length)];
      peers.push(new SimulatedPeer(rotated, roomIdFromIndex(i % ROOMS), address));
    }
    // Open in batches, as a crowd would arrive, not all in one tick.
    for (let i = 0; i < peers.length; i += 100) {
      await Promise.all(peers.slice(i, i + 100).map((peer) => peer.connect()));
    }
    const connected = await server.metrics();
    const held = connected.get('meshcall_connections') ?? 0;
    const openedMs = Date.now() - started;

    const loadStart = Date.now();
    const serverCpuStart = await server.cpuMicros();
    const ownCpuStart = process.cpuUsage();
    const until = loadStart + DURATION_MS;
    let peak = held;
    const sampler = setInterval(() => {
      server
        .metrics()
        .then((metrics) => (peak = Math.max(peak, metrics.get('meshcall_connections') ?? 0)))
        .catch(() => undefined);
    }, 1_000);
    try {
      await Promise.all(peers.map((peer) => peer.run(until)));
    } finally {
      clearInterval(sampler);
    }
    const loadSeconds = (Date.now() - loadStart) / 1000;
    const serverCpu = (await server.cpuMicros()) - serverCpuStart;
    const ownCpuUsage = process.cpuUsage(ownCpuStart);
    const ownCpu = ownCpuUsage.user + ownCpuUsage.system;
    const during = await server.memory();

    await Promise.all(peers.map((peer) => peer.close()));
    // Peers that dropped rather than left hold their place for RESUME_GRACE_MS, then go.
    let metrics = await server.metrics();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && leftover(metrics) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      metrics = await server.metrics();
    }
    const after = await server.memory();

    const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    const rows: [string, string][] = [
      ['sockets opened / held at start', `${SOCKETS} / ${held} (in ${openedMs} ms)`],
      ['peak sockets held', String(peak)],
      ['rooms', String(ROOMS)],
      ['duration', `${loadSeconds.toFixed(1)} s`],
      ['joins', `${tally.joins} (${(tally.joins / loadSeconds).toFixed(0)}/s)`],
      ['leaves', `${tally.leaves} (${(tally.leaves / loadSeconds).toFixed(0)}/s)`],
      ['resumes after a dropped socket', String(tally.resumes)],
      [
        'join round trip p50 / p99',
        `${percentile(tally.joinLatencies, 50).toFixed(1)} ms / ${percentile(tally.joinLatencies, 99).toFixed(1)} ms`,
      ],
      [
        'CPU: server / load generator',
        `${(serverCpu / 1e4 / loadSeconds).toFixed(0)}% / ${(ownCpu / 1e4 / loadSeconds).toFixed(0)}% of a core`,
      ],
      ['signals sent', `${tally.signals} (${(tally.signals / loadSeconds).toFixed(0)}/s)`],
      ['relayed (server)', String(metrics.get('meshcall_messages_relayed_total'))],
      ['unknown-peer races', String(tally.races)],
      ['errors', tally.errors.size === 0 ? '0' : JSON.stringify(Object.fromEntries(tally.errors))],
      [
        'server RSS before / under load / after',
        `${mib(before.rss)} / ${mib(during.rss)} / ${mib(after.rss)}`,
      ],
      ['server heap before / after', `${mib(before.heapUsed)} / ${mib(after.heapUsed)}`],
      ['processes', SHARED > 0 ? `${SHARED}, sharing rooms through Redis` : '1, rooms in memory'],
      [
        'rooms / peers / connections / awaiting resume after',
        [
          'meshcall_rooms',
          'meshcall_peers',
          'meshcall_connections',
          'meshcall_peers_awaiting_resume',
        ]
          .map((name) => metrics.get(name))
          .join(' / '),
      ],
    ];
    if (redis) {
      // Room keys go as rooms empty; each process's own keys go when it stops with nothing held.
      await server.stop();
      keysLeft = await redisKeys(redis);
      rows.push(['Redis keys left after the processes stopped', String(keysLeft.length)]);
      if (keysLeft.length > 0)
        failures.push(`Redis keys left: ${keysLeft.slice(0, 10).join(', ')}`);
    }
    console.log(
      `\nSignaling load test${SHARED > 0 ? ` (shared: ${SHARED} processes, one Redis)` : ''}`,
    );
    for (const [name, value] of rows) console.log(`  ${name.padEnd(52)} ${value}`);

    if (held !== SOCKETS) failures.push(`held ${held} sockets, not ${SOCKETS}`);
    if (tally.errors.size > 0)
      failures.push(`errors: ${JSON.stringify(Object.fromEntries(tally.errors))}`);
    if (leftover(metrics) > 0) failures.push('rooms, peers or connections left after the load');
    if (tally.joins < SOCKETS) failures.push(`only ${tally.joins} joins`);
    // Everything is gone, so the heap should be back near where it started.
    if (after.heapUsed - before.heapUsed > 32 * 1024 * 1024)
      failures.push('heap grew by more than 32 MiB');
  } catch (error) {
    console.error(`Server output:\n${server.output()}`);
    console.error(
      `Tally so far: ${JSON.stringify({ ...tally, errors: Object.fromEntries(tally.errors) })}`,
    );
    throw error;
  } finally {
    await server.stop().catch(() => undefined);
    await redis?.stop();
  }
  if (failures.length > 0) {
    console.error(`\nLoad test FAILED:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
  console.log('\nLoad test passed.');
}

function leftover(metrics: Map<string, number>): number {
  return [
    'meshcall_rooms',
    'meshcall_peers',
    'meshcall_connections',
    'meshcall_peers_awaiting_resume',
  ]
    .map((name) => metrics.get(name) ?? 0)
    .reduce((sum, value) => sum + value, 0);
}

await main();
