import {
  linkFigures,
  readSample,
  reportEntries,
  type LinkFigures,
  type StatsSample,
} from './link-stats';

export interface LinkStatsMonitorOptions {
  /** Everyone whose link is measured right now. */
  peerIds(): Iterable<string>;
  getStats(peerId: string): Promise<RTCStatsReport | null>;
  onFigures(peerId: string, figures: LinkFigures): void;
  intervalMs?: number;
}

/** How often links are measured: often enough to follow a change, rare enough to cost nothing. */
export const STATS_INTERVAL_MS = 2_000;

/** Reads every link's stats on a timer and reports its figures; returns its own stop. */
export function monitorLinkStats(options: LinkStatsMonitorOptions): () => void {
  const previous = new Map<string, StatsSample>();
  let stopped = false;
  const sampleAll = async () => {
    const peerIds = new Set(options.peerIds());
    for (const peerId of previous.keys()) if (!peerIds.has(peerId)) previous.delete(peerId);
    await Promise.all(
      [...peerIds].map(async (peerId) => {
        const report = await options.getStats(peerId).catch(() => null);
        if (!report || stopped) return;
        const sample = readSample(reportEntries(report), performance.now());
        options.onFigures(peerId, linkFigures(previous.get(peerId) ?? null, sample));
        previous.set(peerId, sample);
      }),
    );
  };
  const timer = setInterval(() => void sampleAll(), options.intervalMs ?? STATS_INTERVAL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
