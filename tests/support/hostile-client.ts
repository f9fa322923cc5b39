/**
 * The attacks of a hostile client, each over real sockets against a running server, each returning
 * what the attacker saw. The figures on the server's side (descriptors, memory, log bytes) are the
 * caller's to read, from /proc and the server's output: see `tests/hostile/reproduce.ts` and
 * `e2e/hostile.spec.ts`. Nothing here needs a browser.
 */
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { roomIdFromIndex } from '../../lib/room-id';
import { LIMITS, SIGNALING_SUBPROTOCOL, type ServerMessage } from '../../lib/signaling/protocol';

export interface Target {
  /** `http://127.0.0.1:PORT` */
  url: string;
}

const wsUrl = (target: Target) => `${target.url.replace(/^http/, 'ws')}/ws`;
const hostAndPort = (target: Target) => {
  const url = new URL(target.url);
  return { host: url.hostname, port: Number(url.port) };
};

/** Room ids for the attacks: high indexes, far from any a test's call uses. */
export function attackRoom(index: number): string {
  return roomIdFromIndex(32 ** 10 + index);
}

/**
 * Asks for `path` over a connection of its own: a pooled one would hide a server that accepts no
 * more connections. `from` is the loopback address to connect from (another address than the
 * attacker's is another client to the server's per-address limits; on Linux all of 127/8 is
 * loopback). Resolves with "200 in 3 ms",
 * or with why there was no answer.
 */
