import * as v from 'valibot';

/**
 * How a receiver shows one sender's camera, told to that sender over the link's `display` data
 * channel so the sender can send no more than is seen (see send-encoding.ts). Peers are
 * untrusted: every message is validated, and a bad one is ignored.
 */
export interface DisplayReport {
  /** The tile's size in device pixels (CSS size × devicePixelRatio). */
  width: number;
  height: number;
  /** False when the page is hidden, the tile is scrolled out of view, or there is no tile. */
  visible: boolean;
  /** The tile fills the screen: the sender sends its best. */
  fullScreen: boolean;
}

/** Larger than any screen: a bigger figure is a lie, not a display. */
export const MAX_DISPLAY_SIDE = 16_384;

const side = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_DISPLAY_SIDE));

export const displayMessageSchema = v.strictObject({
  type: v.literal('display'),
  width: side,
  height: side,
  visible: v.boolean(),
  fullScreen: v.boolean(),
});

export function encodeDisplayReport(report: DisplayReport): string {
  return JSON.stringify({
    type: 'display',
    width: Math.min(MAX_DISPLAY_SIDE, Math.max(0, Math.round(report.width))),
    height: Math.min(MAX_DISPLAY_SIDE, Math.max(0, Math.round(report.height))),
    visible: report.visible,
    fullScreen: report.fullScreen,
  });
}

/** The report in a `display` channel message, or null if it is not one. */
export function parseDisplayReport(raw: unknown): DisplayReport | null {
  if (typeof raw !== 'string' || raw.length > 256) return null;
  try {
    const result = v.safeParse(displayMessageSchema, JSON.parse(raw));
    if (!result.success) return null;
    const { width, height, visible, fullScreen } = result.output;
    return { width, height, visible, fullScreen };
  } catch {
    return null;
  }
}

/** Two reports a sender would act on the same way. */
export function sameDisplay(a: DisplayReport, b: DisplayReport): boolean {
  return (
    a.width === b.width &&
    a.height === b.height &&
    a.visible === b.visible &&
    a.fullScreen === b.fullScreen
  );
}
