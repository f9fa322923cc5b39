import type { DisplayReport } from './display-report';

/** The parameters of a camera sender's single encoding that follow what its receiver shows. */
export interface CameraEncoding {
  active: boolean;
  scaleResolutionDownBy: number;
  maxFramerate: number;
  /** Bits per second; null leaves the rate to the browser. */
  maxBitrate: number | null;
}

export interface CaptureSize {
  width: number;
  height: number;
}

/**
 * Steps the resolution may be divided by. Few steps mean few encoder reconfigurations as a tile
 * is resized; the step chosen is always the largest that still covers the tile.
 */
export const SCALE_STEPS = [1, 1.5, 2, 3, 4, 6, 8] as const;
/** Frame rate for a tile wide enough that motion matters, and for a small one. */
export const FULL_FRAMERATE = 30;
export const THUMBNAIL_FRAMERATE = 15;
/** Below this size (its longer side, in device pixels) a tile is a thumbnail. */
export const THUMBNAIL_SIZE = 480;
/** Least bitrate worth sending to a visible tile, whatever its size. */
export const MIN_VISIBLE_BITRATE = 100_000;

/**
 * What a sender follows while its receiver has not yet said how it shows the video, though it
 * will (the receiver measures its tile as the person appears, and reports once the link's display
 * channel opens): a 640×360 tile, turned upright for an upright camera. A 720p camera goes out at
 * half its size and a quarter of the rate cap. Besides sparing an encode nobody may need, this
 * shows the first picture sooner: an encoder started at 720p on a new link drops its first frames
 * until it has scaled itself down to what the link's starting bandwidth estimate carries. On this
 * project's test machine the first frame came about 210 ms after DTLS from 720p, and 70 to 90 ms
 * from 360p.
 */
export const UNREPORTED_DISPLAY: DisplayReport = {
  width: 640,
  height: 360,
  visible: true,
  fullScreen: false,
};
/**
 * A receiver still silent this long after its link connected, or its display channel opened,
 * never will (an older page, or another client).
 */
export const UNREPORTED_PATIENCE_MS = 2_000;

/**
 * The display a camera sender follows: the receiver's report; without one, a tile's worth while
 * a report is still expected; else none, which sends everything.
 */
export function displayToFollow(
  reported: DisplayReport | null,
  expectingReport: boolean,
  capture: CaptureSize | null,
): DisplayReport | null {
  if (reported) return reported;
  if (!expectingReport) return null;
  const upright = capture !== null && capture.height > capture.width;
  return upright
    ? { ...UNREPORTED_DISPLAY, width: UNREPORTED_DISPLAY.height, height: UNREPORTED_DISPLAY.width }
    : UNREPORTED_DISPLAY;
}

/** What a sender does when its receiver will not say how it shows the video, or shows it full screen. */
export function fullCameraEncoding(ceiling: number | null): CameraEncoding {
  return {
    active: true,
    scaleResolutionDownBy: 1,
    maxFramerate: FULL_FRAMERATE,
    maxBitrate: ceiling,
  };
}

/**
 * The encoding one receiver needs, given how it shows our camera (`display`), what the camera
 * captures (`capture`), and the link's bitrate cap (`ceiling`, never exceeded).
 *
 * - Not visible: the encoding is paused (`active: false`); nothing is encoded or sent.
 * - Full screen: full resolution, frame rate and bitrate, whatever size is reported.
 * - Otherwise the resolution is divided by the largest step that still covers the tile (the tile
 *   may crop the picture to fill itself, so both sides must be covered), the bitrate falls with
 *   the pixel count, and a thumbnail gets half the frame rate.
 */
export function cameraEncoding(
  display: DisplayReport | null,
  capture: CaptureSize | null,
  ceiling: number | null,
): CameraEncoding {
  if (!display) return fullCameraEncoding(ceiling);
  if (!display.visible) return { ...fullCameraEncoding(ceiling), active: false };
  if (display.fullScreen) return fullCameraEncoding(ceiling);

  const scale = capture ? scaleFor(display, capture) : 1;
  // By the longer side, so that an upright tile is not a thumbnail for being narrow.
  const longerSide = Math.max(display.width, display.height);
  const maxFramerate = longerSide < THUMBNAIL_SIZE ? THUMBNAIL_FRAMERATE : FULL_FRAMERATE;
  const maxBitrate =
    ceiling === null
      ? null
      : Math.round(Math.min(ceiling, Math.max(MIN_VISIBLE_BITRATE, ceiling / (scale * scale))));
  return { active: true, scaleResolutionDownBy: scale, maxFramerate, maxBitrate };
}

/** The largest step that keeps both sides of the sent picture at least as large as the tile's. */
function scaleFor(display: DisplayReport, capture: CaptureSize): number {
  if (capture.width <= 0 || capture.height <= 0) return 1;
  // A tile of zero size (not laid out yet) is treated as a one-pixel tile: the smallest picture.
  const exact = Math.min(
    capture.width / Math.max(1, display.width),
    capture.height / Math.max(1, display.height),
  );
  let chosen = 1;
  for (const step of SCALE_STEPS) if (step <= exact) chosen = step;
  return chosen;
}
