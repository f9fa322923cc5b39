import { describe, expect, it } from 'vitest';
import { SPEAKING_HOLD_MS, SPEAKING_THRESHOLD, SpeakingDetector } from './audio-level';

describe('SpeakingDetector', () => {
  it('is silent until a reading crosses the threshold', () => {
    const detector = new SpeakingDetector();
    expect(detector.update(0, 0)).toBe(false);
    expect(detector.update(SPEAKING_THRESHOLD / 2, 100)).toBe(false);
    expect(detector.update(SPEAKING_THRESHOLD, 200)).toBe(true);
  });

  it('holds through short pauses between words, then lets go', () => {
    const detector = new SpeakingDetector();
    detector.update(0.5, 1_000);
    expect(detector.update(0, 1_000 + SPEAKING_HOLD_MS - 1)).toBe(true);
    expect(detector.update(0, 1_000 + SPEAKING_HOLD_MS)).toBe(false);
  });
});
