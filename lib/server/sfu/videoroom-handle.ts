import { EventEmitter } from 'node:events';
import * as v from 'valibot';
import { JanusError, JanusProtocolError, VIDEOROOM_ERROR } from './janus-errors';
import {
  videoRoomDataSchema,
  type Jsep,
  type Participant,
  type Publisher,
  type SubscriptionStream,
  type VideoRoomData,
} from './janus-messages';
import type { JanusHandle, JanusSession, PluginReply, TrickleCandidate } from './janus-session';

export const VIDEOROOM_PLUGIN = 'janus.plugin.videoroom';

/** Settings of a room we create. Everything else is Janus's default (VP8 and Opus). */
export interface VideoRoomSettings {
  room: number;
  /** Needed to edit or destroy the room. */
  secret: string;
  /** Needed to join the room, as publisher or subscriber. */
  pin: string;
  description: string;
  /** Most people who may publish at once. */
  publishers: number;
  /** Default bitrate cap per publisher (bits/s) sent via REMB; 0 for none. */
  bitrate?: number;
  /** Send talking / stopped-talking events (from the audio-level RTP extension). */
  audioLevelEvents?: boolean;
  /** Negotiate Opus DTX: silent microphones send almost nothing. */
  opusDtx?: boolean;
}

/** A stream to add to a subscription: all of a publisher's streams, or the one on `mid`. */
export interface SubscribeTarget {
  feed: number;
  mid?: string;
}

/** A stream to drop from a subscription: by publisher (and its mid), or by the subscription's mid. */
export type UnsubscribeTarget = { feed: number; mid?: string } | { subMid: string };

export interface StreamLayer {
  /** The subscription's mid. */
  mid: string;
  /** Simulcast substream: 0 is the smallest, 2 the largest. */
  substream?: 0 | 1 | 2;
  /** Temporal layers up to this one (0 to 2): lower means fewer frames per second. */
  temporal?: 0 | 1 | 2;
  /** Relay this stream or not. */
  send?: boolean;
}

export interface SubscriptionOfferFromJanus {
  sdp: string;
  streams: SubscriptionStream[];
}

/** Events of a VideoRoom handle, named after what happened, not after Janus's JSON. */
export interface VideoRoomEvents {
  /** Someone joined the room (rooms created with notify_joining only; ours are not). */
  'participant-joined': [participant: { id: number; display: string | undefined }];
  /** Publishers started publishing (or changed what they publish). */
  'publishers-published': [publishers: Publisher[]];
  /** A publisher stopped publishing. */
  'publisher-unpublished': [feed: number];
  /** A participant left the room. */
  'publisher-left': [feed: number];
  /** Only in rooms created with audioLevelEvents. */
  talking: [event: { feed: number; talking: boolean }];
  /** Janus sent a subscription offer that answers no request of ours: a subscribed publisher went
   * away, or an update it had postponed happened. Answer it with start(). */
  'subscription-offer': [offer: SubscriptionOfferFromJanus];
  /** Janus now relays simulcast substream `substream` on the subscription's `mid`. */
  'substream-changed': [event: { mid: string; substream: number }];
  /** The room was destroyed. */
  'room-destroyed': [];
  /** We were kicked out of the room. */
  kicked: [];
  webrtcup: [];
  media: [event: { mid: string | undefined; kind: 'audio' | 'video'; receiving: boolean }];
  'slow-link': [
    event: { mid: string | undefined; kind: 'audio' | 'video'; uplink: boolean; lost: number },
  ];
  hangup: [reason: string];
  detached: [];
}

/**
 * A handle on the VideoRoom plugin. Every request is a promise that resolves with its result or
 * rejects with a JanusError carrying the plugin's code; every asynchronous event is one named
 * event. One handle is either a publisher or a subscriber once it has joined; the room requests
 * (create, destroy, exists, listParticipants) work on any handle.
 */
