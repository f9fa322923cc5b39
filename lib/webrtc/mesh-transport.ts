import type {
  DataChannelName,
  IncomingMediaSignal,
  MediaTransport,
  MediaTransportContext,
  OutgoingKind,
  RemotePerson,
  ScreenShare,
} from '../call/media-transport';
import {
  DEFAULT_VIDEO_QUALITY,
  cameraBitrateCap,
  screenBitrateCap,
  type VideoQuality,
} from '../media/video-quality';
import type { MediaState } from '../signaling/protocol';
import { watchLinkKeys } from '../trust/link-keys';
import { nextEpoch, routeByEpoch } from './connection-epoch';
import { DisplayExchange } from './display-exchange';
import type { DisplayReport } from './display-report';
import type { IceDiagnostics } from './ice-diagnostics';
import { PeerSession, type OutgoingSignal } from './peer-session';

/** Where a page keeps the epoch of each link, so that a reloaded page can go past it. */
export interface EpochMemory {
  recall(peerId: string): number | undefined;
  remember(peerId: string, epoch: number): void;
  forget(peerId: string): void;
}

/** One remote person's link in the mesh: the current connection and its epoch. */
interface MeshLink {
  readonly peerId: string;
  readonly polite: boolean;
  media: MediaState;
  session: PeerSession;
  epoch: number;
  /** Their crossed first offer of this epoch was ignored; drop its candidates until a description. */
  ignoringCrossedOffer: boolean;
}

/**
 * Media as a full mesh: one `PeerSession` (one `RTCPeerConnection`) per remote person, each
 * sending our camera, microphone and screen, and carrying the chat channel.
 *
 * The first connection of a pair is offered by the polite side (the later joiner). A connection
 * that stays dead after an ICE restart is replaced by a new one at the next epoch, offered by the
 * side that found it dead (see connection-epoch.ts); the person and their tile stay, and the tile
 * says "Reconnecting…" meanwhile. A page that reloaded mid-call finds the epochs it used in its
 * `EpochMemory` and offers every link anew at the next one.
 *
 * Each camera sender is capped so the total upload stays near a fixed budget, whatever the number
 * of links (see video-quality.ts). Under that cap, each camera sender sends no more than its
 * receiver shows: receivers report their tiles over a `display` data channel (display-exchange.ts).
 */
export class MeshTransport implements MediaTransport {
  private readonly links = new Map<string, MeshLink>();
  private configuration: RTCConfiguration = {};
  private readonly outgoing: Record<OutgoingKind, MediaStreamTrack | null> = {
    audio: null,
    video: null,
  };
  /** Announced as the stream of the camera tracks, so receivers group them. */
  private readonly cameraStream: MediaStream | null =
    typeof MediaStream === 'undefined' ? null : new MediaStream();
  private screen: ScreenShare | null = null;
  private quality: VideoQuality = DEFAULT_VIDEO_QUALITY;

  constructor(
    private readonly context: MediaTransportContext,
    private readonly epochs: EpochMemory,
    private readonly display = new DisplayExchange(true),
  ) {}

  configure(configuration: RTCConfiguration): void {
    this.configuration = configuration;
    // A relay in use keeps working: TURN checks credentials only when a relay is allocated.
    for (const link of this.links.values())
      link.session.setIceServers(configuration.iceServers ?? []);
  }

  addPerson(person: RemotePerson): void {
    if (this.links.has(person.peerId)) return;
    const remembered = this.epochs.recall(person.peerId);
    if (remembered === undefined) {
      // The later joiner of a pair (the polite one) makes the first offer.
      this.connect(person, 0, person.polite);
    } else {
      // This page reloaded mid-call: its old connection is gone, so it offers a new one.
      this.connect(person, nextEpoch(remembered), true);
    }
    this.applyBitrateCaps();
  }

  removePerson(peerId: string): void {
    const link = this.links.get(peerId);
    if (!link) return;
    link.session.close();
    this.links.delete(peerId);
    this.epochs.forget(peerId);
    this.display.forget(peerId);
    this.applyBitrateCaps();
  }

  updatePerson(peerId: string, media: MediaState): void {
    const link = this.links.get(peerId);
    if (link) link.media = media;
  }

  handleSignal(signal: IncomingMediaSignal): void {
    if (signal.type !== 'description' && signal.type !== 'candidate') return;
    let link = this.links.get(signal.from);
    if (!link) return;
    const epoch = signal.epoch ?? 0;
    const kind = signal.type === 'candidate' ? 'candidate' : signal.description.type;
    const route = routeByEpoch(
      {
        epoch: link.epoch,
        awaitingFirstAnswer: link.session.awaitingFirstAnswer,
        polite: link.polite,
        ignoringCrossedOffer: link.ignoringCrossedOffer,
      },
      { kind, epoch },
    );
    switch (route) {
      case 'drop':
        return;
      case 'ignore-crossed-offer':
        link.ignoringCrossedOffer = true;
        return;
      case 'replace':
        link = this.replace(link, epoch, false);
        break;
      case 'deliver':
        if (signal.type === 'description') link.ignoringCrossedOffer = false;
        break;
    }
    void link.session.handleSignal(
      signal.type === 'description'
        ? { type: 'description', description: signal.description }
        : { type: 'candidate', candidate: signal.candidate },
    );
  }

  /** `restartedNegotiations` are peer ids: an offer held for them went out with the resume. */
  signalingResumed(restartedNegotiations: ReadonlySet<string>): void {
    for (const link of this.links.values()) {
      // An offer sent on the old socket (not held) may have died with it.
      if (!restartedNegotiations.has(link.peerId)) void link.session.recoverAfterResume();
    }
  }

