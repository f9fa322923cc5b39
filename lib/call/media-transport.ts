import type { VideoQuality } from '../media/video-quality';
import type { ClientMessage, MediaState, ServerMessage } from '../signaling/protocol';
import type { LinkKeys } from '../trust/link-keys';
import type { DisplayReport } from '../webrtc/display-report';
import type { IceDiagnostics } from '../webrtc/ice-diagnostics';

/**
 * The seam between a call and the way its media travels.
 *
 * The call controller knows people (peer ids, from signaling) and asks a `MediaTransport` to carry
 * media and data to and from them. The UI and the store never see a transport: they see
 * participants, and one stream per person and source in the `MediaRegistry`. The signaling
 * session carries a transport's signals without looking inside them (its outbox included).
 *
 * `MeshTransport` (lib/webrtc/mesh-transport.ts) is one `RTCPeerConnection` per remote person.
 *
 * `SfuTransport` (lib/webrtc/sfu-transport.ts) fits the same interface: one publisher connection sends camera,
 * microphone and screen once, with simulcast, to the media server, and one subscriber connection
 * receives everyone's streams, its offers coming from the server. It maps the server's feeds to
 * peer ids and reports per person what the mesh reports per link: `onRemoteTrack(peerId, source)`,
 * a link state (the subscriber's, for everyone it carries), an audio level (that person's audio
 * receiver), `getStats(peerId)` (that person's receivers). Its signals are new protocol variants
 * added to the two signal unions below, held by the outbox under keys of its own (`SignalHolding`:
 * its publisher and its subscriber); `setVideoQuality` picks simulcast layers instead of per-link
 * caps, and `showDisplay` picks the layer each person's tile receives (the mesh tells the sender);
 * data goes over its own channel through the server.
 *
 * Moving a live call from mesh to SFU, make before break (`MediaPaths`, media-paths.ts):
 * - it runs both transports at once, gives both the same people, outgoing tracks and tile
 *   reports, and sends data over the mesh while it runs. Only people whose peer link is connected
 *   wait for the SFU; someone whose link is still connecting is treated as a newcomer;
 * - each transport gets its own events object, so it knows which one a remote track came from. A tile keeps the old transport's track for a person and source until the new
 *   transport's track for it has decoded media (its first frame, or for audio its first packets:
 *   `onRemoteTrackLive`); only then does the `MediaRegistry` entry switch;
 * - once all of a person's sources have switched, the old transport's `removePerson` drops that
 *   person's link; when no one is left on it, it is closed. Until a person has moved, their tile
 *   shows the mesh link's state; afterwards the SFU's.
 * None of this touches the UI, the store or the signaling session: to the controller, `MediaPaths`
 * is one transport.
 */
export interface MediaTransport {
  /**
   * ICE servers and policy (from each `joined`, and fresh TURN credentials before the old ones
   * expire): for links made from now on, and for relays existing links allocate from now on.
   */
  configure(configuration: RTCConfiguration): void;
  /** Starts carrying media to and from `person`. */
  addPerson(person: RemotePerson): void;
  /** Stops, and forgets everything about, `peerId`'s link. */
  removePerson(peerId: string): void;
  /** What `peerId` announced it sends; the mesh tells a screen from a camera by it. */
  updatePerson(peerId: string, media: MediaState): void;
  /** A signal from the server for this transport. */
  handleSignal(signal: IncomingMediaSignal): void;
  /**
   * The signaling socket came back and the server kept our place. `restartedNegotiations` holds
   * the keys (see `SignalHolding`) of negotiations started while the socket was down, whose
   * signals have now been sent.
   */
  signalingResumed(restartedNegotiations: ReadonlySet<string>): void;
  /** The camera or microphone track everyone should get (null: send nothing), with no renegotiation. */
  setOutgoingTrack(kind: OutgoingKind, track: MediaStreamTrack | null): Promise<void>;
  /** Shares a screen with everyone, or stops (null). */
  setScreenShare(share: ScreenShare | null): void;
  /** The bitrate policy follows the chosen quality (and, in a mesh, the number of links). */
  setVideoQuality(quality: VideoQuality): void;
  /**
   * How we show `peerId`'s camera right now, so they send no more than that. The mesh tells them
   * over the link; an SFU would pick the simulcast layer it forwards us.
   */
  showDisplay(peerId: string, display: DisplayReport): void;
  /** Sends on a data channel to one person, or to everyone; people not connected miss it. */
  sendData(channel: DataChannelName, data: string, to?: string): void;
  /**
   * A data channel of its own to `peerId` (a file transfer), or null if there is no link ready for
   * one. An SFU transport gives a peer link just for it, or null: files then cannot be sent.
   */
  openChannel(peerId: string, label: string): RTCDataChannel | null;
  /** Loudness of `peerId`'s microphone as last received, 0..1. */
  remoteAudioLevel(peerId: string): number;
  /** What ICE found on the link to `peerId`, or null if there is none. */
  linkDiagnostics(peerId: string): IceDiagnostics | null;
  /** WebRTC statistics of the link that carries `peerId`'s media, or null. */
  getStats(peerId: string): Promise<RTCStatsReport | null>;
  /** Closes every link. */
  close(): void;
}

