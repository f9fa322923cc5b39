import { describe, expect, it } from 'vitest';
import type { Publisher, SubscriptionStream } from './janus-messages';
import {
  feedOf,
  janusRoomIdFor,
  roomCredentials,
  subscribedStreams,
  subscribedTracks,
  subscriptionChanges,
  substreamOf,
  wantedStreams,
  type Feed,
} from './sfu-room-state';

const ALICE = 'alice0000000';
const BOB = 'bob000000000';

function publisher(
  id: number,
  display: string | undefined,
  streams: Publisher['streams'],
): Publisher {
  return { id, display, dummy: false, streams };
}

function stream(
  mid: string,
  type: 'audio' | 'video' | 'data',
  description?: string,
  extra: Partial<Publisher['streams'][number]> = {},
): Publisher['streams'][number] {
  return {
    mid,
    type,
    mindex: Number(mid),
    description,
    disabled: false,
    simulcast: false,
    ...extra,
  };
}

function subscription(
  mid: string,
  feed: number | undefined,
  feedMid: string | undefined,
  extra: Partial<SubscriptionStream> = {},
): SubscriptionStream {
  return {
    mid,
    mindex: Number(mid),
    type: 'video',
    active: true,
    feed_id: feed,
    feed_mid: feedMid,
    ...extra,
  };
}

describe('janusRoomIdFor', () => {
  it('gives every process the same safe integer for one room, and different ones for others', () => {
    const id = janusRoomIdFor('abcde-fghij-klmno');
    expect(janusRoomIdFor('abcde-fghij-klmno')).toBe(id);
    expect(Number.isSafeInteger(id)).toBe(true);
    expect(id).toBeGreaterThan(0);
    const ids = new Set(
      Array.from({ length: 1000 }, (_, index) => janusRoomIdFor(`room-${index}`)),
    );
    expect(ids.size).toBe(1000);
  });
});

describe('roomCredentials', () => {
  it('derives a secret and a PIN from the shared key, different per room and per key', () => {
    const one = roomCredentials('key', 'room-a');
    expect(roomCredentials('key', 'room-a')).toEqual(one);
    expect(one.secret).not.toBe(one.pin);
    expect(roomCredentials('key', 'room-b').secret).not.toBe(one.secret);
    expect(roomCredentials('other-key', 'room-a').secret).not.toBe(one.secret);
    expect(one.secret).not.toContain('key');
  });
});

describe('feedOf', () => {
  it('reads the peer id from the display name and the source from each stream description', () => {
    const feed = feedOf(
      publisher(7, ALICE, [
        stream('0', 'audio', 'microphone'),
        stream('1', 'video', 'camera', { simulcast: true }),
        stream('2', 'video', 'screen'),
      ]),
    );
    expect(feed).toEqual({
      feed: 7,
      peerId: ALICE,
      streams: [
        { mid: '0', kind: 'audio', source: 'microphone', simulcast: false },
        { mid: '1', kind: 'video', source: 'camera', simulcast: true },
        { mid: '2', kind: 'video', source: 'screen', simulcast: false },
      ],
    });
  });

  it('leaves out participants we did not create, and disabled, data or unnamed streams', () => {
    expect(feedOf(publisher(1, 'meshcall-watcher', []))).toBeNull();
    expect(feedOf(publisher(1, undefined, []))).toBeNull();
    expect(feedOf({ ...publisher(1, ALICE, []), dummy: true })).toBeNull();
    const feed = feedOf(
      publisher(3, ALICE, [
        stream('0', 'audio', 'microphone', { disabled: true }),
        stream('1', 'data'),
        stream('2', 'video', 'hologram'),
        stream('3', 'video'),
      ]),
    );
    expect(feed?.streams).toEqual([]);
  });
});

describe('subscriptions', () => {
  const feeds: Feed[] = [
    {
      feed: 1,
      peerId: ALICE,
      streams: [
        { mid: '0', kind: 'audio', source: 'microphone', simulcast: false },
        { mid: '1', kind: 'video', source: 'camera', simulcast: true },
      ],
    },
    {
      feed: 2,
      peerId: BOB,
      streams: [{ mid: '0', kind: 'audio', source: 'microphone', simulcast: false }],
    },
  ];

  it('wants every stream of everyone else, none of the peer’s own', () => {
    expect([...wantedStreams(feeds, BOB).values()]).toEqual([
      { feed: 1, mid: '0' },
      { feed: 1, mid: '1' },
    ]);
    expect([...wantedStreams(feeds, 'carol0000000').keys()]).toEqual(['1/0', '1/1', '2/0']);
  });

  it('asks for what is missing and drops what is no longer published', () => {
    const current = subscribedStreams([
      subscription('0', 1, '0'),
      subscription('1', 3, '1'),
      subscription('2', undefined, undefined, { active: false }),
    ]);
    expect(subscriptionChanges(wantedStreams(feeds, BOB), current)).toEqual({
      subscribe: [{ feed: 1, mid: '1' }],
      unsubscribe: [{ feed: 3, mid: '1' }],
    });
    const settled = subscribedStreams([subscription('0', 1, '0'), subscription('1', 1, '1')]);
    expect(subscriptionChanges(wantedStreams(feeds, BOB), settled)).toEqual({
      subscribe: [],
      unsubscribe: [],
    });
  });

  it('tells the browser whose track and which source each mid carries', () => {
    const tracks = subscribedTracks([
      subscription('0', 1, '0', {
        type: 'audio',
        feed_display: ALICE,
        feed_description: 'microphone',
      }),
      subscription('1', 1, '1', { feed_display: ALICE, feed_description: 'camera' }),
      subscription('2', 2, '1', { feed_display: BOB, feed_description: 'screen' }),
      // A publisher that left: its m-line stays, inactive, until the next renegotiation.
      subscription('3', undefined, undefined, { active: false }),
      subscription('4', 9, '0', { type: 'data', feed_display: BOB }),
      subscription('5', 9, '1', { feed_display: 'not a peer id', feed_description: 'camera' }),
    ]);
    expect(tracks).toEqual([
      { mid: '0', peerId: ALICE, source: 'microphone', kind: 'audio', publication: 1 },
      { mid: '1', peerId: ALICE, source: 'camera', kind: 'video', publication: 1 },
      { mid: '2', peerId: BOB, source: 'screen', kind: 'video', publication: 2 },
    ]);
  });

  it('maps layers to Janus substreams, smallest first', () => {
    expect([substreamOf('low'), substreamOf('medium'), substreamOf('high')]).toEqual([0, 1, 2]);
  });
});
