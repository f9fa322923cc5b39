import { createHmac, randomBytes } from 'node:crypto';
import type { IceServer } from '../signaling/protocol';
import { KeyedRateLimit } from './keyed-rate-limit';

/**
 * Short-lived TURN credentials in the "TURN REST API" form that coturn checks with
 * `use-auth-secret` / `static-auth-secret`: the username is `<expiry unix seconds>:<peer id>`, the
 * password is base64(HMAC-SHA1(secret, username)). The secret never leaves the server; a
 * browser only ever holds a password that stops working after `ttlSeconds`.
 */
export interface TurnSettings {
  urls: string[];
  secret: string;
  ttlSeconds: number;
}

export function turnCredentials(
  settings: TurnSettings,
  peerId: string,
  nowMs: number = Date.now(),
): IceServer {
  const expiry = Math.floor(nowMs / 1000) + settings.ttlSeconds;
  const username = `${expiry}:${peerId}`;
  const credential = createHmac('sha1', settings.secret).update(username).digest('base64');
  return { urls: settings.urls, username, credential };
}

export interface TurnIssuerOptions {
  settings: TurnSettings;
  /** Credentials issued to joined peers from one address: a burst of this many, then this many a minute. */
  perAddressPerMinute: number;
  /** Credentials for the connection self-test from one address, per minute (a burst of 5). */
  checksPerAddressPerMinute: number;
  /** Wall-clock milliseconds, for expiry times; tests pass a fake one. */
  now?: () => number;
  /** Monotonic milliseconds, for the rates; tests pass a fake one. */
  monotonicNow?: () => number;
}

/** A self-test allocates a relay within seconds of asking: its credentials need not live long. */
export const CHECK_CREDENTIAL_TTL_SECONDS = 300;
const CHECK_BURST = 5;

interface Issued {
  server: IceServer;
  /** Wall-clock milliseconds. */
  expiresAt: number;
  issuedAt: number;
}

/**
 * Decides who gets TURN credentials, and which. A joined peer gets credentials named after it, the
 * same ones each time it asks, renewed once they are past half their life; so one peer holds at
 * most two valid at once. A socket that has not joined (the /check page) gets short-lived ones,
 * at a much lower rate per address. Both rates are per client address, so reconnecting or joining
 * again does not reset them.
 */
export class TurnCredentialIssuer {
  private readonly issued = new Map<string, Issued>();
  private readonly forPeers: KeyedRateLimit;
  private readonly forChecks: KeyedRateLimit;
  private readonly now: () => number;

  constructor(private readonly options: TurnIssuerOptions) {
    this.now = options.now ?? Date.now;
    this.forPeers = new KeyedRateLimit({
      burst: options.perAddressPerMinute,
      perMinute: options.perAddressPerMinute,
      now: options.monotonicNow,
    });
    this.forChecks = new KeyedRateLimit({
      burst: CHECK_BURST,
      perMinute: options.checksPerAddressPerMinute,
      now: options.monotonicNow,
    });
  }

  /**
   * The peer's current credentials, or new ones if it has none or they are past half their life.
   * Null if it has none valid and its address may have no more now.
   */
  forPeer(peerId: string, address: string): IceServer | null {
    const now = this.now();
    const current = this.issued.get(peerId);
    if (current && !this.due(current, now)) return current.server;
    if (!this.forPeers.take(address).allowed) {
      return current && current.expiresAt > now ? current.server : null;
    }
    const server = turnCredentials(this.options.settings, peerId, now);
    this.issued.set(peerId, {
      server,
      issuedAt: now,
      expiresAt: now + this.options.settings.ttlSeconds * 1000,
    });
    return server;
  }

  /** Whether the peer's credentials are past half their life, so that it should get new ones. */
  renewalDue(peerId: string): boolean {
    const current = this.issued.get(peerId);
    return current !== undefined && this.due(current, this.now());
  }

  /** Credentials for one connection self-test, or null if its address asked too often. */
  forCheck(address: string): IceServer | null {
    if (!this.forChecks.take(address).allowed) return null;
    const ttlSeconds = Math.min(this.options.settings.ttlSeconds, CHECK_CREDENTIAL_TTL_SECONDS);
    const checkId = `check-${randomBytes(9).toString('base64url')}`;
    return turnCredentials({ ...this.options.settings, ttlSeconds }, checkId, this.now());
  }

  /** The peer is gone: its credentials will not be renewed. */
  forget(peerId: string): void {
    this.issued.delete(peerId);
  }

  private due(issued: Issued, now: number): boolean {
    return now - issued.issuedAt >= (issued.expiresAt - issued.issuedAt) / 2;
  }
}