export function requestOnNewConnection(
  target: Target,
  path: string,
  from?: string,
): Promise<string> {
  const started = Date.now();
  return new Promise((resolve) => {
    const options = { agent: false, timeout: 3_000, localAddress: from };
    const request = get(`${target.url}${path}`, options, (response) => {
      response.resume();
      response.on('end', () => resolve(`${response.statusCode} in ${Date.now() - started} ms`));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => resolve(`no answer (${error.message})`));
  });
}

/** One unlabelled sample from the server's `/metrics`. */
export async function metric(target: Target, name: string): Promise<number> {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

// ------------------------------------------------------------------------------------------------
// Finding 1: upgrades that nobody answers, and headers that never end
// ------------------------------------------------------------------------------------------------

export interface RawRequestOutcome {
  /** Requests the server answered with a status line before `waitMs`. */
  answered: number;
  /** Requests whose connection the server closed, answered or not. */
  closedByServer: number;
  /** Status codes seen, by code. */
  statuses: Record<string, number>;
}

/**
 * Opens `count` TCP connections at once, writes `request` on each and waits up to `waitMs` for
 * the server to answer or close. Then the client closes its side of every connection that is left.
 */
export async function rawRequests(
  target: Target,
  request: string,
  count: number,
  waitMs: number,
): Promise<RawRequestOutcome> {
  const outcome: RawRequestOutcome = { answered: 0, closedByServer: 0, statuses: {} };
  const sockets: Socket[] = [];
  const settled = Array.from({ length: count }, () => {
    return new Promise<void>((resolve) => {
      const socket = connect(hostAndPort(target));
      sockets.push(socket);
      let answered = false;
      let received = '';
      const timer = setTimeout(resolve, waitMs);
      socket.setEncoding('latin1');
      socket.on('connect', () => socket.write(request));
      socket.on('data', (chunk: string) => {
        received += chunk;
        const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
        if (status && !answered) {
          answered = true;
          outcome.answered++;
          outcome.statuses[status] = (outcome.statuses[status] ?? 0) + 1;
        }
      });
      socket.on('error', () => undefined);
      // The client closes only after `waitMs`: a close before that is the server's doing.
      socket.on('close', () => {
        outcome.closedByServer++;
        clearTimeout(timer);
        resolve();
      });
    });
  });
  await Promise.all(settled);
  for (const socket of sockets) socket.removeAllListeners('close').destroy();
  return outcome;
}

/** An upgrade to a path that is not `/ws`, as `curl -H 'Connection: Upgrade' -H 'Upgrade: x'`. */
export function foreignUpgrade(target: Target, path = '/x'): string {
  const { host, port } = hostAndPort(target);
  return `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\n`;
}

/** The start of an upgrade whose headers never end (slowloris). */
export function unfinishedUpgrade(target: Target): string {
  const { host, port } = hostAndPort(target);
  return `GET /ws HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nX-Slow: `;
}

// ------------------------------------------------------------------------------------------------
// WebSocket helpers
// ------------------------------------------------------------------------------------------------

interface Client {
  socket: WebSocket;
  messages: ServerMessage[];
  next<T extends ServerMessage['type']>(
    type: T,
    timeoutMs?: number,
  ): Promise<Extract<ServerMessage, { type: T }>>;
  closed: Promise<number>;
}

/** Opens a socket from the server's own origin; rejects with the HTTP status if refused. */
export function openClient(target: Target): Promise<Client> {
  const socket = new WebSocket(wsUrl(target), SIGNALING_SUBPROTOCOL, { origin: target.url });
  const messages: ServerMessage[] = [];
  const waiters: { type: string; resolve: (message: ServerMessage) => void }[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    const index = waiters.findIndex((waiter) => waiter.type === message.type);
    if (index >= 0) waiters.splice(index, 1)[0]?.resolve(message);
    else messages.push(message);
  });
  const closed = new Promise<number>((resolve) => socket.on('close', resolve));
  const client: Client = {
    socket,
    messages,
    closed,
    next(type, timeoutMs = 5_000) {
      const index = messages.findIndex((message) => message.type === type);
      if (index >= 0) return Promise.resolve(messages.splice(index, 1)[0] as never);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type}`)), timeoutMs);
        waiters.push({
          type,
          resolve: (message) => {
            clearTimeout(timer);
            resolve(message as never);
          },
        });
        void closed.then(() => reject(new Error(`socket closed before ${type}`)));
      });
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => {
      reject(new Error(`HTTP ${response.statusCode}`));
      response.resume();
      socket.terminate();
    });
  });
}

const MEDIA = { audio: false, video: false, screen: null };

async function joinRoom(target: Target, roomId: string, name: string) {
  const client = await openClient(target);
  client.socket.send(JSON.stringify({ type: 'join', roomId, name, media: MEDIA }));
  const joined = await client.next('joined');
  return { client, joined };
}

// ------------------------------------------------------------------------------------------------
// Finding 2: peers held for resume, and the bytes held for them
// ------------------------------------------------------------------------------------------------

export interface HeldPeersOutcome {
  /** Peers that joined and then dropped their socket without a close frame. */
  held: number;
  /** Upgrades refused (HTTP 429 or 503) along the way. */
  refused: number;
}

/**
 * From one address, joins `count` peers (six to a room) and drops each socket as soon as it has
 * joined, `concurrency` at a time: every one of them is held for its resume grace.
 */
export async function dropJoinedPeers(
  target: Target,
  count: number,
  concurrency = 25,
): Promise<HeldPeersOutcome> {
  const outcome: HeldPeersOutcome = { held: 0, refused: 0 };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      try {
        const { client } = await joinRoom(target, attackRoom(1000 + Math.floor(index / 6)), 'x');
        client.socket.terminate();
        await client.closed;
        outcome.held++;
      } catch {
        outcome.refused++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcome;
}

export interface HeldBytesOutcome {
  /** Answers sent to the away peers, and their total SDP bytes. */
  sent: number;
  bytes: number;
  /** How the attacker's socket ended, if the server closed it. */
  closeCode: number | null;
  /** Closes the attacker's socket, which the flood leaves open. */
  stop(): Promise<void>;
}

/**
 * Three peers join a room and drop their sockets; a fourth sends `answers` answers with a 48 KiB
 * SDP to them in turn, as fast as the rate limit lets through. Every one is held for the away
 * peers until they resume or their grace ends.
 */
export async function floodAwayPeers(
  target: Target,
  answers = 765,
  roomIndex = 2000,
): Promise<HeldBytesOutcome> {
  const roomId = attackRoom(roomIndex);
  for (let i = 0; i < 3; i++) {
    const { client } = await joinRoom(target, roomId, `away ${i}`);
    client.socket.terminate();
    await client.closed;
  }
  const { client, joined } = await joinRoom(target, roomId, 'flooder');
  const away = joined.peers.map((peer) => peer.peerId);
  // Distinct SDPs, so that nothing on the way can share one string among them.
  const body = 'a'.repeat(LIMITS.maxSdpLength - 16);
  let sent = 0;
  let bytes = 0;
  let closeCode: number | null = null;
  void client.closed.then((code) => (closeCode = code));
  while (sent < answers && closeCode === null && away.length > 0) {
    // Stay under the rate limit: a burst, then wait for the server to catch up with a ping.
    for (let i = 0; i < 50 && sent < answers; i++, sent++) {
      const sdp = `${String(sent).padStart(12, '0')}${body}`;
      bytes += sdp.length;
      client.socket.send(
        JSON.stringify({
          type: 'description',
          to: away[sent % away.length],
          description: { type: 'answer', sdp },
        }),
      );
    }
    client.socket.send(JSON.stringify({ type: 'ping' }));
    await client.next('pong', 10_000).catch(() => undefined);
    // 50 frames per half second keeps the socket at 100/s, its sustained rate.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const stop = async () => {
    client.socket.close(1000);
    await client.closed;
  };
  return { sent, bytes, closeCode, stop };
}

// ------------------------------------------------------------------------------------------------
// Finding 3: client input in the log
// ------------------------------------------------------------------------------------------------

export interface LogFloodOutcome {
  framesSent: number;
  /** Bytes of `error` messages the server sent back. */
  errorBytesReceived: number;
  /** Longest `error` message text received. */
  longestError: number;
}

/**
 * Opens `sockets` sockets one after another; each sends invalid frames with a 60 kB `to` until
 * the server closes it for abuse. Reconnecting starts each socket with a fresh allowance.
 */
export async function floodLogWithInvalidFrames(
  target: Target,
  sockets = 10,
  framesPerSocket = 40,
): Promise<LogFloodOutcome> {
  const outcome: LogFloodOutcome = { framesSent: 0, errorBytesReceived: 0, longestError: 0 };
  const frame = JSON.stringify({
    type: 'description',
    to: `"\u001b[31mFAKE LOG LINE\n${'x'.repeat(60_000)}`,
    description: { type: 'offer', sdp: 'v=0' },
  });
  for (let i = 0; i < sockets; i++) {
    let client: Client;
    try {
      client = await openClient(target);
    } catch {
      continue;
    }
    client.socket.on('message', (data: Buffer) => {
      outcome.errorBytesReceived += data.length;
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'error') {
        outcome.longestError = Math.max(outcome.longestError, message.message.length);
      }
    });
    for (let n = 0; n < framesPerSocket && client.socket.readyState === WebSocket.OPEN; n++) {
      client.socket.send(frame);
      outcome.framesSent++;
    }
    client.socket.close(1000);
    await client.closed;
  }
  return outcome;
}