export class VideoRoomHandle extends EventEmitter<VideoRoomEvents> {
  /** The simulcast substream Janus last said it relays, by subscription mid. */
  private readonly substreams = new Map<string, number>();
  /** Subscription mids configured not to be relayed, until configured to be again. */
  private readonly pausedMids = new Set<string>();

  private constructor(readonly handle: JanusHandle) {
    super();
    handle.on('plugin-event', (reply) => this.onPluginEvent(reply));
    handle.on('webrtcup', () => this.emit('webrtcup'));
    handle.on('media', (event) => this.emit('media', event));
    handle.on('slow-link', (event) => this.emit('slow-link', event));
    handle.on('hangup', (reason) => this.emit('hangup', reason));
    handle.on('detached', () => this.emit('detached'));
  }

  static async attach(session: JanusSession): Promise<VideoRoomHandle> {
    return new VideoRoomHandle(await session.attach(VIDEOROOM_PLUGIN));
  }

  get id(): number {
    return this.handle.id;
  }

  // --- Rooms -----------------------------------------------------------------------------------

  /** Creates the room; resolves false (not an error) if a room with that id already exists. */
  async createRoom(settings: VideoRoomSettings): Promise<boolean> {
    try {
      await this.request('create', {
        room: settings.room,
        permanent: false,
        description: settings.description,
        secret: settings.secret,
        pin: settings.pin,
        is_private: true,
        publishers: settings.publishers,
        bitrate: settings.bitrate ?? 0,
        audiolevel_event: settings.audioLevelEvents ?? false,
        opus_dtx: settings.opusDtx ?? false,
        audiocodec: 'opus',
        videocodec: 'vp8',
        notify_joining: false,
      });
      return true;
    } catch (error) {
      if (error instanceof JanusError && error.code === VIDEOROOM_ERROR.roomExists) return false;
      throw error;
    }
  }

  /**
   * Proves we hold the room's secret by an edit that changes nothing: a room someone else made
   * (or a numeric id two of our rooms share) refuses it with VIDEOROOM_ERROR.unauthorized.
   */
  async checkRoomSecret(room: number, secret: string, description: string): Promise<void> {
    await this.request('edit', { room, secret, new_description: description });
  }

  /** Destroys the room, kicking everyone out; resolves false if there was no such room. */
  async destroyRoom(room: number, secret: string): Promise<boolean> {
    try {
      await this.request('destroy', { room, secret, permanent: false });
      return true;
    } catch (error) {
      if (error instanceof JanusError && error.code === VIDEOROOM_ERROR.noSuchRoom) return false;
      throw error;
    }
  }

  async roomExists(room: number): Promise<boolean> {
    const data = await this.request('exists', { room });
    return data.exists === true;
  }

  /** Everyone in the room who has joined as a publisher (publishing or not). */
  async listParticipants(room: number): Promise<Participant[]> {
    const data = await this.request('listparticipants', { room });
    return data.participants ?? [];
  }

  // --- Publishers ------------------------------------------------------------------------------

  /** Joins as a publisher (not publishing yet); resolves with our feed id and who publishes. */
  async joinAsPublisher(options: {
    room: number;
    pin: string;
    display: string;
  }): Promise<{ feed: number; privateId: number | undefined; publishers: Publisher[] }> {
    const data = await this.request('join', {
      ptype: 'publisher',
      room: options.room,
      pin: options.pin,
      display: options.display,
    });
    if (data.videoroom !== 'joined' || data.id === undefined) {
      throw new JanusProtocolError(`join answered "${data.videoroom}" without an id`);
    }
    return { feed: data.id, privateId: data.private_id, publishers: data.publishers ?? [] };
  }

  /** Publishes with the browser's offer; resolves with Janus's answer. */
  async publish(options: {
    offer: string;
    descriptions?: { mid: string; description: string }[];
    bitrate?: number;
  }): Promise<string> {
    const reply = await this.requestWithJsep(
      'publish',
      {
        ...(options.descriptions ? { descriptions: options.descriptions } : {}),
        ...(options.bitrate !== undefined ? { bitrate: options.bitrate } : {}),
      },
      { type: 'offer', sdp: options.offer },
    );
    return answerOf(reply, 'publish');
  }

