import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DISPLAY_SIDE, encodeDisplayReport, parseDisplayReport } from './display-report';

describe('display reports', () => {
  it('round-trips what a receiver measures, rounded to whole pixels', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: MAX_DISPLAY_SIDE, noNaN: true }),
        fc.double({ min: 0, max: MAX_DISPLAY_SIDE, noNaN: true }),
        fc.boolean(),
        fc.boolean(),
        (width, height, visible, fullScreen) => {
          const parsed = parseDisplayReport(
            encodeDisplayReport({ width, height, visible, fullScreen }),
          );
          expect(parsed).toEqual({
            width: Math.round(width),
            height: Math.round(height),
            visible,
            fullScreen,
          });
        },
      ),
    );
  });

  it('refuses what is not a display report', () => {
    const good = { type: 'display', width: 320, height: 180, visible: true, fullScreen: false };
    for (const bad of [
      42,
      'not json',
      JSON.stringify({ ...good, type: 'chat' }),
      JSON.stringify({ ...good, width: -1 }),
      JSON.stringify({ ...good, width: 1.5 }),
      JSON.stringify({ ...good, height: MAX_DISPLAY_SIDE + 1 }),
      JSON.stringify({ ...good, visible: 'yes' }),
      JSON.stringify({ ...good, extra: 1 }),
      JSON.stringify({ ...good, fullScreen: undefined }),
      'x'.repeat(10_000),
    ]) {
      expect(parseDisplayReport(bad)).toBeNull();
    }
    expect(parseDisplayReport(JSON.stringify(good))).not.toBeNull();
  });
});