// ------------------------------------------------------------------------------------------------
// Finding 4: TURN credentials without joining
// ------------------------------------------------------------------------------------------------

export interface CredentialHarvest {
  requests: number;
  /** Distinct TURN usernames handed out. */
  distinctCredentials: number;
  /** The longest validity among them, in seconds from now. */
  longestTtlSeconds: number;
  /** Requests refused with an error. */
  refused: number;
}

/** Asks for ICE servers `requests` times over `sockets` sockets that never join a room. */
export async function harvestTurnCredentials(
  target: Target,
  requests = 450,
  sockets = 10,
): Promise<CredentialHarvest> {
  const usernames = new Set<string>();
  let longestTtlSeconds = 0;
  let refused = 0;
  const perSocket = Math.ceil(requests / sockets);
  await Promise.all(
    Array.from({ length: sockets }, async () => {
      let client: Client;
      try {
        client = await openClient(target);
      } catch {
        refused += perSocket;
        return;
      }
      for (let i = 0; i < perSocket; i++) {
        client.socket.send(JSON.stringify({ type: 'get-ice-servers' }));
      }
      client.socket.send(JSON.stringify({ type: 'ping' }));
      await client.next('pong', 10_000).catch(() => undefined);
      for (const message of client.messages) {
        if (message.type === 'error') refused++;
        if (message.type !== 'ice-servers') continue;
        for (const server of message.iceServers) {
          if (!server.username) continue;
          usernames.add(server.username);
          const expiry = Number(server.username.split(':')[0]);
          longestTtlSeconds = Math.max(longestTtlSeconds, expiry - Date.now() / 1000);
        }
      }
      client.socket.close(1000);
      await client.closed;
    }),
  );
  return {
    requests: perSocket * sockets,
    distinctCredentials: usernames.size,
    longestTtlSeconds: Math.round(longestTtlSeconds),
    refused,
  };
}

