import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createSecureServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { CLOSE_CODES } from '../signaling/protocol';
import type { IceConfiguration } from '../signaling/signaling-hub';
import { iceServersFor, type ServerConfig } from './config';
import { SECURITY_HEADERS } from '../security/content-security-policy';
import { handleOpsRequest } from './ops-routes';
import { settleWithin } from './settle-within';
import { createSignalingEndpoint, type SignalingEndpoint } from './signaling-endpoint';
import { InMemoryRooms } from '../signaling/in-memory-rooms';
import { RedisRooms } from '../signaling/redis-rooms';
import type { Rooms } from '../signaling/rooms';

export interface HttpServerOptions {
  config: ServerConfig;
  log: Logger;
  /** Defaults to the configured STUN servers and per-peer TURN credentials. */
  iceConfiguration?(peerId: string): IceConfiguration;
  /** Every request that is not ours (`/healthz`, `/metrics`): Next's handler. 404 without it. */
  handleRequest?(request: IncomingMessage, response: ServerResponse): void;
  /** Every upgrade that is not `/ws`, such as Next's hot reload. Refused without it. */
  handleUpgrade?(request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface HttpServer {
  readonly server: Server;
  readonly signaling: SignalingEndpoint;
  listen(port: number, host: string): Promise<AddressInfo>;
  /**
   * Stops taking connections, tells every signaling socket the service is restarting (1012, so
   * browsers reconnect, perhaps to another instance), and resolves once the sockets are gone.
   */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** The HTTP server with `/ws`, `/healthz` and `/metrics`; the rest goes to `handleRequest`. */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { config } = options;
  const signaling = createSignalingEndpoint({
    ...options,
    rooms: createRooms(config),
    iceConfiguration:
      options.iceConfiguration ??
      ((peerId) => ({
        iceServers: iceServersFor(config, peerId),
        iceTransportPolicy: config.iceTransportPolicy,
      })),
  });

  const onRequest: RequestListener = (request, response) => {
    for (const { key, value } of SECURITY_HEADERS) response.setHeader(key, value);
    if (config.tls) {
      // TLS ends here, not at a proxy: say so to Next (the CSP then upgrades and allows wss:).
      request.headers['x-forwarded-proto'] = 'https';
      response.setHeader('Strict-Transport-Security', 'max-age=31536000');
    }
    if (handleOpsRequest(request, response, signaling)) return;
    if (options.handleRequest) return options.handleRequest(request, response);
    response.writeHead(404).end();
  };
  // With TLS_CERT and TLS_KEY the server speaks HTTPS and WSS itself: cameras need a secure
  // context on anything but localhost.
  const server: Server = config.tls
    ? createSecureServer(config.tls, onRequest)
    : createServer(onRequest);

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (upgradePath(request) === '/ws') {
      signaling.handleUpgrade(request, socket, head);
    } else if (options.handleUpgrade) {
      options.handleUpgrade(request, socket, head);
    } else {
      socket.destroy();
    }
  });

  return {
    server,
    signaling,
    async listen(port, host) {
      // Connected to the rooms first: a join that arrives must find them.
      await signaling.start();
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async shutdown(timeoutMs = 3_000) {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await signaling.close(CLOSE_CODES.serviceRestart, 'Server restarting', timeoutMs);
      // Keep-alive HTTP connections in the middle of a request get to finish, up to the deadline.
      await settleWithin(stopped, timeoutMs);
      server.closeAllConnections();
    },
  };
}

/** Rooms in this process, or shared through Redis when REDIS_URL is set. */
export function createRooms(config: ServerConfig): Rooms {
  if (!config.redisUrl) return new InMemoryRooms(config.roomCapacity);
  return new RedisRooms({
    url: config.redisUrl,
    keyPrefix: config.redisKeyPrefix,
    capacity: config.roomCapacity,
    // A process that stopped answering is given up after two heartbeats, like a socket.
    leaseMs: config.heartbeatIntervalMs * 2,
  });
}

function upgradePath(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}
