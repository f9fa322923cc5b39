import type { IceCandidate, SessionDescription } from '../signaling/protocol';

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
  onError(error: unknown, context: string): void;
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
  events: PeerSessionEvents;
}

type SendKind = 'audio' | 'video';

/** How long a `disconnected` link may last before an ICE restart, by role: one side goes first. */
const RESTART_AFTER_DISCONNECTED_MS = { impolite: 2_500, polite: 7_000 } as const;
const RESTART_AFTER_FAILED_MS = { impolite: 0, polite: 4_000 } as const;
const RESTART_RETRY_MS = 10_000;

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
 * is `replaceTrack` on those, with no renegotiation.
 */
export class PeerSession {
  readonly remotePeerId: string;
  readonly polite: boolean;
  readonly connection: RTCPeerConnection;

  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswerPending = false;
  private readonly queuedCandidates: (IceCandidate | null)[] = [];
  private incoming: Promise<void> = Promise.resolve();
  private readonly cameraSlots: Partial<Record<SendKind, RTCRtpTransceiver>> = {};
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly options: PeerSessionOptions) {
    this.remotePeerId = options.remotePeerId;
    this.polite = options.polite;
    const connection = new RTCPeerConnection(options.configuration);
    this.connection = connection;

    connection.onnegotiationneeded = () => void this.makeOffer();
    connection.onicecandidate = ({ candidate }) => {
      options.signal({
        type: 'candidate',
        candidate: candidate ? toIceCandidate(candidate) : null,
      });
    };
    connection.ontrack = ({ track, streams }) => {
      options.events.onRemoteTrack(track, streams[0]?.id ?? null);
    };
    connection.onconnectionstatechange = () => this.onConnectionStateChange();

    if (options.initiator) {
      const outgoing = options.outgoing();
      for (const kind of ['audio', 'video'] as const) {
        this.cameraSlots[kind] = connection.addTransceiver(outgoing[kind] ?? kind, {
          direction: 'sendrecv',
          streams: [outgoing.stream],
        });
      }
    }
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
  }

  /** Starts an ICE restart now; perfect negotiation carries it. */
  restartIce(): void {
    if (this.closed) return;
    this.connection.restartIce();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearRestartTimer();
    this.connection.onnegotiationneeded = null;
    this.connection.onicecandidate = null;
    this.connection.ontrack = null;
    this.connection.onconnectionstatechange = null;
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

  private sendLocalDescription(): void {
    const local = this.connection.localDescription;
    if (!local || (local.type !== 'offer' && local.type !== 'answer')) return;
    this.options.signal({ type: 'description', description: { type: local.type, sdp: local.sdp } });
  }

  private onConnectionStateChange(): void {
    const state = this.connection.connectionState;
    this.options.events.onConnectionStateChange(state);
    const role = this.polite ? 'polite' : 'impolite';
    if (state === 'failed') this.scheduleRestart(RESTART_AFTER_FAILED_MS[role]);
    else if (state === 'disconnected') this.scheduleRestart(RESTART_AFTER_DISCONNECTED_MS[role]);
    else if (state === 'connected' || state === 'closed') this.clearRestartTimer();
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
      const state = this.connection.connectionState;
      if (this.closed || (state !== 'failed' && state !== 'disconnected')) return;
      if (this.connection.signalingState === 'stable') this.restartIce();
      this.scheduleRestart(RESTART_RETRY_MS);
    }, delayMs);
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
