/**
 * The SFU broker's bookkeeping as pure functions: how our rooms and peers map onto Janus's
 * numbers and strings, and what a subscription must gain or lose when publishers come and go.
 * No Janus and no sockets here, so all of it is unit-tested directly.
 */
import { createHash, createHmac } from 'node:crypto';
import { PEER_ID_PATTERN } from '../../signaling/protocol';
import type { Publisher, SubscriptionStream } from './janus-messages';
import type { SubscribeTarget } from './videoroom-handle';

/** What a published track carries; the browser names it per mid when it publishes. */
export const MEDIA_SOURCES = ['microphone', 'camera', 'screen', 'screen-audio'] as const;
export type MediaSource = (typeof MEDIA_SOURCES)[number];

export function isMediaSource(value: unknown): value is MediaSource {
  return typeof value === 'string' && (MEDIA_SOURCES as readonly string[]).includes(value);
}

/** One track a peer publishes: its mid in the publisher's PeerConnection, and what it is. */
export interface PublishedTrack {
  mid: string;
  source: MediaSource;
}

/** One track in a subscription: the subscriber's mid, whose it is, and what it is. */
export interface SubscribedTrack {
  mid: string;
  peerId: string;
  source: MediaSource;
  kind: 'audio' | 'video';
}

/** A publisher in a Janus room that is one of our peers. */
export interface Feed {
  feed: number;
  peerId: string;
  streams: { mid: string; kind: 'audio' | 'video'; source: MediaSource; simulcast: boolean }[];
}

/** Quality layers a subscriber can ask for, smallest first (Janus's substreams 0, 1, 2). */
export const SIMULCAST_LAYERS = ['low', 'medium', 'high'] as const;
export type SimulcastLayer = (typeof SIMULCAST_LAYERS)[number];

export function substreamOf(layer: SimulcastLayer): 0 | 1 | 2 {
  return layer === 'low' ? 0 : layer === 'medium' ? 1 : 2;
}

/**
 * The Janus room id for one of our room ids: the same in every signaling process, so any of them
 * can create the room and the others find it. 48 bits of SHA-256: a safe JavaScript integer, and
 * a collision between two live rooms is caught by the room secret (see roomCredentials).
 */
export function janusRoomIdFor(roomId: string): number {
  const digest = createHash('sha256').update(`meshcall-room:${roomId}`).digest();
  return digest.readUIntBE(0, 6) + 1;
}

/**
 * The secret (to edit or destroy) and PIN (to join) of the Janus room for `roomId`, derived from
 * a key every signaling process shares. Another holder of the API secret without our key cannot
 * destroy or join our rooms, and two of our rooms whose ids collide refuse each other's secret.
 */
export function roomCredentials(roomKey: string, roomId: string): { secret: string; pin: string } {
  const derive = (purpose: string) =>
    createHmac('sha256', roomKey).update(`${purpose}:${roomId}`).digest('base64url');
  return { secret: derive('secret'), pin: derive('pin') };
}

/**
 * Our view of a Janus publisher: its display name is our peer id, each stream's description
 * its source. Anything else (a participant we did not create, a stream without a known source, a
 * disabled or data stream) is left out.
 */
export function feedOf(publisher: Publisher): Feed | null {
  const peerId = publisher.display;
  if (publisher.dummy || peerId === undefined || !PEER_ID_PATTERN.test(peerId)) return null;
  const streams: Feed['streams'] = [];
  for (const stream of publisher.streams) {
    if (stream.disabled || stream.type === 'data' || !isMediaSource(stream.description)) continue;
    streams.push({
      mid: stream.mid,
      kind: stream.type,
      source: stream.description,
      simulcast: stream.simulcast,
    });
  }
  return { feed: publisher.id, peerId, streams };
}

/** Key of one publisher stream in a subscription. */
export function streamKey(feed: number, mid: string): string {
  return `${feed}/${mid}`;
}

/** Every stream a peer should receive: all others' published streams, none of its own. */
export function wantedStreams(feeds: Iterable<Feed>, peerId: string): Map<string, SubscribeTarget> {
  const wanted = new Map<string, SubscribeTarget>();
  for (const feed of feeds) {
    if (feed.peerId === peerId) continue;
    for (const stream of feed.streams) {
      wanted.set(streamKey(feed.feed, stream.mid), { feed: feed.feed, mid: stream.mid });
    }
  }
  return wanted;
}

/** What to ask Janus for so that a subscription holding `current` holds `wanted`. */
export function subscriptionChanges(
  wanted: ReadonlyMap<string, SubscribeTarget>,
  current: ReadonlyMap<string, SubscribeTarget>,
): { subscribe: SubscribeTarget[]; unsubscribe: SubscribeTarget[] } {
  const subscribe = [...wanted].filter(([key]) => !current.has(key)).map(([, target]) => target);
  const unsubscribe = [...current].filter(([key]) => !wanted.has(key)).map(([, target]) => target);
  return { subscribe, unsubscribe };
}

/** The streams a subscription holds, by key, as Janus lists them. */
export function subscribedStreams(
  streams: readonly SubscriptionStream[],
): Map<string, SubscribeTarget> {
  const held = new Map<string, SubscribeTarget>();
  for (const stream of streams) {
    if (!stream.active || stream.feed_id === undefined || stream.feed_mid === undefined) continue;
    held.set(streamKey(stream.feed_id, stream.feed_mid), {
      feed: stream.feed_id,
      mid: stream.feed_mid,
    });
  }
  return held;
}

/**
 * Which peer and source each mid of a subscription carries, so the browser can put each track
 * in the right tile. Inactive m-lines (a publisher that left) and data channels are left out.
 */
export function subscribedTracks(streams: readonly SubscriptionStream[]): SubscribedTrack[] {
  const tracks: SubscribedTrack[] = [];
  for (const stream of streams) {
    if (!stream.active || stream.type === 'data') continue;
    const peerId = stream.feed_display;
    const source = stream.feed_description;
    if (peerId === undefined || !PEER_ID_PATTERN.test(peerId) || !isMediaSource(source)) continue;
    tracks.push({
      mid: stream.mid,
      peerId,
      source,
      kind: stream.type,
      ...(stream.feed_id !== undefined ? { publication: stream.feed_id } : {}),
    });
  }
  return tracks;
}