export interface RemotePerson {
  peerId: string;
  /** From the server: how to behave toward this person when offers cross. */
  polite: boolean;
  media: MediaState;
}

export type OutgoingKind = 'audio' | 'video';
export type MediaSource = 'camera' | 'screen';
/** `chat`: chat messages. `control`: file offers and the recording mark (lib/control). */
export type DataChannelName = 'chat' | 'control';

export interface ScreenShare {
  track: MediaStreamTrack;
  /** Its id is announced in `media.screen`, so receivers can tell the share from the camera. */
  stream: MediaStream;
}

/** Signals the mesh sends through the server to one person, and receives from them. */
export type MeshSignal = Extract<ClientMessage, { type: 'description' | 'candidate' }>;
export type IncomingMeshSignal = Extract<ServerMessage, { type: 'description' | 'candidate' }>;
/** Signals the SFU transport exchanges with the server, which brokers them to the media server. */
export type SfuRequest = Extract<ClientMessage, { type: `sfu-${string}` }>;
export type SfuReply = Extract<
  ServerMessage,
  {
    type: 'sfu-publish-answer' | 'sfu-subscription-offer' | 'sfu-layer-set' | 'sfu-layer-demand';
  }
>;
/** Signals a transport sends through the server, and receives from it. */
export type OutgoingMediaSignal = MeshSignal | SfuRequest;
export type IncomingMediaSignal = IncomingMeshSignal | SfuReply;

/** A link's state as a transport reports it, in `RTCPeerConnection`'s words. */
export type TransportLinkState = RTCPeerConnectionState;

/** What a transport tells the call, always naming the person it is about. */
export interface MediaTransportEvents {
  /** `track` now carries `peerId`'s `source`, replacing any earlier track of its kind. */
  onRemoteTrack(peerId: string, source: MediaSource, track: MediaStreamTrack): void;
  /**
   * A track announced by `onRemoteTrack` has decoded media: its first frame, or for audio its
   * first packets. The SFU transport reports it, so a move shows its tracks only once they play.
   */
  onRemoteTrackLive?(peerId: string, source: MediaSource, track: MediaStreamTrack): void;
  /** A track announced by `onRemoteTrack` ended. */
  onRemoteTrackEnded(peerId: string, source: MediaSource, track: MediaStreamTrack): void;
  onLinkState(peerId: string, state: TransportLinkState): void;
  /** ICE gathering finished or a server failed us: the link may now be known not to work. */
  onLinkDiagnostics(peerId: string, diagnostics: IceDiagnostics): void;
  /** Data that arrived on a channel; not validated. */
  onData(peerId: string, channel: DataChannelName, data: unknown): void;
  /** `peerId` opened a data channel of its own to us (a file transfer's). */
  onIncomingChannel(peerId: string, channel: RTCDataChannel): void;
  onError(peerId: string, error: unknown, context: string): void;
  /**
   * `peerId`'s link connected, its DTLS running straight between the two browsers with these
   * certificates: the safety code comes from them. Only peer-to-peer links report it; media
   * through a server (an SFU) is decrypted there, so no code could prove anything.
   */
  onLinkKeys?(peerId: string, keys: LinkKeys): void;
}

/** How the signaling session's outbox treats a signal held while the socket is down. */
export interface SignalHolding {
  /** The negotiation it belongs to; the mesh uses the peer id it goes to. */
  key: string;
  /** It starts a negotiation anew (an offer): what is held under the same key before it is void. */
  startsNegotiation: boolean;
}

/** What a transport needs from the call. */
export interface MediaTransportContext {
  /** Sends a signal now, or holds it until the socket is back. */
  sendSignal(signal: OutgoingMediaSignal, holding: SignalHolding): void;
  /** Whether signals reach the server right now (socket open, in the room). */
  canSignal(): boolean;
  events: MediaTransportEvents;
}