  /**
   * Changes what we publish: a renegotiation (`offer`, e.g. a screen share added) resolves with
   * Janus's answer; without one, resolves null.
   */
  async configurePublisher(options: {
    offer?: string;
    descriptions?: { mid: string; description: string }[];
    bitrate?: number;
    keyframe?: boolean;
  }): Promise<string | null> {
    const body = {
      ...(options.descriptions ? { descriptions: options.descriptions } : {}),
      ...(options.bitrate !== undefined ? { bitrate: options.bitrate } : {}),
      ...(options.keyframe ? { keyframe: true } : {}),
    };
    if (options.offer === undefined) {
      await this.request('configure', body);
      return null;
    }
    const reply = await this.requestWithJsep('configure', body, {
      type: 'offer',
      sdp: options.offer,
    });
    return answerOf(reply, 'configure');
  }

  async unpublish(): Promise<void> {
    await this.request('unpublish', {});
  }

  // --- Subscribers -----------------------------------------------------------------------------

  /** Subscribes to `streams` on this one handle (multistream); resolves with Janus's offer. */
  async joinAsSubscriber(options: {
    room: number;
    pin: string;
    streams: SubscribeTarget[];
    privateId?: number;
  }): Promise<SubscriptionOfferFromJanus> {
    const reply = await this.requestWithJsep('join', {
      ptype: 'subscriber',
      room: options.room,
      pin: options.pin,
      streams: options.streams,
      ...(options.privateId !== undefined ? { private_id: options.privateId } : {}),
    });
    const data = parseData(reply, 'join');
    if (!reply.jsep || reply.jsep.type !== 'offer') {
      throw new JanusProtocolError('Janus answered a subscription without an offer');
    }
    return { sdp: reply.jsep.sdp, streams: data.streams ?? [] };
  }

  /**
   * Adds and drops streams. Resolves with Janus's new offer, or null when Janus postponed the
   * update (a negotiation is under way: the offer comes later as a 'subscription-offer' event)
   * or when nothing in the SDP changed.
   */
  async updateSubscription(changes: {
    subscribe?: SubscribeTarget[];
    unsubscribe?: UnsubscribeTarget[];
  }): Promise<SubscriptionOfferFromJanus | null> {
    const body: Record<string, unknown> = {};
    if (changes.subscribe?.length) body.subscribe = changes.subscribe;
    if (changes.unsubscribe?.length) {
      body.unsubscribe = changes.unsubscribe.map((target) =>
        'subMid' in target ? { sub_mid: target.subMid } : target,
      );
    }
    if (!body.subscribe && !body.unsubscribe) return null;
    const reply = await this.requestWithJsep('update', body);
    const data = parseData(reply, 'update');
    if (reply.jsep?.type === 'offer') return { sdp: reply.jsep.sdp, streams: data.streams ?? [] };
    return null;
  }

  /** Answers Janus's subscription offer (and starts media). */
  async start(answer: string): Promise<void> {
    await this.requestWithJsep('start', {}, { type: 'answer', sdp: answer });
  }

  /** Chooses the simulcast layers (or pauses) subscribed streams, by the subscription's mid. */
  async configureSubscriber(layers: StreamLayer[]): Promise<void> {
    await this.request('configure', {
      streams: layers.map((layer) => ({
        mid: layer.mid,
        ...(layer.substream !== undefined ? { substream: layer.substream } : {}),
        ...(layer.temporal !== undefined ? { temporal: layer.temporal } : {}),
        ...(layer.send !== undefined ? { send: layer.send } : {}),
      })),
    });
    for (const { mid, send } of layers) {
      if (send === false) this.pausedMids.add(mid);
      else if (send === true) this.pausedMids.delete(mid);
    }
  }

