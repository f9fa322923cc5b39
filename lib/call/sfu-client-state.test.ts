import { describe, expect, it } from 'vitest';
import { MediaMove } from './media-move';
import {
  LAYER_RETRY_MAX_MS,
  LAYER_RETRY_MS,
  SfuSubscription,
  layerForView,
  viewForDisplay,
} from './sfu-subscription';

const ANN = 'Ann000000000';
const BEN = 'Ben000000000';
const CAL = 'Cal000000000';
const ON = { audio: true, video: true, screen: null };
const SILENT = { audio: false, video: false, screen: null };

describe('SfuSubscription', () => {
  const annCamera = { mid: '0', peerId: ANN, source: 'camera', kind: 'video' } as const;
  const annMic = { mid: '1', peerId: ANN, source: 'microphone', kind: 'audio' } as const;
  const benCamera = { mid: '2', peerId: BEN, source: 'camera', kind: 'video' } as const;

  it('says which tracks each offer adds and removes, and whose each mid is', () => {
    const subscription = new SfuSubscription();
    expect(subscription.apply([annCamera, annMic])).toEqual({
      added: [annCamera, annMic],
      removed: [],
    });
    expect(subscription.apply([annCamera, annMic, benCamera])).toEqual({
      added: [benCamera],
      removed: [],
    });
    expect(subscription.trackAt('2')).toEqual(benCamera);
    // An offer that changes nothing for a mid keeps its track as it was listed.
    const listed = subscription.trackAt('0');
    subscription.apply([{ ...annCamera }, annMic, benCamera]);
    expect(subscription.trackAt('0')).toBe(listed);
    // Ann leaves; Janus reuses her camera's mid for Ben's screen.
    const benScreen = { mid: '0', peerId: BEN, source: 'screen', kind: 'video' } as const;
    expect(subscription.apply([benScreen, benCamera])).toEqual({
      added: [benScreen],
      removed: [annCamera, annMic],
    });
    expect(subscription.midsOf(ANN)).toEqual([]);
    expect(subscription.midsOf(BEN).map((track) => track.mid)).toEqual(['0', '2']);
  });

  it('asks for the layer that fits the tile, only when it changes', () => {
    expect(['thumbnail', 'grid', 'full'].map((view) => layerForView(view as never))).toEqual([
      'low',
      'medium',
      'high',
    ]);
    const subscription = new SfuSubscription();
    subscription.apply([annCamera, annMic, benCamera]);
    expect(subscription.layerRequests(ANN, 'camera', 'thumbnail', 0)).toEqual([
      { mid: '0', layer: 'low' },
    ]);
    expect(subscription.layerRequests(ANN, 'camera', 'thumbnail', 0)).toEqual([]);
    expect(subscription.layerRequests(ANN, 'camera', 'full', 0)).toEqual([
      { mid: '0', layer: 'high' },
    ]);
    // Audio has no layers; a stranger has no mids.
    expect(subscription.layerRequests(ANN, 'microphone', 'full', 0)).toEqual([]);
    expect(subscription.layerRequests('Zed000000000', 'camera', 'full', 0)).toEqual([]);
    // A mid that now carries someone else is asked for again.
    subscription.apply([{ ...annCamera, peerId: BEN }, annMic, benCamera]);
    expect(subscription.layerRequests(BEN, 'camera', 'full', 0)).toEqual([
      { mid: '0', layer: 'high' },
      { mid: '2', layer: 'high' },
    ]);
  });

  it("takes a mid that carries the same person's new publication as a new track, asked anew", () => {
    // Ann reloaded and published again; Janus reused her camera's mid, relaying it unpaused at its
    // top layer, in one offer with no removal before it.
    const subscription = new SfuSubscription();
    const firstCamera = { ...annCamera, publication: 7 };
    subscription.apply([firstCamera]);
    expect(subscription.layerRequests(ANN, 'camera', 'hidden', 0)).toEqual([
      { mid: '0', layer: 'none' },
    ]);
    const againCamera = { ...annCamera, publication: 8 };
    expect(subscription.apply([againCamera])).toEqual({
      added: [againCamera],
      removed: [firstCamera],
    });
    expect(subscription.layerRequests(ANN, 'camera', 'hidden', 0)).toEqual([
      { mid: '0', layer: 'none' },
    ]);
  });
});

