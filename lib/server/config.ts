import { readFileSync } from 'node:fs';
import type { IceServer } from '../signaling/protocol';
import type { TurnSettings } from './turn-credentials';

type Env = Record<string, string | undefined>;

/** One environment variable as `docs/configuration.md` and `.env.example` show it. */
export interface Variable {
  readonly name: string;
  /** The default as written in the docs; null when unset means "none". */
  readonly default: string | null;
}

/** How one setting is read: the variables it takes, and their parsed value. */
interface Setting<T> {
  readonly variables: readonly Variable[];
  read(env: Env): T;
}

export class ConfigError extends Error {}

/**
 * Every setting the server reads from its environment. To add one, add an entry here, a row to
 * `docs/configuration.md` and a line to `.env.example`; `config.test.ts` checks all three agree.
 */
export const SETTINGS = {
  port: integer('PORT', 3000, 0, 65535),
  host: text('HOST', 'localhost'),
  /** The origin people open the app at (scheme, host and port), e.g. behind a proxy. */
  publicOrigin: optionalOrigin('PUBLIC_ORIGIN'),
  /** Origins, besides the public one, whose pages may open the signaling socket. */
  allowedOrigins: originList('ALLOWED_ORIGINS'),
  /** Where signaling listens when the app runs under plain `next dev` or `next start`. */
  signalingPort: integer('SIGNALING_PORT', 3001, 0, 65535),
  roomCapacity: integer('ROOM_CAPACITY', 6, 2, 50),
  heartbeatIntervalMs: integer('HEARTBEAT_INTERVAL_MS', 5_000, 100, 60_000),
  resumeGraceMs: integer('RESUME_GRACE_MS', 15_000, 0, 300_000),
  /** How long a page that closed its socket while unloading keeps its place, to reload into it. */
  reloadGraceMs: integer('RELOAD_GRACE_MS', 8_000, 0, 300_000),
  /** A joined page silent this long (it pings every 5 s) has crashed or frozen: its peer is removed. */
  pageSilenceLimitMs: integer('PAGE_SILENCE_LIMIT_MS', 15_000, 0, 600_000),
  stunUrls: iceUrlList('STUN_URLS', ['stun:', 'stuns:']),
  /** Set when TURN_URLS and TURN_SECRET are: every joining peer gets its own short-lived credentials. */
  turn: turnSettings(),
  iceTransportPolicy: oneOf('ICE_TRANSPORT_POLICY', ['all', 'relay'], 'all'),
  /** Certificate and key (PEM) from TLS_CERT and TLS_KEY: the server then serves HTTPS and WSS. */
  tls: tlsFiles(),
  logLevel: text('LOG_LEVEL', 'info'),
  /** When set, `/metrics` answers only requests with `Authorization: Bearer <token>`. */
  metricsToken: optionalText('METRICS_TOKEN'),
  /** Sustained messages per second one socket may send; see `rateLimitBurst`. */
  rateLimitPerSecond: integer('RATE_LIMIT_MESSAGES_PER_SECOND', 100, 1, 1_000_000),
  /** Messages one socket may send at once before the sustained rate applies. A newcomer to a
   * 6-person call sends 5 offers and up to ~150 candidates within a second or two; an ICE restart
   * and a screen share right after add as many again. 500 covers all three at once. */
  rateLimitBurst: integer('RATE_LIMIT_BURST', 500, 1, 1_000_000),
  /** Refused messages (over the rate or invalid) one socket may send in a burst before it is
   * closed. The allowance regains one per second. */
  rateLimitStrikes: integer('RATE_LIMIT_STRIKES', 20, 1, 1_000_000),
  /** Open signaling sockets from one client address. */
  maxConnectionsPerIp: integer('MAX_CONNECTIONS_PER_IP', 50, 1, 1_000_000),
  /** Open signaling sockets in all. */
  maxConnections: integer('MAX_CONNECTIONS', 10_000, 1, 1_000_000),
  /** Bytes queued for one socket past which it counts as a stalled consumer and is dropped. */
  maxBufferedBytes: integer('MAX_BUFFERED_BYTES', 1024 * 1024, 64 * 1024, 1024 ** 3),
  /** How many reverse proxies of ours stand in front: the client address is that many entries
   * from the right of X-Forwarded-For. 0 uses the TCP peer address. */
  trustProxy: integer('TRUST_PROXY', 0, 0, 10),
  /** Set: rooms are shared through this Redis by every process given the same URL and prefix. */
  redisUrl: redisUrl('REDIS_URL'),
  /** Prepended to every Redis key and channel, so that deployments can share one Redis. */
  redisKeyPrefix: text('REDIS_KEY_PREFIX', 'meshcall:'),
  /** Set: a room that grows past MESH_MAX moves its media to this Janus (its WebSocket API). */
  janusUrl: janusUrl('JANUS_URL'),
  /** The `api_secret` of that Janus (deploy/janus/janus.jcfg requires one). */
  janusApiSecret: optionalText('JANUS_API_SECRET'),
  /** The most people a room holds as a mesh; one more and it moves to Janus (with JANUS_URL). */
  meshMax: integer('MESH_MAX', 4, 2, 50),
  /** A connection must send a request's complete headers within this; then it gets 408. */
  headersTimeoutMs: integer('HEADERS_TIMEOUT_MS', 10_000, 1_000, 120_000),
  /** Connections from one address still sending their first request's headers; more are closed.
   * Not applied behind proxies (TRUST_PROXY > 0), which see to it themselves. More than the
   * signaling sockets one address may open: a crowd behind one NAT may open all of them at once,
   * and each is unfinished until the server reads its headers. */
  maxPendingRequestsPerIp: integer('MAX_PENDING_REQUESTS_PER_IP', 64, 1, 1_000_000),
  /** Bytes held for one peer away (waiting to resume); past it the peer is treated as gone.
   * Enough for a returning peer in a full room of 6 whose every other member renegotiated with
   * the largest SDP allowed and sent a hundred candidates. */
  maxHeldBytesPerPeer: integer('MAX_HELD_BYTES_PER_PEER', 512 * 1024, 64 * 1024, 1024 ** 3),
  /** Bytes held for all away peers together; past it, the peer a message is for is treated as gone. */
  maxHeldBytes: integer('MAX_HELD_BYTES', 64 * 1024 * 1024, 1024 * 1024, 16 * 1024 ** 3),
  /** Log lines about refused requests from one address: a burst of this many, then this many a minute. */
  logRefusalsPerMinute: integer('LOG_REFUSALS_PER_MINUTE', 20, 1, 1_000_000),
  /** TURN credentials issued to joined peers from one address: a burst of this many, then this many a minute. */
  turnCredentialsPerMinute: integer('TURN_CREDENTIALS_PER_MINUTE', 30, 1, 1_000_000),
  /** TURN credentials for the connection self-test from one address, per minute (a burst of 5). */
  turnChecksPerMinute: integer('TURN_CHECKS_PER_MINUTE', 1, 1, 1_000_000),
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof SETTINGS;

/** Everything the server reads from its environment: one field per entry of `SETTINGS`. */
export type ServerConfig = { readonly [K in keyof Settings]: ReturnType<Settings[K]['read']> } & {
  /** Anything but NODE_ENV=production. */
  readonly dev: boolean;
};

/** Every environment variable the settings read, in the order of `SETTINGS`. */
export const VARIABLES: readonly Variable[] = Object.values(SETTINGS).flatMap(
  (setting: Setting<unknown>) => setting.variables,
);

/**
 * The largest room a mesh alone may be configured for. Every browser of a mesh encodes and sends
 * one copy per other person; past a dozen no home uplink keeps up. Up to 50 only with Janus.
 */
export const MESH_ONLY_MAX_CAPACITY = 12;

export function loadServerConfig(env: Env = process.env): ServerConfig {
  const values: Record<string, unknown> = { dev: env.NODE_ENV !== 'production' };
  for (const [key, setting] of Object.entries(SETTINGS)) values[key] = setting.read(env);
  const config = values as ServerConfig;
  if (!config.janusUrl && config.roomCapacity > MESH_ONLY_MAX_CAPACITY) {
    throw new ConfigError(
      `ROOM_CAPACITY above ${MESH_ONLY_MAX_CAPACITY} needs an SFU: set JANUS_URL, or lower ROOM_CAPACITY (every browser in a mesh sends its camera to everyone).`,
    );
  }
  if (config.janusUrl && !config.janusApiSecret) {
    throw new ConfigError(
      'JANUS_URL is set without JANUS_API_SECRET: give Janus an api_secret (its API must not be open) and set the same here.',
    );
  }
  if (!config.dev && config.trustProxy > 0 && !config.publicOrigin) {
    throw new ConfigError(
      'TRUST_PROXY says a proxy stands in front, so people open the app at its address: set PUBLIC_ORIGIN to it, e.g. https://call.example.com.',
    );
  }
  return config;
}

/** ICE servers to hand out: the STUN servers, and a TURN server with its credentials if any. */
export function iceServersFor(config: ServerConfig, turn: IceServer | null): IceServer[] {
  const servers: IceServer[] = config.stunUrls.length > 0 ? [{ urls: config.stunUrls }] : [];
  if (turn) servers.push(turn);
  return servers;
}

/**
 * What the call page may know about the relay: whether one is configured and whether every call
 * must use it. Never the secret or the URLs; those travel over signaling to joined peers only.
 */
export function publicRelaySettings(config: ServerConfig): { available: boolean; forced: boolean } {
  return { available: config.turn !== null, forced: config.iceTransportPolicy === 'relay' };
}

// ---------------------------------------------------------------------------------------------
// Kinds of setting
// ---------------------------------------------------------------------------------------------

function raw(env: Env, name: string): string {
  return env[name]?.trim() ?? '';
}

function text(name: string, fallback: string): Setting<string> {
  return { variables: [{ name, default: fallback }], read: (env) => raw(env, name) || fallback };
}

function optionalText(name: string): Setting<string | null> {
  return { variables: [{ name, default: null }], read: (env) => raw(env, name) || null };
}

function integer(name: string, fallback: number, min: number, max: number): Setting<number> {
  return {
    variables: [{ name, default: String(fallback) }],
    read: (env) => parseInteger(name, raw(env, name), fallback, min, max),
  };
}

function parseInteger(name: string, value: string, fallback: number, min: number, max: number) {
  if (!value) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${value}".`);
  }
  return number;
}

