import type { IceCandidate, SessionDescription } from '../signaling/protocol';
import { iceUfragOf, keepDtlsRoleOnIceRestart } from './dtls-role';
import type { DisplayReport } from './display-report';
import type { IceDiagnostics } from './ice-diagnostics';
import { RESTART_CHECK, RestartCheck } from './restart-check';
import { UNREPORTED_PATIENCE_MS, cameraEncoding, displayToFollow } from './send-encoding';

/** What a session asks the signaling layer to carry to its remote peer. */
export type OutgoingSignal =
  | { type: 'description'; description: SessionDescription }
  | { type: 'candidate'; candidate: IceCandidate | null };

export type IncomingSignal = OutgoingSignal;

/** The local camera and microphone as every session should send them right now. */
export interface OutgoingMedia {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  /** Announced as the stream of the camera tracks, so the receiver can group them. */
  stream: MediaStream;
}

export interface PeerSessionEvents {
  onRemoteTrack(track: MediaStreamTrack, streamId: string | null): void;
  onConnectionStateChange(state: RTCPeerConnectionState): void;
  /** A text message arrived on the chat data channel (not yet validated). */
  onChatData(data: unknown): void;
  /** A message arrived on the display channel: how the peer shows our camera (not yet validated). */
  onDisplayData(data: unknown): void;
  /** A message arrived on the control channel (file transfers, recording mark; not validated). */
  onControlData(data: unknown): void;
  /** The peer opened a data channel of its own (a file transfer's). */
  onDataChannel(channel: RTCDataChannel): void;
  /** Gathering finished, or an ICE server failed us: the link may now be known not to work. */
  onIceDiagnostics(diagnostics: IceDiagnostics): void;
  /** An ICE restart went through but the link did not come back: only a new connection will do. */
  onLinkDead(): void;
  onError(error: unknown, context: string): void;
}

/** Upper bounds for what this session sends, in bits per second; null leaves it to the browser. */
export interface BitrateCaps {
  camera: number | null;
  screen: number | null;
}

export interface PeerSessionOptions {
  remotePeerId: string;
  /** Yields when both sides offer at once (perfect negotiation). The server decides. */
  polite: boolean;
  /** Makes the first offer. Only one side of a pair does, so the first negotiation has no glare. */
  initiator: boolean;
  configuration: RTCConfiguration;
  outgoing(): OutgoingMedia;
  signal(message: OutgoingSignal): void;
  /** Whether signals can reach the server right now (the socket is open and joined). */
  canSignal(): boolean;
  /** Whether the remote peer says it sends audio or video, so packets should be arriving. */
  mediaExpected(): boolean;
  /**
   * The peer will say how it shows our camera (display reports); until it does, the camera is
   * sent at a tile's size (send-encoding.ts). False sends everything until told otherwise.
   */
  expectDisplayReport: boolean;
  events: PeerSessionEvents;
}

type SendKind = 'audio' | 'video';

/** Both sides open the chat channel with this fixed id, so no in-band handshake is needed. */
const CHAT_CHANNEL_ID = 0;
/** Display reports (see display-report.ts), opened with the chat channel, before any in-band one. */
const DISPLAY_CHANNEL_ID = 2;
const CONTROL_CHANNEL_ID = 1;
/** Control messages kept while the control channel opens; more than this means it never will. */
const MAX_QUEUED_CONTROL = 100;
/** Chat lines kept for a link whose chat channel is not open yet. */
const MAX_QUEUED_CHAT = 50;

/** How long a `disconnected` link may last before an ICE restart, by role: one side goes first. */
const RESTART_AFTER_DISCONNECTED_MS = { impolite: 2_500, polite: 7_000 } as const;
const RESTART_AFTER_FAILED_MS = { impolite: 0, polite: 4_000 } as const;
const RESTART_RETRY_MS = 10_000;
/**
 * An offer unanswered this long, while signaling is up, is presumed lost (a half-open socket
 * swallowed it or its answer): it is rolled back and made again. Doubles up to the maximum.
 */
const OFFER_ANSWER_TIMEOUT_MS = 5_000;
const OFFER_ANSWER_TIMEOUT_MAX_MS = 30_000;

