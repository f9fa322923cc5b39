import { readFileSync } from 'node:fs';
import { DEFAULT_HELD_LIMITS } from '../signaling/held-messages';
import type { IceServer } from '../signaling/protocol';
import type { TurnSettings } from './turn-credentials';

/** Everything the server reads from its environment. The README's Configuration table lists it. */
export interface ServerConfig {
  port: number;
  host: string;
  dev: boolean;
  /** Origins, besides the server's own, whose pages may open the signaling socket. */
  allowedOrigins: ReadonlySet<string>;
  roomCapacity: number;
  heartbeatIntervalMs: number;
  resumeGraceMs: number;
  /** A joined page silent this long (it pings every 5 s) has crashed or frozen: its peer is removed. */
  pageSilenceLimitMs: number;
  stunUrls: string[];
  /** Certificate and key (PEM) from TLS_CERT and TLS_KEY: the server then serves HTTPS and WSS. */
  tls: { cert: Buffer; key: Buffer } | null;
  /** Set when TURN_URLS and TURN_SECRET are: every joining peer gets its own short-lived credentials. */
  turn: TurnSettings | null;
  iceTransportPolicy: 'all' | 'relay';
  logLevel: string;
  /** Sustained messages per second one socket may send; see `rateLimitBurst`. */
  rateLimitPerSecond: number;
  /** Messages one socket may send at once before the sustained rate applies. */
  rateLimitBurst: number;
  /** Refused messages (over the rate or invalid) one socket may send in a burst before it is
   * closed. The allowance regains one per second. */
  rateLimitStrikes: number;
  /** Open signaling sockets from one client address. */
  maxConnectionsPerIp: number;
  /** Open signaling sockets in all. */
  maxConnections: number;
  /** Bytes queued for one socket past which it counts as a stalled consumer and is dropped. */
  maxBufferedBytes: number;
  /** How many reverse proxies of ours stand in front: the client address is that many entries
   * from the right of X-Forwarded-For. 0 uses the TCP peer address. */
  trustProxy: number;
  /** Set: rooms are shared through this Redis by every process given the same URL and prefix. */
  redisUrl: string | null;
  /** Prepended to every Redis key and channel, so that deployments can share one Redis. */
  redisKeyPrefix: string;
  /** A connection must send a request's complete headers within this; then it gets 408. */
  headersTimeoutMs: number;
  /** Connections from one address still sending their first request's headers; more are closed.
   * Not applied behind proxies (TRUST_PROXY > 0), which see to it themselves. */
  maxPendingRequestsPerIp: number;
  /** Bytes held for one peer away (waiting to resume); past it the peer is treated as gone. */
  maxHeldBytesPerPeer: number;
  /** Bytes held for all away peers together; past it, the peer a message is for is treated as gone. */
  maxHeldBytes: number;
  /** Log lines about refused requests from one address: a burst of this many, then this many a minute. */
  logRefusalsPerMinute: number;
  /** TURN credentials issued to joined peers from one address: a burst of this many, then this many a minute. */
  turnCredentialsPerMinute: number;
  /** TURN credentials for the connection self-test from one address, per minute (a burst of 5). */
  turnChecksPerMinute: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function loadServerConfig(env: Env = process.env): ServerConfig {
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || 'localhost',
    dev: env.NODE_ENV !== 'production',
    allowedOrigins: new Set(list(env.ALLOWED_ORIGINS).map(normalizeOrigin)),
    roomCapacity: integer(env, 'ROOM_CAPACITY', 6, 2, 50),
    heartbeatIntervalMs: integer(env, 'HEARTBEAT_INTERVAL_MS', 5_000, 100, 60_000),
    resumeGraceMs: integer(env, 'RESUME_GRACE_MS', 15_000, 0, 300_000),
    pageSilenceLimitMs: integer(env, 'PAGE_SILENCE_LIMIT_MS', 15_000, 0, 600_000),
    stunUrls: list(env.STUN_URLS).map((url) => checkIceUrl('STUN_URLS', url, ['stun:', 'stuns:'])),
    turn: loadTurnSettings(env),
    tls: loadTls(env),
    iceTransportPolicy: oneOf(env, 'ICE_TRANSPORT_POLICY', ['all', 'relay'], 'all'),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    // A newcomer to a 6-person call sends 5 offers and up to ~150 candidates within a second or
    // two; an ICE restart and a screen share right after add as many again. A burst of 500 covers
    // all three at once.
    rateLimitPerSecond: integer(env, 'RATE_LIMIT_MESSAGES_PER_SECOND', 100, 1, 1_000_000),
    rateLimitBurst: integer(env, 'RATE_LIMIT_BURST', 500, 1, 1_000_000),
    rateLimitStrikes: integer(env, 'RATE_LIMIT_STRIKES', 20, 1, 1_000_000),
    maxConnectionsPerIp: integer(env, 'MAX_CONNECTIONS_PER_IP', 50, 1, 1_000_000),
    maxConnections: integer(env, 'MAX_CONNECTIONS', 10_000, 1, 1_000_000),
    maxBufferedBytes: integer(env, 'MAX_BUFFERED_BYTES', 1024 * 1024, 64 * 1024, 1024 ** 3),
    trustProxy: integer(env, 'TRUST_PROXY', 0, 0, 10),
    redisUrl: loadRedisUrl(env),
    redisKeyPrefix: env.REDIS_KEY_PREFIX?.trim() || 'meshcall:',
    headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 1_000, 120_000),
    // More than the signaling sockets one address may open: a crowd behind one NAT may open all
    // of them at once, and each is unfinished until the server reads its headers.
    maxPendingRequestsPerIp: integer(env, 'MAX_PENDING_REQUESTS_PER_IP', 64, 1, 1_000_000),
    maxHeldBytesPerPeer: integer(
      env,
      'MAX_HELD_BYTES_PER_PEER',
      DEFAULT_HELD_LIMITS.maxBytesPerPeer,
      64 * 1024,
      1024 ** 3,
    ),
    maxHeldBytes: integer(
      env,
      'MAX_HELD_BYTES',
      DEFAULT_HELD_LIMITS.maxBytesPerProcess,
      1024 * 1024,
      16 * 1024 ** 3,
    ),
    logRefusalsPerMinute: integer(env, 'LOG_REFUSALS_PER_MINUTE', 20, 1, 1_000_000),
    turnCredentialsPerMinute: integer(env, 'TURN_CREDENTIALS_PER_MINUTE', 30, 1, 1_000_000),
    turnChecksPerMinute: integer(env, 'TURN_CHECKS_PER_MINUTE', 1, 1, 1_000_000),
  };
}