function oneOf<const T extends string>(
  name: string,
  allowed: readonly T[],
  fallback: T,
): Setting<T> {
  return {
    variables: [{ name, default: fallback }],
    read(env) {
      const value = raw(env, name);
      if (!value) return fallback;
      if (!(allowed as readonly string[]).includes(value)) {
        throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${value}".`);
      }
      return value as T;
    },
  };
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function originList(name: string): Setting<ReadonlySet<string>> {
  return {
    variables: [{ name, default: null }],
    read: (env) => new Set(list(raw(env, name)).map((item) => parseOrigin(name, item))),
  };
}

function optionalOrigin(name: string): Setting<string | null> {
  return {
    variables: [{ name, default: null }],
    read(env) {
      const value = raw(env, name);
      return value ? parseOrigin(name, value) : null;
    },
  };
}

/** An origin as browsers send it: scheme, host and port (the default port left out). */
function parseOrigin(name: string, value: string): string {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // Reported below.
  }
  const bare = url !== null && (url.pathname === '/' || url.pathname === '') && !url.search;
  if (!url || !bare || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(
      `${name} has "${value}", which is not an origin like https://call.example.com (scheme, host and port; no path).`,
    );
  }
  return url.origin;
}

function iceUrlList(name: string, schemes: readonly string[]): Setting<string[]> {
  return {
    variables: [{ name, default: null }],
    read: (env) => list(raw(env, name)).map((url) => checkIceUrl(name, url, schemes)),
  };
}

