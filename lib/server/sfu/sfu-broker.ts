import { JanusConnection } from './janus-connection';
import { JanusError, VIDEOROOM_ERROR } from './janus-errors';
import type { Publisher } from './janus-messages';
import { JanusSession, type TrickleCandidate } from './janus-session';
import {
  feedOf,
  janusRoomIdFor,
  roomCredentials,
  streamKey,
  subscribedStreams,
  subscribedTracks,
  subscriptionChanges,
  substreamOf,
  wantedStreams,
  type Feed,
  type PublishedTrack,
  type SimulcastLayer,
  type SubscribedTrack,
} from './sfu-room-state';
import type { SubscribeTarget, SubscriptionOfferFromJanus } from './videoroom-handle';
import { VideoRoomHandle } from './videoroom-handle';

export interface SfuBrokerOptions {
  /** The Janus WebSocket API (JANUS_URL). */
  janusUrl: string;
  /** Janus's api_secret (JANUS_API_SECRET). */
  apiSecret: string;
  /**
   * The key each Janus room's secret and PIN are derived from. Every signaling process that
   * shares rooms must use the same one; by default the API secret.
   */
  roomKey?: string;
  /** Most publishers per room (the room capacity). */
  maxPublishers?: number;
  /** Ask Janus for talking / stopped-talking events. */
  audioLevelEvents?: boolean;
  /** Refuse a Janus that takes requests without an API secret (default true). */
  requireApiSecret?: boolean;
  requestTimeoutMs?: number;
  keepaliveMs?: number;
}

/** A subscription offer for the browser to answer, with what each of its mids carries. */
export interface SubscriptionOffer {
  sdp: string;
  tracks: SubscribedTrack[];
}

/** What happened, for the signaling server to pass on to a peer (or to everyone). */
export type SfuEvent =
  /** A new subscription offer for `peerId`: publishers came or went. Answer it as the first one. */
  | { type: 'subscription-offer'; roomId: string; peerId: string; offer: SubscriptionOffer }
  /** `peerId`'s publishing or subscribing PeerConnection with Janus is up. */
  | { type: 'media-up'; roomId: string; peerId: string; link: 'publisher' | 'subscriber' }
  /** That PeerConnection is gone (ICE failed, DTLS closed, or we closed it). */
  | {
      type: 'media-down';
      roomId: string;
      peerId: string;
      link: 'publisher' | 'subscriber';
      reason: string;
    }
  /** Janus is losing packets on a link; `mid` is in that link's PeerConnection. */
  | {
      type: 'slow-link';
      roomId: string;
      peerId: string;
      link: 'publisher' | 'subscriber';
      mid: string | undefined;
      lost: number;
    }
  /** `peerId` started or stopped talking (rooms opened with audioLevelEvents). */
  | { type: 'talking'; roomId: string; peerId: string; talking: boolean }
  /** The Janus room was destroyed (by another process, or by closeRoom). */
  | { type: 'room-closed'; roomId: string }
  /** The connection to Janus is gone, and with it every room and handle of this broker. */
  | { type: 'janus-lost'; reason: string; roomIds: string[] };

export type SfuErrorCode = 'unavailable' | 'no-such-room' | 'room-conflict' | 'janus';

/** A broker call that failed; `cause` is the JanusError or connection error behind it. */
export class SfuError extends Error {
  constructor(
    readonly code: SfuErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SfuError';
  }
}

interface LocalPeer {
  readonly peerId: string;
  publisher: VideoRoomHandle | null;
  /** Set once subscribe() was called: the peer wants everyone else's media. */
  wantsSubscription: boolean;
  subscriber: VideoRoomHandle | null;
  /** What the subscription holds, or has been asked to hold, by stream key. */
  subscribed: Map<string, SubscribeTarget>;
  /** What each mid carries, as of the latest offer. */
  tracks: SubscribedTrack[];
  /** Publishing work, and subscription work, each run one step at a time, in order. */
  queues: Record<'publishing' | 'subscribing', Promise<unknown>>;
  left: boolean;
}

interface LocalRoom {
  readonly roomId: string;
  readonly janusRoom: number;
  readonly secret: string;
  readonly pin: string;
  /** A participant that never publishes: it hears every publisher come and go. */
  readonly watcher: VideoRoomHandle;
  readonly feeds: Map<number, Feed>;
  readonly peers: Map<string, LocalPeer>;
}

