import { MAX_CHAT_LENGTH, parseChatPayload } from '../chat/chat-message';
import { AudioLevelMeter, SpeakingDetector } from '../media/audio-level';
import { LocalMedia, type LocalTrackKind } from '../media/local-media';
import { cameraBitrateCap, screenBitrateCap, type VideoQuality } from '../media/video-quality';
import { saveMediaPreference, saveRelayOnly } from '../preferences';
import {
  assertNever,
  type ClientMessage,
  type MediaState,
  type PeerInfo,
  type ServerMessage,
} from '../signaling/protocol';
import { SignalingClient, type SignalingConnectionState } from '../signaling/signaling-client';
import { PeerSession, type OutgoingMedia, type OutgoingSignal } from '../webrtc/peer-session';
import type { CallStore, LinkStatus } from './call-store';
import { describeLinkFailure, linkCannotConnect } from './link-diagnosis';
import { MediaRegistry } from './media-registry';
import { pollPresence, type PresencePoll } from './presence-poll';

export interface CallControllerOptions {
  /** Absolute ws:// or wss:// URL of the signaling endpoint. */
  signalingUrl: string;
  /** The custom server's health endpoint; a 404 there means signaling is not running at all. */
  healthUrl: string;
}

/** Signals produced while the socket was down, sent once the server confirms we resumed. */
const MAX_OUTBOX = 500;

type PeerSignal = Extract<ClientMessage, { type: 'description' | 'candidate' }>;
/** How often loudness is sampled for the speaking highlight. */
const SPEAKING_POLL_MS = 150;
/** A first connection not made by then is reported as failed (attempts go on in the background). */
const CONNECT_DEADLINE_MS = 15_000;

const SIGNALING_NOT_RUNNING =
  'The signaling server is not running, so calls cannot connect. This page is served by plain `next dev` or `next start`, without the app’s own server: run `npm run dev` (or `npm run build && npm start`) instead.';
const SIGNALING_UNREACHABLE = 'Cannot reach the signaling server. Retrying…';

/**
 * Runs one call page: local media, the signaling socket and a PeerSession per remote peer.
 * React renders from the store; this class is the only writer. `start()` returns its own
 * teardown, and the pair can run again (React's strict mode does exactly that in development).
 */
export class CallController {
  readonly media = new MediaRegistry();

