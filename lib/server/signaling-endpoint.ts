import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Logger } from 'pino';
import {
  CLOSE_CODES,
  LIMITS,
  SIGNALING_SUBPROTOCOL,
  assertNever,
  parseClientMessage,
  type ClientMessage,
  type IceServer,
} from '../signaling/protocol';
import { serializeServerMessage } from '../signaling/serialize';
import type { OutboundFrame, Rooms } from '../signaling/rooms';
import {
  SignalingHub,
  zeroCounts,
  type HubEvent,
  type IceConfiguration,
} from '../signaling/signaling-hub';
import { quoteUntrusted } from '../untrusted-text';
import { iceServersFor, type ServerConfig } from './config';
import { KeyedRateLimit } from './keyed-rate-limit';
import { answerAndClose } from './answer-and-close';
import { settleWithin } from './settle-within';
import { TokenBucket } from './token-bucket';
import { TurnCredentialIssuer } from './turn-credentials';
import type { SfuBroker } from './sfu/sfu-broker';

export interface SignalingEndpointOptions {
  config: ServerConfig;
  log: Logger;
  /** Where rooms live: in this process, or shared through Redis. */
  rooms: Rooms;
  /** Whether a page of this `Origin` may open the socket (see `OriginPolicy`). */
  allowsOrigin(origin: string | undefined): boolean;
  /** The Janus broker (JANUS_URL): rooms larger than MESH_MAX move to it. */
  sfu?: SfuBroker | null;
}

/** Why an upgrade to `/ws` was refused; a label of `meshcall_upgrades_refused_total`. */
export const UPGRADE_REFUSALS = [
  'shutting-down',
  'foreign-origin',
  'per-ip-limit',
  'server-full',
  'unsupported-version',
] as const;
export type UpgradeRefusal = (typeof UPGRADE_REFUSALS)[number];

/** Why a frame was dropped before it reached the hub; the hub's own refusals come on top. */
export const FRAME_REJECTIONS = [
  'invalid-message',
  'rate-limited',
  'binary',
  'too-large',
  'invalid-utf8',
  'protocol-error',
] as const;
export type FrameRejection = (typeof FRAME_REJECTIONS)[number];

/** Why the server itself ended a socket. */
export const SERVER_CLOSES = [
  'abuse',
  'heartbeat',
  'page-silent',
  'slow-consumer',
  'shutdown',
] as const;
export type ServerClose = (typeof SERVER_CLOSES)[number];

export interface EndpointCounters {
  /** Upgrades accepted: sockets opened. */
  accepted: number;
  /** Frames received, valid or not, and their bytes. */
  received: number;
  bytesReceived: number;
  /** Frames sent, and their bytes. */
  sent: number;
  bytesSent: number;
  rejected: Record<FrameRejection, number>;
  upgradesRefused: Record<UpgradeRefusal, number>;
  serverClosed: Record<ServerClose, number>;
}

interface Connection {
  readonly id: string;
  /** The client's address, as `clientAddress` gives it. */
  readonly address: string;
  readonly socket: WebSocket;
  /** The TCP socket under `socket`, corked while frames for it pile up within one tick. */
  readonly tcp: Duplex;
  corked: boolean;
  alive: boolean;
  /** When the page last sent a frame. Its pings prove the page itself runs: the browser's
   * network stack answers WebSocket pings even for a tab whose page has crashed. */
  lastFrameAt: number;
  /** Set when the server ended the socket because its peer is gone for good: no resume grace. */
  final: boolean;
  /** Every frame takes a token: the per-socket rate limit. */
  readonly messages: TokenBucket;
  /** Every refused frame takes a token; an empty bucket closes the socket. */
  readonly strikes: TokenBucket;
  /** Set while the hub handles one of this socket's messages asynchronously (a join, say): the
   * socket's later messages wait in `backlog`, so that each socket is handled in order. */
  busy: boolean;
  readonly backlog: (() => Promise<void> | void)[];
}

