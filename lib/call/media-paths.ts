import { serializeControlMessage } from '../control/control-message';
import type { VideoQuality } from '../media/video-quality';
import { STANDBY_PATIENCE_MS } from './shown-video';
import type { MediaState, RoomMode } from '../signaling/protocol';
import type { DisplayReport } from '../webrtc/display-report';
import type { IceDiagnostics } from '../webrtc/ice-diagnostics';
import type { MediaPath } from './call-store';
import { MediaMove, type MoveStep, type MovedSource } from './media-move';
import type {
  DataChannelName,
  IncomingMediaSignal,
  MediaSource,
  MediaTransport,
  MediaTransportEvents,
  OutgoingKind,
  RemotePerson,
  ScreenShare,
  TransportLinkState,
} from './media-transport';

/** A transport through the media server: it starts publishing and subscribing when told. */
export interface StartableTransport extends MediaTransport {
  start(): void;
}

export interface MediaPathsOptions {
  createMesh(events: MediaTransportEvents): MediaTransport;
  createSfu(events: MediaTransportEvents): StartableTransport;
  /** The call's events: what the tiles show. */
  events: MediaTransportEvents;
  /** This page's media now flows peer to peer, or through the media server. */
  onMediaPath(path: MediaPath): void;
}

/** A tile's track: a person, a source, and a kind (a microphone plays in the camera's tile). */
type TrackKey = `${string}|${MediaSource}|${string}`;

function trackKey(peerId: string, source: MediaSource, kind: string): TrackKey {
  return `${peerId}|${source}|${kind}`;
}

/** Told over a peer link: "I play you from the SFU now" (see `MediaMove`). */
const MOVED_NOTICE = serializeControlMessage({ type: 'media-moved' });

/**
 * How long a link stays open after we moved its person, for them to say they moved us. Both ends
 * of a move finish within a second or two of each other; a page that never says so (an older
 * version) keeps the link no longer than this.
 */
export const MOVED_NOTICE_PATIENCE_MS = 10_000;

/** Drops every track key of `peerId` from each of `collections`. */
function forgetTracksOf(
  peerId: string,
  ...collections: { keys(): Iterable<TrackKey>; delete(key: TrackKey): boolean }[]
): void {
  for (const collection of collections) {
    for (const key of [...collection.keys()]) {
      if (key.startsWith(`${peerId}|`)) collection.delete(key);
    }
  }
}

function movedSource(source: MediaSource, track: MediaStreamTrack): MovedSource {
  if (source === 'screen') return 'screen';
  return track.kind === 'audio' ? 'microphone' : 'camera';
}

/**
 * The call's media, whichever way it travels: one `MediaTransport` to the controller, running the
 * mesh, the SFU transport, or both while a live call moves from one to the other.
 *
 * Make before break (see media-transport.ts): when the room moves to the SFU, the SFU transport
 * starts beside the mesh with the same people and outgoing tracks. An SFU track reaches a tile
 * only once it has decoded media; a person is moved once every source they announce plays from
 * the SFU, and their peer link closes once they have moved us too (`MediaMove`). The mesh closes
 * when no one is left on it; files use it while it runs. When the SFU is lost, a mesh is made to
 * everyone, as a newcomer would, and tiles a cut-short move had switched go back to their links.
 */
export class MediaPaths implements MediaTransport {
  private mesh: MediaTransport | null = null;
  private sfu: StartableTransport | null = null;
  private move: MediaMove | null = null;
  private path: MediaPath = 'peer-to-peer';

  private configuration: RTCConfiguration = {};
  private readonly people = new Map<string, RemotePerson>();
  private readonly outgoing: Record<OutgoingKind, MediaStreamTrack | null> = {
    audio: null,
    video: null,
  };
  private screen: ScreenShare | null = null;
  private quality: VideoQuality | null = null;
  private readonly displays = new Map<string, DisplayReport>();