describe('layers from tile reports', () => {
  const report = (width: number, visible = true, fullScreen = false) => ({
    width,
    height: Math.round((width * 9) / 16),
    visible,
    fullScreen,
  });

  it('a tile off screen is hidden, a small one a thumbnail, a full-screen or large one full', () => {
    expect(viewForDisplay(report(300))).toBe('thumbnail');
    expect(viewForDisplay(report(1200, false))).toBe('hidden');
    expect(viewForDisplay(report(1200, false, true))).toBe('hidden');
    expect(viewForDisplay(report(600))).toBe('grid');
    expect(viewForDisplay(report(1200))).toBe('full');
    expect(viewForDisplay(report(200, true, true))).toBe('full');
  });

  it('asks for no video while the tile is hidden, and watches for stops only while it shows', () => {
    const subscription = new SfuSubscription();
    subscription.apply([{ mid: '0', peerId: ANN, source: 'camera', kind: 'video' }]);
    subscription.layerRequests(ANN, 'camera', 'grid', 0);
    expect(subscription.receivedSoFar('0', 10, 0, 2_500)).toBeNull();
    expect(subscription.layerRequests(ANN, 'camera', 'hidden', 0)).toEqual([
      { mid: '0', layer: 'none' },
    ]);
    // No packets while hidden is no stop.
    expect(subscription.receivedSoFar('0', 10, 60_000, 2_500)).toBeNull();
    expect(subscription.layerRequests(ANN, 'camera', 'hidden', 0)).toEqual([]);
    expect(subscription.layerRequests(ANN, 'camera', 'grid', 0)).toEqual([
      { mid: '0', layer: 'medium' },
    ]);
    // Shown again: the watch starts from the next reading.
    expect(subscription.receivedSoFar('0', 10, 61_000, 2_500)).toBeNull();
    expect(subscription.receivedSoFar('0', 10, 62_000, 2_500)).toBeNull();
    expect(subscription.receivedSoFar('0', 10, 63_500, 2_500)).toBe('high');
  });

  it('remembers, across hiding and showing a tile, a layer the publisher does not send', () => {
    const subscription = new SfuSubscription();
    subscription.apply([{ mid: '0', peerId: ANN, source: 'camera', kind: 'video' }]);
    subscription.layerRequests(ANN, 'camera', 'thumbnail', 0);
    expect(subscription.layerRefused('0', 'low', 0)).toBe('medium');
    expect(subscription.layerRequests(ANN, 'camera', 'hidden', 0)).toEqual([
      { mid: '0', layer: 'none' },
    ]);
    expect(subscription.layerRequests(ANN, 'camera', 'thumbnail', 0)).toEqual([
      { mid: '0', layer: 'medium' },
    ]);
  });

  it('asks for the next larger layer when the publisher does not send the one asked', () => {
    const subscription = new SfuSubscription();
    subscription.apply([{ mid: '0', peerId: ANN, source: 'camera', kind: 'video' }]);
    expect(subscription.layerRequests(ANN, 'camera', 'thumbnail', 0)).toEqual([
      { mid: '0', layer: 'low' },
    ]);
    expect(subscription.layerRefused('0', 'low', 0)).toBe('medium');
    // A refusal of a layer no longer wanted changes nothing, and the same view asks nothing more.
    expect(subscription.layerRefused('0', 'low', 0)).toBeNull();
    expect(subscription.layerRequests(ANN, 'camera', 'thumbnail', 0)).toEqual([]);
    // There is nothing above high.
    expect(subscription.layerRequests(ANN, 'camera', 'full', 0)).toEqual([
      { mid: '0', layer: 'high' },
    ]);
    expect(subscription.layerRefused('0', 'high', 0)).toBeNull();
    // A new view tries its layer afresh.
    expect(subscription.layerRequests(ANN, 'camera', 'thumbnail', 0)).toEqual([
      { mid: '0', layer: 'low' },
    ]);
  });

  it('asks for the next larger layer when the one playing stops while others go on', () => {
    const subscription = new SfuSubscription();
    subscription.apply([{ mid: '0', peerId: ANN, source: 'camera', kind: 'video' }]);
    subscription.layerRequests(ANN, 'camera', 'thumbnail', 0);
    expect(subscription.receivedSoFar('0', 10, 0, 2_500)).toBeNull();
    expect(subscription.receivedSoFar('0', 40, 1_000, 2_500)).toBeNull();
    expect(subscription.receivedSoFar('0', 40, 3_000, 2_500)).toBeNull();
    expect(subscription.receivedSoFar('0', 40, 3_500, 2_500)).toBe('medium');
    // The larger layer gets its own time to start.
    expect(subscription.receivedSoFar('0', 40, 5_000, 2_500)).toBeNull();
    expect(subscription.receivedSoFar('0', 41, 6_000, 2_500)).toBeNull();
    // A camera turned off is not a stall; the watch starts again when it is back on.
    subscription.pauseStallWatch('0');
    expect(subscription.receivedSoFar('0', 41, 20_000, 2_500)).toBeNull();
    expect(subscription.receivedSoFar('0', 41, 23_000, 2_500)).toBe('high');
    expect(subscription.receivedSoFar('0', 41, 30_000, 2_500)).toBeNull();
  });

  describe('after a stop, the layer that fits the tile', () => {
    const R = LAYER_RETRY_MS;
    const MAX = LAYER_RETRY_MAX_MS;
    /** A thumbnail of Ann's camera on mid 0, read once a second as the transport does. */
    const thumbnail = () => {
      const subscription = new SfuSubscription();
      subscription.apply([{ mid: '0', peerId: ANN, source: 'camera', kind: 'video' }]);
      subscription.layerRequests(ANN, 'camera', 'thumbnail', 0);
      let now = 0;
      let count = 0;
      return {
        subscription,
        get now() {
          return now;
        },
        /** Packets arrive for `ms`: the layers asked meanwhile, with when (ms into it). */
        play(ms: number): string[] {
          const asked: string[] = [];
          for (let elapsed = 1_000; elapsed <= ms; elapsed += 1_000) {
            const layer = subscription.receivedSoFar('0', ++count, (now += 1_000), 2_500);
            if (layer) asked.push(`${layer}@${elapsed}`);
          }
          return asked;
        },
        /** No packet for 2.5 s: the layer asked. */
        stop: () => subscription.receivedSoFar('0', count, (now += 2_500), 2_500),
        /** Nothing is read for `ms` (a camera turned off, say). */
        pause(ms: number) {
          subscription.pauseStallWatch('0');
          now += ms;
        },
      };
    };

    it('is asked again once the larger one has played a while, and later after each stop', () => {
      const feed = thumbnail();
      feed.play(1_000);
      expect(feed.stop()).toBe('medium');
      expect(feed.play(3 * R)).toEqual([`low@${R}`]);
      // It stops again: the larger one, and twice the wait before the next try.
      expect(feed.stop()).toBe('medium');
      expect(feed.play(3 * R)).toEqual([`low@${2 * R}`]);
      for (const wait of [4 * R, 8 * R, 16 * R, MAX]) {
        expect(feed.stop()).toBe('medium');
        expect(feed.play(MAX)).toEqual([`low@${Math.min(wait, MAX)}`]);
      }
      // The wait stops growing, and nothing is asked while the layer that fits plays.
      expect(feed.stop()).toBe('medium');
      expect(feed.play(2 * MAX)).toEqual([`low@${MAX}`]);
      expect(feed.play(10 * MAX)).toEqual([]);
    });

    it('is tried later again when a retry is refused', () => {
      const feed = thumbnail();
      feed.play(1_000);
      expect(feed.stop()).toBe('medium');
      expect(feed.play(R)).toEqual([`low@${R}`]);
      // The publisher has not started it again yet; a report of the same view asks nothing.
      expect(feed.subscription.layerRefused('0', 'low', feed.now)).toBe('medium');
      expect(feed.subscription.layerRequests(ANN, 'camera', 'thumbnail', feed.now)).toEqual([]);
      expect(feed.play(3 * R)).toEqual([`low@${2 * R}`]);
    });

    it('starts afresh with a new view', () => {
      const feed = thumbnail();
      feed.play(1_000);
      feed.stop();
      feed.play(R);
      expect(feed.stop()).toBe('medium');
      expect(feed.subscription.layerRequests(ANN, 'camera', 'grid', feed.now)).toEqual([]);
      expect(feed.subscription.layerRequests(ANN, 'camera', 'thumbnail', feed.now)).toEqual([
        { mid: '0', layer: 'low' },
      ]);
      // The first wait again, not the doubled one.
      expect(feed.stop()).toBe('medium');
      expect(feed.play(2 * R)).toEqual([`low@${R}`]);
    });

    it('is not tried before packets arrive again after a pause', () => {
      const feed = thumbnail();
      feed.play(1_000);
      feed.stop();
      feed.pause(10 * R);
      expect(feed.play(2_000)).toEqual(['low@2000']);
    });

    it('is tried later again when it was refused the first time, as after a stop', () => {
      const feed = thumbnail();
      // Janus did not switch in time: the publisher may lack the layer, or was only slow.
      expect(feed.subscription.layerRefused('0', 'low', 0)).toBe('medium');
      expect(feed.play(2 * R)).toEqual([`low@${R}`]);
      expect(feed.subscription.layerRefused('0', 'low', feed.now)).toBe('medium');
      expect(feed.play(3 * R)).toEqual([`low@${2 * R}`]);
      // A stop of the larger layer asks the next one, and the one that fits after the same wait:
      // it did not fail again.
      expect(feed.subscription.layerRefused('0', 'low', feed.now)).toBe('medium');
      feed.play(1_000);
      expect(feed.stop()).toBe('high');
      expect(feed.play(8 * R)).toEqual([`low@${4 * R}`]);
    });

    it('is not asked while the larger one is kept, even when the tile is hidden and shown', () => {
      const feed = thumbnail();
      expect(feed.subscription.layerRefused('0', 'low', 0)).toBe('medium');
      feed.play(R / 2);
      expect(feed.subscription.layerRequests(ANN, 'camera', 'hidden', feed.now)).toEqual([
        { mid: '0', layer: 'none' },
      ]);
      expect(feed.subscription.layerRequests(ANN, 'camera', 'thumbnail', feed.now)).toEqual([
        { mid: '0', layer: 'medium' },
      ]);
      expect(feed.play(R)).toEqual([`low@${R / 2}`]);
      // Once it is tried again, hiding and showing asks it, not the larger one.
      feed.subscription.layerRequests(ANN, 'camera', 'hidden', feed.now);
      expect(feed.subscription.layerRequests(ANN, 'camera', 'thumbnail', feed.now)).toEqual([
        { mid: '0', layer: 'low' },
      ]);
    });

    it('is asked at once when the tile is shown again after the wait to retry', () => {
      const feed = thumbnail();
      expect(feed.subscription.layerRefused('0', 'low', 0)).toBe('medium');
      feed.subscription.layerRequests(ANN, 'camera', 'hidden', feed.now);
      feed.pause(2 * R);
      expect(feed.subscription.layerRequests(ANN, 'camera', 'thumbnail', feed.now)).toEqual([
        { mid: '0', layer: 'low' },
      ]);
      expect(feed.play(2 * R)).toEqual([]);
    });

    it('starts afresh when the tile is shown again at another size', () => {
      const feed = thumbnail();
      expect(feed.subscription.layerRefused('0', 'low', 0)).toBe('medium');
      feed.subscription.layerRequests(ANN, 'camera', 'hidden', feed.now);
      expect(feed.subscription.layerRequests(ANN, 'camera', 'full', feed.now)).toEqual([
        { mid: '0', layer: 'high' },
      ]);
      expect(feed.subscription.layerRequests(ANN, 'camera', 'thumbnail', feed.now)).toEqual([
        { mid: '0', layer: 'low' },
      ]);
    });
  });
});

