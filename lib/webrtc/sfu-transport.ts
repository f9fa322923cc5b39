import type {
  DataChannelName,
  IncomingMediaSignal,
  MediaTransport,
  MediaTransportContext,
  OutgoingKind,
  RemotePerson,
  ScreenShare,
  SfuRequest,
  TransportLinkState,
} from '../call/media-transport';
import { SfuLayerDemand } from '../call/sfu-layer-demand';
import { SfuSubscription, viewForDisplay } from '../call/sfu-subscription';
import { DEFAULT_VIDEO_QUALITY, type VideoQuality } from '../media/video-quality';
import type {
  MediaState,
  PublishedTrack,
  SfuLayerChoice,
  SubscribedTrack,
} from '../signaling/protocol';
import type { DisplayReport } from './display-report';
import type { IceDiagnostics } from './ice-diagnostics';
import {
  PUBLISHER_KEY,
  SUBSCRIBER_KEY,
  decodedCount,
  packetsReceived,
  personLinkState,
  screenEncoding,
  simulcastEncodings,
  tileSourceOf,
} from './sfu-state';

/** How often a new track's receiver is asked whether it has decoded media yet, at first. */
const LIVE_POLL_MS = 50;
/** After this long without media (a slow machine, a silent sender), it is asked less often. */
const LIVE_PATIENCE_MS = 5_000;
const LIVE_SLOW_POLL_MS = 500;
/** Gathering longer than this sends the candidates found so far (half trickle: no more follow). */
const GATHER_TIMEOUT_MS = 5_000;
/** An offer the server has not answered by then is sent again. */
const ANSWER_TIMEOUT_MS = 15_000;
/** How often playing cameras are checked for a layer that stopped, and how long is stopped. */
const STALL_CHECK_MS = 1_000;
const LAYER_STALL_MS = 2_500;

/**
 * Media through the media server (Janus), as the server brokers it (docs/sfu.md): one publishing
 * `RTCPeerConnection` sends our microphone, camera (three simulcast layers, each capped) and
 * screen once; one subscribing connection receives everyone else's, its offers coming from the
 * server with a map of whose media each mid carries. Descriptions go out complete, after
 * gathering (Janus puts its own candidates in its SDP; half trickle).
 *
 * Per person it reports what the mesh reports per link: tracks by (peer id, source), a link state
 * (see `personLinkState`), an audio level, statistics (that person's receivers), and when each
 * new track has decoded media (`onRemoteTrackLive`), which a move from the mesh waits for.
 * Data channels do not exist here: `sendData` sends nothing and `openChannel` gives null.
 */
export class SfuTransport implements MediaTransport {
  private configuration: RTCConfiguration = {};
  private started = false;
  private closed = false;
  private readonly people = new Map<string, MediaState>();
  private readonly outgoing: Record<OutgoingKind, MediaStreamTrack | null> = {
    audio: null,
    video: null,
  };
  private readonly cameraStream = new MediaStream();
  private screen: ScreenShare | null = null;
  private quality: VideoQuality = DEFAULT_VIDEO_QUALITY;

  private publisher: RTCPeerConnection | null = null;
  private microphone: RTCRtpTransceiver | null = null;
  private camera: RTCRtpTransceiver | null = null;
  private screenTransceiver: RTCRtpTransceiver | null = null;
  private publishing = false;
  private publishAgain = false;
  private restartPublisherIce = false;
  private answered: ((sdp: string | null) => void) | null = null;
  private readonly layerDemand = new SfuLayerDemand();
  private layerTimer: ReturnType<typeof setTimeout> | null = null;
  /** Camera encoding changes, one at a time: each reads the parameters the last one set. */
  private encodingChanges: Promise<void> = Promise.resolve();

  private subscriber: RTCPeerConnection | null = null;
  private readonly subscription = new SfuSubscription();
  private offers: Promise<void> = Promise.resolve();
  private subscriberRestarting = false;
  private readonly displays = new Map<string, DisplayReport>();
  private readonly shownStates = new Map<string, TransportLinkState>();
  private readonly liveWatches = new Map<string, ReturnType<typeof setTimeout>>();
  private stallWatch: ReturnType<typeof setInterval> | null = null;
  private checkingLayers = false;

  constructor(private readonly context: MediaTransportContext) {}

  configure(configuration: RTCConfiguration): void {
    this.configuration = configuration;
    for (const pc of [this.publisher, this.subscriber]) {
      if (!pc) continue;
      try {
        pc.setConfiguration({ ...pc.getConfiguration(), iceServers: configuration.iceServers });
      } catch (error) {
        this.context.events.onError('sfu', error, 'updating ICE servers');
      }
    }
  }

