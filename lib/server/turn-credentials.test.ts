import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { turnCredentials } from './turn-credentials';

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
