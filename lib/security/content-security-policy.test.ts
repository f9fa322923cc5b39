import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createNonce } from './content-security-policy';

const directive = (policy: string, name: string) =>
  policy.split('; ').find((part) => part.startsWith(`${name} `)) ?? null;

describe('contentSecurityPolicy', () => {
  it('allows scripts only by nonce in production, with no eval and no inline styles', () => {
    const policy = contentSecurityPolicy({
      nonce: 'abc',
      host: 'call.example.com',
      secure: true,
      dev: false,
    });
    expect(directive(policy, 'script-src')).toBe("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(directive(policy, 'style-src')).toBe("style-src 'self' 'nonce-abc'");
    expect(policy).not.toContain('unsafe');
    expect(directive(policy, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(policy).toContain('upgrade-insecure-requests');
  });

  it('limits connections to this origin and its own signaling socket', () => {
    expect(
      directive(
        contentSecurityPolicy({ nonce: 'n', host: 'call.example.com', secure: true, dev: false }),
        'connect-src',
      ),
    ).toBe("connect-src 'self' wss://call.example.com");
    expect(
      directive(
        contentSecurityPolicy({ nonce: 'n', host: '127.0.0.1:3000', secure: false, dev: false }),
        'connect-src',
      ),
    ).toBe("connect-src 'self' ws://127.0.0.1:3000");
  });

  it('never echoes a hostile Host header into the policy', () => {
    const policy = contentSecurityPolicy({
      nonce: 'n',
      host: 'evil.com; script-src *',
      secure: false,
      dev: false,
    });
    expect(directive(policy, 'connect-src')).toBe("connect-src 'self'");
    expect(policy.match(/script-src/g)).toHaveLength(1);
  });

  it('does not upgrade requests on plain http (localhost development)', () => {
    expect(
      contentSecurityPolicy({ nonce: 'n', host: 'localhost:3000', secure: false, dev: true }),
    ).not.toContain('upgrade-insecure-requests');
  });
});

describe('createNonce', () => {
  it('is fresh every time', () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(atob(nonce)).toHaveLength(16);
  });
});
