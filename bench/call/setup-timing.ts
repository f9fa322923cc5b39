import type { Person } from '../../tests/support/browser/person';
import type { PageDriver } from '../../tests/support/browser/page-driver';
import type { Probe } from '../../tests/support/browser/instrumentation';

/**
 * How long one newcomer took to set up its links to everyone already in the call, in milliseconds
 * from its start (the Join click; for the floor, its first createOffer). Each step is the time by
 * which every link had reached it, so a k-link figure is that of the slowest link.
 */
export interface SetupTiming {
  /** The app's `joined` answer received (the floor has no server to join). */
  joinedMs: number | null;
  /** Every RTCPeerConnection created. */
  createdMs: number;
  offerSetMs: number;
  answerReceivedMs: number;
  iceConnectedMs: number;
  dtlsConnectedMs: number;
  /** Each remote <video> has a decoded frame to show ('loadeddata'), shown or not yet. */
  firstFrameLoadedMs: number;
  /** Each remote <video> has painted a frame: what the person sees. */
  firstFrameMs: number;
  /**
   * Links closed again before the setup finished (say, after the signaling socket dropped on an
   * overloaded machine and the app joined afresh): the figures then include starting over.
   */
  linksReplaced: number;
}

export const SETUP_STEPS = [
  ['joinedMs', 'joined (server round trip)'],
  ['createdMs', 'peer connections created'],
  ['offerSetMs', 'offers set'],
  ['answerReceivedMs', 'answers received'],
  ['iceConnectedMs', 'ICE connected'],
  ['dtlsConnectedMs', 'DTLS connected'],
  ['firstFrameLoadedMs', 'first frames decoded'],
  ['firstFrameMs', 'first frames painted'],
] as const satisfies readonly (readonly [keyof SetupTiming, string])[];

interface Wanted {
  remotes: string[];
  startedAt: number;
}

/**
 * Runs in the page: the setup timing once frames from every one of `remotes` were painted and
 * as many links are connected, else null.
 */
function readSetupTiming({ remotes, startedAt }: Wanted): SetupTiming | null {
  const probe = (window as unknown as { __probe: Probe }).__probe;
  const frames = remotes.map((name) => probe.firstRemoteFrameAt[name]);
  const created = probe.links
    .map((times, index) => ({ times, connection: probe.peerConnections[index]! }))
    .filter(({ times }) => times.createdAt >= startedAt);
  const links = created
    .filter(({ connection }) => connection.connectionState !== 'closed')
    .map(({ times }) => times);
  if (frames.some((at) => at === undefined) || links.length < remotes.length) return null;
  const last = (
    step: 'createdAt' | 'offerSetAt' | 'answerReceivedAt' | 'iceConnectedAt' | 'dtlsConnectedAt',
  ) => {
    const times = links.map((link) => link[step]);
    return times.every((at) => at !== undefined) ? Math.max(...times) - startedAt : null;
  };
  const dtlsConnectedMs = last('dtlsConnectedAt');
  if (dtlsConnectedMs === null) return null;
  return {
    joinedMs: probe.joinedAt !== null ? probe.joinedAt - startedAt : null,
    createdMs: last('createdAt') ?? Number.NaN,
    offerSetMs: last('offerSetAt') ?? Number.NaN,
    answerReceivedMs: last('answerReceivedAt') ?? Number.NaN,
    iceConnectedMs: last('iceConnectedAt') ?? Number.NaN,
    dtlsConnectedMs,
    firstFrameLoadedMs:
      Math.max(...remotes.map((name) => probe.firstRemoteFrameLoadedAt[name] ?? Number.NaN)) -
      startedAt,
    firstFrameMs: Math.max(...(frames as number[])) - startedAt,
    linksReplaced: created.length - links.length,
  };
}

/** Waits until `person` sees frames from all of `remotes` over connected links, and times it. */
export async function setupTiming<D extends PageDriver>(
  person: Person<D>,
  remotes: string[],
  startedAt: number,
): Promise<SetupTiming> {
  try {
    return await person.waitFor(
      readSetupTiming,
      { remotes, startedAt },
      `${person.name} sees ${remotes.join(', ')}`,
    );
  } catch (error) {
    const state = await person.evaluate(describeSetup, null).catch(() => 'unreadable');
    throw new Error(
      `${String(error)}
${person.name}'s page: ${state}`,
      { cause: error },
    );
  }
}

/** Runs in the page: what the probe saw, for a setup that did not finish. */
function describeSetup(): string {
  const probe = (window as unknown as { __probe: Probe }).__probe;
  return JSON.stringify({
    frames: Object.keys(probe.firstRemoteFrameAt),
    links: probe.peerConnections.map((pc) => `${pc.signalingState}/${pc.connectionState}`),
  });
}

/** Runs in the page: when Join was clicked (epoch ms), or null before. */
export function readJoinClickedAt(): number | null {
  return (window as unknown as { __probe: Probe }).__probe.joinClickedAt;
}

/** Runs in the page: when the first frame of `name`'s tile was painted (epoch ms), or null before. */
export function readFirstFrameAt(name: string): number | null {
  return (window as unknown as { __probe: Probe }).__probe.firstRemoteFrameAt[name] ?? null;
}
