/**
 * The benchmark's load generator, in its own process (forked by `run.ts`, driven over IPC). It
 * simulates pairs of peers that join a room, exchange offer, answer and candidates of realistic
 * sizes, and leave, against either our server or the bare `ws` relay, with identical frames.
 */
import WebSocket from 'ws';
import { roomIdFromIndex } from '../../lib/room-id';
import { SIGNALING_SUBPROTOCOL } from '../../lib/signaling/protocol';
import { percentile } from '../../tests/support/report';
import type { ServerKind } from '../../tests/support/servers/server-process';

export type GeneratorJob =
  | {
      type: 'throughput';
      kind: ServerKind;
      urls: string[];
      pairs: number;
      /** Messages each sender keeps in flight. */
      window: number;
      warmupMs: number;
      measureMs: number;
    }
  | {
      type: 'latency';
      kind: ServerKind;
      urls: string[];
      pairs: number;
      /** Messages per second, in all, sent at a steady pace. */
      rate: number;
      warmupMs: number;
      measureMs: number;
    }
  | { type: 'idle'; kind: ServerKind; urls: string[]; sockets: number; roomSize: number }
  | { type: 'release' };

export type GeneratorResult =
  | { type: 'throughput'; messages: number; seconds: number; perSecond: number }
  | {
      type: 'latency';
      messages: number;
      perSecond: number;
      p50Ms: number;
      p99Ms: number;
      maxMs: number;
    }
  | { type: 'idle'; opened: number }
  | { type: 'released' }
  | { type: 'failed'; error: string };

/** Spread over loopback addresses, so that each stays under the default per-address limit. */
const SOCKETS_PER_ADDRESS = 50;
/** How long a released idle socket may take to close before it is cut. */
const RELEASE_GRACE_MS = 10_000;
const MEDIA = { audio: true, video: true, screen: null };
/** The size of a Chromium offer with audio and video (~6 KB), and of a typical candidate. */
const SDP_BODY = 'v=0\\r\\n'.padEnd(6_000, 'a');
const CANDIDATE_BODY =
  ' 1 udp 1677729535 192.0.2.10 54321 typ srflx raddr 0.0.0.0 rport 0 generation 0';
/** Of every 22 messages, an offer, an answer and 20 candidates: one negotiation's worth. */
const CYCLE = 22;
const SEQ_MARK = '~~';

interface Endpoint {
  socket: WebSocket;
  /** The peer id others address it by (our server), or the pair (the bare relay). */
  peerId: string;
}

/** One simulated pair: each side sends to the other; `frame` builds a frame with a sequence number. */
class Pair {
  sent = 0;
  inFlight = [0, 0];
  constructor(
    readonly sides: [Endpoint, Endpoint],
    private readonly kind: ServerKind,
  ) {}

  frame(from: 0 | 1, seq: number): string {
    const to = this.sides[from === 0 ? 1 : 0].peerId;
    const marked = `${SEQ_MARK}${String(seq).padStart(10, '0')}${SEQ_MARK}`;
    const position = seq % CYCLE;
    if (position === 0 || position === 11) {
      const type = position === 0 ? 'offer' : 'answer';
      return `{"type":"description","to":"${to}","description":{"type":"${type}","sdp":"${marked}${SDP_BODY}"}}`;
    }
    return `{"type":"candidate","to":"${to}","candidate":{"candidate":"candidate:${marked}${CANDIDATE_BODY}","sdpMid":"0","sdpMLineIndex":0}}`;
  }

  leave(): void {
    for (const side of this.sides) {
      if (this.kind === 'meshcall') side.socket.send('{"type":"leave"}');
      side.socket.close(1000);
    }
  }
}

function localAddress(index: number): string {
  const n = Math.floor(index / SOCKETS_PER_ADDRESS);
  return `127.0.${1 + Math.floor(n / 250)}.${2 + (n % 250)}`;
}