describe('MediaMove (make before break)', () => {
  it('switches each tile when its SFU track plays, and moves a person once all of it does', () => {
    const move = new MediaMove([
      { peerId: ANN, media: ON },
      { peerId: BEN, media: { ...ON, screen: 'screen-stream' } },
    ]);
    expect(move.live(ANN, 'camera')).toEqual({
      switchTiles: [{ peerId: ANN, source: 'camera' }],
      moved: [],
      closeMeshLinks: [],
    });
    expect(move.done()).toBe(false);
    // Twice is no news.
    expect(move.live(ANN, 'camera').switchTiles).toEqual([]);
    expect(move.live(ANN, 'microphone').moved).toEqual([ANN]);
    expect(move.live(BEN, 'camera').moved).toEqual([]);
    expect(move.live(BEN, 'microphone').moved).toEqual([]);
    // Ben's screen share still plays over the mesh only.
    expect(move.waitingFor()).toEqual([BEN]);
    expect(move.live(BEN, 'screen').moved).toEqual([BEN]);
    expect(move.waitingFor()).toEqual([]);
  });

  it('closes a peer link only once both ends have moved each other', () => {
    const move = new MediaMove([
      { peerId: ANN, media: ON },
      { peerId: BEN, media: ON },
    ]);
    move.live(ANN, 'camera');
    // Moved on our end: Ann still plays us over the link until she says otherwise.
    expect(move.live(ANN, 'microphone')).toMatchObject({ moved: [ANN], closeMeshLinks: [] });
    expect(move.peerMoved(ANN)).toMatchObject({ moved: [], closeMeshLinks: [ANN] });
    // Ben moved us first: his link closes as soon as we have moved him.
    expect(move.peerMoved(BEN).closeMeshLinks).toEqual([]);
    move.live(BEN, 'camera');
    expect(move.live(BEN, 'microphone')).toMatchObject({ moved: [BEN], closeMeshLinks: [BEN] });
    expect(move.done()).toBe(true);
    // A late notice changes nothing.
    expect(move.peerMoved(BEN).closeMeshLinks).toEqual([]);
  });

  it('waits for nothing a person does not send, and not for someone who left', () => {
    const move = new MediaMove([
      { peerId: ANN, media: SILENT },
      { peerId: BEN, media: ON },
    ]);
    // Ann sends nothing: moved once the subscription carries her.
    expect(move.subscribed(ANN).moved).toEqual([ANN]);
    move.live(BEN, 'microphone');
    // Ben turns his camera off mid-move: no camera to wait for.
    expect(move.updated(BEN, { ...ON, video: false }).moved).toEqual([BEN]);
    move.peerMoved(ANN);
    expect(move.peerMoved(BEN).closeMeshLinks).toEqual([BEN]);
    expect(move.done()).toBe(true);

    const other = new MediaMove([
      { peerId: ANN, media: ON },
      { peerId: BEN, media: ON },
    ]);
    other.live(ANN, 'camera');
    other.live(ANN, 'microphone');
    other.peerMoved(ANN);
    other.left(BEN);
    expect(other.done()).toBe(true);
    // Someone not in the move cannot close anything.
    expect(other.peerMoved(CAL).closeMeshLinks).toEqual([]);
  });
});
