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
    expect(subscription.layerRequests(ANN, 'camera', 'thumbnail')).toEqual([
      { mid: '0', layer: 'low' },
    ]);
    expect(subscription.layerRequests(ANN, 'camera', 'thumbnail')).toEqual([]);
    expect(subscription.layerRequests(ANN, 'camera', 'full')).toEqual([
      { mid: '0', layer: 'high' },
    ]);
    // Audio has no layers; a stranger has no mids.
    expect(subscription.layerRequests(ANN, 'microphone', 'full')).toEqual([]);
    expect(subscription.layerRequests('Zed000000000', 'camera', 'full')).toEqual([]);
    // A mid that now carries someone else is asked for again.
    subscription.apply([{ ...annCamera, peerId: BEN }, annMic, benCamera]);
    expect(subscription.layerRequests(BEN, 'camera', 'full')).toEqual([
      { mid: '0', layer: 'high' },
      { mid: '2', layer: 'high' },
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

  it('a small or hidden tile is a thumbnail, a full-screen or large one gets the top layer', () => {
    expect(viewForDisplay(report(300))).toBe('thumbnail');
    expect(viewForDisplay(report(1200, false))).toBe('thumbnail');
    expect(viewForDisplay(report(600))).toBe('grid');
    expect(viewForDisplay(report(1200))).toBe('full');
    expect(viewForDisplay(report(200, true, true))).toBe('full');
  });

  it('asks for the next larger layer when the publisher does not send the one asked', () => {
    const subscription = new SfuSubscription();
    subscription.apply([{ mid: '0', peerId: ANN, source: 'camera', kind: 'video' }]);
    expect(subscription.layerRequests(ANN, 'camera', 'thumbnail')).toEqual([
      { mid: '0', layer: 'low' },
    ]);
    expect(subscription.layerRefused('0', 'low')).toBe('medium');
    // A refusal of a layer no longer wanted changes nothing; there is nothing above high.
    expect(subscription.layerRefused('0', 'low')).toBeNull();
    expect(subscription.layerRequests(ANN, 'camera', 'full')).toEqual([
      { mid: '0', layer: 'high' },
    ]);
    expect(subscription.layerRefused('0', 'high')).toBeNull();
  });

  it('asks for the next larger layer when the one playing stops while others go on', () => {
    const subscription = new SfuSubscription();
    subscription.apply([{ mid: '0', peerId: ANN, source: 'camera', kind: 'video' }]);
    subscription.layerRequests(ANN, 'camera', 'thumbnail');
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

  it('asks for the layer that fits the tile again once a larger one has played a while', () => {
    const subscription = new SfuSubscription();
    subscription.apply([{ mid: '0', peerId: ANN, source: 'camera', kind: 'video' }]);
    subscription.layerRequests(ANN, 'camera', 'thumbnail');
    subscription.receivedSoFar('0', 10, 0, 2_500);
    expect(subscription.receivedSoFar('0', 10, 2_500, 2_500)).toBe('medium');
    // The larger layer plays; the small one is tried again after LAYER_RETRY_MS.
    let now = 2_500;
    const playFor = (ms: number): (string | null)[] => {
      const asked: (string | null)[] = [];
      for (const end = now + ms; now < end;) {
        now += 1_000;
        asked.push(subscription.receivedSoFar('0', now, now, 2_500));
      }
      return asked.filter((layer) => layer !== null);
    };
    expect(playFor(LAYER_RETRY_MS - 1_000)).toEqual([]);
    expect(playFor(1_000)).toEqual(['low']);
    // It stops again: the larger one, and twice the wait before the next try.
    const stoppedAt = now;
    expect(subscription.receivedSoFar('0', stoppedAt, now + 2_500, 2_500)).toBe('medium');
    now += 2_500;
    expect(playFor(2 * LAYER_RETRY_MS - 1_000)).toEqual([]);
    expect(playFor(1_000)).toEqual(['low']);
    // A new view starts afresh, and nothing is retried while the layer asked for plays.
    expect(subscription.layerRequests(ANN, 'camera', 'grid')).toEqual([
      { mid: '0', layer: 'medium' },
    ]);
    expect(playFor(10 * LAYER_RETRY_MAX_MS)).toEqual([]);
  });

  it('does not try again a layer the publisher does not send at all', () => {
    const subscription = new SfuSubscription();
    subscription.apply([{ mid: '0', peerId: ANN, source: 'camera', kind: 'video' }]);
    subscription.layerRequests(ANN, 'camera', 'thumbnail');
    expect(subscription.layerRefused('0', 'low')).toBe('medium');
    subscription.receivedSoFar('0', 10, 0, 2_500);
    expect(subscription.receivedSoFar('0', 10, 2_500, 2_500)).toBe('high');
    const asked = new Set<string | null>();
    for (let now = 3_000; now < 5 * LAYER_RETRY_MS; now += 1_000) {
      asked.add(subscription.receivedSoFar('0', now, now, 2_500));
    }
    expect([...asked]).toEqual([null, 'medium']);
  });
});

describe('MediaMove (make before break)', () => {
  it('switches each tile when its SFU track plays, and closes a link only when all of it does', () => {
    const move = new MediaMove([
      { peerId: ANN, media: ON },
      { peerId: BEN, media: { ...ON, screen: 'screen-stream' } },
    ]);
    expect(move.live(ANN, 'camera')).toEqual({
      switchTiles: [{ peerId: ANN, source: 'camera' }],
      closeMeshLinks: [],
      complete: false,
    });
    // Twice is no news.
    expect(move.live(ANN, 'camera').switchTiles).toEqual([]);
    expect(move.live(ANN, 'microphone').closeMeshLinks).toEqual([ANN]);
    expect(move.live(BEN, 'camera').closeMeshLinks).toEqual([]);
    expect(move.live(BEN, 'microphone').closeMeshLinks).toEqual([]);
    // Ben's screen share still plays over the mesh only.
    expect(move.waitingFor()).toEqual([BEN]);
    const last = move.live(BEN, 'screen');
    expect(last.closeMeshLinks).toEqual([BEN]);
    expect(last.complete).toBe(true);
  });

  it('waits for nothing a person does not send, and not for someone who left', () => {
    const move = new MediaMove([
      { peerId: ANN, media: SILENT },
      { peerId: BEN, media: ON },
    ]);
    // Ann sends nothing: moved once the subscription carries her.
    expect(move.subscribed(ANN).closeMeshLinks).toEqual([ANN]);
    move.live(BEN, 'microphone');
    // Ben turns his camera off mid-move: no camera to wait for.
    expect(move.updated(BEN, { ...ON, video: false })).toMatchObject({
      closeMeshLinks: [BEN],
      complete: true,
    });

    const other = new MediaMove([
      { peerId: ANN, media: ON },
      { peerId: BEN, media: ON },
    ]);
    other.live(ANN, 'camera');
    other.live(ANN, 'microphone');
    expect(other.left(BEN).complete).toBe(true);
  });
});