function open(url: string, socketIndex: number): Promise<WebSocket> {
  const origin = new URL(url.replace(/^ws/, 'http')).origin;
  const socket = new WebSocket(url, SIGNALING_SUBPROTOCOL, {
    origin,
    localAddress: localAddress(socketIndex),
    // An all-zero mask lets ws skip masking each frame in JavaScript (Node 20 has no native
    // helper): the generator's time goes to driving the server, which unmasks as usual.
    generateMask: (mask: Buffer) => mask.fill(0),
  });
  socket.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`upgrade refused: HTTP ${response.statusCode}`)),
    );
  });
}

/** Opens a socket and joins `room` on our server; resolves with the peer id it got. */
async function joinRoom(url: string, socketIndex: number, room: string): Promise<Endpoint> {
  const socket = await open(url, socketIndex);
  const peerId = await new Promise<string>((resolve, reject) => {
    socket.once('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; peerId?: string };
      if (message.type === 'joined' && message.peerId) resolve(message.peerId);
      else reject(new Error(`expected joined, got ${data.toString().slice(0, 200)}`));
    });
    socket.once('close', (code) => reject(new Error(`socket closed (${code}) before joined`)));
    socket.send(JSON.stringify({ type: 'join', roomId: room, name: 'Bench', media: MEDIA }));
  });
  // Drop peer-joined and the like: the benchmark only counts relayed signals.
  return { socket, peerId };
}

/**
 * Where socket `index` connects: with one server, there; with several (processes that share rooms),
 * round-robin, so the two sides of a pair are on different servers.
 */
function urlFor(urls: readonly string[], index: number): string {
  return urls[index % urls.length]!;
}

async function openPairs(kind: ServerKind, urls: string[], pairs: number): Promise<Pair[]> {
  const opened: Pair[] = [];
  for (let i = 0; i < pairs; i++) {
    if (kind === 'meshcall') {
      const room = roomIdFromIndex(i);
      const first = await joinRoom(urlFor(urls, 2 * i), 2 * i, room);
      const second = await joinRoom(urlFor(urls, 2 * i + 1), 2 * i + 1, room);
      opened.push(new Pair([first, second], kind));
    } else {
      const first = await open(`${urlFor(urls, 2 * i)}?pair=${i}`, 2 * i);
      const second = await open(`${urlFor(urls, 2 * i + 1)}?pair=${i}`, 2 * i + 1);
      opened.push(
        new Pair(
          [
            { socket: first, peerId: 'AAAAAAAAAAAA' },
            { socket: second, peerId: 'AAAAAAAAAAAA' },
          ],
          kind,
        ),
      );
    }
  }
  return opened;
}

/** Whether a received frame is a relayed signal (and not `peer-joined` or the like). */
function isSignal(data: Buffer): boolean {
  // `{"type":"d…` or `{"type":"c…`: the ninth byte tells description and candidate apart.
  const kind = data[9];
  return kind === 0x64 || kind === 0x63;
}

function readSeq(data: Buffer): number {
  const at = data.indexOf(SEQ_MARK);
  return at < 0 ? -1 : Number(data.toString('latin1', at + 2, at + 12));
}

async function throughput(job: Extract<GeneratorJob, { type: 'throughput' }>) {
  const pairs = await openPairs(job.kind, job.urls, job.pairs);
  let received = 0;
  let counting = false;
  for (const pair of pairs) {
    for (const from of [0, 1] as const) {
      const sender = pair.sides[from].socket;
      const receiver = pair.sides[from === 0 ? 1 : 0].socket;
      const pump = () => {
        while (pair.inFlight[from]! < job.window) {
          pair.inFlight[from]!++;
          sender.send(pair.frame(from, pair.sent++));
        }
      };
      receiver.on('message', (data: Buffer) => {
        if (!isSignal(data)) return;
        if (counting) received++;
        pair.inFlight[from]!--;
        pump();
      });
      pump();
    }
  }
  await delay(job.warmupMs);
  counting = true;
  const started = performance.now();
  await delay(job.measureMs);
  counting = false;
  const seconds = (performance.now() - started) / 1000;
  for (const pair of pairs) pair.leave();
  return {
    type: 'throughput' as const,
    messages: received,
    seconds,
    perSecond: received / seconds,
  };
}

