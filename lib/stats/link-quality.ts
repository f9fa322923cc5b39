import type { LinkFigures } from './link-stats';

export type LinkQuality = 'good' | 'fair' | 'poor' | 'unknown';

/**
 * Where a figure stops being good, and where it becomes poor.
 *
 * - Round trip: ITU-T G.114 finds a one-way delay under about 150 ms unnoticed in conversation and
 *   over 400 ms disruptive. A mesh link's round trip is twice its one-way path, so 300 ms round
 *   trip is where people start talking over each other, and 800 ms where turn-taking breaks.
 * - Loss: Opus hides a couple of percent well (in-band FEC, concealment); video starts to smear or
 *   freeze past about 5 %, and over 10 % both sound and picture break up.
 * - Jitter: the receive buffers absorb 30 ms without adding noticeable delay; past 100 ms they grow
 *   long enough to be heard as lag or gaps.
 */
export const QUALITY_THRESHOLDS = {
  roundTripMs: { fair: 300, poor: 800 },
  packetLoss: { fair: 0.02, poor: 0.1 },
  jitterMs: { fair: 30, poor: 100 },
} as const;

type Measured = keyof typeof QUALITY_THRESHOLDS;

/** The worst verdict of any figure; `unknown` while no figure is known yet. */
export function linkQuality(figures: Pick<LinkFigures, Measured> | null): LinkQuality {
  if (!figures) return 'unknown';
  let verdict: LinkQuality = 'unknown';
  for (const key of Object.keys(QUALITY_THRESHOLDS) as Measured[]) {
    const value = figures[key];
    if (value === null) continue;
    const { fair, poor } = QUALITY_THRESHOLDS[key];
    if (value > poor) return 'poor';
    if (value > fair) verdict = 'fair';
    else if (verdict === 'unknown') verdict = 'good';
  }
  return verdict;
}
