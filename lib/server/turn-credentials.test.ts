import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CHECK_CREDENTIAL_TTL_SECONDS,
  TurnCredentialIssuer,
  turnCredentials,
} from './turn-credentials';

const settings = { urls: ['turn:turn.example.com:3478'], secret: 's3cret', ttlSeconds: 3_600 };

describe('turnCredentials', () => {
  it('follows the TURN REST API that coturn checks', () => {
    const now = Date.UTC(2026, 10, 25, 12, 0, 0);
    const server = turnCredentials(settings, 'AbCdEfGhIjKl', now);
    expect(server.urls).toEqual(['turn:turn.example.com:3478']);
    expect(server.username).toBe(`${now / 1000 + 3_600}:AbCdEfGhIjKl`);
    // Independently computed: base64(HMAC-SHA1(secret, username)).
    const expected = createHmac('sha1', 's3cret').update(server.username!).digest('base64');
    expect(server.credential).toBe(expected);
  });

  it('gives each peer and each moment its own password', () => {
    const a = turnCredentials(settings, 'AAAAAAAAAAAA', 0);
    const b = turnCredentials(settings, 'BBBBBBBBBBBB', 0);
    const later = turnCredentials(settings, 'AAAAAAAAAAAA', 1_000_000);
    expect(new Set([a.credential, b.credential, later.credential]).size).toBe(3);
  });

  it('never puts the secret in what it returns', () => {
    expect(JSON.stringify(turnCredentials(settings, 'AbCdEfGhIjKl'))).not.toContain('s3cret');
  });
});

describe('TurnCredentialIssuer', () => {
  function issuer(perAddressPerMinute = 30, checksPerAddressPerMinute = 1) {
    let wall = Date.UTC(2026, 0, 1);
    let monotonic = 0;
    const turn = new TurnCredentialIssuer({
      settings,
      perAddressPerMinute,
      checksPerAddressPerMinute,
      now: () => wall,
      monotonicNow: () => monotonic,
    });
    const advance = (ms: number) => {
      wall += ms;
      monotonic += ms;
    };
    return { turn, advance, wallNow: () => wall };
  }
  const expiryOf = (server: { username?: string } | null) =>
    Number(server?.username?.split(':')[0]);

  it('gives a joined peer the same credentials each time it asks, until half their life', () => {
    const { turn, advance, wallNow } = issuer();
    const first = turn.forPeer('AbCdEfGhIjKl', '203.0.113.1');
    expect(first?.username).toBe(`${wallNow() / 1000 + 3_600}:AbCdEfGhIjKl`);
    for (let i = 0; i < 100; i++) expect(turn.forPeer('AbCdEfGhIjKl', '203.0.113.1')).toBe(first);
    expect(turn.renewalDue('AbCdEfGhIjKl')).toBe(false);
    advance(1_800_000);
    expect(turn.renewalDue('AbCdEfGhIjKl')).toBe(true);
    const renewed = turn.forPeer('AbCdEfGhIjKl', '203.0.113.1');
    expect(expiryOf(renewed)).toBe(expiryOf(first) + 1_800);
    expect(turn.renewalDue('AbCdEfGhIjKl')).toBe(false);
  });

  it('limits new credentials per address across peers, keeping a peer what it has', () => {
    const { turn, advance } = issuer(3);
    const peers = ['AAAAAAAAAAA1', 'AAAAAAAAAAA2', 'AAAAAAAAAAA3', 'AAAAAAAAAAA4'];
    const issued = peers.map((peerId) => turn.forPeer(peerId, '203.0.113.1'));
    expect(issued.filter(Boolean)).toHaveLength(3);
    expect(issued[3]).toBeNull();
    // Another address is not affected.
    expect(turn.forPeer('BBBBBBBBBBBB', '203.0.113.2')).not.toBeNull();
    // Due for renewal while the address has nothing left: the peer keeps its valid credentials.
    advance(1_800_000);
    for (const peerId of ['CCCCCCCCCCC1', 'CCCCCCCCCCC2', 'CCCCCCCCCCC3']) {
      expect(turn.forPeer(peerId, '203.0.113.1')).not.toBeNull();
    }
    expect(turn.forPeer('AAAAAAAAAAA1', '203.0.113.1')).toBe(issued[0]);
    expect(turn.renewalDue('AAAAAAAAAAA1')).toBe(true);
  });

  it('gives a self-test short-lived credentials of its own, at a much lower rate', () => {
    const { turn, advance, wallNow } = issuer(30, 1);
    const checks = Array.from({ length: 8 }, () => turn.forCheck('203.0.113.1'));
    expect(checks.filter(Boolean)).toHaveLength(5);
    const first = checks[0]!;
    expect(first.username).toMatch(/^\d+:check-[A-Za-z0-9_-]{12}$/);
    expect(expiryOf(first) - wallNow() / 1000).toBe(CHECK_CREDENTIAL_TTL_SECONDS);
    expect(new Set(checks.filter(Boolean).map((c) => c!.username)).size).toBe(5);
    advance(60_000);
    expect(turn.forCheck('203.0.113.1')).not.toBeNull();
    expect(turn.forCheck('203.0.113.1')).toBeNull();
  });

  it('stops renewing a peer once it is forgotten', () => {
    const { turn, advance } = issuer();
    turn.forPeer('AbCdEfGhIjKl', '203.0.113.1');
    turn.forget('AbCdEfGhIjKl');
    advance(3_600_000);
    expect(turn.renewalDue('AbCdEfGhIjKl')).toBe(false);
  });
});
