/**
 * Connection figures for one remote person, read from `RTCPeerConnection.getStats()`.
 *
 * A report holds cumulative counters; rates need two of them. `readSample` takes what we need out
 * of one report (plain data, so it can be tested without a browser), and `linkFigures` turns two
 * samples into what a person reads: round-trip time, bitrates, loss, jitter, frame rate,
 * resolution, codec and the kind of route ICE chose.
 */

/** The stats fields we read; every browser may leave any of them out. */
export interface StatsEntry {
  id: string;
  type: string;
  kind?: string;
  mediaType?: string;
  bytesSent?: number;
  bytesReceived?: number;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number;
  framesPerSecond?: number;
  frameWidth?: number;
  frameHeight?: number;
  codecId?: string;
  mimeType?: string;
  currentRoundTripTime?: number;
  roundTripTime?: number;
  state?: string;
  nominated?: boolean;
  selected?: boolean;
  selectedCandidatePairId?: string;
  localCandidateId?: string;
  remoteCandidateId?: string;
  candidateType?: string;
}

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/** Counters and gauges of one report, at one moment. */
export interface StatsSample {
  /** When the report was read, in ms (any monotonic clock). */
  at: number;
  bytesSent: number;
  bytesReceived: number;
  packetsReceived: number;
  packetsLost: number;
  /** Seconds, the worst of the inbound streams; null if none reports it. */
  jitter: number | null;
  /** Seconds, of the selected candidate pair (or, failing that, RTCP). */
  roundTripTime: number | null;
  framesPerSecond: number | null;
  frameWidth: number | null;
  frameHeight: number | null;
  /** e.g. "VP8 / opus", the inbound codecs. */
  codec: string | null;
  localCandidate: CandidateType | null;
  remoteCandidate: CandidateType | null;
}

/** What the stats panel and the quality icon show. */
export interface LinkFigures {
  roundTripMs: number | null;
  /** Bits per second over the last interval. */
  bitrateInBps: number | null;
  bitrateOutBps: number | null;
  /** Fraction of packets lost over the last interval, 0..1. */
  packetLoss: number | null;
  jitterMs: number | null;
  framesPerSecond: number | null;
  resolution: string | null;
  codec: string | null;
  localCandidate: CandidateType | null;
  remoteCandidate: CandidateType | null;
  /** Totals since the link opened. */
  bytesReceived: number;
  bytesSent: number;
}

const CANDIDATE_TYPES: readonly string[] = ['host', 'srflx', 'prflx', 'relay'];

function candidateType(entry: StatsEntry | undefined): CandidateType | null {
  const type = entry?.candidateType;
  return type !== undefined && CANDIDATE_TYPES.includes(type) ? (type as CandidateType) : null;
}

function codecName(mimeType: string | undefined): string | null {
  if (!mimeType) return null;
  const slash = mimeType.indexOf('/');
  return slash >= 0 ? mimeType.slice(slash + 1) : mimeType;
}

/** The candidate pair ICE is using: named by the transport, or flagged on the pair itself. */
function selectedPair(entries: readonly StatsEntry[]): StatsEntry | undefined {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  for (const entry of entries) {
    if (entry.type === 'transport' && entry.selectedCandidatePairId) {
      const pair = byId.get(entry.selectedCandidatePairId);
      if (pair) return pair;
    }
  }
  const pairs = entries.filter((entry) => entry.type === 'candidate-pair');
  return (
    pairs.find((pair) => pair.selected === true) ??
    pairs.find((pair) => pair.nominated === true && pair.state === 'succeeded')
  );
}

function mediaKind(entry: StatsEntry): string | undefined {
  return entry.kind ?? entry.mediaType;
}

