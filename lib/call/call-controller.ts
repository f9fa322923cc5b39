import { acquireLocalMedia } from '../media/local-media';
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
import { MediaRegistry } from './media-registry';

export interface CallControllerOptions {
  /** Absolute ws:// or wss:// URL of the signaling endpoint. */
  signalingUrl: string;
  /** The custom server's health endpoint; a 404 there means signaling is not running at all. */
  healthUrl: string;
}

/** Signals produced while the socket was down, sent once the server confirms we resumed. */
const MAX_OUTBOX = 500;

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
  private readonly sessions = new Map<string, PeerSession>();
  /** Peers whose link has been up at least once: a later drop is "reconnecting", not "failed". */
  private readonly everConnected = new Set<string>();
  private outbox: ClientMessage[] = [];
  private audioTrack: MediaStreamTrack | null = null;
  private videoTrack: MediaStreamTrack | null = null;
  private readonly outgoingStream: MediaStream | null =
    typeof MediaStream === 'undefined' ? null : new MediaStream();
  private rtcConfiguration: RTCConfiguration = {};
  private resumeToken: string | undefined;
  private generation = 0;
  private healthChecked = false;

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
    void this.prepareLocalMedia(generation);

    const signaling = new SignalingClient({
      url: this.options.signalingUrl,
      onOpen: () => this.onSignalingOpen(),
      onMessage: (message) => this.onServerMessage(message),
      onStateChange: (state, failedAttempts) => this.onSignalingState(state, failedAttempts),
      onProtocolError: (error) => console.warn('Dropped an invalid signaling message:', error),
    });
    this.signaling = signaling;
    signaling.connect();

    const onPageHide = () => this.leave();
    const onOnline = () => signaling.reconnectNow();
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('online', onOnline);

    return () => {
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('online', onOnline);
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

  toggleMicrophone(): void {
    const on = !this.state.microphoneOn;
    this.actions.setMicrophoneOn(on);
    this.updateOutgoingTrack('audio');
    this.announceMedia();
  }

  async toggleCamera(): Promise<void> {
    const on = !this.state.cameraOn;
    this.actions.setCameraOn(on);
    if (!on) {
      // Stop the camera itself (its light goes off), not just the sending.
      this.videoTrack?.stop();
      this.videoTrack = null;
    } else if (!this.videoTrack) {
      const generation = this.generation;
      const acquired = await acquireLocalMedia({ audio: false, video: true });
      if (generation !== this.generation || !this.state.cameraOn) {
        acquired.video?.stop();
        return;
      }
      this.videoTrack = acquired.video;
      this.actions.setDeviceAccess({ camera: acquired.cameraAccess });
    }
    this.publishLocalPreview();
    this.updateOutgoingTrack('video');
    this.announceMedia();
  }

  // -------------------------------------------------------------------------------------------
  // Local media
  // -------------------------------------------------------------------------------------------

  private async prepareLocalMedia(generation: number): Promise<void> {
    this.actions.setDeviceAccess({ microphone: 'pending', camera: 'pending' });
    const acquired = await acquireLocalMedia({ audio: true, video: true });
    if (generation !== this.generation) {
      acquired.audio?.stop();
      acquired.video?.stop();
      return;
    }
    this.audioTrack = acquired.audio;
    this.videoTrack = this.state.cameraOn ? acquired.video : null;
    if (!this.state.cameraOn) acquired.video?.stop();
    this.actions.setDeviceAccess({
      microphone: acquired.microphoneAccess,
      camera: acquired.cameraAccess,
    });
    this.publishLocalPreview();
    this.updateOutgoingTrack('audio');
    this.updateOutgoingTrack('video');
    this.announceMedia();
  }

  private outgoing(): OutgoingMedia {
    const { microphoneOn, cameraOn } = this.state;
    return {
      audio: microphoneOn ? this.audioTrack : null,
      video: cameraOn ? this.videoTrack : null,
      stream: this.outgoingStream ?? new MediaStream(),
    };
  }

  private mediaState(): MediaState {
    const outgoing = this.outgoing();
    return { audio: outgoing.audio !== null, video: outgoing.video !== null, screen: null };
  }

  private publishLocalPreview(): void {
    this.media.set('local', this.videoTrack ? [this.videoTrack] : null);
  }

  private updateOutgoingTrack(kind: 'audio' | 'video'): void {
    const track = this.outgoing()[kind];
    for (const session of this.sessions.values()) void session.replaceTrack(kind, track);
  }

  private announceMedia(): void {
    if (this.state.phase === 'in-call')
      this.sendToServer({ type: 'media', media: this.mediaState() });
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
      case 'pong':
        return;
      default:
        return assertNever(message);
    }
  }

  private onJoined(message: Extract<ServerMessage, { type: 'joined' }>): void {
    if (this.state.phase !== 'joining' && this.state.phase !== 'in-call') return;
    this.resumeToken = message.resumeToken;
    this.rtcConfiguration = {
      iceServers: message.iceServers,
      iceTransportPolicy: message.iceTransportPolicy,
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
  }

  private onServerError(message: Extract<ServerMessage, { type: 'error' }>): void {
    if (message.code === 'room-full') {
      this.actions.setPhase('room-full');
      this.actions.setNotice(message.message);
      return;
    }
    console.warn(`Signaling error (${message.code}): ${message.message}`);
  }

  private sendToServer(message: ClientMessage): void {
    if (this.signaling?.send(message)) return;
    if (message.type === 'description' || message.type === 'candidate') {
      if (this.outbox.length < MAX_OUTBOX) this.outbox.push(message);
    }
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
      events: {
        onRemoteTrack: (track) => this.onRemoteTrack(peerId, track),
        onConnectionStateChange: (state) => this.onLinkState(peerId, state),
        onError: (error, context) => console.warn(`Peer ${peerId}: error ${context}:`, error),
      },
    });
    this.sessions.set(peerId, session);
  }

  private onRemoteTrack(peerId: string, track: MediaStreamTrack): void {
    const key = `camera:${peerId}` as const;
    this.media.addTrack(key, track);
    track.addEventListener('ended', () => this.media.removeTrack(key, track));
  }

  private onLinkState(peerId: string, state: RTCPeerConnectionState): void {
    if (state === 'connected') this.everConnected.add(peerId);
    const wasUp = this.everConnected.has(peerId);
    const link: LinkStatus =
      state === 'connected'
        ? 'connected'
        : state === 'disconnected' || (state === 'failed' && wasUp)
          ? 'reconnecting'
          : state === 'failed'
            ? 'failed'
            : wasUp
              ? 'reconnecting'
              : 'connecting';
    this.actions.participantLink(peerId, link);
  }

  private removePeer(peerId: string): void {
    this.sessions.get(peerId)?.close();
    this.sessions.delete(peerId);
    this.everConnected.delete(peerId);
    this.media.deletePeer(peerId);
    this.actions.participantLeft(peerId);
  }

  // -------------------------------------------------------------------------------------------
  // Teardown
  // -------------------------------------------------------------------------------------------

  private stop(): void {
    this.generation++;
    this.signaling?.close();
    this.signaling = null;
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
    this.everConnected.clear();
    this.outbox = [];
    this.resumeToken = undefined;
    this.audioTrack?.stop();
    this.videoTrack?.stop();
    this.audioTrack = null;
    this.videoTrack = null;
    this.media.clear();
    this.actions.clearParticipants();
  }
}