  /**
   * Publishes and subscribes, once configured. A publisher or subscription the server may still
   * hold for our peer id (this tab before a reload) is dropped: its connection died with the page.
   */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.send({ type: 'sfu-unpublish' }, PUBLISHER_KEY, false);
    void this.publish();
    this.send({ type: 'sfu-subscribe', fresh: true }, SUBSCRIBER_KEY, true);
  }

  addPerson(person: RemotePerson): void {
    this.people.set(person.peerId, person.media);
    this.reportLinkStates();
  }

  removePerson(peerId: string): void {
    this.people.delete(peerId);
    this.displays.delete(peerId);
    this.shownStates.delete(peerId);
    this.layerDemand.forget(peerId, performance.now());
    this.updateCameraEncodings();
  }

  updatePerson(peerId: string, media: MediaState): void {
    if (this.people.has(peerId)) this.people.set(peerId, media);
  }

  handleSignal(signal: IncomingMediaSignal): void {
    if (this.closed) return;
    switch (signal.type) {
      case 'sfu-publish-answer':
        this.answered?.(signal.sdp);
        return;
      case 'sfu-subscription-offer': {
        const { sdp, tracks } = signal;
        this.offers = this.offers
          .then(() => this.answerSubscription(sdp, tracks))
          .catch((error: unknown) =>
            this.context.events.onError('sfu', error, 'answering the subscription'),
          );
        return;
      }
      case 'sfu-layer-set': {
        if (signal.ok) return;
        const larger = this.subscription.layerRefused(signal.mid, signal.layer, performance.now());
        if (larger) this.sendLayer(signal.mid, larger);
        return;
      }
      case 'sfu-layer-demand':
        this.layerDemand.ask(signal.from, signal.layer, signal.switched, performance.now());
        this.updateCameraEncodings();
        return;
      case 'description':
      case 'candidate':
        return;
    }
  }

  signalingResumed(restartedNegotiations: ReadonlySet<string>): void {
    // An offer sent on the old socket may have died with it: offer again.
    if (this.answered && !restartedNegotiations.has(PUBLISHER_KEY)) this.answered(null);
  }

  async setOutgoingTrack(kind: OutgoingKind, track: MediaStreamTrack | null): Promise<void> {
    const previous = this.outgoing[kind];
    this.outgoing[kind] = track;
    if (previous) this.cameraStream.removeTrack(previous);
    if (track) this.cameraStream.addTrack(track);
    const transceiver = kind === 'audio' ? this.microphone : this.camera;
    await transceiver?.sender.replaceTrack(track).catch((error: unknown) => {
      this.context.events.onError('sfu', error, `sending the ${kind} track`);
    });
  }

  setScreenShare(share: ScreenShare | null): void {
    this.screen = share;
    const pc = this.publisher;
    if (!pc) return;
    if (share) {
      if (this.screenTransceiver) {
        this.screenTransceiver.direction = 'sendonly';
        void this.screenTransceiver.sender.replaceTrack(share.track);
      } else {
        this.screenTransceiver = pc.addTransceiver(share.track, {
          direction: 'sendonly',
          streams: [share.stream],
          sendEncodings: [screenEncoding()],
        });
      }
    } else if (this.screenTransceiver) {
      void this.screenTransceiver.sender.replaceTrack(null);
      this.screenTransceiver.direction = 'inactive';
    }
    void this.publish();
  }

  setVideoQuality(quality: VideoQuality): void {
    this.quality = quality;
    this.updateCameraEncodings();
  }

  showDisplay(peerId: string, display: DisplayReport): void {
    this.displays.set(peerId, display);
    let view = viewForDisplay(display);
    // A camera that has not played yet is received even while hidden: a move closes someone's
    // peer link only once all of their media plays from the media server.
    const notPlayingYet = (track: SubscribedTrack) => this.liveWatches.has(track.mid);
    if (view === 'hidden' && this.subscription.midsOf(peerId).some(notPlayingYet)) {
      view = 'thumbnail';
    }
    for (const { mid, layer } of this.subscription.layerRequests(
      peerId,
      'camera',
      view,
      performance.now(),
    )) {
      this.sendLayer(mid, layer);
    }
  }

  sendData(_channel: DataChannelName, _data: string, _to?: string): void {
    // No data channels through the media server.
  }

  openChannel(_peerId: string, _label: string): RTCDataChannel | null {
    return null;
  }

  remoteAudioLevel(peerId: string): number {
    const receiver = this.receiverOf(peerId, 'audio');
    if (!receiver || typeof receiver.getSynchronizationSources !== 'function') return 0;
    const source = receiver.getSynchronizationSources()[0];
    if (!source || performance.timeOrigin + performance.now() - source.timestamp > 1_000) return 0;
    return source.audioLevel ?? 0;
  }

  linkDiagnostics(_peerId: string): IceDiagnostics | null {
    return null;
  }

  async getStats(peerId: string): Promise<RTCStatsReport | null> {
    const receiver = this.receiverOf(peerId, 'video') ?? this.receiverOf(peerId, 'audio');
    return receiver ? receiver.getStats() : null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.liveWatches.values()) clearTimeout(timer);
    this.liveWatches.clear();
    if (this.layerTimer) clearTimeout(this.layerTimer);
    if (this.stallWatch) clearInterval(this.stallWatch);
    this.answered?.(null);
    this.publisher?.close();
    this.subscriber?.close();
    this.publisher = null;
    this.subscriber = null;
  }

  /** The publishing connection's mids and what each carries (for tests and the move). */
  publishedTracks(): PublishedTrack[] {
    const tracks: PublishedTrack[] = [];
    if (this.microphone?.mid) tracks.push({ mid: this.microphone.mid, source: 'microphone' });
    if (this.camera?.mid) tracks.push({ mid: this.camera.mid, source: 'camera' });
    const screen = this.screenTransceiver;
    if (screen?.mid && screen.direction === 'sendonly') {
      tracks.push({ mid: screen.mid, source: 'screen' });
    }
    return tracks;
  }

  // --- Publishing ------------------------------------------------------------------------------

  private ensurePublisher(): RTCPeerConnection {
    if (this.publisher) return this.publisher;
    const pc = new RTCPeerConnection(this.configuration);
    this.publisher = pc;
    // Both transceivers exist from the start, so turning a device on or off never renegotiates.
    this.microphone = pc.addTransceiver(this.outgoing.audio ?? 'audio', {
      direction: 'sendonly',
      streams: [this.cameraStream],
    });
    this.camera = pc.addTransceiver(this.outgoing.video ?? 'video', {
      direction: 'sendonly',
      streams: [this.cameraStream],
      sendEncodings: simulcastEncodings(this.quality, this.layerDemand.layersAt(performance.now())),
    });
    if (this.screen) {
      this.screenTransceiver = pc.addTransceiver(this.screen.track, {
        direction: 'sendonly',
        streams: [this.screen.stream],
        sendEncodings: [screenEncoding()],
      });
    }
    pc.addEventListener('connectionstatechange', () => {
      if (this.publisher !== pc) return;
      this.reportLinkStates();
      if (pc.connectionState === 'failed') {
        this.restartPublisherIce = true;
        void this.publish();
      }
    });
    return pc;
  }

  /** Offers what we send to the server, again until an offer reflects the latest change. */
  private async publish(): Promise<void> {
    if (!this.started || this.closed) return;
    if (this.publishing) {
      this.publishAgain = true;
      return;
    }
    this.publishing = true;
    try {
      do {
        this.publishAgain = false;
        const pc = this.ensurePublisher();
        const iceRestart = this.restartPublisherIce;
        this.restartPublisherIce = false;
        await pc.setLocalDescription(await pc.createOffer({ iceRestart }));
        await gathered(pc);
        if (this.closed || this.publisher !== pc) return;
        const answer = new Promise<string | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), ANSWER_TIMEOUT_MS);
          this.answered = (sdp) => {
            clearTimeout(timer);
            this.answered = null;
            resolve(sdp);
          };
        });
        const sdp = pc.localDescription?.sdp ?? '';
        this.send(
          { type: 'sfu-publish', sdp, tracks: this.publishedTracks() },
          PUBLISHER_KEY,
          true,
        );
        const answerSdp = await answer;
        if (this.closed || this.publisher !== pc) return;
        if (answerSdp === null) {
          this.publishAgain = true;
          continue;
        }
        if (pc.signalingState === 'have-local-offer') {
          await pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
        }
        this.reportLinkStates();
      } while (this.publishAgain && !this.closed);
    } catch (error) {
      this.context.events.onError('sfu', error, 'publishing');
    } finally {
      this.publishing = false;
    }
  }

  /**
   * Sets the camera's layers to the chosen quality's caps, active as subscribers ask for them
   * (no renegotiation), and looks again when a layer nobody asks for stops lingering.
   */
  private updateCameraEncodings(): void {
    if (this.layerTimer) clearTimeout(this.layerTimer);
    this.layerTimer = null;
    if (this.closed) return;
    const now = performance.now();
    const wanted = simulcastEncodings(this.quality, this.layerDemand.layersAt(now));
    const nextChange = this.layerDemand.nextChangeAt(now);
    if (nextChange !== null) {
      this.layerTimer = setTimeout(() => this.updateCameraEncodings(), nextChange - now);
    }
    this.encodingChanges = this.encodingChanges.then(async () => {
      const sender = this.camera?.sender;
      if (!sender || this.closed) return;
      const parameters = sender.getParameters();
      let changed = false;
      parameters.encodings = parameters.encodings.map((encoding) => {
        const target = wanted.find((candidate) => candidate.rid === encoding.rid);
        if (!target) return encoding;
        if (target.active !== encoding.active || target.maxBitrate !== encoding.maxBitrate) {
          changed = true;
        }
        return { ...encoding, active: target.active, maxBitrate: target.maxBitrate };
      });
      if (!changed) return;
      await sender.setParameters(parameters).catch((error: unknown) => {
        this.context.events.onError('sfu', error, 'choosing the simulcast layers sent');
      });
    });
  }

  // --- Subscribing -----------------------------------------------------------------------------

  private ensureSubscriber(): RTCPeerConnection {
    if (this.subscriber) return this.subscriber;
    const pc = new RTCPeerConnection(this.configuration);
    this.subscriber = pc;
    this.stallWatch ??= setInterval(() => void this.checkCameraLayers(), STALL_CHECK_MS);
    pc.addEventListener('connectionstatechange', () => {
      if (this.subscriber !== pc) return;
      this.reportLinkStates();
      if (pc.connectionState === 'connected') this.subscriberRestarting = false;
      if (pc.connectionState === 'failed' && !this.subscriberRestarting) {
        this.subscriberRestarting = true;
        this.send({ type: 'sfu-ice-restart' }, SUBSCRIBER_KEY, true);
      }
    });
    return pc;
  }

  private async answerSubscription(sdp: string, tracks: readonly SubscribedTrack[]) {
    if (this.closed) return;
    const pc = this.ensureSubscriber();
    await pc.setRemoteDescription({ type: 'offer', sdp });
    const changes = this.subscription.apply(tracks);
    const reused = new Set<string>();
    for (const track of changes.removed) {
      this.stopWatching(track.mid);
      reused.add(track.mid);
      const receiverTrack = this.transceiverAt(track.mid)?.receiver.track;
      if (receiverTrack) {
        this.context.events.onRemoteTrackEnded(
          track.peerId,
          tileSourceOf(track.source),
          receiverTrack,
        );
      }
    }
    for (const track of changes.added) {
      const receiverTrack = this.transceiverAt(track.mid)?.receiver.track;
      if (!receiverTrack) continue;
      this.context.events.onRemoteTrack(track.peerId, tileSourceOf(track.source), receiverTrack);
      this.watchUntilLive(track, receiverTrack, reused.has(track.mid));
    }
    await pc.setLocalDescription();
    await gathered(pc);
    if (this.closed || this.subscriber !== pc) return;
    const answer = pc.localDescription?.sdp ?? '';
    this.send({ type: 'sfu-subscription-answer', sdp: answer }, SUBSCRIBER_KEY, true);
    // Tiles reported before their person's media arrived get their layer now.
    const peerIds = new Set(changes.added.map((track) => track.peerId));
    for (const peerId of peerIds) {
      const display = this.displays.get(peerId);
      if (display) this.showDisplay(peerId, display);
    }
    this.reportLinkStates();
  }

  /** Polls a new track's receiver until it has decoded media, then says so. */
  private watchUntilLive(track: SubscribedTrack, receiverTrack: MediaStreamTrack, reused: boolean) {
    const receiver = this.transceiverAt(track.mid)?.receiver;
    if (!receiver) return;
    const slowerAt = performance.now() + LIVE_PATIENCE_MS;
    let baseline: number | null = reused ? null : 0;
    // The mid may carry another track by the time a poll runs or its stats arrive: someone else,
    // or a new publication of the same person, which has a watch of its own.
    const current = () => !this.closed && this.subscription.trackAt(track.mid) === track;
    const poll = async () => {
      this.liveWatches.delete(track.mid);
      if (!current()) return;
      const stats = await receiver.getStats().catch(() => null);
      if (!current()) return;
      const count = stats ? decodedCount(track.kind, statsValues(stats)) : 0;
      baseline ??= count;
      if (count > baseline) {
        this.context.events.onRemoteTrackLive?.(
          track.peerId,
          tileSourceOf(track.source),
          receiverTrack,
        );
        // A tile hidden meanwhile now asks for no video.
        const display = this.displays.get(track.peerId);
        if (display) this.showDisplay(track.peerId, display);
        return;
      }
      // Never given up while the track is subscribed: a move waits for it.
      const delay = performance.now() < slowerAt ? LIVE_POLL_MS : LIVE_SLOW_POLL_MS;
      this.liveWatches.set(
        track.mid,
        setTimeout(() => void poll(), delay),
      );
    };
    this.liveWatches.set(
      track.mid,
      setTimeout(() => void poll(), 0),
    );
  }

  /**
   * Asks a larger layer for any camera whose layer stopped while its person's camera is on, and
   * the layer that fits its tile again some time after that (`SfuSubscription.receivedSoFar`).
   */
  private async checkCameraLayers(): Promise<void> {
    if (this.checkingLayers) return;
    this.checkingLayers = true;
    try {
      await this.checkEachCamera();
    } finally {
      this.checkingLayers = false;
    }
  }

  private async checkEachCamera(): Promise<void> {
    for (const [peerId, media] of this.people) {
      for (const track of this.subscription.midsOf(peerId)) {
        if (track.kind !== 'video' || track.source !== 'camera') continue;
        // Not playing yet (watched until it is), or nothing to play.
        if (!media.video || this.liveWatches.has(track.mid)) {
          this.subscription.pauseStallWatch(track.mid);
          continue;
        }
        const receiver = this.transceiverAt(track.mid)?.receiver;
        const stats = await receiver?.getStats().catch(() => null);
        if (!stats || this.closed) continue;
        // Packets, not decoded frames: a page too busy to decode is not a layer that stopped.
        const count = packetsReceived(statsValues(stats));
        const layer = this.subscription.receivedSoFar(
          track.mid,
          count,
          performance.now(),
          LAYER_STALL_MS,
        );
        if (layer) this.sendLayer(track.mid, layer);
      }
    }
  }

  private stopWatching(mid: string): void {
    const timer = this.liveWatches.get(mid);
    if (timer) clearTimeout(timer);
    this.liveWatches.delete(mid);
  }

  private sendLayer(mid: string, layer: SfuLayerChoice): void {
    this.send({ type: 'sfu-layer', mid, layer }, `sfu:layer:${mid}`, true);
  }

  // --- Helpers ---------------------------------------------------------------------------------

  private transceiverAt(mid: string): RTCRtpTransceiver | undefined {
    return this.subscriber?.getTransceivers().find((transceiver) => transceiver.mid === mid);
  }

  private receiverOf(peerId: string, kind: 'audio' | 'video'): RTCRtpReceiver | null {
    const preferred = kind === 'audio' ? 'microphone' : 'camera';
    const track = this.subscription
      .midsOf(peerId)
      .find((candidate) => candidate.kind === kind && candidate.source === preferred);
    return track ? (this.transceiverAt(track.mid)?.receiver ?? null) : null;
  }

  /** Tells the call each person's link state, when it changed. */
  private reportLinkStates(): void {
    if (this.closed) return;
    const publisher = this.publisher?.connectionState ?? null;
    const subscriber = this.subscriber?.connectionState ?? null;
    for (const peerId of this.people.keys()) {
      const carried = this.subscription.midsOf(peerId).length > 0;
      const state = personLinkState(carried, publisher, subscriber);
      if (this.shownStates.get(peerId) === state) continue;
      this.shownStates.set(peerId, state);
      this.context.events.onLinkState(peerId, state);
    }
  }

  private send(signal: SfuRequest, key: string, startsNegotiation: boolean): void {
    if (!this.closed) this.context.sendSignal(signal, { key, startsNegotiation });
  }
}

/** Waits until ICE gathering is complete (or long enough), so the description has candidates. */
function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    };
    const onChange = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, GATHER_TIMEOUT_MS);
    pc.addEventListener('icegatheringstatechange', onChange);
  });
}

function statsValues(report: RTCStatsReport): Record<string, unknown>[] {
  const values: Record<string, unknown>[] = [];
  report.forEach((value: Record<string, unknown>) => values.push(value));
  return values;
}