/** ICE servers to hand out: the STUN servers, and a TURN server with its credentials if any. */
export function iceServersFor(config: ServerConfig, turn: IceServer | null): IceServer[] {
  const servers: IceServer[] = config.stunUrls.length > 0 ? [{ urls: config.stunUrls }] : [];
  if (turn) servers.push(turn);
  return servers;
}

function loadRedisUrl(env: Env): string | null {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `REDIS_URL is "${raw}", which is not a URL like redis://127.0.0.1:6379/0.`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got "${raw}".`);
  }
  return raw;
}

function loadTls(env: Env): { cert: Buffer; key: Buffer } | null {
  const certPath = env.TLS_CERT?.trim();
  const keyPath = env.TLS_KEY?.trim();
  if (!certPath && !keyPath) return null;
  if (!certPath || !keyPath)
    throw new ConfigError('TLS_CERT and TLS_KEY go together: set both, or neither.');
  const read = (name: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ConfigError(
        `${name} is "${path}", which cannot be read: ${(error as Error).message}`,
      );
    }
  };
  return { cert: read('TLS_CERT', certPath), key: read('TLS_KEY', keyPath) };
}

function loadTurnSettings(env: Env): TurnSettings | null {
  const urls = list(env.TURN_URLS).map((url) => checkIceUrl('TURN_URLS', url, ['turn:', 'turns:']));
  const secret = env.TURN_SECRET?.trim() ?? '';
  if (urls.length === 0 && !secret) return null;
  if (urls.length === 0 || !secret) {
    throw new ConfigError('TURN_URLS and TURN_SECRET go together: set both, or neither.');
  }
  // coturn checks the expiry when a relay is allocated, not when it is refreshed; joined peers
  // get new credentials at half-life, so a relay allocated late in a call still authenticates.
  return {
    urls,
    secret,
    ttlSeconds: integer(env, 'TURN_TTL_SECONDS', 30 * 60, 10, 7 * 24 * 3600),
  };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}".`);
  }
  return raw as T;
}

function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    throw new ConfigError(
      `ALLOWED_ORIGINS has "${origin}", which is not an origin like https://example.com.`,
    );
  }
}

function checkIceUrl(name: string, url: string, schemes: readonly string[]): string {
  if (!schemes.some((scheme) => url.startsWith(scheme))) {
    throw new ConfigError(`${name} has "${url}", which should start with ${schemes.join(' or ')}.`);
  }
  return url;
}

/**
 * What the call page may know about the relay: whether one is configured and whether every call
 * must use it. Never the secret or the URLs; those travel over signaling to joined peers only.
 */
export function publicRelaySettings(config: ServerConfig = processConfig()): {
  available: boolean;
  forced: boolean;
} {
  return { available: config.turn !== null, forced: config.iceTransportPolicy === 'relay' };
}

let loadedConfig: ServerConfig | undefined;

/** This process's settings, read once: pages ask on every render, and TLS keys live on disk. */
function processConfig(): ServerConfig {
  loadedConfig ??= loadServerConfig();
  return loadedConfig;
}
