/**
 * Whether a link came back after an ICE restart that both sides negotiated.
 *
 * Some restarts never recover, though offer and answer went through: between Chromium and Firefox,
 * crossed restart offers can leave Firefox checking a pair from its rolled-back ICE generation
 * until it fails, and a restart on a working link can leave Chromium sending on the old pair
 * while Firefox listens on the new one, both saying "connected". Neither heals by itself, so the
 * link is sampled after the restart and judged dead if it does not connect in time, or connects
 * but receives no packets while the other side says it sends audio or video. The caller then
 * rebuilds the connection from scratch.
 *
 * A restart only counts as negotiated once its answer has come back, so an outage (no signaling,
 * no answer) never gets here: a dead network is left to ICE restarts, not rebuilt over and over.
 */

export interface LinkSample {
  /** Milliseconds on a monotonic clock. */
  at: number;
  connected: boolean;
  /** The other side says its microphone or camera is on, so packets should be arriving. */
  mediaExpected: boolean;
  /** RTP packets received on the link so far, over all its receivers. */
  packetsReceived: number;
}

export type RestartVerdict = 'alive' | 'dead' | 'undecided';

export const RESTART_CHECK = {
  /** When to take the first sample after the restart, and how often after that. */
  firstSampleMs: 4_000,
  sampleEveryMs: 2_000,
  /** A restarted link not connected by then is dead. */
  connectWithinMs: 14_000,
  /** A connected link that receives nothing this long, while media is expected, is dead. */
  stallLimitMs: 6_000,
} as const;

export class RestartCheck {
  private lastPackets: number | null = null;
  private lastProgressAt = 0;

  constructor(
    private readonly startedAt: number,
    private readonly limits: typeof RESTART_CHECK = RESTART_CHECK,
  ) {}

  judge(sample: LinkSample): RestartVerdict {
    if (!sample.connected) {
      this.lastPackets = null;
      return sample.at - this.startedAt >= this.limits.connectWithinMs ? 'dead' : 'undecided';
    }
    if (!sample.mediaExpected) return 'alive';
    if (this.lastPackets === null) {
      this.lastPackets = sample.packetsReceived;
      this.lastProgressAt = sample.at;
      return 'undecided';
    }
    if (sample.packetsReceived > this.lastPackets) return 'alive';
    return sample.at - this.lastProgressAt >= this.limits.stallLimitMs ? 'dead' : 'undecided';
  }
}
