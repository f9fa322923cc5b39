import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  MediaSource,
  MediaTransportEvents,
  OutgoingMediaSignal,
  SignalHolding,
} from '../call/media-transport';
import { SfuTransport } from './sfu-transport';
import type { DisplayReport } from './display-report';

/*
 * The SFU transport's bookkeeping over a stand-in RTCPeerConnection: what it publishes and with
 * which mids, how a subscription offer's track list sends tracks to tiles, when a track counts as
 * playing, link states and layer requests. Real media through Janus is what e2e/sfu.spec.ts checks.
 * A fake offer's SDP lists its m-lines as `mid:kind` pairs.
 */

const ANN = 'Ann000000000';
const BEN = 'Ben000000000';

interface FakeTransceiver {
  mid: string | null;
  direction: RTCRtpTransceiverDirection;
  init?: RTCRtpTransceiverInit;
  sender: {
    track: unknown;
    replaceTrack(track: unknown): Promise<void>;
    getParameters(): { encodings: RTCRtpEncodingParameters[] };
    setParameters(parameters: { encodings: RTCRtpEncodingParameters[] }): Promise<void>;
    /** The encodings of the latest `setParameters`. */
    encodings?: RTCRtpEncodingParameters[];
  };
  receiver: {
    track: { kind: string; id: string };
    decoded: number;
    getStats(): Promise<Map<string, Record<string, unknown>>>;
  };
}

class FakeConnection extends EventTarget {
  static all: FakeConnection[] = [];
  connectionState: RTCPeerConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  iceGatheringState: RTCIceGatheringState = 'complete';
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescriptions: { type: string; sdp: string }[] = [];
  transceivers: FakeTransceiver[] = [];
  closed = false;
  private offers = 0;

  constructor(readonly configuration: RTCConfiguration) {
    super();
    FakeConnection.all.push(this);
  }

  addTransceiver(trackOrKind: string | { kind: string }, init?: RTCRtpTransceiverInit) {
    const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind;
    const transceiver = this.transceiver(null, kind);
    transceiver.direction = init?.direction ?? 'sendrecv';
    transceiver.init = init;
    transceiver.sender.track = typeof trackOrKind === 'string' ? null : trackOrKind;
    return transceiver;
  }

  getTransceivers() {
    return this.transceivers;
  }

  getConfiguration() {
    return this.configuration;
  }

  setConfiguration() {}

  async createOffer() {
    return { type: 'offer', sdp: `offer ${++this.offers}` };
  }

  async setLocalDescription(description?: { type: string; sdp: string }) {
    if (description?.type === 'offer') {
      this.transceivers.forEach((transceiver, index) => (transceiver.mid ??= String(index)));
      this.signalingState = 'have-local-offer';
      this.localDescription = description;
    } else {
      this.signalingState = 'stable';
      this.localDescription = { type: 'answer', sdp: 'answer' };
    }
  }

  async setRemoteDescription(description: { type: string; sdp: string }) {
    this.remoteDescriptions.push(description);
    if (description.type === 'answer') {
      this.signalingState = 'stable';
      return;
    }
    this.signalingState = 'have-remote-offer';
    for (const line of description.sdp.split(' ')) {
      const [mid, kind] = line.split(':');
      if (mid && kind && !this.transceivers.some((transceiver) => transceiver.mid === mid))
        this.transceiver(mid, kind).direction = 'recvonly';
    }
  }

  close() {
    this.closed = true;
  }

  connect(state: RTCPeerConnectionState) {
    this.connectionState = state;
    this.dispatchEvent(new Event('connectionstatechange'));
  }

  private transceiver(mid: string | null, kind: string): FakeTransceiver {
    const receiver: FakeTransceiver['receiver'] = {
      track: { kind, id: `${kind}-${this.transceivers.length}` },
      decoded: 0,
      getStats: async () =>
        new Map([
          [
            'in',
            {
              type: 'inbound-rtp',
              framesDecoded: receiver.decoded,
              packetsReceived: receiver.decoded,
            },
          ],
        ]),
    };
    const transceiver: FakeTransceiver = {
      mid,
      direction: 'sendrecv',
      sender: {
        track: null,
        replaceTrack: async (track) => {
          transceiver.sender.track = track;
        },
        getParameters: () => ({
          encodings: transceiver.sender.encodings ?? transceiver.init?.sendEncodings ?? [{}],
        }),
        setParameters: async (parameters) => {
          transceiver.sender.encodings = parameters.encodings;
        },
      },
      receiver,
    };
    this.transceivers.push(transceiver);
    return transceiver;
  }
}

class FakeMediaStream {
  readonly id = 'camera-stream';
  addTrack() {}
  removeTrack() {}
}