export interface SignalingEndpoint {
  readonly hub: SignalingHub;
  readonly rooms: Rooms;
  /** Connects to the rooms (Redis, when shared); call before taking upgrades. */
  start(): Promise<void>;
  readonly counters: EndpointCounters;
  /** Open sockets, including those still finishing their handshake. */
  readonly openSockets: number;
  /** Takes an HTTP upgrade for `/ws`: checks origin and limits, then opens the socket or refuses. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Refuses new upgrades, closes every socket with `code`, and resolves once they are all gone.
   * Sockets that have not finished the closing handshake after `timeoutMs` are dropped.
   */
  close(code?: number, reason?: string, timeoutMs?: number): Promise<void>;
}

/**
 * Wires WebSockets to the signaling hub: origin and connection limits, rate limits, frame parsing
 * and validation, backpressure, heartbeats and logs. What a message means is the hub's business.
 */
export function createSignalingEndpoint(options: SignalingEndpointOptions): SignalingEndpoint {
  const { config, log } = options;
  const connections = new Map<string, Connection>();
  /** Sockets per client address, counted from the upgrade until the TCP socket closes. */
  const socketsByAddress = new Map<string, number>();
  /** Peers whose socket dropped and whose place is held, per client address: they count against
   * MAX_CONNECTIONS_PER_IP as the socket did, until they resume or are removed. */
  const heldByAddress = new Map<string, number>();
  /** Every joined peer's client address, and whether it is away now. */
  const peers = new Map<string, { address: string; away: boolean }>();
  /** Log lines about refusals, per client address: a client cannot flood the log. */
  const refusalLog = new KeyedRateLimit({
    burst: config.logRefusalsPerMinute,
    perMinute: config.logRefusalsPerMinute,
  });
  /** Log lines about joins, resumes and departures, per client address: generous, since these
   * are honest events, but bounded, since a client can join and leave as fast as its rate allows. */
  const membershipLog = new KeyedRateLimit({
    burst: MEMBERSHIP_LOG_LINES_PER_MINUTE,
    perMinute: MEMBERSHIP_LOG_LINES_PER_MINUTE,
  });
  const turn = config.turn
    ? new TurnCredentialIssuer({
        settings: config.turn,
        perAddressPerMinute: config.turnCredentialsPerMinute,
        checksPerAddressPerMinute: config.turnChecksPerMinute,
      })
    : null;
  let openSockets = 0;
  let nextConnectionId = 1;
  let shuttingDown = false;
  /** Sockets with frames written this tick, to be flushed together once it ends. */
  const corkedConnections: Connection[] = [];
  const flushCorked = () => {
    for (const connection of corkedConnections) {
      connection.corked = false;
      connection.tcp.uncork();
    }
    corkedConnections.length = 0;
  };
  const counters: EndpointCounters = {
    accepted: 0,
    received: 0,
    bytesReceived: 0,
    sent: 0,
    bytesSent: 0,
    rejected: zeroCounts(FRAME_REJECTIONS),
    upgradesRefused: zeroCounts(UPGRADE_REFUSALS),
    serverClosed: zeroCounts(SERVER_CLOSES),
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
    // Browsers fail a handshake that answers none of the protocols they offered, and the page
    // would only see "connection failed": take an unknown version, then close saying why.
    handleProtocols: (offered) =>
      offered.has(SIGNALING_SUBPROTOCOL) ? SIGNALING_SUBPROTOCOL : ([...offered][0] ?? false),
  });

  /**
   * Logs a line about something a client did wrong, unless its address has used up its allowance
   * of such lines; the next line let through says how many were held back.
   */
  function logRefusal(
    level: 'info' | 'warn',
    address: string,
    fields: Record<string, unknown>,
    message: string,
  ): void {
    logLimited(refusalLog, level, address, fields, message);
  }

  function logMembership(address: string, fields: Record<string, unknown>, message: string): void {
    logLimited(membershipLog, 'info', address, fields, message);
  }

  function logLimited(
    limit: KeyedRateLimit,
    level: 'info' | 'warn',
    address: string,
    fields: Record<string, unknown>,
    message: string,
  ): void {
    if (!log.isLevelEnabled(level)) return;
    const take = limit.take(address);
    if (!take.allowed) return;
    const suppressed = take.refusedBefore > 0 ? { suppressedBefore: take.refusedBefore } : {};
    log[level]({ ...fields, address, ...suppressed }, message);
  }

  const iceFor = (turnServer: IceServer | null): IceConfiguration => ({
    iceServers: iceServersFor(config, turnServer),
    iceTransportPolicy: config.iceTransportPolicy,
  });
  const addressOf = (connectionId: string) => connections.get(connectionId)?.address ?? 'unknown';

  const hub = new SignalingHub({
    rooms: options.rooms,
    iceConfiguration(peerId, connectionId) {
      if (!turn) return iceFor(null);
      const address = addressOf(connectionId);
      const credentials = turn.forPeer(peerId, address);
      if (!credentials) {
        logRefusal(
          'warn',
          address,
          { peerId },
          'TURN credentials refused: too many for this address',
        );
      }
      return iceFor(credentials);
    },
    checkIceConfiguration(connectionId) {
      if (!turn) return iceFor(null);
      const credentials = turn.forCheck(addressOf(connectionId));
      return credentials ? iceFor(credentials) : null;
    },
    addressOf,
    resumeGraceMs: config.resumeGraceMs,
    sfu: options.sfu ? { service: options.sfu, meshMax: config.meshMax } : undefined,
    observe: (event) => onHubEvent(event),
    transport: {
      send(connectionId, frame) {
        const connection = connections.get(connectionId);
        if (connection) sendFrame(connection, frame);
      },
      close(connectionId, code, reason) {
        connections.get(connectionId)?.socket.close(code, reason);
      },
    },
  });

  function countHeld(address: string, change: 1 | -1): void {
    const count = (heldByAddress.get(address) ?? 0) + change;
    if (count > 0) heldByAddress.set(address, count);
    else heldByAddress.delete(address);
  }

  /** Keeps the per-address count of away peers, and logs what happened in the hub. */
  function onHubEvent(event: HubEvent): void {
    const { type, ...fields } = event;
    switch (type) {
      case 'joined': {
        const address = addressOf(event.connectionId);
        peers.set(event.peerId, { address, away: false });
        return logMembership(address, fields, 'peer joined');
      }
      case 'resumed': {
        const peer = peers.get(event.peerId);
        if (peer?.away) countHeld(peer.address, -1);
        const address = addressOf(event.connectionId);
        peers.set(event.peerId, { address, away: false });
        return logMembership(address, fields, 'peer resumed');
      }
      case 'awaiting-resume': {
        const peer = peers.get(event.peerId);
        if (peer && !peer.away) {
          peer.away = true;
          countHeld(peer.address, 1);
        }
        return logMembership(
          peer?.address ?? 'unknown',
          fields,
          'peer disconnected, holding its place',
        );
      }
      case 'left':
      case 'moved': {
        const peer = peers.get(event.peerId);
        if (peer?.away) countHeld(peer.address, -1);
        peers.delete(event.peerId);
        turn?.forget(event.peerId);
        return logMembership(
          peer?.address ?? 'unknown',
          fields,
          type === 'left' ? 'peer left' : 'peer resumed on another server',
        );
      }
      case 'held-overflow':
        return logRefusal(
          'warn',
          peers.get(event.peerId)?.address ?? 'unknown',
          fields,
          'too much held for a peer away, treating it as gone',
        );
      case 'refused':
        // Unknown peers and early messages happen in honest races (a peer that just left).
        if (event.code === 'unknown-peer' || event.code === 'not-joined') {
          return log.debug(fields, 'request refused');
        }
        return logRefusal('info', addressOf(event.connectionId), fields, 'request refused');
      // Peers of a process that stopped: this process holds their place, but never saw their
      // address, so they count against no address here.
      case 'adopted':
        return log.info(fields, 'adopted the away peers of a server that stopped');
      case 'rooms-error':
        return log.warn(fields, 'room state request failed');
      case 'sfu-mode':
        return log.info(fields, `room moved to ${event.mode}`);
      case 'sfu-error':
        return log.warn(fields, 'SFU request failed');
      case 'sfu-availability':
        if (event.available) return log.info(fields, 'SFU reachable');
        return log.error(fields, 'SFU lost: its rooms fall back to a mesh');
      case 'rooms-availability':
        if (event.available) return log.info(fields, 'room state reachable');
        return log.warn(fields, 'room state unreachable: joins fail until it is back');
      default:
        return assertNever(type);
    }
  }

  /** Log fields that place a socket: its id, and its room and peer once it has joined. */
  const where = (connection: Connection) => ({
    connectionId: connection.id,
    ...hub.peerOf(connection.id),
  });

  const heartbeat = setInterval(() => {
    const now = Date.now();
    for (const connection of connections.values()) {
      if (!connection.alive) {
        counters.serverClosed.heartbeat++;
        logRefusal(
          'info',
          connection.address,
          where(connection),
          'heartbeat missed, terminating socket',
        );
        connection.socket.terminate();
        continue;
      }
      const silentMs = now - connection.lastFrameAt;
      if (
        config.pageSilenceLimitMs > 0 &&
        silentMs > config.pageSilenceLimitMs &&
        hub.peerOf(connection.id)
      ) {
        // The network is fine (pongs arrive) but the page stopped talking: it crashed or froze.
        counters.serverClosed['page-silent']++;
        logMembership(
          connection.address,
          { ...where(connection), silentMs },
          'page silent, removing its peer',
        );
        connection.final = true;
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
      renewTurnCredentials(connection);
    }
  }, config.heartbeatIntervalMs);

  /**
   * A joined peer gets new TURN credentials once its current ones are past half their life, so
   * that a relay it allocates later in the call (an ICE restart, a newcomer) still authenticates.
   */
  function renewTurnCredentials(connection: Connection): void {
    const peerId = hub.peerOf(connection.id)?.peerId;
    if (!turn || !peerId || !turn.renewalDue(peerId)) return;
    const credentials = turn.forPeer(peerId, connection.address);
    // Still due: the address has used up its allowance; the peer keeps what it has for now.
    if (!credentials || turn.renewalDue(peerId)) return;
    sendFrame(connection, serializeServerMessage({ type: 'ice-servers', ...iceFor(credentials) }));
  }
  heartbeat.unref();

  function sendFrame(connection: Connection, frame: OutboundFrame): void {
    const socket = connection.socket;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > config.maxBufferedBytes) {
      // It reads slower than its room writes (or not at all). A close frame would wait behind
      // the backlog, so drop the TCP connection; the client may reconnect and resume.
      counters.serverClosed['slow-consumer']++;
      logRefusal(
        'warn',
        connection.address,
        { ...where(connection), bufferedBytes: socket.bufferedAmount },
        'socket is not reading, terminating it',
      );
      socket.terminate();
      return;
    }
    // One inbound chunk often carries many messages for the same peer (a burst of candidates):
    // their frames leave in one write, not one system call each. Flushed before any other I/O.
    if (!connection.corked) {
      connection.corked = true;
      connection.tcp.cork();
      if (corkedConnections.push(connection) === 1) process.nextTick(flushCorked);
    }
    counters.sent++;
    if (typeof frame === 'string') {
      counters.bytesSent += Buffer.byteLength(frame);
      socket.send(frame);
    } else {
      counters.bytesSent += frame.length;
      socket.send(frame, TEXT_FRAME);
    }
  }

  function sendError(
    connection: Connection,
    code: 'invalid-message' | 'rate-limited',
    text: string,
  ) {
    sendFrame(connection, serializeServerMessage({ type: 'error', code, message: text }));
  }

  /** Counts a refused frame against the socket; closes it once it has used up its strikes. */
  function strike(connection: Connection, closeCode: number, reason: string): boolean {
    if (connection.strikes.take()) return false;
    counters.serverClosed.abuse++;
    logRefusal(
      'warn',
      connection.address,
      { ...where(connection), closeCode },
      'closing a socket that keeps sending refused frames',
    );
    connection.socket.close(closeCode, reason);
    return true;
  }

  function onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    const socket = connection.socket;
    connection.alive = true;
    connection.lastFrameAt = Date.now();
    counters.received++;
    counters.bytesReceived += rawLength(data);
    // A socket we are closing may still deliver what was in flight; none of it counts.
    if (socket.readyState !== WebSocket.OPEN) return;
    if (isBinary) {
      counters.rejected.binary++;
      logRefusal('info', connection.address, where(connection), 'binary frame, closing socket');
      socket.close(CLOSE_CODES.unsupportedData, 'Binary frames are not supported');
      return;
    }
    if (!connection.messages.take()) {
      counters.rejected['rate-limited']++;
      logRefusal('info', connection.address, where(connection), 'rate limited');
      if (!strike(connection, CLOSE_CODES.rateLimited, 'Too many messages')) {
        sendError(connection, 'rate-limited', 'Too many messages: slow down.');
      }
      return;
    }
    const frame = rawToString(data);
    const parsed = parseClientMessage(frame);
    if (!parsed.ok) {
      counters.rejected['invalid-message']++;
      // The error quotes at most a short, escaped prefix of what the client sent.
      logRefusal(
        'info',
        connection.address,
        { ...where(connection), error: parsed.error },
        'invalid frame',
      );
      if (!strike(connection, CLOSE_CODES.policyViolation, 'Too many invalid messages')) {
        sendError(connection, 'invalid-message', parsed.error);
      }
      return;
    }
    const message: ClientMessage = parsed.message;
    inOrder(connection, () => hub.receive(connection.id, message, frame));
  }

  /**
   * Runs `task` now if the socket has nothing in progress, else after what is. The common case
   * (a relayed description or candidate) is handled synchronously and costs no promise.
   */
  function inOrder(connection: Connection, task: () => Promise<void> | void): void {
    if (connection.busy) {
      if (connection.backlog.length >= MAX_BACKLOG) {
        log.warn(where(connection), 'socket messages pile up behind a slow request, closing it');
        connection.socket.close(CLOSE_CODES.tryAgainLater, 'Server busy');
        return;
      }
      connection.backlog.push(task);
      return;
    }
    const pending = runTask(connection, task);
    if (pending) {
      connection.busy = true;
      void pending.then(() => drainBacklog(connection));
    }
  }

  function drainBacklog(connection: Connection): void {
    connection.busy = false;
    while (connection.backlog.length > 0) {
      const task = connection.backlog.shift()!;
      const pending = runTask(connection, task);
      if (pending) {
        connection.busy = true;
        void pending.then(() => drainBacklog(connection));
        return;
      }
    }
  }

  /** Runs a hub call; a failure is logged, never thrown at the socket's event handler. */
  function runTask(connection: Connection, task: () => Promise<void> | void) {
    try {
      const result = task();
      return result?.catch((error: unknown) =>
        log.error({ ...where(connection), err: error }, 'signaling request failed'),
      );
    } catch (error) {
      log.error({ ...where(connection), err: error }, 'signaling request failed');
      return undefined;
    }
  }

  function onConnection(socket: WebSocket, tcp: Duplex, address: string): void {
    if (socket.protocol !== SIGNALING_SUBPROTOCOL) {
      counters.upgradesRefused['unsupported-version']++;
      logRefusal(
        'info',
        address,
        { offered: quoteUntrusted(socket.protocol, 64) },
        'refused a client of another protocol version',
      );
      socket.on('error', () => undefined);
      socket.close(CLOSE_CODES.unsupportedVersion, `This server speaks ${SIGNALING_SUBPROTOCOL}`);
      return;
    }
    const connection: Connection = {
      id: String(nextConnectionId++),
      address,
      socket,
      tcp,
      corked: false,
      alive: true,
      lastFrameAt: Date.now(),
      final: false,
      messages: new TokenBucket({
        capacity: config.rateLimitBurst,
        refillPerSecond: config.rateLimitPerSecond,
      }),
      strikes: new TokenBucket({ capacity: config.rateLimitStrikes, refillPerSecond: 1 }),
      busy: false,
      backlog: [],
    };
    connections.set(connection.id, connection);
    counters.accepted++;
    hub.connect(connection.id);
    log.debug({ connectionId: connection.id, address }, 'socket opened');

    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('error', (error: Error & { code?: string }) => {
      // ws has already closed the socket with the matching code (1009, 1007, 1002).
      const reason = frameErrorReason(error.code);
      counters.rejected[reason]++;
      logRefusal(
        'info',
        address,
        { ...where(connection), reason, err: error.message },
        'socket error',
      );
    });
    socket.on('message', (data: RawData, isBinary: boolean) =>
      onMessage(connection, data, isBinary),
    );
    socket.on('close', (code: number) => {
      log.debug({ ...where(connection), code }, 'socket closed');
      connections.delete(connection.id);
      // 1000 and 1001 mean the page closed or left on purpose; anything else may come back. A
      // page that said it is unloading may be reloading: it gets a short grace to come back.
      const resumable = !connection.final && code !== 1000 && code !== 1001;
      const graceMs = code === CLOSE_CODES.pageUnloading ? config.reloadGraceMs : undefined;
      inOrder(connection, () => hub.disconnect(connection.id, { resumable, graceMs }));
    });
  }

  function refuse(
    socket: Duplex,
    reason: UpgradeRefusal,
    address: string,
    fields: Record<string, unknown> = {},
  ): void {
    counters.upgradesRefused[reason]++;
    logRefusal('warn', address, { ...fields, reason }, 'refused signaling upgrade');
    const [status, text] = REFUSAL_STATUS[reason];
    answerAndClose(socket, status, text, status === 429 || status === 503 ? RETRY_LATER : {});
  }

  return {
    hub,
    rooms: options.rooms,
    start: () => hub.start(),
    counters,
    get openSockets() {
      return openSockets;
    },
    handleUpgrade(request, socket, head) {
      const address = clientAddress(request, config.trustProxy);
      if (shuttingDown) return refuse(socket, 'shutting-down', address);
      const origin = request.headers.origin;
      if (!options.allowsOrigin(origin)) {
        return refuse(socket, 'foreign-origin', address, { origin: quoteUntrusted(origin, 64) });
      }
      if (openSockets >= config.maxConnections) return refuse(socket, 'server-full', address);
      const fromAddress = socketsByAddress.get(address) ?? 0;
      const held = heldByAddress.get(address) ?? 0;
      if (fromAddress + held >= config.maxConnectionsPerIp) {
        return refuse(socket, 'per-ip-limit', address, {
          openSockets: fromAddress,
          heldPeers: held,
        });
      }
      // Counted from now, not from 'connection': a flood of handshakes in flight counts too.
      openSockets++;
      socketsByAddress.set(address, fromAddress + 1);
      socket.once('close', () => {
        openSockets--;
        const left = (socketsByAddress.get(address) ?? 1) - 1;
        if (left > 0) socketsByAddress.set(address, left);
        else socketsByAddress.delete(address);
      });
      wss.handleUpgrade(request, socket, head, (webSocket) =>
        onConnection(webSocket, socket, address),
      );
    },
    async close(
      code = CLOSE_CODES.serviceRestart,
      reason = 'Server restarting',
      timeoutMs = 3_000,
    ) {
      shuttingDown = true;
      clearInterval(heartbeat);
      const open = [...connections.values()];
      const closed = open.map(
        ({ socket }) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) resolve();
            else socket.once('close', () => resolve());
          }),
      );
      counters.serverClosed.shutdown += open.length;
      for (const { socket } of open) socket.close(code, reason);
      await settleWithin(Promise.all(closed), timeoutMs);
      for (const { socket } of open) socket.terminate();
      await hub.dispose();
      await options.sfu?.close();
      await options.rooms.stop();
      wss.close();
    },
  };
}

