import { describe, expect, it } from 'vitest';
import { OriginPolicy } from './origin-policy';

const none = new Set<string>();

describe('OriginPolicy', () => {
  it('in development, accepts the listening address under each loopback name, by scheme and port', () => {
    const policy = new OriginPolicy(
      { dev: true, publicOrigin: null, allowedOrigins: none },
      { host: 'localhost', port: 3000, secure: false },
    );
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
      expect(policy.allows(origin), origin).toBe(true);
    }
    for (const origin of [
      'https://localhost:3000',
      'http://localhost:3001',
      'http://rebind.attacker.example:3000',
      'null',
      undefined,
    ]) {
      expect(policy.allows(origin), origin).toBe(false);
    }
  });

  it('beside plain next dev, accepts the pages’ port, not its own', () => {
    const policy = new OriginPolicy(
      { dev: true, publicOrigin: null, allowedOrigins: none },
      { host: '127.0.0.1', port: 3000, secure: false },
    );
    expect(policy.allows('http://127.0.0.1:3000')).toBe(true);
    expect(policy.allows('http://127.0.0.1:3001')).toBe(false);
  });

  it('in production with PUBLIC_ORIGIN, accepts it and ALLOWED_ORIGINS only', () => {
    const policy = new OriginPolicy(
      {
        dev: false,
        publicOrigin: 'https://call.example.com',
        allowedOrigins: new Set(['https://other.example.com']),
      },
      { host: '127.0.0.1', port: 3000, secure: false },
    );
    expect(policy.allows('https://call.example.com')).toBe(true);
    expect(policy.allows('https://other.example.com')).toBe(true);
    expect(policy.allows('http://call.example.com')).toBe(false);
    expect(policy.allows('https://call.example.com:8443')).toBe(false);
    expect(policy.allows('http://127.0.0.1:3000')).toBe(false);
    expect(policy.describe()).toEqual(['https://call.example.com', 'https://other.example.com']);
  });

  it('listening on every interface, accepts this machine’s addresses but no name but localhost', () => {
    const policy = new OriginPolicy(
      { dev: false, publicOrigin: null, allowedOrigins: none },
      { host: '0.0.0.0', port: 3000, secure: true },
    );
    expect(policy.allows('https://127.0.0.1:3000')).toBe(true);
    expect(policy.allows('https://localhost:3000')).toBe(true);
    expect(policy.allows('http://127.0.0.1:3000')).toBe(false);
    expect(policy.allows('https://192.0.2.1:3000')).toBe(false);
    expect(policy.allows('https://rebind.attacker.example:3000')).toBe(false);
  });
});