  /** Whether a subscription mid was configured not to be relayed (`send: false`) and still is. */
  isPaused(mid: string): boolean {
    return this.pausedMids.has(mid);
  }

  /** Asks for an ICE-restarting offer for this subscription. */
  async restartSubscriberIce(): Promise<SubscriptionOfferFromJanus | null> {
    const reply = await this.requestWithJsep('configure', { restart: true });
    const data = parseData(reply, 'configure');
    return reply.jsep?.type === 'offer'
      ? { sdp: reply.jsep.sdp, streams: data.streams ?? [] }
      : null;
  }

  // --- Either ----------------------------------------------------------------------------------

  /** Leaves the room (a publisher also stops publishing; a subscriber's subscription closes). */
  async leave(): Promise<void> {
    await this.request('leave', {});
  }

  trickle(candidate: TrickleCandidate | null): Promise<void> {
    return this.handle.trickle(candidate);
  }

  detach(): Promise<void> {
    return this.handle.detach();
  }

  /** The substream Janus relays on a subscription's `mid`, as it last said; undefined before. */
  substreamAt(mid: string): number | undefined {
    return this.substreams.get(mid);
  }

  // --- Internals -------------------------------------------------------------------------------

  private async request(request: string, body: Record<string, unknown>): Promise<VideoRoomData> {
    return parseData(await this.requestWithJsep(request, body), request);
  }

  private async requestWithJsep(
    request: string,
    body: Record<string, unknown>,
    jsep?: Jsep,
  ): Promise<PluginReply> {
    const reply = await this.handle.message({ request, ...body }, jsep);
    parseData(reply, request);
    return reply;
  }

  private onPluginEvent(reply: PluginReply): void {
    const parsed = v.safeParse(videoRoomDataSchema, reply.data);
    if (!parsed.success) return;
    const data = parsed.output;
    switch (data.videoroom) {
      case 'talking':
      case 'stopped-talking':
        if (data.id !== undefined) {
          this.emit('talking', { feed: data.id, talking: data.videoroom === 'talking' });
        }
        return;
      case 'destroyed':
        this.emit('room-destroyed');
        return;
      case 'attached':
      case 'updated':
        if (reply.jsep?.type === 'offer') {
          this.emit('subscription-offer', { sdp: reply.jsep.sdp, streams: data.streams ?? [] });
        }
        return;
      case 'event':
        if (data.mid !== undefined && data.substream !== undefined) {
          this.substreams.set(data.mid, data.substream);
          this.emit('substream-changed', { mid: data.mid, substream: data.substream });
        }
        if (data.joining) {
          this.emit('participant-joined', { id: data.joining.id, display: data.joining.display });
        }
        if (data.publishers?.length) this.emit('publishers-published', data.publishers);
        if (typeof data.unpublished === 'number') {
          this.emit('publisher-unpublished', data.unpublished);
        }
        if (typeof data.leaving === 'number') this.emit('publisher-left', data.leaving);
        if (data.kicked !== undefined) this.emit('publisher-left', data.kicked);
        if (data.leaving === 'ok' && data.reason === 'kicked') this.emit('kicked');
        return;
    }
  }
}

/** Validates a VideoRoom answer and turns its error_code into a JanusError. */
function parseData(reply: PluginReply, request: string): VideoRoomData {
  const parsed = v.safeParse(videoRoomDataSchema, reply.data);
  if (!parsed.success) {
    throw new JanusProtocolError(
      `VideoRoom answered "${request}" unexpectedly: ${v.summarize(parsed.issues)}`,
    );
  }
  const data = parsed.output;
  if (data.error_code !== undefined) {
    throw new JanusError(request, data.error_code, data.error ?? '');
  }
  return data;
}

function answerOf(reply: PluginReply, request: string): string {
  if (reply.jsep?.type !== 'answer') {
    throw new JanusProtocolError(`VideoRoom answered "${request}" without an SDP answer`);
  }
  return reply.jsep.sdp;
}
