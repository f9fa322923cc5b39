/**
 * Functions that run inside a call page to see how its media travels in SFU mode: which
 * connections are open and where they end, which connection a tile plays from, the width of the
 * frames it decodes, and the gaps between the frames it presents. Used by e2e/sfu.spec.ts and
 * `bench:call --sfu`. Each is self-contained: it is serialised into the page.
 */

type ProbeWindow = { __probe: { peerConnections: RTCPeerConnection[] } };

/** Where a connection of the page ends, from its selected candidate pair. */
export interface LinkEnd {
  /** The remote candidate's port; -1 while no pair is selected. */
  remotePort: number;
  /** The local candidate's type (`host`, `srflx`, `relay`…); 'none' while no pair is selected. */
  localType: string;
}

/**
 * Runs in the page: the ends of every connection not closed (connected or not), sorted by remote
 * port; given a tile's selector rather than null, only those of the connection whose receiver its
 * video plays.
 */
export async function linkEnds(tile: string | null): Promise<LinkEnd[]> {
  let connections = (window as unknown as ProbeWindow).__probe.peerConnections.filter(
    (pc) => pc.connectionState !== 'closed',
  );
  if (tile !== null) {
    const video = document.querySelector<HTMLVideoElement>(`${tile} video`);
    const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
    connections = connections.filter(
      (pc) => track && pc.getReceivers().some((receiver) => receiver.track === track),
    );
  }
  const ends: LinkEnd[] = [];
  for (const pc of connections) {
    const stats = await pc.getStats();
    const end: LinkEnd = { remotePort: -1, localType: 'none' };
    stats.forEach((report: Record<string, unknown>) => {
      if (report.type !== 'transport' || typeof report.selectedCandidatePairId !== 'string') return;
      const pair = stats.get(report.selectedCandidatePairId) as Record<string, unknown> | undefined;
      const at = (id: unknown) => stats.get(String(id)) as Record<string, unknown> | undefined;
      const remote = at(pair?.remoteCandidateId);
      const local = at(pair?.localCandidateId);
      if (remote) end.remotePort = Number(remote.port);
      if (local) end.localType = String(local.candidateType);
    });
    ends.push(end);
  }
  return ends.sort((a, b) => a.remotePort - b.remotePort);
}

/** Runs in the page: the width of the frames the tile's video receiver decodes, and how many. */
export async function receivedVideo(
  selector: string,
): Promise<{ width: number; framesDecoded: number }> {
  const video = document.querySelector<HTMLVideoElement>(`${selector} video`);
  const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
  const received = { width: 0, framesDecoded: 0 };
  if (!track) return received;
  for (const pc of (window as unknown as ProbeWindow).__probe.peerConnections) {
    const receiver = pc.getReceivers().find((candidate) => candidate.track === track);
    if (!receiver || pc.connectionState === 'closed') continue;
    (await receiver.getStats()).forEach((report: Record<string, unknown>) => {
      if (report.type !== 'inbound-rtp' || report.kind !== 'video') return;
      received.width = Number(report.frameWidth ?? 0);
      received.framesDecoded = Number(report.framesDecoded ?? 0);
    });
    break;
  }
  return received;
}

/**
 * Runs in the page: the simulcast layers (rids) of the camera its open connections encode now:
 * those whose encoded-frame count grew since the previous call. Empty on the first call.
 */
export async function encodingLayers(): Promise<string[]> {
  const memory = window as unknown as { __encoded?: Record<string, number> };
  const before = memory.__encoded ?? {};
  const now: Record<string, number> = {};
  for (const pc of (window as unknown as ProbeWindow).__probe.peerConnections) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((report: Record<string, unknown>) => {
      if (report.type !== 'outbound-rtp' || report.kind !== 'video' || !report.rid) return;
      now[String(report.rid)] = Number(report.framesEncoded ?? 0);
    });
  }
  memory.__encoded = now;
  return Object.keys(now)
    .filter((rid) => before[rid] !== undefined && now[rid]! > before[rid]!)
    .sort();
}

type FrameWatch = {
  /** When each frame the tile's <video> presented was presented (the page's clock). */
  frames: number[];
  /** The element's count of presented frames at each: above one apart, the frames in between
   * were shown, though the page's main thread was too busy to hear of each. */
  presented: number[];
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
    presented: [Number.NaN],
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
    const onFrame = (_now: number, metadata: VideoFrameCallbackMetadata) => {
      record.frames.push(metadata.presentationTime);
      record.presented.push(metadata.presentedFrames);
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

/** What `readFrameGaps` finds: -1 where there is nothing to tell. */
export interface FrameGaps {
  /** The longest time between two frames the tile presented since `watchFrames`, in ms. */
  longest: number;
  /** The gap around the tile's first change of track (a move's switch), in ms. */
  acrossSwitch: number;
  /** Where the longest gap was, for a log line. */
  detail: string;
}

/**
 * Runs in the page: gaps between presented frames since `watchFrames`. Between two callbacks k
 * frames apart, the k frames were shown evenly as far as anyone can tell, so the gap is the time
 * over k: a stalled main thread delays the callbacks, not the video.
 */
export function readFrameGaps(selector: string): FrameGaps {
  const record = (window as unknown as { __frames: Record<string, FrameWatch> }).__frames[selector];
  if (!record) return { longest: -1, acrossSwitch: -1, detail: 'not watched' };
  const times = [...record.frames, performance.now()];
  const counts = [...record.presented, Number.NaN];
  // Frames each entry stands for: the count's step since the one before, or one where the count
  // is unknown or started again (the tile's <video> got another stream). Entry 0 is the start.
  const framesAt = times.map((_, i) => {
    const apart = counts[i]! - counts[i - 1]!;
    return i === 0 ? 0 : apart > 1 ? apart : 1;
  });
  const gaps = times.map((at, i) => (i === 0 ? 0 : (at - times[i - 1]!) / framesAt[i]!));
  const longestIndex = gaps.indexOf(Math.max(...gaps));
  const longest = gaps[longestIndex]!;
  const longestAt = times[Math.max(0, longestIndex - 1)]!;
  const switchedAt = record.switches[1];
  const after = switchedAt === undefined ? -1 : times.findIndex((at) => at > switchedAt);
  const acrossSwitch = after > 0 ? gaps[after]! : -1;
  // Every entry but the start and the present moment is a callback.
  const presented = framesAt.slice(1, -1).reduce((sum, frames) => sum + frames, 0);
  const since = (t: number) => Math.round(t - record.startedAt);
  return {
    longest: Math.round(longest),
    acrossSwitch: Math.round(acrossSwitch),
    detail:
      `longest gap ${Math.round(longest)} ms at ${since(longestAt)} ms; ` +
      `track changes at ${record.switches.map(since).join(', ')} ms; ` +
      `${record.frames.length - 1} callbacks for ${presented} frames presented`,
  };
}