/**
 * One `RTCPeerConnection` to one remote peer, negotiated with the perfect-negotiation pattern
 * (MDN "Perfect negotiation"; webrtc/samples adds the pending-answer check):
 * - `makingOffer`, `ignoreOffer` and the polite flag resolve offers that cross on the wire;
 * - incoming signals are handled one at a time, in order;
 * - ICE candidates that arrive before a remote description are queued, not dropped;
 * - a link that fails, or stays disconnected, gets an ICE restart through the same negotiation.
 *
 * The camera and microphone always travel on the first audio and first video transceiver
 * ("camera slots"), created by the initiator. Muting, switching devices or turning the camera off
 * is `replaceTrack` on those, with no renegotiation. A screen share is an extra send-only
 * transceiver, added and stopped through the same negotiation.
 *
 * The side that did not make the first offer changes nothing that would need negotiation (chat
 * channel, screen share) until it has answered that offer, so the first negotiation never collides.
 *
 * After an ICE restart has been negotiated, the link is checked until it is seen to work again
 * (see `RestartCheck`); one that does not is reported dead, for the owner to replace.
 */
export class PeerSession {
  readonly remotePeerId: string;
  readonly polite: boolean;
  readonly connection: RTCPeerConnection;
  private readonly diagnostics: IceDiagnostics = {
    gatheringComplete: false,
    candidateTypes: [],
    serverErrors: [],
  };

  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswerPending = false;
  private readonly queuedCandidates: (IceCandidate | null)[] = [];
  private incoming: Promise<void> = Promise.resolve();
  private readonly cameraSlots: Partial<Record<SendKind, RTCRtpTransceiver>> = {};
  private chatChannel: RTCDataChannel | null = null;
  private displayChannel: RTCDataChannel | null = null;
  /** The latest display report for the peer, sent once the display channel opens. */
  private pendingDisplay: string | null = null;
  /** How the peer shows our camera, as it last said; null until it says (see `expectingDisplay`). */
  private remoteDisplay: DisplayReport | null = null;
  /**
   * No display report yet, though one is expected; waited for from the link's connecting or its
   * display channel's opening, whichever comes first.
   */
  private expectingDisplay: boolean;
  private displayPatienceTimer: ReturnType<typeof setTimeout> | null = null;
  /** Sender parameters are changed one `setParameters` at a time. */
  private sendParameters: Promise<void> = Promise.resolve();
  private controlChannel: RTCDataChannel | null = null;
  private readonly queuedControl: string[] = [];
  private readonly queuedChat: string[] = [];
  private screenTransceiver: RTCRtpTransceiver | null = null;
  private wantedScreen: { track: MediaStreamTrack; stream: MediaStream } | null = null;
  private bitrateCaps: BitrateCaps = { camera: null, screen: null };
  /** False on the answering side until it has answered the first offer. */
  private readyForLocalChanges: boolean;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private offerTimer: ReturnType<typeof setTimeout> | null = null;
  private offerTimeoutMs = OFFER_ANSWER_TIMEOUT_MS;
  /** The remote ICE ufrag as of the last completed negotiation: a new one means a restart. */
  private negotiatedRemoteUfrag: string | null = null;
  private restartCheckTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly options: PeerSessionOptions) {
    this.remotePeerId = options.remotePeerId;
    this.polite = options.polite;
    const connection = new RTCPeerConnection(options.configuration);
    this.connection = connection;

    connection.onnegotiationneeded = () => void this.makeOffer();
    connection.onicecandidateerror = (event) => {
      const error = event as RTCPeerConnectionIceErrorEvent;
      this.diagnostics.serverErrors.push({
        url: error.url,
        code: error.errorCode,
        text: error.errorText,
      });
      options.events.onIceDiagnostics(this.iceDiagnostics());
    };
    connection.onicegatheringstatechange = () => {
      this.diagnostics.gatheringComplete = connection.iceGatheringState === 'complete';
      if (this.diagnostics.gatheringComplete)
        options.events.onIceDiagnostics(this.iceDiagnostics());
    };
    connection.onicecandidate = ({ candidate }) => {
      if (candidate?.type && !this.diagnostics.candidateTypes.includes(candidate.type)) {
        this.diagnostics.candidateTypes.push(candidate.type);
      }
      options.signal({
        type: 'candidate',
        candidate: candidate ? toIceCandidate(candidate) : null,
      });
    };
    connection.ontrack = ({ track, streams }) => {
      options.events.onRemoteTrack(track, streams[0]?.id ?? null);
    };
    connection.onconnectionstatechange = () => this.onConnectionStateChange();
    connection.ondatachannel = ({ channel }) => options.events.onDataChannel(channel);
    connection.onsignalingstatechange = () => {
      if (connection.signalingState === 'have-local-offer') {
        this.armOfferWatchdog();
      } else {
        this.clearOfferWatchdog();
        if (connection.signalingState === 'stable') {
          this.offerTimeoutMs = OFFER_ANSWER_TIMEOUT_MS;
          void this.applyBitrateCaps();
          this.noteNegotiatedUfrag();
        }
      }
    };

    this.expectingDisplay = options.expectDisplayReport;

    this.readyForLocalChanges = options.initiator;
    if (options.initiator) {
      const outgoing = options.outgoing();
      for (const kind of ['audio', 'video'] as const) {
        this.cameraSlots[kind] = connection.addTransceiver(outgoing[kind] ?? kind, {
          direction: 'sendrecv',
          streams: [outgoing.stream],
        });
      }
      this.openChatChannel();
    }
  }

  /** This side made the first offer and has heard nothing back yet (no remote description). */
  get awaitingFirstAnswer(): boolean {
    return this.options.initiator && this.connection.remoteDescription === null;
  }

  /**
   * Sends `data` on the chat channel, or as soon as it opens: someone whose link is still being
   * made (a newcomer, or everyone while a call falls back from the media server) gets it then.
   */
  sendChat(data: string): void {
    if (this.chatChannel?.readyState !== 'open') {
      if (this.queuedChat.length < MAX_QUEUED_CHAT) this.queuedChat.push(data);
      return;
    }
    try {
      this.chatChannel.send(data);
    } catch (error) {
      this.options.events.onError(error, 'sending a chat message');
    }
  }

  /** Chat lines still waiting for the channel to open, taken away (the link is being replaced). */
  takeUnsentChat(): string[] {
    return this.queuedChat.splice(0);
  }

  /** Sends a display report (how we show the peer's camera); only the latest waits for the channel. */
  sendDisplay(data: string): void {
    if (this.displayChannel?.readyState !== 'open') {
      this.pendingDisplay = data;
      return;
    }
    try {
      this.displayChannel.send(data);
    } catch (error) {
      this.options.events.onError(error, 'sending a display report');
    }
  }

  /** How the peer shows our camera: the camera sender follows it, through `setParameters` only. */
  setRemoteDisplay(display: DisplayReport | null): void {
    this.remoteDisplay = display;
    this.stopExpectingDisplay();
    void this.applyBitrateCaps();
  }

  /** Sends `data` on the control channel, or as soon as it opens. */
  sendControl(data: string): void {
    const channel = this.controlChannel;
    if (channel?.readyState !== 'open') {
      if (this.queuedControl.length < MAX_QUEUED_CONTROL) this.queuedControl.push(data);
      return;
    }
    try {
      channel.send(data);
    } catch (error) {
      this.options.events.onError(error, 'sending a control message');
    }
  }

  /**
   * Opens a data channel of its own (in-band, so the browsers pick its stream id by DTLS role and
   * never collide). The first offer already carried the SCTP transport, for the chat channel, so
   * this needs no renegotiation. Null until that first negotiation is done.
   */
  openDataChannel(label: string): RTCDataChannel | null {
    if (this.closed || !this.readyForLocalChanges || !this.connection.sctp) return null;
    return this.connection.createDataChannel(label, { ordered: true });
  }

  /** Shares `track` as a screen (or stops sharing, with null), through negotiation. */
  setScreenShare(share: { track: MediaStreamTrack; stream: MediaStream } | null): void {
    this.wantedScreen = share;
    if (this.readyForLocalChanges && !this.closed) this.applyScreenShare();
  }

  setBitrateCaps(caps: BitrateCaps): void {
    this.bitrateCaps = caps;
    void this.applyBitrateCaps();
  }

  iceDiagnostics(): IceDiagnostics {
    return {
      gatheringComplete: this.diagnostics.gatheringComplete,
      candidateTypes: [...this.diagnostics.candidateTypes],
      serverErrors: [...this.diagnostics.serverErrors],
    };
  }

  /** Loudness of the peer's microphone as last received, 0..1. */
  remoteAudioLevel(): number {
    const receiver = this.cameraSlots.audio?.receiver;
    if (!receiver || typeof receiver.getSynchronizationSources !== 'function') return 0;
    const source = receiver.getSynchronizationSources()[0];
    if (!source || performance.timeOrigin + performance.now() - source.timestamp > 1_000) return 0;
    return source.audioLevel ?? 0;
  }

  getStats(): Promise<RTCStatsReport> {
    return this.connection.getStats();
  }

  /** Handles a description or candidate from the remote peer, after any still being handled. */
  handleSignal(signal: IncomingSignal): Promise<void> {
    this.incoming = this.incoming.then(async () => {
      if (this.closed) return;
      try {
        if (signal.type === 'description') await this.handleDescription(signal.description);
        else await this.handleCandidate(signal.candidate);
      } catch (error) {
        this.options.events.onError(error, `handling remote ${signal.type}`);
      }
    });
    return this.incoming;
  }

  /** Puts `track` (or nothing) on the camera slot of its kind, without renegotiating. */
  async replaceTrack(kind: SendKind, track: MediaStreamTrack | null): Promise<void> {
    const sender = this.cameraSlots[kind]?.sender;
    if (!sender || sender.track === track || this.closed) return;
    try {
      await sender.replaceTrack(track);
    } catch (error) {
      this.options.events.onError(error, `replacing the ${kind} track`);
    }
    // A new camera may capture another size: the scale that fits the peer's tile changes with it.
    if (kind === 'video') void this.applyBitrateCaps();
  }

  /**
   * New ICE servers (fresh TURN credentials) for the relays this connection allocates from now on:
   * at its next ICE restart. The relay it uses now keeps working, since TURN checks credentials
   * only when a relay is allocated.
   */
  setIceServers(iceServers: RTCIceServer[]): void {
    if (this.closed) return;
    try {
      this.connection.setConfiguration({ ...this.connection.getConfiguration(), iceServers });
    } catch (error) {
      this.options.events.onError(error, 'updating the ICE servers');
    }
  }

  /** Starts an ICE restart now; perfect negotiation carries it. */
  restartIce(): void {
    if (this.closed) return;
    this.connection.restartIce();
  }

  /**
   * Signaling just came back after a drop. An offer still waiting for its answer may have died with
   * the old socket: take it back and offer again. A link still down gets its ICE restart now from
   * the impolite side; the polite side waits its turn, as after a failure, because both sides often
   * resume together (a server restart) and crossed restart offers are where engines disagree.
   * Runs in order with incoming signals, so an answer that does arrive is not taken for a new one's.
   */
  recoverAfterResume(): Promise<void> {
    this.incoming = this.incoming.then(async () => {
      if (this.connection.signalingState === 'have-local-offer') await this.retractOffer();
      else if (this.linkDown()) {
        if (this.polite) this.scheduleRestart(RESTART_AFTER_FAILED_MS.polite);
        else this.restartIce();
      }
    });
    return this.incoming;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearRestartTimer();
    this.clearOfferWatchdog();
    this.clearRestartCheck();
    this.stopExpectingDisplay();
    this.connection.onnegotiationneeded = null;
    this.connection.onicecandidate = null;
    this.connection.onicecandidateerror = null;
    this.connection.onicegatheringstatechange = null;
    this.connection.ontrack = null;
    this.connection.onconnectionstatechange = null;
    this.connection.onsignalingstatechange = null;
    if (this.chatChannel) this.chatChannel.onmessage = null;
    if (this.displayChannel) {
      this.displayChannel.onmessage = null;
      this.displayChannel.onopen = null;
    }
    if (this.controlChannel) this.controlChannel.onmessage = null;
    this.connection.ondatachannel = null;
    this.connection.close();
  }

  private async makeOffer(): Promise<void> {
    if (this.closed) return;
    try {
      this.makingOffer = true;
      await this.connection.setLocalDescription();
      this.sendLocalDescription();
    } catch (error) {
      this.options.events.onError(error, 'making an offer');
    } finally {
      this.makingOffer = false;
    }
  }

  private async handleDescription(description: SessionDescription): Promise<void> {
    const connection = this.connection;
    const readyForOffer =
      !this.makingOffer &&
      (connection.signalingState === 'stable' || this.settingRemoteAnswerPending);
    const offerCollision = description.type === 'offer' && !readyForOffer;
    this.ignoreOffer = !this.polite && offerCollision;
    if (this.ignoreOffer) return;

    this.settingRemoteAnswerPending = description.type === 'answer';
    try {
      // On a collision the polite side rolls its own offer back implicitly here.
      await connection.setRemoteDescription(description);
    } finally {
      this.settingRemoteAnswerPending = false;
    }
    await this.addQueuedCandidates();
    if (description.type !== 'offer') return;

    await this.claimCameraSlots();
    await connection.setLocalDescription();
    this.sendLocalDescription();
    if (!this.readyForLocalChanges) {
      this.readyForLocalChanges = true;
      this.openChatChannel();
      this.applyScreenShare();
    }
  }

  private async handleCandidate(candidate: IceCandidate | null): Promise<void> {
    if (!this.connection.remoteDescription) {
      this.queuedCandidates.push(candidate);
      return;
    }
    await this.addCandidate(candidate);
  }

  private async addQueuedCandidates(): Promise<void> {
    const queued = this.queuedCandidates.splice(0);
    for (const candidate of queued) await this.addCandidate(candidate);
  }

  private async addCandidate(candidate: IceCandidate | null): Promise<void> {
    try {
      // No argument means "end of candidates".
      if (candidate) await this.connection.addIceCandidate(candidate);
      else await this.connection.addIceCandidate();
    } catch (error) {
      // Candidates for an offer we chose to ignore are expected to fail.
      if (!this.ignoreOffer) this.options.events.onError(error, 'adding an ICE candidate');
    }
  }

  /**
   * On the side that did not make the first offer, adopts the offer's first audio and video
   * transceivers as camera slots and starts sending on them.
   */
  private async claimCameraSlots(): Promise<void> {
    const outgoing = this.options.outgoing();
    for (const kind of ['audio', 'video'] as const) {
      if (this.cameraSlots[kind]) continue;
      const transceiver = this.connection
        .getTransceivers()
        .find((candidate) => candidate.receiver.track.kind === kind);
      if (!transceiver) continue;
      this.cameraSlots[kind] = transceiver;
      transceiver.direction = 'sendrecv';
      await transceiver.sender.replaceTrack(outgoing[kind]);
      // Not in every browser (Firefox lacks it); receivers do not depend on it.
      if (typeof transceiver.sender.setStreams === 'function') {
        transceiver.sender.setStreams(outgoing.stream);
      }
    }
  }

  private openChatChannel(): void {
    const channel = this.connection.createDataChannel('chat', {
      negotiated: true,
      id: CHAT_CHANNEL_ID,
      ordered: true,
    });
    channel.onmessage = ({ data }) => this.options.events.onChatData(data);
    channel.onopen = () => {
      for (const data of this.queuedChat.splice(0)) this.sendChat(data);
    };
    this.chatChannel = channel;
    this.openDisplayChannel();
    this.openControlChannel();
  }

  private openDisplayChannel(): void {
    const channel = this.connection.createDataChannel('display', {
      negotiated: true,
      id: DISPLAY_CHANNEL_ID,
      ordered: true,
    });
    channel.onmessage = ({ data }) => this.options.events.onDisplayData(data);
    channel.onopen = () => {
      this.awaitFirstDisplayReport();
      const pending = this.pendingDisplay;
      this.pendingDisplay = null;
      if (pending !== null) this.sendDisplay(pending);
    };
    this.displayChannel = channel;
  }

  private openControlChannel(): void {
    const channel = this.connection.createDataChannel('control', {
      negotiated: true,
      id: CONTROL_CHANNEL_ID,
      ordered: true,
    });
    channel.onmessage = ({ data }) => this.options.events.onControlData(data);
    channel.onopen = () => {
      for (const data of this.queuedControl.splice(0)) this.sendControl(data);
    };
    this.controlChannel = channel;
  }

  private applyScreenShare(): void {
    const wanted = this.wantedScreen;
    const transceiver = this.screenTransceiver;
    if (wanted && transceiver) {
      void transceiver.sender.replaceTrack(wanted.track).catch((error: unknown) => {
        this.options.events.onError(error, 'replacing the screen track');
      });
    } else if (wanted) {
      this.screenTransceiver = this.connection.addTransceiver(wanted.track, {
        direction: 'sendonly',
        streams: [wanted.stream],
      });
    } else if (transceiver) {
      // Stopping frees the m-line for a later share and ends the track on the receiving side.
      this.screenTransceiver = null;
      transceiver.stop();
    }
  }

  /**
   * Sets each sender's encoding: the bitrate cap, and for the camera what the peer shows of it
   * (send-encoding.ts; the cap stays the ceiling). Senders only take parameters once negotiated;
   * we retry when stable. Calls are queued so that no two `setParameters` overlap.
   */
  private applyBitrateCaps(): Promise<void> {
    this.sendParameters = this.sendParameters.then(() => this.applySendParameters());
    return this.sendParameters;
  }

  private async applySendParameters(): Promise<void> {
    const camera = this.cameraSlots.video?.sender;
    const targets: [RTCRtpSender | undefined, Partial<RTCRtpEncodingParameters>][] = [
      [camera, this.cameraParameters(camera)],
      [this.screenTransceiver?.sender, { maxBitrate: this.bitrateCaps.screen ?? undefined }],
    ];
    for (const [sender, wanted] of targets) {
      if (!sender || this.closed) continue;
      const parameters = sender.getParameters();
      const encoding = parameters.encodings?.[0];
      if (!encoding || !changeEncoding(encoding, wanted)) continue;
      try {
        await sender.setParameters(parameters);
      } catch (error) {
        this.options.events.onError(error, 'setting the send parameters');
      }
    }
  }

  private cameraParameters(sender: RTCRtpSender | undefined): Partial<RTCRtpEncodingParameters> {
    const settings = sender?.track?.getSettings();
    const capture =
      settings?.width && settings.height
        ? { width: settings.width, height: settings.height }
        : null;
    const display = displayToFollow(this.remoteDisplay, this.expectingDisplay, capture);
    // Nothing to follow: the browser's defaults, under the cap, as before adaptation existed.
    if (!display)
      return {
        active: true,
        scaleResolutionDownBy: 1,
        maxFramerate: undefined,
        maxBitrate: this.bitrateCaps.camera ?? undefined,
      };
    const encoding = cameraEncoding(display, capture, this.bitrateCaps.camera);
    return {
      active: encoding.active,
      scaleResolutionDownBy: encoding.scaleResolutionDownBy,
      maxFramerate: encoding.maxFramerate,
      maxBitrate: encoding.maxBitrate ?? undefined,
    };
  }

  /**
   * The peer's report comes as the display channel opens, once connected; one that has not come
   * soon after never will.
   */
  private awaitFirstDisplayReport(): void {
    if (!this.expectingDisplay || this.displayPatienceTimer || this.closed) return;
    this.displayPatienceTimer = setTimeout(() => {
      this.displayPatienceTimer = null;
      this.expectingDisplay = false;
      void this.applyBitrateCaps();
    }, UNREPORTED_PATIENCE_MS);
  }

  private stopExpectingDisplay(): void {
    this.expectingDisplay = false;
    if (this.displayPatienceTimer) clearTimeout(this.displayPatienceTimer);
    this.displayPatienceTimer = null;
  }

  private sendLocalDescription(): void {
    const {
      localDescription: local,
      currentLocalDescription,
      currentRemoteDescription,
    } = this.connection;
    if (!local || (local.type !== 'offer' && local.type !== 'answer')) return;
    const sdp =
      local.type === 'offer'
        ? keepDtlsRoleOnIceRestart(
            local.sdp,
            currentLocalDescription?.sdp,
            currentRemoteDescription?.sdp,
          )
        : local.sdp;
    this.options.signal({ type: 'description', description: { type: local.type, sdp } });
  }

  private onConnectionStateChange(): void {
    const state = this.connection.connectionState;
    this.options.events.onConnectionStateChange(state);
    const role = this.polite ? 'polite' : 'impolite';
    if (state === 'failed') this.scheduleRestart(RESTART_AFTER_FAILED_MS[role]);
    else if (state === 'disconnected') this.scheduleRestart(RESTART_AFTER_DISCONNECTED_MS[role]);
    else if (state === 'connected' || state === 'closed') this.clearRestartTimer();
    // A peer whose display channel never opens (another client) cannot report either.
    if (state === 'connected') this.awaitFirstDisplayReport();
  }

  /**
   * Restarts ICE after `delayMs` if the link is still down, and keeps retrying while it is.
   * The impolite side acts first so that both rarely restart at once: a polite rollback right
   * after a restart is where browsers are least reliable.
   */
  private scheduleRestart(delayMs: number): void {
    this.clearRestartTimer();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.closed || !this.linkDown()) return;
      // A restart offer needs signaling to reach the peer; until then ICE is left to run its course.
      if (this.connection.signalingState === 'stable' && this.options.canSignal())
        this.restartIce();
      this.scheduleRestart(RESTART_RETRY_MS);
    }, delayMs);
  }

  private armOfferWatchdog(): void {
    this.clearOfferWatchdog();
    this.offerTimer = setTimeout(() => {
      this.offerTimer = null;
      if (this.closed || this.connection.signalingState !== 'have-local-offer') return;
      // While signaling is down the offer waits in the outbox: nothing is lost yet.
      if (!this.options.canSignal()) return this.armOfferWatchdog();
      this.offerTimeoutMs = Math.min(this.offerTimeoutMs * 2, OFFER_ANSWER_TIMEOUT_MAX_MS);
      this.incoming = this.incoming.then(() => this.retractOffer());
    }, this.offerTimeoutMs);
  }

  private clearOfferWatchdog(): void {
    if (this.offerTimer) clearTimeout(this.offerTimer);
    this.offerTimer = null;
  }

  /** Rolls back an unanswered offer; negotiation (and an ICE restart, if the link is down) follows. */
  private async retractOffer(): Promise<void> {
    if (this.closed || this.connection.signalingState !== 'have-local-offer') return;
    try {
      await this.connection.setLocalDescription({ type: 'rollback' });
    } catch (error) {
      this.options.events.onError(error, 'rolling back an unanswered offer');
      return;
    }
    // Rolling back re-fires negotiationneeded for pending changes; an ICE restart must be asked again.
    if (this.linkDown()) this.restartIce();
  }

  /** After each completed negotiation: a new remote ufrag means an ICE restart went through. */
  private noteNegotiatedUfrag(): void {
    const ufrag = iceUfragOf(this.connection.currentRemoteDescription?.sdp);
    const previous = this.negotiatedRemoteUfrag;
    this.negotiatedRemoteUfrag = ufrag;
    if (previous !== null && ufrag !== null && ufrag !== previous) this.startRestartCheck();
  }

  private startRestartCheck(): void {
    this.clearRestartCheck();
    const check = new RestartCheck(performance.now());
    const sample = async () => {
      this.restartCheckTimer = null;
      if (this.closed) return;
      const verdict = check.judge({
        at: performance.now(),
        connected: this.connection.connectionState === 'connected',
        mediaExpected: this.options.mediaExpected(),
        packetsReceived: await this.packetsReceived(),
      });
      if (this.closed || this.restartCheckTimer !== null) return;
      if (verdict === 'dead') this.options.events.onLinkDead();
      else if (verdict === 'undecided')
        this.restartCheckTimer = setTimeout(() => void sample(), RESTART_CHECK.sampleEveryMs);
    };
    this.restartCheckTimer = setTimeout(() => void sample(), RESTART_CHECK.firstSampleMs);
  }

  private clearRestartCheck(): void {
    if (this.restartCheckTimer) clearTimeout(this.restartCheckTimer);
    this.restartCheckTimer = null;
  }

  /** RTP packets received so far over every receiver of this connection. */
  private async packetsReceived(): Promise<number> {
    let total = 0;
    try {
      const stats = await this.connection.getStats();
      stats.forEach((report: { type?: string; packetsReceived?: number }) => {
        if (report.type === 'inbound-rtp') total += report.packetsReceived ?? 0;
      });
    } catch {
      // A connection closing under us: nothing received.
    }
    return total;
  }

  private linkDown(): boolean {
    const state = this.connection.connectionState;
    return state === 'disconnected' || state === 'failed';
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }
}

function toIceCandidate(candidate: RTCIceCandidate): IceCandidate {
  return {
    candidate: candidate.candidate,
    sdpMid: candidate.sdpMid,
    sdpMLineIndex: candidate.sdpMLineIndex,
    usernameFragment: candidate.usernameFragment,
  };
}

/** Writes `wanted` into `encoding` (undefined removes a field); false if nothing changed. */
function changeEncoding(
  encoding: RTCRtpEncodingParameters,
  wanted: Partial<RTCRtpEncodingParameters>,
): boolean {
  let changed = false;
  for (const key of Object.keys(wanted) as (keyof RTCRtpEncodingParameters)[]) {
    const value = wanted[key];
    if (encoding[key] === value) continue;
    changed = true;
    if (value === undefined) delete encoding[key];
    else Object.assign(encoding, { [key]: value });
  }
  return changed;
}