  async setOutgoingTrack(kind: OutgoingKind, track: MediaStreamTrack | null): Promise<void> {
    this.outgoing[kind] = track;
    await Promise.all(
      [...this.links.values()].map((link) => link.session.replaceTrack(kind, track)),
    );
  }

  setScreenShare(share: ScreenShare | null): void {
    this.screen = share;
    for (const link of this.links.values()) link.session.setScreenShare(share);
  }

  setVideoQuality(quality: VideoQuality): void {
    this.quality = quality;
    this.applyBitrateCaps();
  }

  sendData(channel: DataChannelName, data: string, to?: string): void {
    const targets = to === undefined ? [...this.links.values()] : [this.links.get(to)];
    for (const link of targets) {
      if (channel === 'chat') link?.session.sendChat(data);
      else link?.session.sendControl(data);
    }
  }

  showDisplay(peerId: string, display: DisplayReport): void {
    const message = this.display.report(peerId, display);
    if (message !== null) this.links.get(peerId)?.session.sendDisplay(message);
  }

  openChannel(peerId: string, label: string): RTCDataChannel | null {
    return this.links.get(peerId)?.session.openDataChannel(label) ?? null;
  }

  remoteAudioLevel(peerId: string): number {
    return this.links.get(peerId)?.session.remoteAudioLevel() ?? 0;
  }

  linkDiagnostics(peerId: string): IceDiagnostics | null {
    return this.links.get(peerId)?.session.iceDiagnostics() ?? null;
  }

  async getStats(peerId: string): Promise<RTCStatsReport | null> {
    return (await this.links.get(peerId)?.session.getStats()) ?? null;
  }

  /** Closes every connection. The epochs stay remembered: the page may be reloading. */
  close(): void {
    for (const link of this.links.values()) link.session.close();
    this.links.clear();
  }

  /** Opens a connection to `person` at `epoch`, replacing the link's current one, if any. */
  private connect(
    person: Pick<MeshLink, 'peerId' | 'polite' | 'media'>,
    epoch: number,
    initiator: boolean,
  ): MeshLink {
    const { peerId, polite, media } = person;
    const events = this.context.events;
    const link = { peerId, polite, media, epoch, ignoringCrossedOffer: false } as MeshLink;
    // Callbacks of a connection that has since been replaced do nothing.
    const current = () => this.links.get(peerId) === link;
    link.session = new PeerSession({
      remotePeerId: peerId,
      polite,
      initiator,
      configuration: this.configuration,
      outgoing: () => ({
        audio: this.outgoing.audio,
        video: this.outgoing.video,
        stream: this.cameraStream ?? new MediaStream(),
      }),
      signal: (signal: OutgoingSignal) => {
        if (!current()) return;
        const startsNegotiation =
          signal.type === 'description' && signal.description.type === 'offer';
        this.context.sendSignal(
          { ...signal, to: peerId, epoch },
          { key: peerId, startsNegotiation },
        );
      },
      canSignal: () => this.context.canSignal(),
      mediaExpected: () => link.media.audio || link.media.video,
      expectDisplayReport: this.display.adapting,
      events: {
        onRemoteTrack: (track, streamId) => {
          if (!current()) return;
          // A screen share's stream id was announced before its track was sent.
          const source = streamId !== null && streamId === link.media.screen ? 'screen' : 'camera';
          events.onRemoteTrack(peerId, source, track);
          track.addEventListener('ended', () => events.onRemoteTrackEnded(peerId, source, track));
        },
        onConnectionStateChange: (state) => {
          if (current()) events.onLinkState(peerId, state);
        },
        onChatData: (data) => {
          if (current()) events.onData(peerId, 'chat', data);
        },
        onDisplayData: (data) => {
          const display = this.display.received(data);
          if (current() && display) link.session.setRemoteDisplay(display);
        },
        onControlData: (data) => {
          if (current()) events.onData(peerId, 'control', data);
        },
        onDataChannel: (channel) => {
          if (current()) events.onIncomingChannel(peerId, channel);
          else channel.close();
        },
        onIceDiagnostics: (diagnostics) => {
          if (current()) events.onLinkDiagnostics(peerId, diagnostics);
        },
        onLinkDead: () => {
          if (current()) this.replace(link, nextEpoch(link.epoch), true);
        },
        onError: (error, context) => events.onError(peerId, error, context),
      },
    });
    watchLinkKeys(link.session.connection, (keys) => {
      if (current()) events.onLinkKeys?.(peerId, keys);
    });
    this.links.set(peerId, link);
    this.epochs.remember(peerId, epoch);
    link.session.setScreenShare(this.screen);
    link.session.setBitrateCaps(this.bitrateCaps());
    const lastDisplay = this.display.lastReport(peerId);
    if (lastDisplay !== null) link.session.sendDisplay(lastDisplay);
    return link;
  }

  /** Closes `link`'s connection and opens a new one at `epoch`; the person stays. */
  private replace(link: MeshLink, epoch: number, initiator: boolean): MeshLink {
    // Chat written while the old connection was still being made goes out on the new one.
    const unsentChat = link.session.takeUnsentChat();
    link.session.close();
    const next = this.connect(link, epoch, initiator);
    for (const data of unsentChat) next.session.sendChat(data);
    this.context.events.onLinkState(link.peerId, 'new');
    return next;
  }

  private bitrateCaps() {
    const peers = this.links.size;
    return { camera: cameraBitrateCap(this.quality, peers), screen: screenBitrateCap(peers) };
  }

  private applyBitrateCaps(): void {
    const caps = this.bitrateCaps();
    for (const link of this.links.values()) link.session.setBitrateCaps(caps);
  }
}
