import {
  SFU_LAYERS,
  type SfuLayer,
  type SfuLayerChoice,
  type SubscribedTrack,
} from '../signaling/protocol';
import type { DisplayReport } from '../webrtc/display-report';

/** How a tile shows a person's video, which decides the simulcast layer worth receiving. */
export type TileView = 'hidden' | 'thumbnail' | 'grid' | 'full';

/** A thumbnail pulls the smallest layer, a full-screen tile the largest, a hidden one none. */
export function layerForView(view: TileView): SfuLayerChoice {
  switch (view) {
    case 'hidden':
      return 'none';
    case 'thumbnail':
      return 'low';
    case 'grid':
      return 'medium';
    case 'full':
      return 'high';
  }
}

/**
 * After a layer stopped or was refused and a larger one was asked instead, how long until the one
 * that fits the tile is tried again, doubling each time that one stops or is refused again.
 * Trying is cheap while the larger one plays: Janus keeps forwarding it until the smaller one's
 * first keyframe, and the publisher encodes the smaller one again meanwhile.
 */
export const LAYER_RETRY_MS = 20_000;
export const LAYER_RETRY_MAX_MS = 320_000;

/** Tiles up to this many device pixels wide are thumbnails; up to twice that, grid tiles. */
export const THUMBNAIL_MAX_WIDTH = 320;

/**
 * The view a tile report describes: a tile not on screen (a tab in the background, a tile covered
 * by someone's full screen or scrolled away) is hidden, small tiles are thumbnails.
 */
export function viewForDisplay(display: DisplayReport): TileView {
  if (!display.visible) return 'hidden';
  if (display.fullScreen) return 'full';
  if (display.width <= THUMBNAIL_MAX_WIDTH) return 'thumbnail';
  if (display.width <= THUMBNAIL_MAX_WIDTH * 2) return 'grid';
  return 'full';
}

export interface SubscriptionChanges {
  /** Mids that now carry a track they did not carry before (a new person or source). */
  added: SubscribedTrack[];
  /** Tracks no longer in the subscription (their person left or stopped publishing). */
  removed: SubscribedTrack[];
}

/**
 * What the one subscribing connection of SFU mode carries, as the server's successive
 * `sfu-subscription-offer` messages describe it: each mid's person, source and kind. Each offer
 * replaces the whole map. Also remembers the layer asked for each video mid, so a layer is
 * requested only when it changes (and again for a mid that now carries someone else).
 */
export class SfuSubscription {
  private tracks = new Map<string, SubscribedTrack>();
  /** Per video mid, the layer last asked for. */
  private readonly layers = new Map<string, SfuLayerChoice>();
  /** Per video mid, the layer its tile's view calls for. */
  private readonly viewLayers = new Map<string, SfuLayerChoice>();
  /**
   * Per video mid whose fitting layer stopped or was refused: that layer, since when, the wait
   * before trying it again, and the larger layer asked meanwhile (null while it is being tried).
   */
  private readonly escalated = new Map<
    string,
    { fits: SfuLayerChoice | undefined; at: number; retryMs: number; instead: SfuLayer | null }
  >();
  /** Per video mid: its count of received packets, and since when it has not grown. */
  private readonly received = new Map<string, { count: number; since: number }>();

  /** Takes a new offer's track list; says what appeared and what went. */
  apply(tracks: readonly SubscribedTrack[]): SubscriptionChanges {
    const next = new Map(tracks.map((track) => [track.mid, { ...track }]));
    const added: SubscribedTrack[] = [];
    const removed: SubscribedTrack[] = [];
    for (const [mid, track] of next) {
      const before = this.tracks.get(mid);
      if (before && sameTrack(before, track)) {
        // The same object while the mid carries the same track, so a watch can tell.
        next.set(mid, before);
        continue;
      }
      if (before) removed.push(before);
      added.push(track);
      this.forgetLayer(mid);
    }
    for (const [mid, track] of this.tracks) {
      if (!next.has(mid)) {
        removed.push(track);
        this.forgetLayer(mid);
      }
    }
    this.tracks = next;
    return { added, removed };
  }

  /**
   * The track a mid carries, for a `track` event of the subscribing connection: the object
   * `apply` listed as added, for as long as the mid carries that track.
   */
  trackAt(mid: string): SubscribedTrack | undefined {
    return this.tracks.get(mid);
  }

  /** The mids carrying `peerId`'s media. */
  midsOf(peerId: string): SubscribedTrack[] {
    return [...this.tracks.values()].filter((track) => track.peerId === peerId);
  }