/** Takes the figures we show out of one stats report, given as its entries. */
export function readSample(entries: readonly StatsEntry[], at: number): StatsSample {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const sample: StatsSample = {
    at,
    bytesSent: 0,
    bytesReceived: 0,
    packetsReceived: 0,
    packetsLost: 0,
    jitter: null,
    roundTripTime: null,
    framesPerSecond: null,
    frameWidth: null,
    frameHeight: null,
    codec: null,
    localCandidate: null,
    remoteCandidate: null,
  };
  const codecs: string[] = [];
  let rtcpRoundTrip: number | null = null;
  for (const entry of entries) {
    if (entry.type === 'inbound-rtp') {
      sample.bytesReceived += entry.bytesReceived ?? 0;
      sample.packetsReceived += entry.packetsReceived ?? 0;
      // Negative when duplicates arrive; never count that as gained packets.
      sample.packetsLost += Math.max(0, entry.packetsLost ?? 0);
      if (entry.jitter !== undefined) sample.jitter = Math.max(sample.jitter ?? 0, entry.jitter);
      if (mediaKind(entry) === 'video') {
        if (entry.framesPerSecond !== undefined) sample.framesPerSecond = entry.framesPerSecond;
        if (entry.frameWidth !== undefined) sample.frameWidth = entry.frameWidth;
        if (entry.frameHeight !== undefined) sample.frameHeight = entry.frameHeight;
      }
      const codec = codecName(entry.codecId ? byId.get(entry.codecId)?.mimeType : undefined);
      if (codec && (entry.packetsReceived ?? 0) > 0) {
        // Video first, so "VP8 / opus" reads the same whatever order the report lists them in.
        if (mediaKind(entry) === 'video') codecs.unshift(codec);
        else codecs.push(codec);
      }
    } else if (entry.type === 'outbound-rtp') {
      sample.bytesSent += entry.bytesSent ?? 0;
    } else if (entry.type === 'remote-inbound-rtp' && entry.roundTripTime !== undefined) {
      rtcpRoundTrip = entry.roundTripTime;
    }
  }
  const pair = selectedPair(entries);
  if (pair) {
    sample.roundTripTime = pair.currentRoundTripTime ?? rtcpRoundTrip;
    sample.localCandidate = candidateType(byId.get(pair.localCandidateId ?? ''));
    sample.remoteCandidate = candidateType(byId.get(pair.remoteCandidateId ?? ''));
  } else {
    sample.roundTripTime = rtcpRoundTrip;
  }
  sample.codec = codecs.length > 0 ? [...new Set(codecs)].join(' / ') : null;
  return sample;
}

/** The entries of a browser's stats report, as plain data. */
export function reportEntries(report: RTCStatsReport): StatsEntry[] {
  const entries: StatsEntry[] = [];
  report.forEach((entry: StatsEntry) => entries.push(entry));
  return entries;
}

/**
 * What a person reads about a link: gauges from `current`, rates over the interval since
 * `previous` (none for the first sample, or after counters went back: a new connection).
 */
export function linkFigures(previous: StatsSample | null, current: StatsSample): LinkFigures {
  const seconds = previous ? (current.at - previous.at) / 1000 : 0;
  const comparable =
    previous !== null &&
    seconds > 0 &&
    current.bytesReceived >= previous.bytesReceived &&
    current.bytesSent >= previous.bytesSent;
  const rate = (now: number, before: number) =>
    comparable ? Math.round(((now - before) * 8) / seconds) : null;
  let packetLoss: number | null = null;
  if (comparable) {
    const received = current.packetsReceived - previous.packetsReceived;
    const lost = Math.max(0, current.packetsLost - previous.packetsLost);
    packetLoss = received + lost > 0 ? lost / (received + lost) : null;
  }
  return {
    roundTripMs: current.roundTripTime === null ? null : Math.round(current.roundTripTime * 1000),
    bitrateInBps: rate(current.bytesReceived, previous?.bytesReceived ?? 0),
    bitrateOutBps: rate(current.bytesSent, previous?.bytesSent ?? 0),
    packetLoss,
    jitterMs: current.jitter === null ? null : Math.round(current.jitter * 1000),
    framesPerSecond: current.framesPerSecond === null ? null : Math.round(current.framesPerSecond),
    resolution:
      current.frameWidth && current.frameHeight
        ? `${current.frameWidth}×${current.frameHeight}`
        : null,
    codec: current.codec,
    localCandidate: current.localCandidate,
    remoteCandidate: current.remoteCandidate,
    bytesReceived: current.bytesReceived,
    bytesSent: current.bytesSent,
  };
}
