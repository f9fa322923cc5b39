import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  IncomingMediaSignal,
  MediaTransportEvents,
  OutgoingMediaSignal,
} from '../call/media-transport';
import { RESTART_CHECK } from './restart-check';
import { DisplayExchange } from './display-exchange';
import { encodeDisplayReport } from './display-report';
import { MeshTransport, type EpochMemory } from './mesh-transport';
import { UNREPORTED_PATIENCE_MS } from './send-encoding';

/*
 * The mesh's bookkeeping of connections and epochs, over a stand-in RTCPeerConnection that only
 * keeps the signaling state machine (offers, answers, rollbacks) and fires the events the app
 * listens to. Real negotiation between browsers is what the end-to-end suite checks.
 */

const BOB = 'BBBBBBBBBBBB';

type Description = { type: 'offer' | 'answer' | 'rollback'; sdp?: string };

interface FakeSender {
  track: { kind: string } | null;
  parameters: { encodings: Partial<RTCRtpEncodingParameters>[] };
  replaceTrack(): Promise<void>;
  getParameters(): FakeSender['parameters'];
  setParameters(parameters: FakeSender['parameters']): Promise<void>;
}

interface FakeChannel {
  readyState: RTCDataChannelState;
  send(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onopen: (() => void) | null;
}

class FakeConnection extends EventTarget {
  static all: FakeConnection[] = [];
  signalingState: RTCSignalingState = 'stable';
  connectionState: RTCPeerConnectionState = 'new';
  iceGatheringState: RTCIceGatheringState = 'new';
  localDescription: Description | null = null;
  remoteDescription: Description | null = null;
  currentLocalDescription: Description | null = null;
  currentRemoteDescription: Description | null = null;
  remoteDescriptionsSet: Description[] = [];
  candidatesAdded = 0;
  closed = false;
  onnegotiationneeded: (() => void) | null = null;
  onsignalingstatechange: (() => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  readonly channels = new Map<string, FakeChannel>();
  private readonly transceivers: unknown[] = [];
  private ufrag: string;
  private version = 0;
  private negotiationQueued = false;

  constructor() {
    super();
    FakeConnection.all.push(this);
    this.ufrag = `u${FakeConnection.all.length}`;
  }

  addTransceiver(trackOrKind: string | { kind: string }) {
    const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind;
    const sender: FakeSender = {
      track: typeof trackOrKind === 'string' ? null : trackOrKind,
      parameters: { encodings: [{}] },
      replaceTrack: async () => {},
      getParameters: () => structuredClone(sender.parameters),
      setParameters: async (parameters) => void (sender.parameters = parameters),
    };
    const transceiver = {
      direction: 'sendrecv',
      sender,
      receiver: { track: { kind } },
      stop: () => {},
    };
    this.transceivers.push(transceiver);
    this.needNegotiation();
    return transceiver;
  }

  getTransceivers() {
    return this.transceivers;
  }

  createDataChannel(label: string) {
    const channel: FakeChannel = {
      readyState: 'connecting',
      send: () => {},
      onmessage: null,
      onopen: null,
    };
    this.channels.set(label, channel);
    return channel;
  }

  /** Test control: a data channel opens. */
  openChannel(label: string) {
    const channel = this.channels.get(label)!;
    channel.readyState = 'open';
    channel.onopen?.();
  }

  /** The sender of the camera's video, as the page's outgoing track was added. */
  videoSender(): FakeSender {
    return (this.transceivers as { sender: FakeSender }[]).find(
      (transceiver) => transceiver.sender.track?.kind === 'video',
    )!.sender;
  }

  restartIce() {
    this.ufrag = `${this.ufrag}r`;
    this.needNegotiation();
  }

  /** Like a browser, fires one negotiationneeded for changes made together. */
  private needNegotiation() {
    if (this.negotiationQueued) return;
    this.negotiationQueued = true;
    queueMicrotask(() => {
      this.negotiationQueued = false;
      this.onnegotiationneeded?.();
    });
  }

  async setLocalDescription(description?: Description) {
    if (description?.type === 'rollback') return this.setState('stable');
    const sdp = `v=${this.version++}\r\na=ice-ufrag:${this.ufrag}\r\na=setup:actpass\r\na=fingerprint:sha-256 0A:0B\r\n`;
    if (this.signalingState === 'have-remote-offer') {
      this.localDescription = { type: 'answer', sdp };
      this.currentLocalDescription = this.localDescription;
      this.currentRemoteDescription = this.remoteDescription;
      return this.setState('stable');
    }
    this.localDescription = { type: 'offer', sdp };
    this.setState('have-local-offer');
  }

  async setRemoteDescription(description: Description) {
    this.remoteDescriptionsSet.push(description);
    this.remoteDescription = description;
    if (description.type === 'offer') return this.setState('have-remote-offer');
    this.currentRemoteDescription = description;
    this.currentLocalDescription = this.localDescription;
    this.setState('stable');
  }

  async addIceCandidate() {
    this.candidatesAdded++;
  }

  async getStats() {
    return new Map();
  }

  close() {
    this.closed = true;
  }

  /** Test control: the link comes up or goes down. */
  setConnectionState(state: RTCPeerConnectionState) {
    this.connectionState = state;
    this.onconnectionstatechange?.();
    this.dispatchEvent(new Event('connectionstatechange'));
  }

  private setState(state: RTCSignalingState) {
    this.signalingState = state;
    this.onsignalingstatechange?.();
  }
}

function memory(initial: Record<string, number> = {}): EpochMemory & { epochs: typeof initial } {
  const epochs = { ...initial };
  return {
    epochs,
    recall: (peerId) => epochs[peerId],
    remember: (peerId, epoch) => void (epochs[peerId] = epoch),
    forget: (peerId) => void delete epochs[peerId],
  };
}

function mesh(epochs = memory(), display = new DisplayExchange(true)) {
  const sent: OutgoingMediaSignal[] = [];
  const events = {
    onRemoteTrack: vi.fn(),
    onRemoteTrackEnded: vi.fn(),
    onLinkState: vi.fn(),
    onLinkDiagnostics: vi.fn(),
    onData: vi.fn(),
    onIncomingChannel: vi.fn(),
    onError: vi.fn(),
    onLinkKeys: vi.fn(),
  } satisfies MediaTransportEvents;
  const transport = new MeshTransport(
    { sendSignal: (signal) => sent.push(signal), canSignal: () => true, events },
    epochs,
    display,
  );
  return { transport, sent, events, epochs };
}

/** Lets queued promise callbacks (negotiation steps) run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

const offer = (epoch: number, sdp = 'v=0\r\na=ice-ufrag:remote\r\n'): IncomingMediaSignal => ({
  type: 'description',
  from: BOB,
  epoch,
  description: { type: 'offer', sdp },
});
const answer = (epoch: number, sdp = 'v=0\r\na=ice-ufrag:remote\r\n'): IncomingMediaSignal => ({
  type: 'description',
  from: BOB,
  epoch,
  description: { type: 'answer', sdp },
});
const candidate = (epoch: number): IncomingMediaSignal => ({
  type: 'candidate',
  from: BOB,
  epoch,
  candidate: {
    candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host',
    sdpMid: '0',
    sdpMLineIndex: 0,
  },
});
const media = { audio: true, video: true, screen: null };
const descriptionsSent = (sent: OutgoingMediaSignal[]) =>
  sent.flatMap((signal) =>
    signal.type === 'description'
      ? [{ type: signal.description.type, epoch: signal.epoch, to: signal.to }]
      : [],
  );

/** Each test of the calling describe runs on fake timers and fake connections. */
function withFakeConnections() {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    FakeConnection.all = [];
    vi.stubGlobal('RTCPeerConnection', FakeConnection);
    vi.stubGlobal('MediaStream', class {});
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });
}