function setUp() {
  const sent: { signal: OutgoingMediaSignal; holding: SignalHolding }[] = [];
  const tracks: string[] = [];
  const live: string[] = [];
  const links: string[] = [];
  const describe = (peerId: string, source: MediaSource, track: MediaStreamTrack) =>
    `${peerId.slice(0, 3)} ${source} ${track.kind}`;
  const events: MediaTransportEvents = {
    onRemoteTrack: (peerId, source, track) => tracks.push(describe(peerId, source, track)),
    onRemoteTrackEnded: (peerId, source, track) =>
      tracks.push(`ended ${describe(peerId, source, track)}`),
    onRemoteTrackLive: (peerId, source, track) => live.push(describe(peerId, source, track)),
    onLinkState: (peerId, state) => links.push(`${peerId.slice(0, 3)} ${state}`),
    onLinkDiagnostics: () => undefined,
    onData: () => undefined,
    onIncomingChannel: () => undefined,
    onError: (_peerId, error) => {
      throw error;
    },
  };
  const transport = new SfuTransport({
    sendSignal: (signal, holding) => sent.push({ signal, holding }),
    canSignal: () => true,
    events,
  });
  transport.configure({ iceTransportPolicy: 'relay' });
  return { transport, sent, tracks, live, links, types: () => sent.map((s) => s.signal.type) };
}

/**
 * A transport subscribed to Ann's camera on mid 0, her tile reported as `display` before her media
 * arrives.
 */
function subscribedToAnn(display: DisplayReport) {
  const setup = setUp();
  setup.transport.addPerson({
    peerId: ANN,
    polite: false,
    media: { audio: true, video: true, screen: null },
  });
  setup.transport.showDisplay(ANN, display);
  setup.transport.start();
  setup.transport.handleSignal({
    type: 'sfu-subscription-offer',
    sdp: '0:video',
    tracks: [{ mid: '0', peerId: ANN, source: 'camera', kind: 'video' }],
  });
  return setup;
}

/**
 * Ann's tile is hidden (the page is in the background as the call moves to the media server): her
 * camera is received until it plays, then asked for no video.
 */
async function hiddenAnnPlaying() {
  const setup = subscribedToAnn({ width: 0, height: 0, visible: false, fullScreen: false });
  const { sent, live } = setup;
  await vi.waitFor(() =>
    expect(sent.at(-1)?.signal).toEqual({ type: 'sfu-layer', mid: '0', layer: 'low' }),
  );
  const subscriber = FakeConnection.all.find((pc) => pc.remoteDescriptions.length > 0)!;
  subscriber.transceivers[0]!.receiver.decoded = 1;
  await vi.waitFor(() => expect(live).toEqual(['Ann camera video']));
  expect(sent.at(-1)?.signal).toEqual({ type: 'sfu-layer', mid: '0', layer: 'none' });
  return { ...setup, subscriber };
}

const microphone = { kind: 'audio', id: 'mic' } as MediaStreamTrack;
const camera = { kind: 'video', id: 'cam' } as MediaStreamTrack;

