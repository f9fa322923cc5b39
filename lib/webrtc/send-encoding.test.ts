import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DisplayReport } from './display-report';
import {
  FULL_FRAMERATE,
  MIN_VISIBLE_BITRATE,
  SCALE_STEPS,
  THUMBNAIL_FRAMERATE,
  cameraEncoding,
  displayToFollow,
} from './send-encoding';

const capture720 = { width: 1280, height: 720 };
const shown = (width: number, height: number, more: Partial<DisplayReport> = {}) => ({
  width,
  height,
  visible: true,
  fullScreen: false,
  ...more,
});

describe('cameraEncoding', () => {
  it('sends everything when there is no display to follow', () => {
    expect(cameraEncoding(null, capture720, 1_500_000)).toEqual({
      active: true,
      scaleResolutionDownBy: 1,
      maxFramerate: FULL_FRAMERATE,
      maxBitrate: 1_500_000,
    });
  });

  it('pauses the encoding for a receiver that shows none of the video', () => {
    expect(cameraEncoding(shown(640, 360, { visible: false }), capture720, 1_500_000).active).toBe(
      false,
    );
  });

  it('sends a thumbnail a quarter of the width, at half the frame rate and a fraction of the rate', () => {
    const encoding = cameraEncoding(shown(320, 180), capture720, 1_500_000);
    expect(encoding).toEqual({
      active: true,
      scaleResolutionDownBy: 4,
      maxFramerate: THUMBNAIL_FRAMERATE,
      maxBitrate: MIN_VISIBLE_BITRATE,
    });
  });

  it('covers a tile that crops the picture: the narrower side decides', () => {
    // A tall 360×720 tile crops a 16:9 picture; its height needs the full 720 rows.
    expect(cameraEncoding(shown(360, 720), capture720, 1_500_000).scaleResolutionDownBy).toBe(1);
  });

  it('sends full quality to a full-screen tile whatever size it reports', () => {
    expect(cameraEncoding(shown(100, 60, { fullScreen: true }), capture720, 900_000)).toEqual({
      active: true,
      scaleResolutionDownBy: 1,
      maxFramerate: FULL_FRAMERATE,
      maxBitrate: 900_000,
    });
  });

  it('leaves the rate to the browser when the link has no cap', () => {
    expect(cameraEncoding(shown(320, 180), capture720, null).maxBitrate).toBeNull();
  });

  const display = fc.record({
    width: fc.integer({ min: 0, max: 8_000 }),
    height: fc.integer({ min: 0, max: 8_000 }),
    visible: fc.boolean(),
    fullScreen: fc.boolean(),
  });
  const capture = fc.record({
    width: fc.integer({ min: 1, max: 4_000 }),
    height: fc.integer({ min: 1, max: 4_000 }),
  });
  const ceiling = fc.option(fc.integer({ min: 150_000, max: 3_000_000 }));

  it('never sends more than the cap, and never a scale off the steps', () => {
    fc.assert(
      fc.property(display, capture, ceiling, (d, c, cap) => {
        const encoding = cameraEncoding(d, c, cap);
        expect(SCALE_STEPS).toContain(encoding.scaleResolutionDownBy);
        if (cap === null) expect(encoding.maxBitrate).toBeNull();
        else expect(encoding.maxBitrate).toBeLessThanOrEqual(cap);
        expect(encoding.active).toBe(d.visible);
      }),
    );
  });

  it('sends a visible tile at least as many pixels as it shows, on both sides', () => {
    fc.assert(
      fc.property(display, capture, (d, c) => {
        const { scaleResolutionDownBy: scale } = cameraEncoding({ ...d, visible: true }, c, null);
        const sentWidth = c.width / scale;
        const sentHeight = c.height / scale;
        const coversWidth = sentWidth >= Math.min(c.width, d.width);
        const coversHeight = sentHeight >= Math.min(c.height, d.height);
        // Covering one side is enough: the picture is scaled to fill the tile, keeping its shape.
        expect(coversWidth && coversHeight).toBe(true);
      }),
    );
  });

  it('never sends a larger tile less than a smaller one', () => {
    fc.assert(
      fc.property(
        display,
        fc.integer({ min: 0, max: 4_000 }),
        capture,
        ceiling,
        (d, grow, c, cap) => {
          const small = cameraEncoding({ ...d, visible: true }, c, cap);
          const large = cameraEncoding(
            { ...d, visible: true, width: d.width + grow, height: d.height + grow },
            c,
            cap,
          );
          expect(large.scaleResolutionDownBy).toBeLessThanOrEqual(small.scaleResolutionDownBy);
          expect(large.maxFramerate).toBeGreaterThanOrEqual(small.maxFramerate);
          if (cap !== null) expect(large.maxBitrate!).toBeGreaterThanOrEqual(small.maxBitrate!);
        },
      ),
    );
  });
});

describe('displayToFollow', () => {
  const report = shown(1280, 720, { fullScreen: true });

  it('follows the report once there is one, whether or not one was expected', () => {
    expect(displayToFollow(report, true, capture720)).toBe(report);
    expect(displayToFollow(report, false, capture720)).toBe(report);
  });

  it('sends a tile of half a 720p camera while a report is still expected', () => {
    expect(cameraEncoding(displayToFollow(null, true, capture720), capture720, 1_500_000)).toEqual({
      active: true,
      scaleResolutionDownBy: 2,
      maxFramerate: FULL_FRAMERATE,
      maxBitrate: 375_000,
    });
    // A camera that already captures no more than that is sent as it is.
    const small = { width: 640, height: 360 };
    expect(cameraEncoding(displayToFollow(null, true, small), small, 1_500_000)).toMatchObject({
      scaleResolutionDownBy: 1,
      maxBitrate: 1_500_000,
    });
  });

  it('turns the tile upright for an upright camera: halved too, at the full frame rate', () => {
    const upright = { width: 720, height: 1280 };
    expect(cameraEncoding(displayToFollow(null, true, upright), upright, 1_500_000)).toEqual({
      active: true,
      scaleResolutionDownBy: 2,
      maxFramerate: FULL_FRAMERATE,
      maxBitrate: 375_000,
    });
  });

  it('sends everything to a receiver that will not report', () => {
    expect(displayToFollow(null, false, capture720)).toBeNull();
  });
});