async function latency(job: Extract<GeneratorJob, { type: 'latency' }>) {
  const pairs = await openPairs(job.kind, job.urls, job.pairs);
  const ring = 1 << 20;
  const sentAt = new Float64Array(ring);
  const samples: number[] = [];
  let measuring = false;
  let seq = 0;
  for (const pair of pairs) {
    for (const side of pair.sides) {
      side.socket.on('message', (data: Buffer) => {
        if (!isSignal(data)) return;
        const at = readSeq(data);
        if (measuring && at >= 0) samples.push(performance.now() - sentAt[at % ring]!);
      });
    }
  }
  // Open loop: messages leave at the target rate whatever the answers do, round-robin over senders.
  const senders = pairs.flatMap((pair) => [0, 1].map((from) => ({ pair, from: from as 0 | 1 })));
  const started = performance.now();
  let next = 0;
  /** Messages due so far, sent or given up. */
  let scheduled = 0;
  const ticker = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * job.rate);
    // A generator starved of CPU (a busy machine) gives up what is more than a second overdue
    // rather than catching up on all of it, which could outlast the job's deadline: it then
    // delivers less than asked, which the benchmark reports as falling behind.
    scheduled = Math.max(scheduled, due - job.rate);
    while (scheduled < due) {
      scheduled++;
      const sender = senders[next++ % senders.length]!;
      sentAt[seq % ring] = performance.now();
      sender.pair.sides[sender.from].socket.send(sender.pair.frame(sender.from, seq));
      seq++;
    }
  }, 1);
  await delay(job.warmupMs);
  measuring = true;
  const measureStart = performance.now();
  await delay(job.measureMs);
  measuring = false;
  const seconds = (performance.now() - measureStart) / 1000;
  clearInterval(ticker);
  for (const pair of pairs) pair.leave();
  return {
    type: 'latency' as const,
    messages: samples.length,
    perSecond: samples.length / seconds,
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
    maxMs: percentile(samples, 100),
  };
}

let idleSockets: WebSocket[] = [];
/** Joined idle sockets say they are alive every 5 s, as a page does (the protocol asks for it). */
const IDLE_PING_MS = 5_000;
let idlePings: NodeJS.Timeout | undefined;

async function idle(job: Extract<GeneratorJob, { type: 'idle' }>) {
  // A crowd arriving: a few hundred handshakes in flight at a time.
  const batch = 250;
  for (let start = 0; start < job.sockets; start += batch) {
    const indexes = Array.from(
      { length: Math.min(batch, job.sockets - start) },
      (_, i) => start + i,
    );
    const opened = await Promise.all(
      indexes.map(async (index) => {
        const url = urlFor(job.urls, index);
        if (job.kind === 'bare-ws') return open(`${url}?pair=${index >> 1}`, index);
        const endpoint = await joinRoom(
          url,
          index,
          roomIdFromIndex(Math.floor(index / job.roomSize)),
        );
        return endpoint.socket;
      }),
    );
    idleSockets.push(...opened);
    if (job.kind === 'meshcall') idlePings ??= setInterval(pingIdleSockets, IDLE_PING_MS);
  }
  return { type: 'idle' as const, opened: idleSockets.length };
}

function pingIdleSockets() {
  const ping = JSON.stringify({ type: 'ping' });
  for (const socket of idleSockets) if (socket.readyState === WebSocket.OPEN) socket.send(ping);
}

async function release() {
  clearInterval(idlePings);
  idlePings = undefined;
  await Promise.all(
    idleSockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          // One the server closed already (a heartbeat it judged missed) has no close to come.
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.close(1000);
          // A close handshake a busy server does not finish in time is cut, as a browser would.
          setTimeout(() => socket.terminate(), RELEASE_GRACE_MS).unref();
        }),
    ),
  );
  idleSockets = [];
  return { type: 'released' as const };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

process.on('message', (job: GeneratorJob) => {
  const run = (): Promise<GeneratorResult> => {
    switch (job.type) {
      case 'throughput':
        return throughput(job);
      case 'latency':
        return latency(job);
      case 'idle':
        return idle(job);
      case 'release':
        return release();
    }
  };
  run()
    .catch((error: unknown): GeneratorResult => ({ type: 'failed', error: String(error) }))
    .then((result) => process.send?.(result));
});
