import { SpeakingDetector } from '../media/audio-level';
import type { LinkStatus } from './call-store';
import type { TransportLinkState } from './media-transport';

/** A first connection not made by then is reported as failed (attempts go on in the background). */
export const CONNECT_DEADLINE_MS = 15_000;

/** What the call keeps about one remote person, beside the UI state in the store. */
export interface RemotePeer {
  readonly peerId: string;
  /** The link has been up at least once: a later drop is "reconnecting", not "failed". */
  everConnected: boolean;
  /** Reports a first connection that takes too long; cleared once connected. */
  connectDeadline: ReturnType<typeof setTimeout> | null;
  readonly speaking: SpeakingDetector;
}

/** What a person's tile should now say about their link. */
export type LinkUpdate =
  | { kind: 'show'; link: LinkStatus }
  /** A first connection failed: say so, and why. */
  | { kind: 'report-failure' }
  /** Leave the tile as it is. */
  | { kind: 'keep' };

/**
 * The tile's link status after the transport reported `state`, for a person whose link has or has
 * not been up before, and whose tile shows `shown` now.
 */
export function linkUpdate(
  everConnected: boolean,
  state: TransportLinkState,
  shown: LinkStatus | undefined,
): LinkUpdate {
  if (state === 'connected') return { kind: 'show', link: 'connected' };
  if (everConnected)
    return { kind: 'show', link: state === 'closed' ? 'connecting' : 'reconnecting' };
  if (state === 'failed') return { kind: 'report-failure' };
  // A reported failure stands until the link really connects, through any background retries.
  if (shown === 'failed') return { kind: 'keep' };
  return { kind: 'show', link: 'connecting' };
}

/** One record per remote person in the call, by peer id. */
export class RemotePeers {
  private readonly records = new Map<string, RemotePeer>();

  constructor(private readonly connectDeadlineMs = CONNECT_DEADLINE_MS) {}

  /** Adds a record (or returns the one there is); `onSlow` runs if no link is up in time. */
  add(peerId: string, onSlow: (peer: RemotePeer) => void): RemotePeer {
    const existing = this.records.get(peerId);
    if (existing) return existing;
    const peer: RemotePeer = {
      peerId,
      everConnected: false,
      connectDeadline: null,
      speaking: new SpeakingDetector(),
    };
    peer.connectDeadline = setTimeout(() => {
      peer.connectDeadline = null;
      if (!peer.everConnected) onSlow(peer);
    }, this.connectDeadlineMs);
    this.records.set(peerId, peer);
    return peer;
  }

  get(peerId: string): RemotePeer | undefined {
    return this.records.get(peerId);
  }

  ids(): string[] {
    return [...this.records.keys()];
  }

  values(): IterableIterator<RemotePeer> {
    return this.records.values();
  }

  /** Notes `peerId`'s new link state, and says what the tile should show; undefined if unknown. */
  linkChanged(
    peerId: string,
    state: TransportLinkState,
    shown: LinkStatus | undefined,
  ): LinkUpdate | undefined {
    const peer = this.records.get(peerId);
    if (!peer) return undefined;
    if (state === 'connected' && !peer.everConnected) {
      peer.everConnected = true;
      if (peer.connectDeadline) clearTimeout(peer.connectDeadline);
      peer.connectDeadline = null;
    }
    return linkUpdate(peer.everConnected, state, shown);
  }

  /** Forgets `peerId`; false if there was no such record. */
  remove(peerId: string): boolean {
    const peer = this.records.get(peerId);
    if (!peer) return false;
    if (peer.connectDeadline) clearTimeout(peer.connectDeadline);
    this.records.delete(peerId);
    return true;
  }

  clear(): void {
    for (const peerId of this.ids()) this.remove(peerId);
  }
}
