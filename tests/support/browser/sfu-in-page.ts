/**
 * Functions that run inside a call page to see how its media travels in SFU mode: which
 * connections are open and where they end, which connection a tile plays from, the width of the
 * frames it decodes, and the gaps between the frames it presents. Used by e2e/sfu.spec.ts and
 * `bench:call --sfu`. Each is self-contained: it is serialised into the page.
 */

type ProbeWindow = { __probe: { peerConnections: RTCPeerConnection[] } };

/** Runs in the page: the remote port of every connection not closed, sorted. */
export async function openLinkPorts(): Promise<number[]> {
  const open = (window as unknown as ProbeWindow).__probe.peerConnections.filter(
    (pc) => pc.connectionState !== 'closed',
  );
  const ports: number[] = [];
  for (const pc of open) {
    const stats = await pc.getStats();
    let port = -1;
    stats.forEach((report: Record<string, unknown>) => {
      if (report.type !== 'transport' || typeof report.selectedCandidatePairId !== 'string') return;
      const pair = stats.get(report.selectedCandidatePairId) as Record<string, unknown> | undefined;
      const remote = stats.get(String(pair?.remoteCandidateId)) as
        Record<string, unknown> | undefined;
      if (remote) port = Number(remote.port);
    });
    ports.push(port);
  }
  return ports.sort((a, b) => a - b);
}

/** Runs in the page: the local candidate type of every connection not closed (connected or not). */
export async function openLinkCandidateTypes(): Promise<string[]> {
  const open = (window as unknown as ProbeWindow).__probe.peerConnections.filter(
    (pc) => pc.connectionState !== 'closed',
  );
  const types: string[] = [];
  for (const pc of open) {
    const stats = await pc.getStats();
    let type = 'none';
    stats.forEach((report: Record<string, unknown>) => {
      if (report.type !== 'transport' || typeof report.selectedCandidatePairId !== 'string') return;
      const pair = stats.get(report.selectedCandidatePairId) as Record<string, unknown> | undefined;
      const local = stats.get(String(pair?.localCandidateId)) as
        Record<string, unknown> | undefined;
      if (local) type = String(local.candidateType);
    });
    types.push(type);
  }
  return types;
}

/** Runs in the page: the remote port of the connection whose receiver the tile's video plays. */
export async function tileSourcePort(selector: string): Promise<number | null> {
  const video = document.querySelector<HTMLVideoElement>(`${selector} video`);
  const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
  if (!track) return null;
  for (const pc of (window as unknown as ProbeWindow).__probe.peerConnections) {
    if (pc.connectionState === 'closed') continue;
    if (!pc.getReceivers().some((receiver) => receiver.track === track)) continue;
    const stats = await pc.getStats();
    let port: number | null = null;
    stats.forEach((report: Record<string, unknown>) => {
      if (report.type !== 'transport' || typeof report.selectedCandidatePairId !== 'string') return;
      const pair = stats.get(report.selectedCandidatePairId) as Record<string, unknown> | undefined;
      const remote = stats.get(String(pair?.remoteCandidateId)) as
        Record<string, unknown> | undefined;
      if (remote) port = Number(remote.port);
    });
    return port;
  }
  return null;
}

/** Runs in the page: the width of the frames the tile's video receiver decodes. */
export async function frameWidth(selector: string): Promise<number> {
  const video = document.querySelector<HTMLVideoElement>(`${selector} video`);
  const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
  if (!track) return 0;
  for (const pc of (window as unknown as ProbeWindow).__probe.peerConnections) {
    const receiver = pc.getReceivers().find((candidate) => candidate.track === track);
    if (!receiver || pc.connectionState === 'closed') continue;
    let width = 0;
    (await receiver.getStats()).forEach((report: Record<string, unknown>) => {
      if (report.type === 'inbound-rtp' && report.kind === 'video')
        width = Number(report.frameWidth ?? 0);
    });
    return width;
  }
  return 0;
}

type FrameWatch = {
  frames: number[];
  switches: number[];
  startedAt: number;
  /** Checks that found the tile with no live video track (a black tile). */
  blank: number;
};

/**
 * Runs in the page: records when the tile's <video> presents each frame, whatever element or
 * stream the tile shows (it may change during a move).
 */
export function watchFrames(selector: string): void {
  const record: FrameWatch = {
    frames: [performance.now()],
    switches: [],
    startedAt: performance.now(),
    blank: 0,
  };
  let shown: unknown = null;
  (window as unknown as { __frames: Record<string, FrameWatch> }).__frames ??= {};
  (window as unknown as { __frames: Record<string, FrameWatch> }).__frames[selector] = record;
  const watched = new WeakSet<HTMLVideoElement>();
  setInterval(() => {
    const video = document.querySelector<HTMLVideoElement>(`${selector} video`);
    const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0] ?? null;
    if (!track || track.readyState !== 'live') record.blank++;
    if (track !== shown) {
      shown = track;
      record.switches.push(performance.now());
    }
    if (!video || watched.has(video)) return;
    watched.add(video);
    const onFrame = () => {
      record.frames.push(performance.now());
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }, 20);
}

/**
 * Runs in the page: since `watchFrames`, how often the tile had no live video track, and how many
 * frames it presented after its last change of track.
 */
export function tileContinuity(selector: string): { blank: number; framesAfterSwitch: number } {
  const record = (window as unknown as { __frames: Record<string, FrameWatch> }).__frames[selector];
  if (!record) return { blank: -1, framesAfterSwitch: 0 };
  const lastSwitch = record.switches.at(-1) ?? record.startedAt;
  return {
    blank: record.blank,
    framesAfterSwitch: record.frames.filter((at) => at > lastSwitch).length,
  };
}

/**
 * Runs in the page: the time between the last frame the tile presented before its first change
 * of track since `watchFrames` and the first it presented after (-1 if the track never changed).
 */
export function switchFrameGap(selector: string): number {
  const record = (window as unknown as { __frames: Record<string, FrameWatch> }).__frames[selector];
  const switchedAt = record?.switches[1];
  if (!record || switchedAt === undefined) return -1;
  const before = record.frames.filter((at) => at <= switchedAt).at(-1) ?? record.startedAt;
  const after = record.frames.find((at) => at > switchedAt) ?? performance.now();
  return Math.round(after - before);
}

/** Runs in the page: the longest time between two presented frames since `watchFrames`. */
export function frameGapDetail(selector: string): string {
  const record = (window as unknown as { __frames: Record<string, FrameWatch> }).__frames[selector];
  if (!record) return '';
  const times = [...record.frames, performance.now()];
  let longest = 0;
  let at = 0;
  for (let i = 1; i < times.length; i++) {
    if (times[i]! - times[i - 1]! > longest) {
      longest = times[i]! - times[i - 1]!;
      at = times[i - 1]!;
    }
  }
  const rel = (t: number) => Math.round(t - record.startedAt);
  return `gap ${Math.round(longest)} ms from ${rel(at)}; switches ${record.switches.map(rel).join(',')}; frames ${record.frames.length}`;
}

export function longestFrameGap(selector: string): number {
  const record = (window as unknown as { __frames: Record<string, FrameWatch> }).__frames[selector];
  if (!record) return -1;
  const times = [...record.frames, performance.now()];
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!);
  return Math.round(longest);
}
