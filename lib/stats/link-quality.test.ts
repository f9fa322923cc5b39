import { describe, expect, it } from 'vitest';
import { linkQuality } from './link-quality';

const clean = { roundTripMs: 40, packetLoss: 0, jitterMs: 5 };

describe('linkQuality', () => {
  it('is unknown before any figure is known', () => {
    expect(linkQuality(null)).toBe('unknown');
    expect(linkQuality({ roundTripMs: null, packetLoss: null, jitterMs: null })).toBe('unknown');
  });

  it('is good when every known figure is within its good range', () => {
    expect(linkQuality(clean)).toBe('good');
    expect(linkQuality({ roundTripMs: 300, packetLoss: null, jitterMs: null })).toBe('good');
  });

  it('takes the worst figure', () => {
    expect(linkQuality({ ...clean, roundTripMs: 301 })).toBe('fair');
    expect(linkQuality({ ...clean, packetLoss: 0.05 })).toBe('fair');
    expect(linkQuality({ ...clean, jitterMs: 60 })).toBe('fair');
    expect(linkQuality({ ...clean, packetLoss: 0.11 })).toBe('poor');
    expect(linkQuality({ ...clean, roundTripMs: 900, packetLoss: 0.05 })).toBe('poor');
    expect(linkQuality({ roundTripMs: null, packetLoss: 0.03, jitterMs: 101 })).toBe('poor');
  });
});