function checkIceUrl(name: string, url: string, schemes: readonly string[]): string {
  if (!schemes.some((scheme) => url.startsWith(scheme))) {
    throw new ConfigError(`${name} has "${url}", which should start with ${schemes.join(' or ')}.`);
  }
  return url;
}

function redisUrl(name: string): Setting<string | null> {
  return {
    variables: [{ name, default: null }],
    read(env) {
      const value = raw(env, name);
      if (!value) return null;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new ConfigError(
          `${name} is "${value}", which is not a URL like redis://127.0.0.1:6379/0.`,
        );
      }
      if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
        throw new ConfigError(`${name} must start with redis:// or rediss://, got "${value}".`);
      }
      return value;
    },
  };
}

function janusUrl(name: string): Setting<string | null> {
  return {
    variables: [{ name, default: null }],
    read(env) {
      const value = raw(env, name);
      if (!value) return null;
      let url: URL | null = null;
      try {
        url = new URL(value);
      } catch {
        // Reported below.
      }
      if (!url || (url.protocol !== 'ws:' && url.protocol !== 'wss:')) {
        throw new ConfigError(
          `${name} has "${value}", which is not a WebSocket URL like ws://127.0.0.1:8188.`,
        );
      }
      return value;
    },
  };
}

function turnSettings(): Setting<TurnSettings | null> {
  const urls = iceUrlList('TURN_URLS', ['turn:', 'turns:']);
  // coturn checks the expiry when a relay is allocated, not when it is refreshed; joined peers
  // get new credentials at half-life, so a relay allocated late in a call still authenticates.
  const ttl = integer('TURN_TTL_SECONDS', 30 * 60, 10, 7 * 24 * 3600);
  return {
    variables: [...urls.variables, { name: 'TURN_SECRET', default: null }, ...ttl.variables],
    read(env) {
      const turnUrls = urls.read(env);
      const secret = raw(env, 'TURN_SECRET');
      if (turnUrls.length === 0 && !secret) return null;
      if (turnUrls.length === 0 || !secret) {
        throw new ConfigError('TURN_URLS and TURN_SECRET go together: set both, or neither.');
      }
      return { urls: turnUrls, secret, ttlSeconds: ttl.read(env) };
    },
  };
}

function tlsFiles(): Setting<{ cert: Buffer; key: Buffer } | null> {
  return {
    variables: [
      { name: 'TLS_CERT', default: null },
      { name: 'TLS_KEY', default: null },
    ],
    read(env) {
      const certPath = raw(env, 'TLS_CERT');
      const keyPath = raw(env, 'TLS_KEY');
      if (!certPath && !keyPath) return null;
      if (!certPath || !keyPath) {
        throw new ConfigError('TLS_CERT and TLS_KEY go together: set both, or neither.');
      }
      return { cert: readPem('TLS_CERT', certPath), key: readPem('TLS_KEY', keyPath) };
    },
  };
}

function readPem(name: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(
      `${name} is "${path}", which cannot be read: ${(error as Error).message}`,
    );
  }
}
