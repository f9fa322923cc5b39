import { createHmac } from 'node:crypto';
import type { IceServer } from '../signaling/protocol';

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