  /**
   * The `sfu-layer` requests a tile change at `now` calls for: one per video mid of that person
   * and source whose layer differs from the last one asked. Empty when nothing changes.
   */
  layerRequests(
    peerId: string,
    source: SubscribedTrack['source'],
    view: TileView,
    now: number,
  ): { mid: string; layer: SfuLayerChoice }[] {
    const viewLayer = layerForView(view);
    const requests: { mid: string; layer: SfuLayerChoice }[] = [];
    for (const track of this.tracks.values()) {
      if (track.peerId !== peerId || track.source !== source || track.kind !== 'video') continue;
      const { mid } = track;
      this.viewLayers.set(mid, viewLayer);
      const escalation = this.escalated.get(mid);
      // A tile shown at another size tries its layers afresh; one hidden and shown again keeps
      // the larger layer until the retry is due.
      if (escalation && viewLayer !== 'none') {
        if (escalation.fits !== viewLayer) this.escalated.delete(mid);
        else if (escalation.instead && now - escalation.at >= escalation.retryMs) {
          escalation.at = now;
          escalation.instead = null;
        }
      }
      const layer = this.fittingLayer(mid)!;
      if (this.layers.get(mid) === layer) continue;
      this.layers.set(mid, layer);
      requests.push({ mid, layer });
    }
    return requests;
  }

  /**
   * The server says Janus did not switch `mid` to `layer` in time at `now`: the next larger layer
   * to ask instead, or null if there is none or it no longer matters. The publisher may send no
   * such layer (a small camera sends fewer), or its keyframe may only have been late on a busy
   * machine; Janus does not say which. So a refusal is treated as a stop: the larger layer is
   * kept, hidden and shown again included, and the refused one is tried again later.
   */
  layerRefused(mid: string, layer: SfuLayerChoice, now: number): SfuLayer | null {
    if (layer === 'none' || this.layers.get(mid) !== layer) return null;
    const larger = SFU_LAYERS[SFU_LAYERS.indexOf(layer) + 1];
    if (larger === undefined) return null;
    this.layers.set(mid, larger);
    this.escalate(mid, larger, now);
    return larger;
  }

  /**
   * A camera mid's count of received packets at `now`, read while its person's camera is on: the
   * layer to ask for now, else null. That is the next larger layer if no packet arrived for
   * `stallMs`: the layer it plays can stop while others go on (a publisher's browser drops its
   * smallest layer when its CPU or uplink is short), and Janus falls back by itself only from a
   * larger layer to a smaller one. Once the larger one has played for `LAYER_RETRY_MS` (doubled
   * after each stop), it is the layer that fits the tile again, so a thumbnail does not keep
   * pulling a larger picture, and its sender encoding it, for the rest of the call.
   */
  receivedSoFar(mid: string, count: number, now: number, stallMs: number): SfuLayer | null {
    const asked = this.layers.get(mid);
    if (asked === 'none') {
      // Nothing is relayed while the tile is hidden: the watch starts again once it shows.
      this.received.delete(mid);
      return null;
    }
    const seen = this.received.get(mid);
    if (!seen) {
      this.received.set(mid, { count, since: now });
      return null;
    }
    if (count !== seen.count) {
      this.received.set(mid, { count, since: now });
      // Packets arrive: the larger layer plays, so the one that fits may be tried again.
      return this.retryFitting(mid, now);
    }
    if (now - seen.since < stallMs || asked === undefined) return null;
    const larger = SFU_LAYERS[SFU_LAYERS.indexOf(asked) + 1];
    if (larger === undefined) return null;
    this.layers.set(mid, larger);
    this.received.set(mid, { count, since: now });
    this.escalate(mid, larger, now);
    return larger;
  }

  /**
   * A layer stopped or was refused, and `instead` is asked. The one that fits is tried again
   * later: after twice the last wait if it was that one that failed again, after the same wait if
   * it was a larger one asked meanwhile (both were late on the same busy machine, say).
   */
  private escalate(mid: string, instead: SfuLayer, now: number): void {
    const before = this.escalated.get(mid);
    let retryMs = LAYER_RETRY_MS;
    if (before)
      retryMs = before.instead ? before.retryMs : Math.min(2 * before.retryMs, LAYER_RETRY_MAX_MS);
    this.escalated.set(mid, { fits: this.viewLayers.get(mid), at: now, retryMs, instead });
  }

  private retryFitting(mid: string, now: number): SfuLayer | null {
    const escalation = this.escalated.get(mid);
    const view = this.viewLayers.get(mid);
    if (!escalation?.instead || view === undefined || view === 'none') return null;
    if (now - escalation.at < escalation.retryMs) return null;
    escalation.at = now;
    escalation.instead = null;
    if (this.layers.get(mid) === view) return null;
    this.layers.set(mid, view);
    return view;
  }

  /** The view's layer, or the larger one asked instead while it is not retried. */
  private fittingLayer(mid: string): SfuLayerChoice | undefined {
    const view = this.viewLayers.get(mid);
    const instead = this.escalated.get(mid)?.instead;
    if (view === undefined || view === 'none' || !instead) return view;
    return SFU_LAYERS.indexOf(instead) > SFU_LAYERS.indexOf(view) ? instead : view;
  }

  private forgetLayer(mid: string): void {
    this.layers.delete(mid);
    this.viewLayers.delete(mid);
    this.escalated.delete(mid);
    this.received.delete(mid);
  }

  /** A camera off or a tile gone: the mid's silence says nothing about its layer. */
  pauseStallWatch(mid: string): void {
    this.received.delete(mid);
  }
}

function sameTrack(a: SubscribedTrack, b: SubscribedTrack): boolean {
  return (
    a.peerId === b.peerId &&
    a.source === b.source &&
    a.kind === b.kind &&
    a.publication === b.publication
  );
}