// ------------------------------------------------------------------------------------------------
// Finding 7: names that lie
// ------------------------------------------------------------------------------------------------

export const HOSTILE_NAMES: readonly string[] = [
  'Bob\u0000\u0007\u001b[2J',
  '\u202Eevil\u202C',
  'x\u2066admin\u2069',
  '\u200B\u200B\u200B',
  '   ',
  '\uD800lone',
  'e\u0301', // NFD: normalises to one character
];

export interface NamesOutcome {
  /** Names sent, and as the other peer was told them (null when the join was refused). */
  relayed: { sent: string; seen: string | null }[];
}

/** Each hostile name joins a room where a watcher learns, from `peer-joined`, what it was told. */
export async function joinWithHostileNames(
  target: Target,
  roomIndex = 3000,
): Promise<NamesOutcome> {
  const roomId = attackRoom(roomIndex);
  const { client: watcher } = await joinRoom(target, roomId, 'watcher');
  const relayed: NamesOutcome['relayed'] = [];
  for (const name of HOSTILE_NAMES) {
    const client = await openClient(target);
    client.socket.send(JSON.stringify({ type: 'join', roomId, name, media: MEDIA }));
    const answer = await Promise.race([client.next('joined'), client.next('error')]).catch(
      () => null,
    );
    if (answer?.type === 'joined') {
      const joined = await watcher.next('peer-joined');
      relayed.push({ sent: name, seen: joined.peer.name });
      client.socket.send(JSON.stringify({ type: 'leave' }));
      await watcher.next('peer-left');
    } else {
      relayed.push({ sent: name, seen: null });
    }
    client.socket.close(1000);
    await client.closed;
  }
  watcher.socket.close(1000);
  await watcher.closed;
  return { relayed };
}

// ------------------------------------------------------------------------------------------------
// Finding 8: requests that break Next's handler
// ------------------------------------------------------------------------------------------------

export const BAD_REQUESTS: readonly {
  method: string;
  path: string;
  headers?: Record<string, string>;
}[] = [
  { method: 'GET', path: '/call/%E0%A4%A' },
  { method: 'TRACE', path: '/' },
  {
    method: 'POST',
    path: '/',
    headers: { 'next-action': '7f0000000000000000000000000000000000000000' },
  },
];

/** Sends each bad request `times` times; returns the status codes seen. */
export async function sendBadRequests(
  target: Target,
  times = 1,
): Promise<Record<string, number[]>> {
  const statuses: Record<string, number[]> = {};
  for (const request of BAD_REQUESTS) {
    const key = `${request.method} ${request.path}`;
    statuses[key] = [];
    for (let i = 0; i < times; i++) {
      const response = await rawHttp(target, request.method, request.path, request.headers ?? {});
      statuses[key].push(response);
    }
  }
  return statuses;
}

/** One request over its own connection (fetch refuses TRACE); resolves with the status code. */
function rawHttp(
  target: Target,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<number> {
  const { host, port } = hostAndPort(target);
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}:${port}`, 'Connection: close'];
  for (const [key, value] of Object.entries(headers)) lines.push(`${key}: ${value}`);
  const body = method === 'POST' ? '[]' : '';
  lines.push(`Content-Length: ${body.length}`);
  if (body) lines.push('Content-Type: text/plain;charset=UTF-8');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = '';
    socket.setEncoding('latin1');
    socket.on('connect', () => socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`));
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)));
    socket.setTimeout(15_000, () => socket.destroy());
  });
}