  private signaling: SignalingClient | null = null;
  private presencePoll: PresencePoll | null = null;
  private localMedia: LocalMedia | null = null;
  private readonly sessions = new Map<string, PeerSession>();
  /** Peers whose link has been up at least once: a later drop is "reconnecting", not "failed". */
  private readonly everConnected = new Set<string>();
  private readonly connectDeadlines = new Map<string, ReturnType<typeof setTimeout>>();
  private outbox: PeerSignal[] = [];
  private readonly outgoingStream: MediaStream | null =
    typeof MediaStream === 'undefined' ? null : new MediaStream();
  private rtcConfiguration: RTCConfiguration = {};
  private resumeToken: string | undefined;
  private generation = 0;
  private healthChecked = false;
  private audioContext: AudioContext | null = null;
  private localMeter: AudioLevelMeter | null = null;
  private readonly speakingDetectors = new Map<string, SpeakingDetector>();
  private speakingTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly store: CallStore,
    private readonly options: CallControllerOptions,
  ) {}

  private get state() {
    return this.store.getState();
  }

  private get actions() {
    return this.store.getState().actions;
  }

  start(): () => void {
    const generation = ++this.generation;
    this.actions.setPhase('lobby');

    const localMedia = new LocalMedia(
      {
        quality: this.state.quality,
        cameraId: this.state.selectedDevices.camera,
        microphoneId: this.state.selectedDevices.microphone,
      },
      {
        onTrack: (kind, track) =>
          generation === this.generation ? this.onLocalTrack(kind, track) : undefined,
        onAccess: (access) => {
          if (generation === this.generation) this.actions.setDeviceAccess(access);
        },
        onDevices: (devices) => {
          if (generation === this.generation) this.actions.setDevices(devices);
        },
        onNotice: (text) => {
          if (generation === this.generation) this.actions.pushNotice(text);
        },
      },
    );
    this.localMedia = localMedia;
    void localMedia.start({ video: this.state.cameraOn });

    const signaling = new SignalingClient({
      url: this.options.signalingUrl,
      onOpen: () => this.onSignalingOpen(),
      onMessage: (message) => this.onServerMessage(message),
      onStateChange: (state, failedAttempts) => this.onSignalingState(state, failedAttempts),
      onProtocolError: (error) => console.warn('Dropped an invalid signaling message:', error),
    });
    this.signaling = signaling;
    this.presencePoll = pollPresence({
      roomId: this.state.roomId,
      wanted: () => this.state.phase === 'lobby' || this.state.phase === 'room-full',
      send: (message) => signaling.send(message),
    });
    signaling.connect();

    const onPageHide = () => this.leave();
    const onOnline = () => signaling.reconnectNow();
    // The socket is dead or about to be: stop sending into it, and retry until back online.
    const onOffline = () => signaling.dropConnection();
    const onGesture = () => void this.audioContext?.resume();
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    window.addEventListener('pointerdown', onGesture);
    window.addEventListener('keydown', onGesture);
    this.speakingTimer = setInterval(() => this.sampleSpeaking(), SPEAKING_POLL_MS);

    return () => {
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('pointerdown', onGesture);
      window.removeEventListener('keydown', onGesture);
      this.stop();
    };
  }

  join(name: string): void {
    const phase = this.state.phase;
    if (phase !== 'lobby' && phase !== 'room-full') return;
    this.actions.setDisplayName(name);
    this.actions.setPhase('joining');
    this.actions.setNotice(null);
    this.sendJoin();
  }

  /** Leaves the room and releases the camera and microphone. */
  leave(): void {
    const phase = this.state.phase;
    if (phase === 'joining' || phase === 'in-call') this.signaling?.send({ type: 'leave' });
    this.stop();
    this.actions.setPhase('left');
  }

  // -------------------------------------------------------------------------------------------
  // What the person controls
  // -------------------------------------------------------------------------------------------

  toggleMicrophone(): void {
    this.actions.setMicrophoneOn(!this.state.microphoneOn);
    void this.updateOutgoingTrack('audio');
    this.announceMedia();
  }

  async toggleCamera(): Promise<void> {
    const on = !this.state.cameraOn;
    this.actions.setCameraOn(on);
    if (on) {
      await this.localMedia?.enableCamera();
      if (this.localMedia) this.actions.setQuality(this.localMedia.quality);
    } else {
      this.localMedia?.disableCamera();
    }
    void this.updateOutgoingTrack('video');
    this.announceMedia();
  }

  async selectCamera(deviceId: string): Promise<void> {
    this.actions.setSelectedDevice('camera', deviceId);
    saveMediaPreference('cameraId', deviceId);
    await this.localMedia?.switchCamera(deviceId);
  }

  async selectMicrophone(deviceId: string): Promise<void> {
    this.actions.setSelectedDevice('microphone', deviceId);
    saveMediaPreference('microphoneId', deviceId);
    await this.localMedia?.switchMicrophone(deviceId);
  }

  /** Asks the browser again for a blocked camera or microphone, after the person allowed it. */
  async askDeviceAccessAgain(): Promise<void> {
    await this.localMedia?.askAgain();
  }

  /** Hide this person's IP addresses from the others by sending media only through a relay. */
  setRelayOnly(relayOnly: boolean): void {
    this.actions.setRelayOnly(relayOnly);
    saveRelayOnly(this.state.relayOnly);
  }

  /** Remote sound plays through this output; the <audio> elements apply it. */
  selectSpeaker(deviceId: string): void {
    this.actions.setSelectedDevice('speaker', deviceId);
    saveMediaPreference('speakerId', deviceId);
  }

  async setQuality(quality: VideoQuality): Promise<void> {
    this.actions.setQuality(quality);
    saveMediaPreference('quality', quality);
    if (quality === 'audio-only') {
      this.actions.setCameraOn(false);
      this.localMedia?.disableCamera();
    } else {
      await this.localMedia?.setQuality(quality);
      if (!this.state.cameraOn) {
        this.actions.setCameraOn(true);
        await this.localMedia?.enableCamera();
      }
    }
    void this.updateOutgoingTrack('video');
    this.announceMedia();
    this.applyBitrateCaps();
  }

  async toggleScreenShare(): Promise<void> {
    if (this.localMedia?.screen) this.localMedia.stopScreenShare();
    else await this.localMedia?.startScreenShare();
  }

  /** Sends a chat message straight to every peer, over the data channels. */
  sendChat(text: string): void {
    const trimmed = text.trim().slice(0, MAX_CHAT_LENGTH);
    if (!trimmed) return;
    const id = crypto.randomUUID();
    const data = JSON.stringify({ type: 'chat', id, text: trimmed });
    for (const session of this.sessions.values()) session.sendChat(data);
    this.actions.addChat({
      id,
      peerId: null,
      name: this.state.displayName,
      text: trimmed,
      at: Date.now(),
    });
  }

  /** Loudness of the local microphone, 0..1, for the lobby's level meter. */
  localAudioLevel(): number {
    return this.localMeter?.level() ?? 0;
  }

  // -------------------------------------------------------------------------------------------
  // Local media
  // -------------------------------------------------------------------------------------------

  /** Puts a new local track on screen and on the wire; resolves once every sender has it. */
  private async onLocalTrack(kind: LocalTrackKind, track: MediaStreamTrack | null): Promise<void> {
    switch (kind) {
      case 'audio':
        this.meterLocalAudio(track);
        if (track)
          this.actions.setSelectedDevice('microphone', track.getSettings().deviceId ?? null);
        this.announceMedia();
        return this.updateOutgoingTrack('audio');
      case 'video':
        this.media.set('local', track ? [track] : null);
        if (track) this.actions.setSelectedDevice('camera', track.getSettings().deviceId ?? null);
        this.announceMedia();
        return this.updateOutgoingTrack('video');
      case 'screen':
        this.media.set('screen:local', track ? [track] : null);
        // Announce first: peers must know the stream id before its track arrives.
        this.announceMedia();
        for (const session of this.sessions.values()) session.setScreenShare(this.screenShare());
        return;
      default:
        return assertNever(kind);
    }
  }

  private screenShare(): { track: MediaStreamTrack; stream: MediaStream } | null {
    const track = this.localMedia?.screen;
    const stream = this.localMedia?.screenStream;
    return track && stream ? { track, stream } : null;
  }

  private meterLocalAudio(track: MediaStreamTrack | null): void {
    this.localMeter?.dispose();
    this.localMeter = null;
    if (!track || typeof AudioContext === 'undefined') return;
    this.audioContext ??= new AudioContext();
    this.localMeter = new AudioLevelMeter(track, this.audioContext);
  }

  private outgoing(): OutgoingMedia {
    const { microphoneOn, cameraOn } = this.state;
    return {
      audio: microphoneOn ? (this.localMedia?.audio ?? null) : null,
      video: cameraOn ? (this.localMedia?.video ?? null) : null,
      stream: this.outgoingStream ?? new MediaStream(),
    };
  }

  private mediaState(): MediaState {
    const outgoing = this.outgoing();
    return {
      audio: outgoing.audio !== null,
      video: outgoing.video !== null,
      screen: this.localMedia?.screenStream?.id ?? null,
    };
  }

  private async updateOutgoingTrack(kind: 'audio' | 'video'): Promise<void> {
    const track = this.outgoing()[kind];
    await Promise.all(
      [...this.sessions.values()].map((session) => session.replaceTrack(kind, track)),
    );
  }

  private announceMedia(): void {
    if (this.state.phase === 'in-call')
      this.sendToServer({ type: 'media', media: this.mediaState() });
  }

  private applyBitrateCaps(): void {
    const peers = this.sessions.size;
    const caps = {
      camera: cameraBitrateCap(this.state.quality, peers),
      screen: screenBitrateCap(peers),
    };
    for (const session of this.sessions.values()) session.setBitrateCaps(caps);
  }

  private sampleSpeaking(): void {
    const now = performance.now();
    const detect = (key: string, level: number) => {
      let detector = this.speakingDetectors.get(key);
      if (!detector) this.speakingDetectors.set(key, (detector = new SpeakingDetector()));
      return detector.update(level, now);
    };
    const state = this.state;
    this.actions.setLocalSpeaking(detect('local', state.microphoneOn ? this.localAudioLevel() : 0));
    if (state.phase !== 'in-call') return;
    for (const [peerId, session] of this.sessions) {
      const audible = state.participants.get(peerId)?.media.audio ?? false;
      this.actions.participantSpeaking(
        peerId,
        detect(peerId, audible ? session.remoteAudioLevel() : 0),
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Signaling
  // -------------------------------------------------------------------------------------------

  private sendJoin(): void {
    this.signaling?.send({
      type: 'join',
      roomId: this.state.roomId,
      name: this.state.displayName,
      media: this.mediaState(),
      resumeToken: this.resumeToken,
    });
  }

  private onSignalingOpen(): void {
    this.actions.setSignaling('open');
    this.presencePoll?.askNow();
    const phase = this.state.phase;
    if (phase === 'joining' || phase === 'in-call') this.sendJoin();
  }

  private onSignalingState(state: SignalingConnectionState, failedAttempts: number): void {
    if (state !== 'reconnecting') return;
    if (this.state.signaling === 'unavailable') return;
    const everOpened = this.state.signaling === 'open' || this.state.selfPeerId !== null;
    this.actions.setSignaling(everOpened ? 'reconnecting' : 'connecting');
    if (!everOpened && failedAttempts >= 1) void this.checkSignalingHealth();
  }

  /** Tells "nothing is listening on /ws" (plain `next dev`) apart from a passing network fault. */
  private async checkSignalingHealth(): Promise<void> {
    if (this.healthChecked) return;
    this.healthChecked = true;
    let running = false;
    try {
      const response = await fetch(this.options.healthUrl, { cache: 'no-store' });
      running =
        response.ok && ((await response.json()) as { signaling?: unknown }).signaling === true;
    } catch {
      running = false;
    }
    if (this.signaling?.isOpen) return;
    if (!running) this.actions.setSignaling('unavailable', SIGNALING_NOT_RUNNING);
    else this.actions.setSignaling('connecting', SIGNALING_UNREACHABLE);
  }

  private onServerMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'joined':
        return this.onJoined(message);
      case 'peer-joined':
        this.actions.participantJoined(message.peer);
        this.ensureSession(message.peer);
        return;
      case 'peer-left':
        return this.removePeer(message.peerId);
      case 'peer-updated':
        if (message.media.screen === null) this.media.set(`screen:${message.peerId}`, null);
        return this.actions.participantMedia(message.peerId, message.media);
      case 'description':
        void this.sessions
          .get(message.from)
          ?.handleSignal({ type: 'description', description: message.description });
        return;
      case 'candidate':
        void this.sessions
          .get(message.from)
          ?.handleSignal({ type: 'candidate', candidate: message.candidate });
        return;
      case 'error':
        return this.onServerError(message);
      case 'presence':
        if (message.roomId === this.state.roomId) this.actions.setPresence(message);
        return;
      case 'pong':
      case 'ice-servers':
        return;
      default:
        return assertNever(message);
    }
  }

  private onJoined(message: Extract<ServerMessage, { type: 'joined' }>): void {
    if (this.state.phase !== 'joining' && this.state.phase !== 'in-call') return;
    this.resumeToken = message.resumeToken;
    const relayOnly = message.iceTransportPolicy === 'relay' || this.state.relayOnly;
    this.rtcConfiguration = {
      iceServers: message.iceServers,
      iceTransportPolicy: relayOnly ? 'relay' : 'all',
      // One transport for everything: a third of the candidates and checks of the default.
      bundlePolicy: 'max-bundle',
    };
    const present = new Set(message.peers.map((peer) => peer.peerId));
    if (!message.resumed) {
      // A fresh start (first join, or the server forgot us): old links are to peers that no
      // longer exist under those ids.
      for (const peerId of [...this.sessions.keys()]) this.removePeer(peerId);
      this.outbox = [];
    } else {
      for (const peerId of [...this.sessions.keys()])
        if (!present.has(peerId)) this.removePeer(peerId);
    }
    this.actions.joined(message.peerId, message.peers);
    for (const peer of message.peers) this.ensureSession(peer);

    const held = this.outbox;
    this.outbox = [];
    for (const signal of held) this.sendToServer(signal);
    if (message.resumed) {
      // An offer sent on the old socket (not queued) may have died with it.
      const flushedOffers = new Set(
        held
          .filter((signal) => signal.type === 'description' && signal.description.type === 'offer')
          .map((signal) => signal.to),
      );
      for (const [peerId, session] of this.sessions) {
        if (!flushedOffers.has(peerId)) void session.recoverAfterResume();
      }
    }
  }

  private onServerError(message: Extract<ServerMessage, { type: 'error' }>): void {
    if (message.code === 'room-full') {
      this.actions.setPhase('room-full');
      this.actions.setNotice(message.message);
      this.presencePoll?.askNow();
      return;
    }
    console.warn(`Signaling error (${message.code}): ${message.message}`);
  }

  private sendToServer(message: ClientMessage): void {
    if (this.signaling?.send(message)) return;
    if (message.type !== 'description' && message.type !== 'candidate') return;
    if (message.type === 'description' && message.description.type === 'offer') {
      // A new offer supersedes whatever was queued for that peer before it.
      this.outbox = this.outbox.filter((queued) => queued.to !== message.to);
    }
    if (this.outbox.length < MAX_OUTBOX) this.outbox.push(message);
  }

  // -------------------------------------------------------------------------------------------
  // Peers
  // -------------------------------------------------------------------------------------------

  private ensureSession(peer: PeerInfo): void {
    if (this.sessions.has(peer.peerId)) return;
    const peerId = peer.peerId;
    const session = new PeerSession({
      remotePeerId: peerId,
      polite: peer.polite,
      // The later joiner of a pair (the polite one) makes the first offer.
      initiator: peer.polite,
      configuration: this.rtcConfiguration,
      outgoing: () => this.outgoing(),
      signal: (signal: OutgoingSignal) => this.sendToServer({ ...signal, to: peerId }),
      canSignal: () => this.signaling?.isOpen === true && this.state.phase === 'in-call',
      events: {
        onRemoteTrack: (track, streamId) => this.onRemoteTrack(peerId, track, streamId),
        onConnectionStateChange: (state) => this.onLinkState(peerId, state),
        onChatData: (data) => this.onChatData(peerId, data),
        onIceDiagnostics: (diagnostics) => {
          if (!this.everConnected.has(peerId) && linkCannotConnect(diagnostics, this.relayOnly())) {
            this.reportLinkFailure(peerId);
          }
        },
        onError: (error, context) => console.warn(`Peer ${peerId}: error ${context}:`, error),
      },
    });
    this.sessions.set(peerId, session);
    this.connectDeadlines.set(
      peerId,
      setTimeout(() => {
        if (!this.everConnected.has(peerId)) this.reportLinkFailure(peerId);
      }, CONNECT_DEADLINE_MS),
    );
    session.setScreenShare(this.screenShare());
    this.applyBitrateCaps();
  }

  private onRemoteTrack(peerId: string, track: MediaStreamTrack, streamId: string | null): void {
    const announcedScreen = this.state.participants.get(peerId)?.media.screen ?? null;
    const key =
      streamId !== null && streamId === announcedScreen
        ? (`screen:${peerId}` as const)
        : (`camera:${peerId}` as const);
    this.media.addTrack(key, track);
    track.addEventListener('ended', () => this.media.removeTrack(key, track));
  }

  private onChatData(peerId: string, data: unknown): void {
    const payload = parseChatPayload(data);
    const sender = this.state.participants.get(peerId);
    if (!payload || !sender) return;
    this.actions.addChat({
      id: `${peerId}:${payload.id}`,
      peerId,
      name: sender.name,
      text: payload.text,
      at: Date.now(),
    });
  }

  private onLinkState(peerId: string, state: RTCPeerConnectionState): void {
    if (state === 'connected') {
      this.everConnected.add(peerId);
      clearTimeout(this.connectDeadlines.get(peerId));
    }
    const wasUp = this.everConnected.has(peerId);
    if (state === 'failed' && !wasUp) return this.reportLinkFailure(peerId);
    // A reported failure stands until the link really connects, through any background retries.
    if (!wasUp && state !== 'connected' && this.state.participants.get(peerId)?.link === 'failed')
      return;
    const link: LinkStatus =
      state === 'connected'
        ? 'connected'
        : wasUp && state !== 'closed'
          ? 'reconnecting'
          : 'connecting';
    this.actions.participantLink(peerId, link);
  }

  private relayOnly(): boolean {
    return this.rtcConfiguration.iceTransportPolicy === 'relay';
  }

  /** Shows that a first connection failed, and why; ICE keeps trying in the background. */
  private reportLinkFailure(peerId: string): void {
    const session = this.sessions.get(peerId);
    const name = this.state.participants.get(peerId)?.name ?? 'this person';
    if (!session || this.everConnected.has(peerId)) return;
    this.actions.participantLink(
      peerId,
      'failed',
      describeLinkFailure(session.iceDiagnostics(), this.relayOnly(), name),
    );
  }

  private removePeer(peerId: string): void {
    this.sessions.get(peerId)?.close();
    this.sessions.delete(peerId);
    this.everConnected.delete(peerId);
    clearTimeout(this.connectDeadlines.get(peerId));
    this.connectDeadlines.delete(peerId);
    this.speakingDetectors.delete(peerId);
    this.media.deletePeer(peerId);
    this.actions.participantLeft(peerId);
    this.applyBitrateCaps();
  }

  // -------------------------------------------------------------------------------------------
  // Teardown
  // -------------------------------------------------------------------------------------------

  private stop(): void {
    this.generation++;
    if (this.speakingTimer) clearInterval(this.speakingTimer);
    this.speakingTimer = null;
    this.presencePoll?.stop();
    this.presencePoll = null;
    this.signaling?.close();
    this.signaling = null;
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
    this.everConnected.clear();
    for (const deadline of this.connectDeadlines.values()) clearTimeout(deadline);
    this.connectDeadlines.clear();
    this.speakingDetectors.clear();
    this.outbox = [];
    this.resumeToken = undefined;
    this.localMeter?.dispose();
    this.localMeter = null;
    void this.audioContext?.close();
    this.audioContext = null;
    this.localMedia?.dispose();
    this.localMedia = null;
    this.media.clear();
    this.actions.clearParticipants();
  }
}