describe('MeshTransport connection epochs', () => {
  withFakeConnections();

  it('offers the first connection, at epoch 0, when we are the polite side (the later joiner)', async () => {
    const m = mesh();
    m.transport.addPerson({ peerId: BOB, polite: true, media });
    await settle();
    expect(descriptionsSent(m.sent)).toEqual([{ type: 'offer', epoch: 0, to: BOB }]);
    expect(m.epochs.epochs).toEqual({ [BOB]: 0 });
  });

  it('waits for the first offer otherwise, and answers it on the same connection', async () => {
    const m = mesh();
    m.transport.addPerson({ peerId: BOB, polite: false, media });
    await settle();
    expect(m.sent).toEqual([]);
    m.transport.handleSignal(offer(0));
    await settle();
    expect(FakeConnection.all).toHaveLength(1);
    expect(descriptionsSent(m.sent)).toEqual([{ type: 'answer', epoch: 0, to: BOB }]);
  });

  it('takes an offer of a newer epoch for a new connection, and answers from it', async () => {
    const m = mesh();
    m.transport.addPerson({ peerId: BOB, polite: false, media });
    m.transport.handleSignal(offer(0));
    await settle();
    const [first] = FakeConnection.all;

    m.transport.handleSignal(offer(1));
    m.transport.handleSignal(candidate(1));
    await settle();
    expect(first?.closed).toBe(true);
    const second = FakeConnection.all[1];
    expect(second?.remoteDescriptionsSet.map((description) => description.type)).toEqual(['offer']);
    expect(second?.candidatesAdded).toBe(1);
    expect(descriptionsSent(m.sent).at(-1)).toEqual({ type: 'answer', epoch: 1, to: BOB });
    expect(m.epochs.epochs[BOB]).toBe(1);
    // The person stays; their tile is told a new connection is being made.
    expect(m.events.onLinkState).toHaveBeenLastCalledWith(BOB, 'new');
  });

  it('reports the certificates of a connected link, from its current connection only', async () => {
    const m = mesh();
    m.transport.addPerson({ peerId: BOB, polite: false, media });
    m.transport.handleSignal(offer(0, 'v=0\r\na=fingerprint:sha-256 cc:dd\r\n'));
    await settle();
    const [first] = FakeConnection.all;
    first?.setConnectionState('connecting');
    expect(m.events.onLinkKeys).not.toHaveBeenCalled();
    first?.setConnectionState('connected');
    expect(m.events.onLinkKeys).toHaveBeenCalledWith(BOB, {
      local: 'sha-256 0A:0B',
      remote: 'sha-256 CC:DD',
    });

    m.transport.handleSignal(offer(1, 'v=0\r\na=fingerprint:sha-256 ee:ff\r\n'));
    await settle();
    first?.setConnectionState('connected');
    expect(m.events.onLinkKeys).toHaveBeenCalledTimes(1);
  });

  it('drops signals of an older epoch, and candidates of a newer one', async () => {
    const m = mesh();
    m.transport.addPerson({ peerId: BOB, polite: false, media });
    m.transport.handleSignal(offer(2));
    await settle();
    const current = FakeConnection.all.at(-1)!;
    const connections = FakeConnection.all.length;
    m.transport.handleSignal(offer(1));
    m.transport.handleSignal(answer(0));
    m.transport.handleSignal(candidate(1));
    m.transport.handleSignal(candidate(3));
    await settle();
    expect(FakeConnection.all).toHaveLength(connections);
    expect(current.remoteDescriptionsSet).toHaveLength(1);
    expect(current.candidatesAdded).toBe(0);
  });

  it('after a reload, offers every known person a new connection at the next epoch', async () => {
    const m = mesh(memory({ [BOB]: 3 }));
    // Bob is not the polite one, so at epoch 0 he would offer; after a reload we do.
    m.transport.addPerson({ peerId: BOB, polite: false, media });
    await settle();
    expect(descriptionsSent(m.sent)).toEqual([{ type: 'offer', epoch: 4, to: BOB }]);
    // His restart offer on the connection from before the reload is dropped.
    m.transport.handleSignal(offer(3));
    await settle();
    expect(FakeConnection.all).toHaveLength(1);
    expect(FakeConnection.all[0]?.remoteDescriptionsSet).toEqual([]);
  });

  it('when new connections cross, the polite side answers the other and the impolite side waits', async () => {
    // `polite` says how we behave toward Bob. Both of us restart the link from a reload (epoch 0
    // remembered), so both offer epoch 1.
    const polite = mesh(memory({ [BOB]: 0 }));
    polite.transport.addPerson({ peerId: BOB, polite: true, media });
    await settle();
    polite.transport.handleSignal(offer(1));
    await settle();
    expect(FakeConnection.all[0]?.closed).toBe(true);
    expect(descriptionsSent(polite.sent)).toEqual([
      { type: 'offer', epoch: 1, to: BOB },
      { type: 'answer', epoch: 1, to: BOB },
    ]);

    FakeConnection.all = [];
    const impolite = mesh(memory({ [BOB]: 0 }));
    impolite.transport.addPerson({ peerId: BOB, polite: false, media });
    await settle();
    impolite.transport.handleSignal(offer(1));
    impolite.transport.handleSignal(candidate(1));
    await settle();
    const ours = FakeConnection.all[0]!;
    expect(FakeConnection.all).toHaveLength(1);
    expect(ours.remoteDescriptionsSet).toEqual([]);
    // The polite side's answer, and the candidates after it, complete our connection.
    impolite.transport.handleSignal(answer(1));
    impolite.transport.handleSignal(candidate(1));
    await settle();
    expect(ours.remoteDescriptionsSet.map((description) => description.type)).toEqual(['answer']);
    expect(ours.candidatesAdded).toBe(1);
  });

  it('rebuilds a link that stays down after an ICE restart, keeping the person', async () => {
    const m = mesh();
    m.transport.addPerson({ peerId: BOB, polite: false, media });
    m.transport.handleSignal(offer(0, 'v=0\r\na=ice-ufrag:before\r\n'));
    await settle();
    const first = FakeConnection.all[0]!;
    first.setConnectionState('connected');
    first.setConnectionState('failed');
    // Bob restarts ICE; we answer, so the restart is negotiated, but the link stays failed.
    m.transport.handleSignal(offer(0, 'v=1\r\na=ice-ufrag:after\r\n'));
    await settle();
    expect(FakeConnection.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(RESTART_CHECK.connectWithinMs + RESTART_CHECK.sampleEveryMs);
    expect(first.closed).toBe(true);
    expect(FakeConnection.all).toHaveLength(2);
    expect(descriptionsSent(m.sent).at(-1)).toEqual({ type: 'offer', epoch: 1, to: BOB });
    expect(m.events.onLinkState).toHaveBeenLastCalledWith(BOB, 'new');
  });

  it('leaves a link that comes back after an ICE restart alone', async () => {
    const m = mesh();
    m.transport.addPerson({
      peerId: BOB,
      polite: false,
      media: { ...media, audio: false, video: false },
    });
    m.transport.handleSignal(offer(0, 'v=0\r\na=ice-ufrag:before\r\n'));
    await settle();
    const first = FakeConnection.all[0]!;
    first.setConnectionState('connected');
    m.transport.handleSignal(offer(0, 'v=1\r\na=ice-ufrag:after\r\n'));
    await settle();
    await vi.advanceTimersByTimeAsync(RESTART_CHECK.connectWithinMs * 2);
    expect(FakeConnection.all).toHaveLength(1);
    expect(first.closed).toBe(false);
  });

  it('forgets a person who left, epoch included', async () => {
    const m = mesh();
    m.transport.addPerson({ peerId: BOB, polite: true, media });
    await settle();
    m.transport.removePerson(BOB);
    expect(FakeConnection.all[0]?.closed).toBe(true);
    expect(m.epochs.epochs).toEqual({});
    m.transport.handleSignal(offer(5));
    await settle();
    expect(FakeConnection.all).toHaveLength(1);
  });
});

describe('MeshTransport camera encoding before the receiver reports', () => {
  const camera720 = {
    kind: 'video',
    getSettings: () => ({ width: 1280, height: 720 }),
  } as unknown as MediaStreamTrack;

  withFakeConnections();

  /** Bob's link, offered by us and answered: the camera sender has its first parameters. */
  async function negotiatedLink(display?: DisplayExchange) {
    const m = mesh(memory(), display);
    await m.transport.setOutgoingTrack('video', camera720);
    m.transport.addPerson({ peerId: BOB, polite: true, media });
    await settle();
    m.transport.handleSignal(answer(0));
    await settle();
    const connection = FakeConnection.all[0]!;
    const scale = () => connection.videoSender().parameters.encodings[0]?.scaleResolutionDownBy;
    return { m, connection, scale };
  }

  /** A tile's worth (half the camera) until the patience has run out to the millisecond, then all. */
  async function expectTileUntilPatienceEnds(scale: () => number | undefined) {
    await vi.advanceTimersByTimeAsync(UNREPORTED_PATIENCE_MS - 1);
    expect(scale()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(scale()).toBe(1);
  }

  it('sends a tile of half the camera until the report, then what the report asks', async () => {
    const { connection, scale } = await negotiatedLink();
    expect(scale()).toBe(2);
    connection.openChannel('display');
    connection.channels.get('display')!.onmessage?.({
      data: encodeDisplayReport({ width: 1280, height: 720, visible: true, fullScreen: true }),
    });
    await settle();
    expect(scale()).toBe(1);
    // The report ended the wait: nothing changes once the patience would have run out.
    connection.videoSender().parameters.encodings[0]!.scaleResolutionDownBy = 4;
    await vi.advanceTimersByTimeAsync(UNREPORTED_PATIENCE_MS);
    expect(scale()).toBe(4);
  });

  it('sends everything once the display channel has been open a while with no report', async () => {
    const { connection, scale } = await negotiatedLink();
    // The wait starts when a report could first arrive, not when the link was made.
    await vi.advanceTimersByTimeAsync(10 * UNREPORTED_PATIENCE_MS);
    expect(scale()).toBe(2);
    connection.openChannel('display');
    await expectTileUntilPatienceEnds(scale);
  });

  it('waits from the link being connected when the display channel never opens', async () => {
    const { connection, scale } = await negotiatedLink();
    connection.setConnectionState('connected');
    await expectTileUntilPatienceEnds(scale);
  });

  it('sends everything from the start when adaptation is off', async () => {
    const { scale } = await negotiatedLink(new DisplayExchange(false));
    expect(scale()).toBe(1);
  });

  it('leaves no timer behind a link that closes while waiting', async () => {
    const { m, connection } = await negotiatedLink();
    const before = vi.getTimerCount();
    connection.openChannel('display');
    expect(vi.getTimerCount()).toBe(before + 1);
    m.transport.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
