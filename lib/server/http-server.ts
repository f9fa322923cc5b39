import { SfuBroker } from './sfu/sfu-broker';
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createSecureServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { CLOSE_CODES } from '../signaling/protocol';
import { quoteUntrusted } from '../untrusted-text';
import type { ServerConfig } from './config';
import { SECURITY_HEADERS } from '../security/content-security-policy';
import { answerAndClose } from './answer-and-close';
import { KeyedRateLimit } from './keyed-rate-limit';
import { createOpsRoutes } from './ops-routes';
import { OriginPolicy } from './origin-policy';
import { settleWithin } from './settle-within';
import {
  clientAddress,
  createSignalingEndpoint,
  type SignalingEndpoint,
} from './signaling-endpoint';
import { InMemoryRooms } from '../signaling/in-memory-rooms';
import { RedisRooms } from '../signaling/redis-rooms';
import type { Rooms } from '../signaling/rooms';

export interface HttpServerOptions {
  config: ServerConfig;
  log: Logger;
  /** Every request that is not ours (`/healthz`, `/metrics`): Next's handler. 404 without it. */
  handleRequest?(request: IncomingMessage, response: ServerResponse): void;
  /**
   * Next's hot reload, in development only: the one upgrade besides `/ws` that is passed on. Every
   * other upgrade is answered 404 and closed here, since nothing else would answer it.
   */
  handleDevUpgrade?(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * The app's server action ids, from Next's build manifest. A request naming any other action
   * is answered 404 here, before Next prints a stack trace for it. Unchecked when absent.
   */
  serverActionIds?: ReadonlySet<string>;
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

/** The methods Next serves; anything else (TRACE, WebDAV's) is answered 405 before it gets there. */
const SERVED_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** Where Next's hot reload connects in development. */
const DEV_UPGRADE_PATHS = ['/_next/hmr', '/_next/webpack-hmr'];
/** A request must have sent its whole body within this (pages take none; it bounds slow bodies). */
const REQUEST_TIMEOUT_MS = 30_000;

/** The HTTP server with `/ws`, `/healthz` and `/metrics`; the rest goes to `handleRequest`. */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { config, log } = options;
  let origins: OriginPolicy | null = null;
  const signaling = createSignalingEndpoint({
    ...options,
    rooms: createRooms(config),
    sfu: createSfuBroker(config),
    allowsOrigin: (origin) => origins?.allows(origin) ?? false,
  });
  const handleOpsRequest = createOpsRoutes({ signaling, metricsToken: config.metricsToken });
  /** Bad requests are logged at most once per address per minute, however many there are. */
  const badRequestLog = new KeyedRateLimit({ burst: 1, perMinute: 1 });

  function logBadRequest(address: string, fields: Record<string, unknown>, message: string): void {
    if (!log.isLevelEnabled('info')) return;
    const take = badRequestLog.take(address);
    if (!take.allowed) return;
    const suppressed = take.refusedBefore > 0 ? { suppressedBefore: take.refusedBefore } : {};
    log.info({ ...fields, address, ...suppressed }, message);
  }

  /** Answers what Next would answer with a 500 and a stack trace. True if it did. */
  function refuseBadRequest(request: IncomingMessage, response: ServerResponse): boolean {
    const method = request.method ?? '';
    const url = request.url ?? '/';
    let status = 0;
    if (!SERVED_METHODS.has(method)) {
      status = 405;
      response.setHeader('Allow', [...SERVED_METHODS].join(', '));
    } else if (!decodablePath(url)) {
      status = 400;
    } else if (options.serverActionIds && request.headers['next-action'] !== undefined) {
      const action = request.headers['next-action'];
      if (typeof action !== 'string' || !options.serverActionIds.has(action)) status = 404;
    }
    if (status === 0) return false;
    logBadRequest(
      clientAddress(request, config.trustProxy),
      { method: quoteUntrusted(method, 16), url: quoteUntrusted(url, 64), status },
      'bad request',
    );
    response.writeHead(status, { 'content-length': '0', 'cache-control': 'no-store' }).end();
    return true;
  }

  const onRequest: RequestListener = (request, response) => {
    pending.settle(request.socket);
    for (const { key, value } of SECURITY_HEADERS) response.setHeader(key, value);
    if (config.tls) {
      // TLS ends here, not at a proxy: say so to Next (the CSP then upgrades and allows wss:).
      request.headers['x-forwarded-proto'] = 'https';
      response.setHeader('Strict-Transport-Security', 'max-age=31536000');
    }
    if (handleOpsRequest(request, response)) return;
    if (refuseBadRequest(request, response)) return;
    if (options.handleRequest) return options.handleRequest(request, response);
    response.writeHead(404).end();
  };
  const timeouts = {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: Math.max(REQUEST_TIMEOUT_MS, config.headersTimeoutMs),
    // Node checks these timeouts every 30 s by default: too coarse for a 10 s limit.
    connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
  };
  // With TLS_CERT and TLS_KEY the server speaks HTTPS and WSS itself: cameras need a secure
  // context on anything but localhost.
  const server: Server = config.tls
    ? createSecureServer(
        { ...config.tls, ...timeouts, handshakeTimeout: config.headersTimeoutMs },
        onRequest,
      )
    : createServer(timeouts, onRequest);

  // Connections still sending their first request's headers, per address. Behind proxies every
  // connection comes from a proxy, which buffers headers itself: no limit there.
  const pending = new PendingRequests(
    config.trustProxy === 0 ? config.maxPendingRequestsPerIp : Infinity,
  );
  server.on(config.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    if (pending.admit(socket)) return;
    logBadRequest(
      socket.remoteAddress ?? 'unknown',
      { limit: config.maxPendingRequestsPerIp },
      'too many unfinished requests from one address, closing connection',
    );
    socket.destroy();
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const [status, text] = CLIENT_ERROR_STATUS[error.code ?? ''] ?? [400, 'Bad Request'];
    if (error.code !== 'ECONNRESET') {
      logBadRequest(
        (socket as Socket).remoteAddress ?? 'unknown',
        { status, reason: error.code },
        status === 408 ? 'request headers too slow, closing connection' : 'malformed request',
      );
    }
    // A response already under way cannot be followed by another status line.
    const responding = (socket as Socket & { _httpMessage?: unknown })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || responding) socket.destroy();
    else answerAndClose(socket, status, text);
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    pending.settle(socket);
    socket.on('error', () => socket.destroy());
    const path = upgradePath(request);
    if (path === '/ws') {
      signaling.handleUpgrade(request, socket, head);
    } else if (
      options.handleDevUpgrade &&
      DEV_UPGRADE_PATHS.some((prefix) => path.startsWith(prefix))
    ) {
      options.handleDevUpgrade(request, socket, head);
    } else {
      logBadRequest(
        clientAddress(request, config.trustProxy),
        { url: quoteUntrusted(request.url, 64), status: 404 },
        'upgrade to an unknown path',
      );
      answerAndClose(socket, 404, 'Not Found');
    }
  });

  return {
    server,
    signaling,
    get origins() {
      return origins;
    },
    async listen(port, host) {
      // Connected to the rooms first: a join that arrives must find them.
      await signaling.start();
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

/** The Janus broker when JANUS_URL is set; without it every room is a mesh. */
export function createSfuBroker(config: ServerConfig): SfuBroker | null {
  if (!config.janusUrl) return null;
  return new SfuBroker({
    janusUrl: config.janusUrl,
    apiSecret: config.janusApiSecret ?? '',
    maxPublishers: config.roomCapacity,
  });
}

/** Rooms in this process, or shared through Redis when REDIS_URL is set. */
export function createRooms(config: ServerConfig): Rooms {
  const heldLimits = {
    maxBytesPerPeer: config.maxHeldBytesPerPeer,
    maxBytesPerProcess: config.maxHeldBytes,
  };
  if (!config.redisUrl) return new InMemoryRooms(config.roomCapacity, heldLimits);
  return new RedisRooms({
    url: config.redisUrl,
    keyPrefix: config.redisKeyPrefix,
    capacity: config.roomCapacity,
    heldLimits,
    // A process that stopped answering is given up after two heartbeats, like a socket.
    leaseMs: config.heartbeatIntervalMs * 2,
  });
}

const CLIENT_ERROR_STATUS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
};

/**
 * Counts, per client address, the connections that have not yet sent a whole request (or upgrade)
 * head, so that one address cannot hold many descriptors by never finishing its headers. Each
 * connection is counted until its first head arrives or it closes; the headers timeout ends it.
 */
class PendingRequests {
  private readonly byAddress = new Map<string, number>();
  private readonly counted = new WeakMap<object, string>();

  constructor(private readonly maxPerAddress: number) {}

  /** Counts a new connection; false if its address already has its fill of unfinished ones. */
  admit(socket: Socket): boolean {
    if (this.maxPerAddress === Infinity) return true;
    const address = socket.remoteAddress ?? 'unknown';
    const count = this.byAddress.get(address) ?? 0;
    if (count >= this.maxPerAddress) return false;
    this.byAddress.set(address, count + 1);
    this.counted.set(socket, address);
    socket.once('close', () => this.settle(socket));
    return true;
  }

  /** The connection has sent a whole head, or closed: it no longer counts. */
  settle(socket: object): void {
    const address = this.counted.get(socket);
    if (address === undefined) return;
    this.counted.delete(socket);
    const count = (this.byAddress.get(address) ?? 1) - 1;
    if (count > 0) this.byAddress.set(address, count);
    else this.byAddress.delete(address);
  }
}

function upgradePath(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

/** Whether Next can decode the path: a malformed escape such as `%E0%A4%A` makes it throw. */
function decodablePath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