  /** During a move: SFU tracks not shown yet, and the tiles already switched to the SFU. */
  private readonly pending = new Map<
    TrackKey,
    { peerId: string; source: MediaSource; track: MediaStreamTrack }
  >();
  private readonly switched = new Set<TrackKey>();
  /** Each tile's latest track from the mesh, shown or not: a move cut short goes back to it. */
  private readonly meshTracks = new Map<
    TrackKey,
    { peerId: string; source: MediaSource; track: MediaStreamTrack }
  >();
  private readonly sfuLinkStates = new Map<string, TransportLinkState>();
  private readonly meshLinkStates = new Map<string, TransportLinkState>();
  /** During a move: people we moved, until they say they moved us or we stop waiting. */
  private readonly noticeWaits = new Map<string, ReturnType<typeof setTimeout>>();
  /** During a move: links to close once both ends' tiles have had time to show the SFU's tracks. */
  private readonly closingLinks = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly options: MediaPathsOptions) {}

  /** Which transports run now (for tests and diagnostics). */
  get running(): { mesh: boolean; sfu: boolean; moving: boolean } {
    return { mesh: this.mesh !== null, sfu: this.sfu !== null, moving: this.move !== null };
  }

  /**
   * The room carries media this way now: from `joined` (`resumed`: the server kept our place, so
   * links that exist carry on) or `room-mode`.
   */
  setMode(mode: RoomMode, how: 'joined' | 'resumed' | 'moved'): void {
    if (mode === 'sfu') this.toSfu(how);
    else this.toMesh();
  }

  private toSfu(how: 'joined' | 'resumed' | 'moved'): void {
    // The server forgot us: what we published and subscribed is gone with our old peer id.
    if (this.sfu && how === 'joined') this.closeSfu();
    if (this.sfu) return;
    const bound: { transport: MediaTransport | null } = { transport: null };
    const sfu = this.options.createSfu(this.sfuEvents(bound));
    bound.transport = sfu;
    this.sfu = sfu;
    this.prepare(sfu);
    const mesh = this.mesh;
    // Only links that carry media are worth keeping until the SFU's does: someone who just
    // joined (their link still connecting) is a newcomer to the SFU room, with no peer link.
    const linked = [...this.people.values()].filter(
      ({ peerId }) => this.meshLinkStates.get(peerId) === 'connected',
    );
    for (const { peerId } of this.people.values()) {
      if (!linked.some((person) => person.peerId === peerId)) mesh?.removePerson(peerId);
    }
    if (mesh && linked.length > 0 && how !== 'joined') {
      this.move = new MediaMove(linked.map(({ peerId, media }) => ({ peerId, media })));
    } else {
      this.closeMesh();
    }
    sfu.start();
  }

  /** Back to (or on with) a mesh: links to everyone not linked yet, as a newcomer makes them. */
  private toMesh(): void {
    const switchedBack = [...this.switched].flatMap((key) => this.meshTracks.get(key) ?? []);
    this.closeSfu();
    if (!this.mesh) {
      const bound: { transport: MediaTransport | null } = { transport: null };
      const mesh = this.options.createMesh(this.meshEvents(bound));
      bound.transport = mesh;
      this.mesh = mesh;
      this.prepare(mesh);
    } else {
      // A move cut short: people already moved (or met on the SFU) get their links again, and
      // those whose link stayed open are told we show their camera over it again.
      for (const person of this.people.values()) this.mesh.addPerson(person);
      for (const [peerId, display] of this.displays) this.showOnMesh(peerId, display);
      // Their tiles showed the SFU's tracks: back to the link's, and to the link's state.
      const events = this.options.events;
      for (const { peerId, source, track } of switchedBack) {
        if (track.readyState !== 'ended') events.onRemoteTrack(peerId, source, track);
      }
      for (const [peerId, state] of this.meshLinkStates) events.onLinkState(peerId, state);
    }
    this.setPath('peer-to-peer');
  }

  private closeMesh(): void {
    this.mesh?.close();
    this.mesh = null;
    this.meshLinkStates.clear();
    this.meshTracks.clear();
  }

  private closeSfu(): void {
    this.sfu?.close();
    this.sfu = null;
    this.move = null;
    for (const wait of [...this.noticeWaits.values(), ...this.closingLinks.values()]) {
      clearTimeout(wait);
    }
    this.noticeWaits.clear();
    this.closingLinks.clear();
    this.pending.clear();
    this.switched.clear();
    this.sfuLinkStates.clear();
  }

  /** Gives a new transport everything the call has told the current one. */
  private prepare(transport: MediaTransport): void {
    transport.configure(this.configuration);
    if (this.quality) transport.setVideoQuality(this.quality);
    for (const kind of ['audio', 'video'] as const) {
      if (this.outgoing[kind]) void transport.setOutgoingTrack(kind, this.outgoing[kind]);
    }
    if (this.screen) transport.setScreenShare(this.screen);
    for (const person of this.people.values()) transport.addPerson(person);
    for (const [peerId, display] of this.displays) transport.showDisplay(peerId, display);
  }

  // --- MediaTransport --------------------------------------------------------------------------

  configure(configuration: RTCConfiguration): void {
    this.configuration = configuration;
    this.mesh?.configure(configuration);
    this.sfu?.configure(configuration);
  }

  addPerson(person: RemotePerson): void {
    if (this.people.has(person.peerId)) return;
    this.people.set(person.peerId, person);
    // Someone who joins an SFU room (even mid-move) gets no peer link.
    if (this.sfu) this.sfu.addPerson(person);
    else this.mesh?.addPerson(person);
  }

  removePerson(peerId: string): void {
    this.people.delete(peerId);
    this.displays.delete(peerId);
    this.sfuLinkStates.delete(peerId);
    this.meshLinkStates.delete(peerId);
    forgetTracksOf(peerId, this.pending, this.switched, this.meshTracks);
    this.stopNoticeWait(peerId);
    clearTimeout(this.closingLinks.get(peerId));
    this.closingLinks.delete(peerId);
    this.mesh?.removePerson(peerId);
    this.sfu?.removePerson(peerId);
    if (this.move) this.act(this.move.left(peerId));
  }

  updatePerson(peerId: string, media: MediaState): void {
    const person = this.people.get(peerId);
    if (person) this.people.set(peerId, { ...person, media });
    this.mesh?.updatePerson(peerId, media);
    this.sfu?.updatePerson(peerId, media);
    if (this.move) this.act(this.move.updated(peerId, media));
  }

  handleSignal(signal: IncomingMediaSignal): void {
    if (signal.type === 'description' || signal.type === 'candidate') {
      this.mesh?.handleSignal(signal);
    } else {
      this.sfu?.handleSignal(signal);
    }
  }

  signalingResumed(restartedNegotiations: ReadonlySet<string>): void {
    this.mesh?.signalingResumed(restartedNegotiations);
    this.sfu?.signalingResumed(restartedNegotiations);
  }

  async setOutgoingTrack(kind: OutgoingKind, track: MediaStreamTrack | null): Promise<void> {
    this.outgoing[kind] = track;
    await Promise.all(
      [this.mesh, this.sfu].map((transport) => transport?.setOutgoingTrack(kind, track)),
    );
  }

  setScreenShare(share: ScreenShare | null): void {
    this.screen = share;
    this.mesh?.setScreenShare(share);
    this.sfu?.setScreenShare(share);
  }

  setVideoQuality(quality: VideoQuality): void {
    this.quality = quality;
    this.mesh?.setVideoQuality(quality);
    this.sfu?.setVideoQuality(quality);
  }

  showDisplay(peerId: string, display: DisplayReport): void {
    this.displays.set(peerId, display);
    this.showOnMesh(peerId, display);
    this.sfu?.showDisplay(peerId, display);
  }

  /** How the mesh's link to `peerId` is told we show their camera: not at all once moved. */
  private showOnMesh(peerId: string, display: DisplayReport): void {
    this.mesh?.showDisplay(peerId, this.onMesh(peerId) ? display : { ...display, visible: false });
  }

  sendData(channel: DataChannelName, data: string, to?: string): void {
    // While the mesh runs it carries data; the SFU transport has no data channels.
    (this.mesh ?? this.sfu)?.sendData(channel, data, to);
  }

  openChannel(peerId: string, label: string): RTCDataChannel | null {
    return this.mesh?.openChannel(peerId, label) ?? null;
  }

  remoteAudioLevel(peerId: string): number {
    return this.carrier(peerId)?.remoteAudioLevel(peerId) ?? 0;
  }

  linkDiagnostics(peerId: string): IceDiagnostics | null {
    return this.carrier(peerId)?.linkDiagnostics(peerId) ?? null;
  }

  async getStats(peerId: string): Promise<RTCStatsReport | null> {
    return (await this.carrier(peerId)?.getStats(peerId)) ?? null;
  }

  close(): void {
    this.closeMesh();
    this.closeSfu();
  }

  // --- Routing ---------------------------------------------------------------------------------

  /** Whether `peerId`'s media still comes over their peer link. */
  private onMesh(peerId: string): boolean {
    if (!this.mesh) return false;
    if (!this.sfu) return true;
    return this.move?.waitingFor().includes(peerId) ?? false;
  }

  private carrier(peerId: string): MediaTransport | null {
    return this.onMesh(peerId) ? this.mesh : this.sfu;
  }

  /** Events of one mesh; `bound` is that mesh, so events of a closed one are ignored. */
  private meshEvents(bound: { transport: MediaTransport | null }): MediaTransportEvents {
    const events = this.options.events;
    const current = () => bound.transport !== null && bound.transport === this.mesh;
    return {
      ...events,
      onRemoteTrack: (peerId, source, track) => {
        if (!current()) return;
        const key = trackKey(peerId, source, track.kind);
        this.meshTracks.set(key, { peerId, source, track });
        if (!this.onMesh(peerId) || this.switched.has(key)) return;
        events.onRemoteTrack(peerId, source, track);
      },
      onRemoteTrackEnded: (peerId, source, track) => {
        if (!current()) return;
        const key = trackKey(peerId, source, track.kind);
        if (this.meshTracks.get(key)?.track === track) this.meshTracks.delete(key);
        if (this.onMesh(peerId)) events.onRemoteTrackEnded(peerId, source, track);
      },
      onLinkState: (peerId, state) => {
        if (!current()) return;
        this.meshLinkStates.set(peerId, state);
        if (this.onMesh(peerId)) events.onLinkState(peerId, state);
      },
      onLinkDiagnostics: (peerId, diagnostics) => {
        if (current() && this.onMesh(peerId)) events.onLinkDiagnostics(peerId, diagnostics);
      },
      onData: (peerId, channel, data) => {
        if (!current()) return;
        // Our own pages write the notice exactly so: nothing else needs parsing here.
        if (channel === 'control' && data === MOVED_NOTICE) {
          if (this.move) this.act(this.move.peerMoved(peerId));
          return;
        }
        events.onData(peerId, channel, data);
      },
      onIncomingChannel: (peerId, channel) => {
        if (current()) events.onIncomingChannel(peerId, channel);
        else channel.close();
      },
      onLinkKeys: (peerId, keys) => {
        if (current()) events.onLinkKeys?.(peerId, keys);
      },
    };
  }

  /** Events of one SFU transport; `bound` is that transport. */
  private sfuEvents(bound: { transport: MediaTransport | null }): MediaTransportEvents {
    const events = this.options.events;
    const current = () => bound.transport !== null && bound.transport === this.sfu;
    return {
      ...events,
      onRemoteTrack: (peerId, source, track) => {
        if (!current()) return;
        if (!this.onMesh(peerId)) return events.onRemoteTrack(peerId, source, track);
        // Moving: the tile keeps the mesh's track until this one plays.
        this.pending.set(trackKey(peerId, source, track.kind), { peerId, source, track });
        if (this.move) this.act(this.move.subscribed(peerId));
      },
      onRemoteTrackLive: (peerId, source, track) => {
        if (!current()) return;
        if (!this.move) this.setPath('media-server');
        const key = trackKey(peerId, source, track.kind);
        const waiting = this.pending.get(key);
        if (!waiting || waiting.track !== track || !this.move) return;
        this.pending.delete(key);
        this.switched.add(key);
        events.onRemoteTrack(peerId, source, track);
        this.act(this.move.live(peerId, movedSource(source, track)));
      },
      onRemoteTrackEnded: (peerId, source, track) => {
        if (!current()) return;
        const key = trackKey(peerId, source, track.kind);
        if (this.pending.get(key)?.track === track) this.pending.delete(key);
        else events.onRemoteTrackEnded(peerId, source, track);
      },
      onLinkState: (peerId, state) => {
        if (!current()) return;
        this.sfuLinkStates.set(peerId, state);
        if (state === 'connected' && !this.move) this.setPath('media-server');
        if (!this.onMesh(peerId)) events.onLinkState(peerId, state);
      },
      onLinkDiagnostics: (peerId, diagnostics) => {
        if (current() && !this.onMesh(peerId)) events.onLinkDiagnostics(peerId, diagnostics);
      },
      onData: (peerId, channel, data) => {
        if (current()) events.onData(peerId, channel, data);
      },
      onIncomingChannel: (_peerId, channel) => channel.close(),
      // Media through a server proves nothing about the other browser's keys.
      onLinkKeys: undefined,
    };
  }

  /** Acts on a step of the move: tiles were switched as their tracks went live (above). */
  private act(step: MoveStep): void {
    const move = this.move;
    for (const peerId of step.moved) {
      // Their tile now follows the SFU's link.
      const state = this.sfuLinkStates.get(peerId);
      if (state) this.options.events.onLinkState(peerId, state);
      this.flushPending(peerId);
      // Their camera over the link shows nowhere now: they need not encode it for us meanwhile.
      const display = this.displays.get(peerId);
      if (display) this.showOnMesh(peerId, display);
      // Sent before the link may close below, which a data channel lets through on loopback; if
      // the link drops it, the other end waits its patience out, as for an older page.
      this.mesh?.sendData('control', MOVED_NOTICE, peerId);
      const wait = setTimeout(() => {
        this.noticeWaits.delete(peerId);
        if (move && this.move === move) this.act(move.peerMoved(peerId));
      }, MOVED_NOTICE_PATIENCE_MS);
      this.noticeWaits.set(peerId, wait);
    }
    for (const peerId of step.closeMeshLinks) {
      this.stopNoticeWait(peerId);
      // Both ends have handed their tiles the SFU's tracks by now (they send the notice as they
      // do), and a tile swaps to them once a frame is painted: until then it plays the link's,
      // which closing the link would end.
      const closing = setTimeout(() => {
        this.closingLinks.delete(peerId);
        if (this.move !== move) return;
        this.closeLink(peerId);
        this.finishMove();
      }, STANDBY_PATIENCE_MS);
      this.closingLinks.set(peerId, closing);
    }
    if (move?.waitingFor().length === 0) this.setPath('media-server');
    this.finishMove();
  }

  private closeLink(peerId: string): void {
    this.mesh?.removePerson(peerId);
    this.meshLinkStates.delete(peerId);
    forgetTracksOf(peerId, this.meshTracks);
  }

  /** Ends the move once its every link is closed. */
  private finishMove(): void {
    if (!this.move?.done() || this.closingLinks.size > 0) return;
    this.move = null;
    this.closeMesh();
    this.flushPending(null);
  }

  private stopNoticeWait(peerId: string): void {
    clearTimeout(this.noticeWaits.get(peerId));
    this.noticeWaits.delete(peerId);
  }

  /** Shows the SFU tracks still held for a moved person (sources they do not announce). */
  private flushPending(peerId: string | null): void {
    for (const [key, waiting] of this.pending) {
      if (peerId !== null && waiting.peerId !== peerId) continue;
      this.pending.delete(key);
      this.switched.add(key);
      this.options.events.onRemoteTrack(waiting.peerId, waiting.source, waiting.track);
    }
  }

  private setPath(path: MediaPath): void {
    if (this.path === path) return;
    this.path = path;
    this.options.onMediaPath(path);
  }
}
