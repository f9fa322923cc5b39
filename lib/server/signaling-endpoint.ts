import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import { CLOSE_CODES, LIMITS, parseClientMessage } from '../signaling/protocol';
import { InMemoryRoomStore } from '../signaling/room-store';
import { SignalingHub, type IceConfiguration } from '../signaling/signaling-hub';
import type { ServerConfig } from './config';

export interface SignalingEndpointOptions {
  config: ServerConfig;
  log: Logger;
  iceConfiguration(peerId: string): IceConfiguration;
}

interface Connection {
  id: string;
  socket: WebSocket;
  alive: boolean;
}

export interface SignalingEndpoint {
  readonly hub: SignalingHub;
  /** Takes an HTTP upgrade for `/ws`: checks the origin, then opens the socket or refuses it. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket with `code` and stops the heartbeat. */
  close(code?: number, reason?: string): void;
}

/**
 * Wires WebSockets to the signaling hub: origin checks, frame parsing and validation, heartbeats.
 * What a message means is the hub's business, not this file's.
 */
export function createSignalingEndpoint(options: SignalingEndpointOptions): SignalingEndpoint {
  const { config, log } = options;
  const connections = new Map<string, Connection>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });

  const hub = new SignalingHub({
    store: new InMemoryRoomStore(config.roomCapacity),
    iceConfiguration: options.iceConfiguration,
    resumeGraceMs: config.resumeGraceMs,
    transport: {
      send(connectionId, message) {
        const connection = connections.get(connectionId);
        if (connection?.socket.readyState === connection?.socket.OPEN) {
          connection?.socket.send(JSON.stringify(message));
        }
      },
      close(connectionId, code, reason) {
        connections.get(connectionId)?.socket.close(code, reason);
      },
    },
  });

  const heartbeat = setInterval(() => {
    for (const connection of connections.values()) {
      if (!connection.alive) {
        log.info({ connectionId: connection.id }, 'heartbeat missed, terminating socket');
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, config.heartbeatIntervalMs);
  heartbeat.unref();

  function onConnection(socket: WebSocket): void {
    const connection: Connection = { id: randomUUID(), socket, alive: true };
    connections.set(connection.id, connection);
    hub.connect(connection.id);

    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('error', (error) => {
      log.warn({ connectionId: connection.id, err: error.message }, 'socket error');
    });
    socket.on('message', (data: RawData, isBinary: boolean) => {
      connection.alive = true;
      if (isBinary) {
        socket.close(CLOSE_CODES.unsupportedData, 'Binary frames are not supported');
        return;
      }
      const parsed = parseClientMessage(rawToString(data));
      if (!parsed.ok) {
        hub.counters.refused++;
        log.info({ connectionId: connection.id, error: parsed.error }, 'invalid frame');
        socket.send(
          JSON.stringify({ type: 'error', code: 'invalid-message', message: parsed.error }),
        );
        return;
      }
      hub.receive(connection.id, parsed.message);
    });
    socket.on('close', (code: number) => {
      connections.delete(connection.id);
      // 1000 and 1001 mean the page closed or left on purpose; anything else may come back.
      hub.disconnect(connection.id, { resumable: code !== 1000 && code !== 1001 });
    });
  }

  return {
    hub,
    handleUpgrade(request, socket, head) {
      const origin = request.headers.origin;
      if (!isOriginAllowed(origin, request.headers.host, config.allowedOrigins)) {
        log.warn({ origin }, 'refused signaling upgrade from a foreign origin');
        refuseUpgrade(socket, 403, 'Forbidden');
        return;
      }
      wss.handleUpgrade(request, socket, head, onConnection);
    },
    close(code = CLOSE_CODES.goingAway, reason = 'Server shutting down') {
      clearInterval(heartbeat);
      for (const connection of connections.values()) connection.socket.close(code, reason);
      hub.dispose();
      wss.close();
    },
  };
}

/** A page may connect if it was served by this host, or its origin is listed in ALLOWED_ORIGINS. */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowedOrigins: ReadonlySet<string>,
): boolean {
  if (!origin) return false;
  if (allowedOrigins.has(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