beforeEach(() => {
  FakeConnection.all = [];
  vi.stubGlobal('RTCPeerConnection', FakeConnection);
  vi.stubGlobal('MediaStream', FakeMediaStream);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('SfuTransport', () => {
  it('publishes microphone and camera once, the camera in three capped layers, and subscribes afresh', async () => {
    const { transport, sent, types } = setUp();
    await transport.setOutgoingTrack('audio', microphone);
    await transport.setOutgoingTrack('video', camera);
    transport.start();
    await vi.waitFor(() => expect(types()).toContain('sfu-publish'));
    expect(types()).toEqual(['sfu-unpublish', 'sfu-subscribe', 'sfu-publish']);
    expect(sent[1]?.signal).toEqual({ type: 'sfu-subscribe', fresh: true });
    expect(sent[2]?.signal).toMatchObject({
      tracks: [
        { mid: '0', source: 'microphone' },
        { mid: '1', source: 'camera' },
      ],
    });
    const [publisher] = FakeConnection.all;
    // The same ICE policy as the mesh: relay-only applies here too.
    expect(publisher?.configuration.iceTransportPolicy).toBe('relay');
    const encodings = publisher?.transceivers[1]?.init?.sendEncodings ?? [];
    expect(encodings.map((encoding) => encoding.rid)).toEqual(['h', 'm', 'l']);
    expect(encodings.every((encoding) => (encoding.maxBitrate ?? 0) > 0)).toBe(true);
    expect(publisher?.transceivers[1]?.sender.track).toBe(camera);

    transport.handleSignal({ type: 'sfu-publish-answer', sdp: 'janus answer' });
    await vi.waitFor(() => expect(publisher?.remoteDescriptions).toHaveLength(1));
    // A camera turned off is a replaced track, not a new negotiation.
    await transport.setOutgoingTrack('video', null);
    expect(publisher?.transceivers[1]?.sender.track).toBeNull();
    expect(types().filter((type) => type === 'sfu-publish')).toHaveLength(1);
  });

  it('shares the screen as a renegotiation of what it publishes, and stops it the same way', async () => {
    const { transport, sent, types } = setUp();
    transport.start();
    await vi.waitFor(() => expect(types()).toContain('sfu-publish'));
    transport.handleSignal({ type: 'sfu-publish-answer', sdp: 'a1' });
    const screen = { kind: 'video', id: 'screen' } as MediaStreamTrack;
    transport.setScreenShare({ track: screen, stream: {} as MediaStream });
    await vi.waitFor(() => expect(types().filter((t) => t === 'sfu-publish')).toHaveLength(2));
    expect(sent.at(-1)?.signal).toMatchObject({
      tracks: [
        { mid: '0', source: 'microphone' },
        { mid: '1', source: 'camera' },
        { mid: '2', source: 'screen' },
      ],
    });
    transport.handleSignal({ type: 'sfu-publish-answer', sdp: 'a2' });
    transport.setScreenShare(null);
    await vi.waitFor(() => expect(types().filter((t) => t === 'sfu-publish')).toHaveLength(3));
    expect(sent.at(-1)?.signal).toMatchObject({ tracks: [{ mid: '0' }, { mid: '1' }] });
  });

  it('sends each subscribed track to its person’s tile by the offer’s map, and says when it plays', async () => {
    const { transport, sent, tracks, live, links } = setUp();
    transport.addPerson({
      peerId: ANN,
      polite: false,
      media: { audio: true, video: true, screen: null },
    });
    transport.addPerson({
      peerId: BEN,
      polite: true,
      media: { audio: false, video: false, screen: 's' },
    });
    transport.start();
    const annAndBen = {
      type: 'sfu-subscription-offer' as const,
      sdp: '0:video 1:audio 2:video',
      tracks: [
        { mid: '0', peerId: ANN, source: 'camera' as const, kind: 'video' as const },
        { mid: '1', peerId: ANN, source: 'microphone' as const, kind: 'audio' as const },
        { mid: '2', peerId: BEN, source: 'screen' as const, kind: 'video' as const },
      ],
    };
    transport.handleSignal(annAndBen);
    await vi.waitFor(() => expect(sent.at(-1)?.signal.type).toBe('sfu-subscription-answer'));
    expect(tracks).toEqual(['Ann camera video', 'Ann camera audio', 'Ben screen video']);
    const subscriber = FakeConnection.all.find((pc) => pc.remoteDescriptions.length > 0)!;
    expect(live).toEqual([]);
    // A later offer that changes nothing for Ann's camera keeps watching it until it plays.
    const answers = sent.length;
    transport.handleSignal({
      ...annAndBen,
      tracks: annAndBen.tracks.map((track) => ({ ...track })),
    });
    await vi.waitFor(() => expect(sent.length).toBeGreaterThan(answers));
    subscriber.transceivers[0]!.receiver.decoded = 1;
    await vi.waitFor(() => expect(live).toEqual(['Ann camera video']));

    // Everyone carried follows the subscribing connection's state.
    subscriber.connect('connected');
    expect(links.slice(-2)).toEqual(['Ann connected', 'Ben connected']);

    // Ben leaves: the next offer no longer lists his mid, and his track ends.
    transport.handleSignal({
      type: 'sfu-subscription-offer',
      sdp: '0:video 1:audio 2:video',
      tracks: [
        { mid: '0', peerId: ANN, source: 'camera', kind: 'video' },
        { mid: '1', peerId: ANN, source: 'microphone', kind: 'audio' },
      ],
    });
    await vi.waitFor(() => expect(tracks.at(-1)).toBe('ended Ben screen video'));
  });

  it('asks the layer that fits the tile, and the next larger one when the publisher lacks it', async () => {
    // Reported before her media arrives: asked once the subscription carries her.
    const { transport, sent } = subscribedToAnn({
      width: 200,
      height: 112,
      visible: true,
      fullScreen: false,
    });
    await vi.waitFor(() =>
      expect(sent.at(-1)?.signal).toEqual({ type: 'sfu-layer', mid: '0', layer: 'low' }),
    );
    transport.handleSignal({ type: 'sfu-layer-set', mid: '0', layer: 'low', ok: false });
    expect(sent.at(-1)?.signal).toEqual({ type: 'sfu-layer', mid: '0', layer: 'medium' });
    transport.showDisplay(ANN, { width: 1920, height: 1080, visible: true, fullScreen: true });
    expect(sent.at(-1)?.signal).toEqual({ type: 'sfu-layer', mid: '0', layer: 'high' });
    const count = sent.length;
    transport.showDisplay(ANN, { width: 1900, height: 1070, visible: true, fullScreen: true });
    expect(sent).toHaveLength(count);
  });

  it('receives a hidden tile until its camera plays, then asks for no video of it', async () => {
    const { transport, sent } = await hiddenAnnPlaying();
    // Shown again: the layer that fits.
    transport.showDisplay(ANN, { width: 200, height: 112, visible: true, fullScreen: false });
    expect(sent.at(-1)?.signal).toEqual({ type: 'sfu-layer', mid: '0', layer: 'low' });
  });

  it("takes the same person's new publication on a mid as a new track, watched and asked anew", async () => {
    const { transport, sent, tracks, live, subscriber } = await hiddenAnnPlaying();
    // Ann reloaded and published again; Janus relays her new camera on the same mid, unpaused.
    transport.handleSignal({
      type: 'sfu-subscription-offer',
      sdp: '0:video',
      tracks: [{ mid: '0', peerId: ANN, source: 'camera', kind: 'video', publication: 2 }],
    });
    await vi.waitFor(() =>
      expect(tracks.slice(-2)).toEqual(['ended Ann camera video', 'Ann camera video']),
    );
    // Received until it plays, then no video again for the hidden tile.
    await vi.waitFor(() =>
      expect(sent.at(-1)?.signal).toEqual({ type: 'sfu-layer', mid: '0', layer: 'low' }),
    );
    expect(live).toHaveLength(1);
    subscriber.transceivers[0]!.receiver.decoded = 2;
    await vi.waitFor(() => expect(live).toHaveLength(2));
    expect(sent.at(-1)?.signal).toEqual({ type: 'sfu-layer', mid: '0', layer: 'none' });
  });

  it('sends the camera layers its subscribers ask for, never renegotiating', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const { transport, types } = setUp();
      await transport.setOutgoingTrack('video', camera);
      transport.start();
      await vi.waitFor(() => expect(types()).toContain('sfu-publish'));
      const sender = FakeConnection.all[0]!.transceivers[1]!.sender;
      const active = () =>
        sender.getParameters().encodings.map((encoding) => `${encoding.rid}:${encoding.active}`);
      // Nobody asks yet: the middle layer only.
      expect(active()).toEqual(['h:false', 'm:true', 'l:false']);

      transport.handleSignal({
        type: 'sfu-layer-demand',
        from: ANN,
        layer: 'medium',
        switched: true,
      });
      transport.handleSignal({ type: 'sfu-layer-demand', from: BEN, layer: 'low', switched: true });
      await vi.waitFor(() => expect(active()).toEqual(['h:false', 'm:true', 'l:true']));
      // Ben goes full screen: the large layer starts now, the small one stops once he is switched.
      transport.handleSignal({
        type: 'sfu-layer-demand',
        from: BEN,
        layer: 'high',
        switched: false,
      });
      await vi.waitFor(() => expect(active()).toEqual(['h:true', 'm:true', 'l:true']));
      await vi.advanceTimersByTimeAsync(2_500);
      expect(active()).toEqual(['h:true', 'm:true', 'l:true']);
      transport.handleSignal({
        type: 'sfu-layer-demand',
        from: BEN,
        layer: 'high',
        switched: true,
      });
      await vi.advanceTimersByTimeAsync(2_500);
      expect(active()).toEqual(['h:true', 'm:true', 'l:false']);
      // Quality caps and layers are one setting: changing one keeps the other.
      transport.setVideoQuality('360p');
      await vi.waitFor(() =>
        expect(sender.getParameters().encodings[0]?.maxBitrate).toBeLessThan(1_000_000),
      );
      expect(active()).toEqual(['h:true', 'm:true', 'l:false']);
      transport.removePerson(BEN);
      await vi.advanceTimersByTimeAsync(2_500);
      expect(active()).toEqual(['h:false', 'm:true', 'l:false']);
      expect(types().filter((type) => type === 'sfu-publish')).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('offers again when the socket came back and its offer may have died with the old one', async () => {
    const { transport, types } = setUp();
    transport.start();
    await vi.waitFor(() => expect(types()).toContain('sfu-publish'));
    transport.signalingResumed(new Set());
    await vi.waitFor(() => expect(types().filter((t) => t === 'sfu-publish')).toHaveLength(2));
    transport.close();
    expect(FakeConnection.all.every((pc) => pc.closed)).toBe(true);
  });
});
