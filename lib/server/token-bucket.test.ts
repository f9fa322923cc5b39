import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

function fakeClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function takeAll(bucket: TokenBucket, attempts: number): number {
  let taken = 0;
  for (let i = 0; i < attempts; i++) if (bucket.take()) taken++;
  return taken;
}

describe('TokenBucket', () => {
  it('lets a burst of `capacity` through at once, then refuses', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ capacity: 5, refillPerSecond: 1, now: clock.now });
    expect(takeAll(bucket, 10)).toBe(5);
    expect(bucket.take()).toBe(false);
  });

  it('refills at the sustained rate, never beyond capacity', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 4, now: clock.now });
    expect(takeAll(bucket, 10)).toBe(10);
    clock.advance(500);
    expect(takeAll(bucket, 10)).toBe(2);
    clock.advance(60_000);
    expect(bucket.available).toBe(10);
    expect(takeAll(bucket, 20)).toBe(10);
  });

  it('accumulates fractions of a token across small steps', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 10, now: clock.now });
    expect(bucket.take()).toBe(true);
    for (let step = 0; step < 9; step++) {
      clock.advance(10);
      expect(bucket.take()).toBe(false);
    }
    clock.advance(10);
    expect(bucket.take()).toBe(true);
  });

  it('takes several tokens at once only when all are there', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 1, now: clock.now });
    expect(bucket.take(2)).toBe(true);
    expect(bucket.take(2)).toBe(false);
    expect(bucket.take(1)).toBe(true);
  });

  it('ignores a clock that goes backwards', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1, now: clock.now });
    expect(takeAll(bucket, 2)).toBe(2);
    clock.advance(-5_000);
    expect(bucket.take()).toBe(false);
    clock.advance(1_000);
    expect(bucket.take()).toBe(false);
  });

  it('rejects a bucket that could never let anything through', () => {
    expect(() => new TokenBucket({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError);
    expect(() => new TokenBucket({ capacity: 1, refillPerSecond: -1 })).toThrow(RangeError);
  });
});