/** Messages of one socket waiting behind a slow request before the socket is closed. */
const MAX_BACKLOG = 1_024;

/** Log lines about joins and departures per client address: a burst of this many, then this many a minute. */
const MEMBERSHIP_LOG_LINES_PER_MINUTE = 120;

const RETRY_LATER = { 'Retry-After': '5' };

/** Bytes relayed by another process are still a text message to the browser. */
const TEXT_FRAME = { binary: false } as const;

const REFUSAL_STATUS: Record<UpgradeRefusal, [number, string]> = {
  'shutting-down': [503, 'Service Unavailable'],
  'foreign-origin': [403, 'Forbidden'],
  'per-ip-limit': [429, 'Too Many Requests'],
  'server-full': [503, 'Service Unavailable'],
  // Refused after the handshake, with a close code: see onConnection.
  'unsupported-version': [426, 'Upgrade Required'],
};

/**
 * The client's address. Behind `trustProxy` proxies of ours, each appended the address it saw to
 * X-Forwarded-For, so the client is that many entries from the right; entries further left were
 * written by the client and could say anything.
 */
export function clientAddress(request: IncomingMessage, trustProxy: number): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (trustProxy === 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  return hops[Math.max(0, hops.length - trustProxy)] ?? peer;
}

function frameErrorReason(code: string | undefined): FrameRejection {
  switch (code) {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
      return 'too-large';
    case 'WS_ERR_INVALID_UTF8':
      return 'invalid-utf8';
    default:
      return 'protocol-error';
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((total, chunk) => total + chunk.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}
