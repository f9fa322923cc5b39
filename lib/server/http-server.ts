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
import { createOpsRoutes } from './ops-routes';
import { OriginPolicy } from './origin-policy';
import { settleWithin } from './settle-within';
import { createSignalingEndpoint, type SignalingEndpoint } from './signaling-endpoint';

export interface HttpServerOptions {
  config: ServerConfig;
  log: Logger;
  /** Defaults to the configured STUN servers and per-peer TURN credentials. */
  iceConfiguration?(peerId: string): IceConfiguration;
  /** Every request that is not ours (`/healthz`, `/metrics`): Next's handler. 404 without it. */
  handleRequest?(request: IncomingMessage, response: ServerResponse): void;
  /** Every upgrade that is not `/ws`, such as Next's hot reload. Refused without it. */
  handleUpgrade?(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The port the pages are served on, when another server serves them (signaling beside plain
   * `next dev`); by default this server's own. Pages there may open `/ws`. */
  pagePort?: number;
}

export interface HttpServer {
  readonly server: Server;
  readonly signaling: SignalingEndpoint;
  /** The origins whose pages may open `/ws`, known once listening. */
  readonly origins: OriginPolicy | null;
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
  let origins: OriginPolicy | null = null;
  const signaling = createSignalingEndpoint({
    ...options,
    allowsOrigin: (origin) => origins?.allows(origin) ?? false,
    iceConfiguration:
      options.iceConfiguration ??
      ((peerId) => ({
        iceServers: iceServersFor(config, peerId),
        iceTransportPolicy: config.iceTransportPolicy,
      })),
  });

  const handleOpsRequest = createOpsRoutes({ signaling, metricsToken: config.metricsToken });

  const onRequest: RequestListener = (request, response) => {
    for (const { key, value } of SECURITY_HEADERS) response.setHeader(key, value);
    if (config.tls) {
      // TLS ends here, not at a proxy: say so to Next (the CSP then upgrades and allows wss:).
      request.headers['x-forwarded-proto'] = 'https';
      response.setHeader('Strict-Transport-Security', 'max-age=31536000');
    }
    if (handleOpsRequest(request, response)) return;
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
    get origins() {
      return origins;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          origins = new OriginPolicy(config, {
            host,
            port: options.pagePort ?? address.port,
            secure: config.tls !== null,
          });
          resolve(address);
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

function upgradePath(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}
