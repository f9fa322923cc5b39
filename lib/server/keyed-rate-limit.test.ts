import { describe, expect, it } from 'vitest';
import { KeyedRateLimit } from './keyed-rate-limit';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('KeyedRateLimit', () => {
  it('lets a burst through per key, then the rate, and counts what it refused', () => {
    const time = clock();
    const limit = new KeyedRateLimit({ burst: 3, perMinute: 6, now: time.now });
    for (let i = 0; i < 3; i++) expect(limit.take('a').allowed).toBe(true);
    expect(limit.take('a').allowed).toBe(false);
    expect(limit.take('a').allowed).toBe(false);
    // Another key has its own allowance.
    expect(limit.take('b')).toEqual({ allowed: true, refusedBefore: 0 });
    time.advance(10_000);
    expect(limit.take('a')).toEqual({ allowed: true, refusedBefore: 2 });
    expect(limit.take('a').allowed).toBe(false);
  });

  it('forgets idle keys first when full, and stays within its bound under a flood of keys', () => {
    const time = clock();
    const limit = new KeyedRateLimit({ burst: 1, perMinute: 1, maxKeys: 100, now: time.now });
    limit.take('busy');
    for (let i = 0; i < 10_000; i++) limit.take(`key-${i}`);
    expect(limit.size).toBeLessThanOrEqual(100);
    // A key whose allowance is whole again is forgotten before a busy one.
    const fresh = new KeyedRateLimit({ burst: 1, perMinute: 1, maxKeys: 3, now: time.now });
    fresh.take('busy');
    time.advance(60_000);
    fresh.take('idle-1');
    fresh.take('idle-2');
    time.advance(60_000);
    fresh.take('busy');
    fresh.take('new');
    expect(fresh.take('busy').allowed).toBe(false);
  });
});