interface Connected {
  connection: JanusConnection;
  session: JanusSession;
  /** For room requests (create, edit, destroy) that belong to no participant. */
  admin: VideoRoomHandle;
}

/**
 * Brokers Janus VideoRoom rooms for our rooms and peers. The signaling server calls it; browsers
 * never see Janus's API. Each signaling process has its own broker, which holds the Janus handles
 * of its own peers only: rooms are found by a Janus room id and secret derived from our room id,
 * so several processes can open the same room, and each learns of the others' publishers from
 * Janus itself.
 *
 * Every method is async and fails with an SfuError; nothing waits longer than the request
 * timeout. When Janus goes away, a 'janus-lost' event says which rooms were lost, every later
 * call fails with code 'unavailable', and connect() may be called again.
 */
export class SfuBroker {
  private connected: Connected | null = null;
  private readonly rooms = new Map<string, LocalRoom>();
  private readonly opening = new Map<string, Promise<LocalRoom>>();
  private readonly listeners = new Set<(event: SfuEvent) => void>();
  private readonly roomKey: string;

  constructor(private readonly options: SfuBrokerOptions) {
    this.roomKey = options.roomKey ?? options.apiSecret;
  }

  onEvent(listener: (event: SfuEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get available(): boolean {
    return this.connected !== null;
  }

  /** Connects to Janus (again, after a 'janus-lost'). */
  async connect(): Promise<void> {
    if (this.connected) return;
    const connection = await JanusConnection.open({
      url: this.options.janusUrl,
      apiSecret: this.options.apiSecret,
      requestTimeoutMs: this.options.requestTimeoutMs,
    }).catch((error: unknown) => {
      throw new SfuError('unavailable', messageOf(error), { cause: error });
    });
    try {
      const info = await connection.info();
      if (!info.plugins.includes('janus.plugin.videoroom')) {
        throw new SfuError('unavailable', 'Janus has no VideoRoom plugin loaded');
      }
      if ((this.options.requireApiSecret ?? true) && !info.apiSecretRequired) {
        throw new SfuError(
          'unavailable',
          'Janus takes requests without an API secret: set api_secret in janus.jcfg',
        );
      }
      const session = await JanusSession.create(connection, {
        keepaliveMs: this.options.keepaliveMs,
      });
      const admin = await VideoRoomHandle.attach(session);
      this.connected = { connection, session, admin };
      session.onLost((reason) => this.lose(session, reason));
    } catch (error) {
      connection.close();
      throw error instanceof SfuError ? error : wrap(error);
    }
  }

  /**
   * Opens the SFU room for `roomId`: creates the Janus room, or finds the one another process
   * created. Idempotent.
   */
  async openRoom(roomId: string): Promise<void> {
    await this.room(roomId, true);
  }

  /**
   * Destroys the Janus room for everyone in it, in every process (so only when the whole room
   * leaves the SFU), and drops this process's peers in it.
   */
  async closeRoom(roomId: string): Promise<void> {
    const { admin } = this.janus();
    const { secret } = roomCredentials(this.roomKey, roomId);
    const room = this.rooms.get(roomId);
    if (room) this.forgetRoom(room);
    await admin.destroyRoom(janusRoomIdFor(roomId), secret).catch((error: unknown) => {
      throw wrap(error);
    });
  }

  /**
   * Publishes `peerId`'s media with the browser's offer (tracks name what each mid carries);
   * resolves with Janus's answer. Called again with a new offer, it renegotiates (a screen share
   * added or removed).
   */
  async publish(
    roomId: string,
    peerId: string,
    offer: string,
    tracks: readonly PublishedTrack[],
  ): Promise<string> {
    const room = await this.room(roomId, false);
    const peer = this.peer(room, peerId);
    const descriptions = tracks.map((track) => ({ mid: track.mid, description: track.source }));
    return this.enqueue(peer, 'publishing', async () => {
      try {
        if (peer.publisher) {
          const answer = await peer.publisher.configurePublisher({ offer, descriptions });
          if (answer === null) throw new SfuError('janus', 'Janus gave no answer to a new offer');
          return answer;
        }
        const { session } = this.janus();
        const publisher = await VideoRoomHandle.attach(session);
        if (peer.left) {
          await publisher.detach();
          throw new SfuError('no-such-room', `${peerId} left while publishing`);
        }
        try {
          await publisher.joinAsPublisher({ room: room.janusRoom, pin: room.pin, display: peerId });
          const answer = await publisher.publish({ offer, descriptions });
          if (peer.left) throw new SfuError('no-such-room', `${peerId} left while publishing`);
          peer.publisher = publisher;
          this.watchLink(room, peer, publisher, 'publisher');
          return answer;
        } catch (error) {
          // A half-made publisher is dropped, so the next offer starts afresh.
          await publisher.detach().catch(() => undefined);
          throw error;
        }
      } catch (error) {
        throw wrap(error);
      }
    });
  }

  /** Stops publishing `peerId`'s media; subscribers' offers drop its tracks. */
  async unpublish(roomId: string, peerId: string): Promise<void> {
    const peer = this.existingPeer(roomId, peerId);
    const publisher = peer?.publisher;
    if (!peer || !publisher) return;
    peer.publisher = null;
    await publisher.detach().catch((error: unknown) => {
      throw wrap(error);
    });
  }

  /**
   * Subscribes `peerId` to everyone else's media on one PeerConnection. Resolves with Janus's
   * offer for the browser to answer (answerSubscription), or null if nobody publishes yet; later
   * offers, as publishers come and go, arrive as 'subscription-offer' events. `fresh`: the
   * browser's subscribing connection is new, so any earlier subscription is made anew.
   */
  async subscribe(
    roomId: string,
    peerId: string,
    fresh = false,
  ): Promise<SubscriptionOffer | null> {
    const room = await this.room(roomId, false);
    const peer = this.peer(room, peerId);
    peer.wantsSubscription = true;
    return this.enqueue(peer, 'subscribing', async () => {
      // A new connection in the browser (a reloaded page): the old subscription's media went
      // to a connection that is gone, so it is dropped and made anew.
      const stale = fresh ? peer.subscriber : null;
      if (stale) {
        peer.subscriber = null;
        peer.subscribed = new Map();
        await stale.detach().catch(() => undefined);
      }
      return this.reconcile(room, peer);
    });
  }

  /** Passes the browser's answer to the latest subscription offer to Janus; media then starts. */
  async answerSubscription(roomId: string, peerId: string, answer: string): Promise<void> {
    const subscriber = this.existingPeer(roomId, peerId)?.subscriber;
    if (!subscriber) throw new SfuError('no-such-room', `${peerId} has no subscription`);
    await subscriber.start(answer).catch((error: unknown) => {
      throw wrap(error);
    });
  }

  /**
   * Asks Janus for the simulcast layer of the video on subscription `mid`. Resolves true once
   * Janus relays that layer, false if it did not within a few seconds (the publisher may not send
   * that layer: Chromium sends fewer layers for small cameras). Janus switches on a keyframe and
   * asks the publisher for one only once, which a browser ignores if another came just before, so
   * the request is repeated until Janus confirms.
   */
  async chooseLayer(
    roomId: string,
    peerId: string,
    mid: string,
    layer: SimulcastLayer,
  ): Promise<boolean> {
    const subscriber = this.existingPeer(roomId, peerId)?.subscriber;
    if (!subscriber) throw new SfuError('no-such-room', `${peerId} has no subscription`);
    const substream = substreamOf(layer);
    for (let attempt = 0; attempt < LAYER_ATTEMPTS; attempt++) {
      const switched = substreamReached(subscriber, mid, substream, LAYER_CONFIRM_MS);
      // A paused mid is resumed with it: Janus then asks the publisher for a keyframe.
      const resume = subscriber.isPaused(mid) ? { send: true } : {};
      await subscriber
        .configureSubscriber([{ mid, substream, ...resume }])
        .catch((error: unknown) => {
          switched.cancel();
          throw wrap(error);
        });
      // Janus says nothing when it already relays that substream: it may have moved there on its
      // way to an earlier target (down from the top layer towards one the publisher lacks).
      if (subscriber.substreamAt(mid) === substream) {
        switched.cancel();
        return true;
      }
      if (await switched.promise) return true;
    }
    return false;
  }

  /** Stops relaying the video on subscription `mid` (its tile is hidden) until `chooseLayer`. */
  async pauseVideo(roomId: string, peerId: string, mid: string): Promise<void> {
    const subscriber = this.existingPeer(roomId, peerId)?.subscriber;
    if (!subscriber) throw new SfuError('no-such-room', `${peerId} has no subscription`);
    await subscriber.configureSubscriber([{ mid, send: false }]).catch((error: unknown) => {
      throw wrap(error);
    });
  }

  subscribedTrack(roomId: string, peerId: string, mid: string): SubscribedTrack | null {
    return this.existingPeer(roomId, peerId)?.tracks.find((track) => track.mid === mid) ?? null;
  }

  /**
   * Asks Janus for an ICE-restarting subscription offer (the browser's subscribing connection
   * failed); resolves with it, or null if Janus will send it later as a 'subscription-offer'.
   */
  async restartSubscription(roomId: string, peerId: string): Promise<SubscriptionOffer | null> {
    const peer = this.existingPeer(roomId, peerId);
    const subscriber = peer?.subscriber;
    if (!peer || !subscriber) throw new SfuError('no-such-room', `${peerId} has no subscription`);
    return this.enqueue(peer, 'subscribing', async () => {
      const offer = await subscriber.restartSubscriberIce().catch((error: unknown) => {
        throw wrap(error);
      });
      return offer ? offerFor(peer, offer) : null;
    });
  }

  /** A browser's ICE candidate (null: gathering is complete) for its publisher or subscriber link. */
  async addIceCandidate(
    roomId: string,
    peerId: string,
    link: 'publisher' | 'subscriber',
    candidate: TrickleCandidate | null,
  ): Promise<void> {
    const peer = this.existingPeer(roomId, peerId);
    const handle = link === 'publisher' ? peer?.publisher : peer?.subscriber;
    if (!handle) throw new SfuError('no-such-room', `${peerId} has no ${link} link`);
    await handle.trickle(candidate).catch((error: unknown) => {
      throw wrap(error);
    });
  }

  /** `peerId` leaves the SFU room: its publisher and subscriber handles go. */
  async leave(roomId: string, peerId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    const peer = room?.peers.get(peerId);
    if (!room || !peer) return;
    room.peers.delete(peerId);
    peer.left = true;
    await Promise.all(
      [peer.publisher, peer.subscriber].map((handle) => handle?.detach().catch(() => undefined)),
    );
  }

  /** Leaves every room (they stay in Janus for other processes) and closes the connection. */
  async close(): Promise<void> {
    const connected = this.connected;
    if (!connected) return;
    this.connected = null;
    for (const room of this.rooms.values()) this.forgetRoom(room);
    await connected.session.destroy().catch(() => undefined);
    connected.connection.close();
  }

  // --- Rooms and peers -------------------------------------------------------------------------

  private janus(): Connected {
    if (!this.connected) throw new SfuError('unavailable', 'not connected to Janus');
    return this.connected;
  }

  private async room(roomId: string, create: boolean): Promise<LocalRoom> {
    this.janus();
    const known = this.rooms.get(roomId);
    if (known) return known;
    if (!create) throw new SfuError('no-such-room', `room ${roomId} is not open on the SFU`);
    let opening = this.opening.get(roomId);
    if (!opening) {
      opening = this.createRoom(roomId).finally(() => this.opening.delete(roomId));
      this.opening.set(roomId, opening);
    }
    return opening;
  }

  private async createRoom(roomId: string): Promise<LocalRoom> {
    const { session, admin } = this.janus();
    const janusRoom = janusRoomIdFor(roomId);
    const { secret, pin } = roomCredentials(this.roomKey, roomId);
    const description = `meshcall ${roomId}`;
    try {
      const created = await admin.createRoom({
        room: janusRoom,
        secret,
        pin,
        description,
        publishers: this.options.maxPublishers ?? 50,
        audioLevelEvents: this.options.audioLevelEvents ?? true,
        // Everyone receives every microphone: silence must cost next to nothing.
        opusDtx: true,
      });
      if (!created) await admin.checkRoomSecret(janusRoom, secret, description);
    } catch (error) {
      if (error instanceof JanusError && error.code === VIDEOROOM_ERROR.unauthorized) {
        throw new SfuError(
          'room-conflict',
          `Janus room ${janusRoom} exists with another secret: not ours to use`,
          { cause: error },
        );
      }
      throw wrap(error);
    }
    const watcher = await VideoRoomHandle.attach(session).catch((error: unknown) => {
      throw wrap(error);
    });
    const room: LocalRoom = {
      roomId,
      janusRoom,
      secret,
      pin,
      watcher,
      feeds: new Map(),
      peers: new Map(),
    };
    try {
      const joined = await watcher.joinAsPublisher({
        room: janusRoom,
        pin,
        display: 'meshcall-watcher',
      });
      this.addFeeds(room, joined.publishers);
    } catch (error) {
      await watcher.detach().catch(() => undefined);
      throw wrap(error);
    }
    watcher.on('publishers-published', (publishers) => {
      this.addFeeds(room, publishers);
      this.reconcileAll(room);
    });
    const removeFeed = (feed: number) => {
      if (!room.feeds.delete(feed)) return;
      // Janus drops a departed publisher's streams from every subscription by itself.
      for (const peer of room.peers.values()) {
        for (const [key, target] of peer.subscribed) {
          if (target.feed === feed) peer.subscribed.delete(key);
        }
      }
    };
    watcher.on('publisher-unpublished', removeFeed);
    watcher.on('publisher-left', removeFeed);
    watcher.on('talking', ({ feed, talking }) => {
      const peerId = room.feeds.get(feed)?.peerId;
      if (peerId) this.emit({ type: 'talking', roomId, peerId, talking });
    });
    watcher.on('room-destroyed', () => {
      if (this.rooms.get(roomId) !== room) return;
      this.forgetRoom(room);
      this.emit({ type: 'room-closed', roomId });
    });
    this.rooms.set(roomId, room);
    return room;
  }

  private addFeeds(room: LocalRoom, publishers: readonly Publisher[]): void {
    for (const publisher of publishers) {
      const feed = feedOf(publisher);
      if (feed) room.feeds.set(feed.feed, feed);
    }
  }

  private forgetRoom(room: LocalRoom): void {
    this.rooms.delete(room.roomId);
    for (const peer of room.peers.values()) {
      peer.left = true;
      void peer.publisher?.detach().catch(() => undefined);
      void peer.subscriber?.detach().catch(() => undefined);
    }
    room.peers.clear();
    room.watcher.removeAllListeners();
    void room.watcher.detach().catch(() => undefined);
  }

  private peer(room: LocalRoom, peerId: string): LocalPeer {
    let peer = room.peers.get(peerId);
    if (!peer) {
      peer = {
        peerId,
        publisher: null,
        wantsSubscription: false,
        subscriber: null,
        subscribed: new Map(),
        tracks: [],
        queues: { publishing: Promise.resolve(), subscribing: Promise.resolve() },
        left: false,
      };
      room.peers.set(peerId, peer);
    }
    return peer;
  }

  private existingPeer(roomId: string, peerId: string): LocalPeer | undefined {
    this.janus();
    return this.rooms.get(roomId)?.peers.get(peerId);
  }

  // --- Subscriptions ---------------------------------------------------------------------------

  private enqueue<T>(
    peer: LocalPeer,
    queue: 'publishing' | 'subscribing',
    task: () => Promise<T>,
  ): Promise<T> {
    const result = peer.queues[queue].then(task);
    peer.queues[queue] = result.catch(() => undefined);
    return result;
  }

  private reconcileAll(room: LocalRoom): void {
    for (const peer of room.peers.values()) {
      if (!peer.wantsSubscription) continue;
      this.enqueue(peer, 'subscribing', () => this.reconcile(room, peer))
        .then((offer) => {
          if (offer) {
            this.emit({
              type: 'subscription-offer',
              roomId: room.roomId,
              peerId: peer.peerId,
              offer,
            });
          }
        })
        .catch(() => {
          // A failed update is retried at the next change; a lost Janus is reported by itself.
        });
    }
  }

  /**
   * Brings `peer`'s subscription in line with who publishes: creates it (join) or updates it.
   * Resolves with the offer Janus made, or null when there is none to answer now.
   */
  private async reconcile(room: LocalRoom, peer: LocalPeer): Promise<SubscriptionOffer | null> {
    if (peer.left) return null;
    const wanted = wantedStreams(room.feeds.values(), peer.peerId);
    if (!peer.subscriber) {
      if (wanted.size === 0) return null;
      const { session } = this.janus();
      const subscriber = await VideoRoomHandle.attach(session);
      if (peer.left) {
        await subscriber.detach();
        return null;
      }
      peer.subscriber = subscriber;
      this.watchLink(room, peer, subscriber, 'subscriber');
      subscriber.on('subscription-offer', (offer) => {
        this.emit({
          type: 'subscription-offer',
          roomId: room.roomId,
          peerId: peer.peerId,
          offer: offerFor(peer, offer),
        });
      });
      const offer = await subscriber.joinAsSubscriber({
        room: room.janusRoom,
        pin: room.pin,
        streams: [...wanted.values()],
      });
      return offerFor(peer, offer);
    }
    const changes = subscriptionChanges(wanted, peer.subscribed);
    if (changes.subscribe.length === 0 && changes.unsubscribe.length === 0) return null;
    const before = new Map(peer.subscribed);
    for (const target of changes.unsubscribe) peer.subscribed.delete(keyOf(target));
    for (const target of changes.subscribe) peer.subscribed.set(keyOf(target), target);
    try {
      const offer = await peer.subscriber.updateSubscription(changes);
      return offer ? offerFor(peer, offer) : null;
    } catch (error) {
      // Janus changed nothing: the next change of publishers asks again.
      peer.subscribed = before;
      throw error;
    }
  }

  private watchLink(
    room: LocalRoom,
    peer: LocalPeer,
    handle: VideoRoomHandle,
    link: 'publisher' | 'subscriber',
  ): void {
    const base = { roomId: room.roomId, peerId: peer.peerId, link } as const;
    handle.on('webrtcup', () => this.emit({ type: 'media-up', ...base }));
    handle.on('hangup', (reason) => this.emit({ type: 'media-down', ...base, reason }));
    handle.on('slow-link', ({ mid, lost }) => this.emit({ type: 'slow-link', ...base, mid, lost }));
  }

  // --- Janus lost ------------------------------------------------------------------------------

  private lose(session: JanusSession, reason: string): void {
    if (this.connected?.session !== session) return;
    const connected = this.connected;
    this.connected = null;
    const roomIds = [...this.rooms.keys()];
    for (const room of this.rooms.values()) {
      room.watcher.removeAllListeners();
      for (const peer of room.peers.values()) peer.left = true;
    }
    this.rooms.clear();
    connected.connection.close(reason);
    this.emit({ type: 'janus-lost', reason, roomIds });
  }

  private emit(event: SfuEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** How long to wait for Janus to confirm a layer switch before asking again, and how often. */
const LAYER_CONFIRM_MS = 700;
const LAYER_ATTEMPTS = 4;

/** Resolves true when `subscriber` reports `substream` on `mid`, false after `timeoutMs`. */
function substreamReached(
  subscriber: VideoRoomHandle,
  mid: string,
  substream: number,
  timeoutMs: number,
): { promise: Promise<boolean>; cancel(): void } {
  let cancel = () => undefined as void;
  const promise = new Promise<boolean>((resolve) => {
    const listener = (event: { mid: string; substream: number }) => {
      if (event.mid === mid && event.substream === substream) finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    const finish = (reached: boolean) => {
      clearTimeout(timer);
      subscriber.off('substream-changed', listener);
      resolve(reached);
    };
    cancel = () => finish(false);
    subscriber.on('substream-changed', listener);
  });
  return { promise, cancel };
}

function keyOf(target: SubscribeTarget): string {
  return streamKey(target.feed, target.mid ?? '');
}

/**
 * The offer for the browser, and what `peer`'s subscription now holds. An offer that lists no
 * streams (an ICE restart) changes nothing in the layout.
 */
function offerFor(peer: LocalPeer, offer: SubscriptionOfferFromJanus): SubscriptionOffer {
  if (offer.streams.length > 0) {
    peer.subscribed = subscribedStreams(offer.streams);
    peer.tracks = subscribedTracks(offer.streams);
  }
  return { sdp: offer.sdp, tracks: peer.tracks };
}

function wrap(error: unknown): SfuError {
  if (error instanceof SfuError) return error;
  if (error instanceof JanusError) return new SfuError('janus', error.message, { cause: error });
  return new SfuError('unavailable', messageOf(error), { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
