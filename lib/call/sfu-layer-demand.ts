import { SFU_LAYERS, type SfuLayer, type SfuLayerChoice } from '../signaling/protocol';

/** A layer nobody asks for any more keeps being sent this long, in case someone asks again. */
export const LAYER_LINGER_MS = 2_000;

/** What is sent while nobody asks: the layer a grid tile asks for. */
export const UNASKED_LAYER: SfuLayer = 'medium';

/**
 * Which camera layers a publisher sends to the media server, from what its subscribers ask for
 * (`sfu-layer-demand`): a layer is sent while someone asks for it or still plays it (Janus switches
 * a subscriber on the new layer's keyframe), and for `lingerMs` after that, so a tile that flips
 * between sizes does not restart an encoder each time. While nobody asks (before the first
 * request, or alone in the room), only the middle layer is sent: Janus gives a new subscriber the
 * first layer it gets a keyframe on, whatever it asked, so a newcomer gets media at once; the
 * layer it asks for then starts, and the middle one goes on until Janus has switched it. Encoding
 * all three until then cost a move (when every page publishes at once, beside its peer links) a
 * full-size encode that nobody watched. A subscriber that shows no video of this camera (its tile
 * is hidden) asks for `none`: while all who asked do, no layer is sent, and a newcomer's first
 * request starts one.
 *
 * Pure: time is passed in, and `nextChangeAt` says when to look again.
 */
export class SfuLayerDemand {
  /** Per subscriber: the layer it asks for, and the one it still plays until Janus switches it. */
  private readonly asked = new Map<string, { layer: SfuLayerChoice; playing: SfuLayer | null }>();
  /** Layers nobody asks for now, and until when they are still sent. */
  private readonly lingering = new Map<SfuLayer, number>();

  constructor(private readonly lingerMs = LAYER_LINGER_MS) {}

  /**
   * `subscriberId` now asks for `layer`; `switched`: Janus now relays it that layer. Until then the
   * layer it played before is sent too, so it has frames while Janus waits for a keyframe.
   */
  ask(subscriberId: string, layer: SfuLayerChoice, switched: boolean, now: number): void {
    const before = this.wanted();
    const earlier = this.asked.get(subscriberId);
    // The first to ask plays the layer sent while nobody asked, until Janus switches them.
    const unasked = this.asked.size === 0 && this.layersAt(now).includes(UNASKED_LAYER);
    const played = switched
      ? null
      : (earlier?.playing ?? earlier?.layer ?? (unasked ? UNASKED_LAYER : null));
    const playing = played === 'none' || played === layer ? null : played;
    this.asked.set(subscriberId, { layer, playing });
    if (layer !== 'none') this.lingering.delete(layer);
    this.linger(before, now);
  }

  /** `subscriberId` left: it asks for nothing. */
  forget(subscriberId: string, now: number): void {
    if (!this.asked.has(subscriberId)) return;
    const before = this.wanted();
    this.asked.delete(subscriberId);
    this.linger(before, now);
  }

  /** The layers to send at `now`, smallest first; the unasked layer while nobody asks. */
  layersAt(now: number): SfuLayer[] {
    const sent = this.wanted();
    for (const [layer, until] of this.lingering) {
      if (until > now) sent.add(layer);
    }
    if (this.asked.size === 0 && sent.size === 0) return [UNASKED_LAYER];
    return SFU_LAYERS.filter((layer) => sent.has(layer));
  }

  /** When `layersAt` changes with no new request (a lingering layer stops), or null. */
  nextChangeAt(now: number): number | null {
    const ends = [...this.lingering.values()].filter((until) => until > now);
    return ends.length > 0 ? Math.min(...ends) : null;
  }

  private wanted(): Set<SfuLayer> {
    const wanted = new Set<SfuLayer>();
    for (const { layer, playing } of this.asked.values()) {
      if (layer !== 'none') wanted.add(layer);
      if (playing) wanted.add(playing);
    }
    return wanted;
  }

  /** Layers wanted before a change and not after it linger. */
  private linger(before: ReadonlySet<SfuLayer>, now: number): void {
    const after = this.wanted();
    for (const layer of before) {
      if (!after.has(layer)) this.lingering.set(layer, now + this.lingerMs);
    }
    for (const [layer, until] of this.lingering) {
      if (until <= now) this.lingering.delete(layer);
    }
  }
}
