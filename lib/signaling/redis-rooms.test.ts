import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@redis/client';
import { startRedisServer, type RedisServer } from '../../tests/support/redis-server';
import { RedisRooms } from './redis-rooms';
import { RelayBatch } from './relay-batch';
import { describeRoomsContract } from './rooms-contract';
import { FIRST_EPOCH, RoomsUnavailableError, type AdoptedPeer, type BusEvents } from './rooms';

let redis: RedisServer;

/** Every key under `prefix`, read by a plain client that holds no lease of its own. */
async function keysUnder(prefix: string): Promise<string[]> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    return await client.keys(`${prefix}*`);
  } finally {
    client.destroy();
  }
}
/** One key's string value, read by a plain client. */
async function valueOf(key: string): Promise<string | null> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    return await client.get(key);
  } finally {
    client.destroy();
  }
}
let nextPrefix = 1;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

/** A process's rooms on the shared Redis, under a prefix of the test's own. */
function roomsOn(prefix: string, capacity = 3, leaseMs = 10_000) {
  return new RedisRooms({ url: redis.url, keyPrefix: prefix, capacity, leaseMs });
}

describeRoomsContract('Redis', async (capacity, heldLimits) => {
  const prefix = `contract${nextPrefix++}:`;
  const rooms = new RedisRooms({
    url: redis.url,
    keyPrefix: prefix,
    capacity,
    leaseMs: 10_000,
    heldLimits,
  });
  return {
    rooms,
    // Keys of rooms only: the process's own lease lives until it stops.
    leftovers: async () => (await rooms.keys()).filter((key) => key.includes('room:')).length,
    heldBytes: async () => Number((await valueOf(`${prefix}node:${rooms.nodeId}:held`)) ?? 0),
    dispose: () => rooms.stop(),
  };
});

const ROOM = '7k3mq-x9tbd-4rw8h';
const MEDIA = { audio: true, video: true, screen: null };

/** Events of one process, recorded. */
function listener() {
  const delivered: { peerId: string; frame: string }[] = [];
  const claimed: { roomId: string; peerId: string; epoch: number }[] = [];
  const adopted: AdoptedPeer[] = [];
  const availability: boolean[] = [];
  let reconnections = 0;
  const events: BusEvents = {
    deliver: (peerId, frame) => delivered.push({ peerId, frame: frame.toString() }),
    relayed: () => undefined,
    isLocal: () => false,
    claimedAway: (roomId, peerId, epoch) => claimed.push({ roomId, peerId, epoch }),
    adopted: (peers) => adopted.push(...peers),
    reconnected: () => reconnections++,
    holds: () => true,
    released: () => undefined,
    availability: (available) => availability.push(available),
    expelled: () => undefined,
    knockAnswered: () => undefined,
  };
  return { events, delivered, claimed, adopted, availability, reconnections: () => reconnections };
}

async function eventually(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RedisRooms across processes', () => {
  const started: RedisRooms[] = [];
  const start = async (prefix: string, options: { capacity?: number; leaseMs?: number } = {}) => {
    const rooms = roomsOn(prefix, options.capacity, options.leaseMs);
    const events = listener();
    await rooms.start(events.events);
    started.push(rooms);
    return { rooms, ...events };
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((rooms) => rooms.stop()));
  });
  /** Two processes whose lease timers stay quiet: the reaper's script call would send a waiting
   * batch early, as any script does. */
  const startQuietPair = async (prefix: string) => {
    const one = await start(prefix, { leaseMs: 600_000 });
    const two = await start(prefix, { leaseMs: 600_000 });
    return { one, two };
  };
  /** A quiet pair with peer A on process one and B on two, and what is published to process one
   * (one publication per batch), as a client of our own receives it. */
  const startListenedPair = async (prefix: string) => {
    const pair = await startQuietPair(prefix);
    await pair.one.rooms.join(ROOM, 'peer-a', { name: 'A', media: MEDIA });
    await pair.two.rooms.join(ROOM, 'peer-b', { name: 'B', media: MEDIA });
    const listening = createClient({ url: redis.url });
    await listening.connect();
    const published: Buffer[] = [];
    const channel = `${prefix}node:${pair.one.rooms.nodeId}`;
    await listening.subscribe(channel, (message) => published.push(message), true);
    return { ...pair, published, stopListening: () => listening.destroy() };
  };
  /** Redis holds every script call for 300 ms (all clients), so a batch's answer comes late. */
  const holdScriptCalls = async () => {
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      await client.sendCommand(['CLIENT', 'PAUSE', '300', 'WRITE']);
    } finally {
      client.destroy();
    }
  };

  it('relays in order from one process to a peer on another, and hands the claim over', async () => {
    const prefix = `cross${nextPrefix++}:`;
    const one = await start(prefix);
    const two = await start(prefix);
    await one.rooms.join(ROOM, 'peer-a', { name: 'A', media: MEDIA });
    await two.rooms.join(ROOM, 'peer-b', { name: 'B', media: MEDIA });
    // Frames with characters of two, three and four bytes: they are cut by their length in bytes.
    const frameNumber = (i: number) => `{"name":"Zoë ☎ 📞","n":${i}}`;
    const sends = Array.from({ length: 200 }, (_, i) =>
      two.rooms.deliver(ROOM, 'peer-a', {
        frame: frameNumber(i),
        kind: 'candidate',
        subject: 'peer-b',
        bytes: 70,
      }),
    );
    expect(new Set(await Promise.all(sends))).toEqual(new Set(['sent']));
    await eventually(() => one.delivered.length === 200, '200 frames on process one');
    expect(one.delivered.map((item) => item.frame)).toEqual(
      Array.from({ length: 200 }, (_, i) => frameNumber(i)),
    );
    expect(two.delivered).toEqual([]);

    // Peer A resumes on process two: process one is told, and frames follow A there.
    const claim = await two.rooms.claim(ROOM, 'peer-a');
    expect(claim?.epoch).toBe(FIRST_EPOCH + 1);
    await eventually(() => one.claimed.length === 1, 'the claim notice');
    expect(one.claimed).toEqual([{ roomId: ROOM, peerId: 'peer-a', epoch: FIRST_EPOCH }]);
    await one.rooms.deliver(ROOM, 'peer-a', {
      frame: 'after',
      kind: 'other',
      subject: '',
      bytes: 64,
    });
    await eventually(() => two.delivered.some((item) => item.frame === 'after'), 'a frame on two');
  });

  it('sends the relays made while a batch awaits its answer as one batch, in order', async () => {
    const { one, two, published, stopListening } = await startListenedPair(`group${nextPrefix++}:`);
    try {
      await holdScriptCalls();
      const frame = (i: number) => `{"n":${i}}`;
      const send = (i: number) =>
        two.rooms.deliver(ROOM, 'peer-a', {
          frame: frame(i),
          kind: 'other',
          subject: '',
          bytes: 64,
        });
      const sends = [send(0)];
      // Five more turns of the event loop, each with a relay of its own.
      for (let i = 1; i <= 5; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        sends.push(send(i));
      }
      expect(new Set(await Promise.all(sends))).toEqual(new Set(['sent']));
      await eventually(() => one.delivered.length === 6, '6 frames on process one');
      expect(one.delivered.map((item) => item.frame)).toEqual([0, 1, 2, 3, 4, 5].map(frame));
      expect(published).toHaveLength(2);
    } finally {
      stopListening();
    }
  });

  it('sends a waiting batch before a later claim, so the claim hands its relay over', async () => {
    const prefix = `order${nextPrefix++}:`;
    const { one, two } = await startQuietPair(prefix);
    await one.rooms.join(ROOM, 'peer-a', { name: 'A', media: MEDIA });
    await one.rooms.join(ROOM, 'peer-c', { name: 'C', media: MEDIA });
    await two.rooms.join(ROOM, 'peer-b', { name: 'B', media: MEDIA });
    expect(await one.rooms.detach(ROOM, 'peer-c', FIRST_EPOCH, Date.now() + 10_000)).toBe(true);
    // The first relay's answer is late, so the second waits in the next batch.
    await holdScriptCalls();
    const candidate = (frame: string) => ({
      frame,
      kind: 'candidate' as const,
      subject: 'peer-b',
      bytes: 64,
    });
    two.rooms.relay(ROOM, 'peer-a', candidate('to a'));
    await new Promise((resolve) => setImmediate(resolve));
    two.rooms.relay(ROOM, 'peer-c', candidate('to c'));
    // Peer C resumes on process two: its claim must not overtake the relay made before it.
    const claim = await two.rooms.claim(ROOM, 'peer-c');
    expect(claim?.held).toEqual(['to c']);
    await eventually(() => one.delivered.length === 1, 'the frame for A');
  });

  it('splits relays made in one turn among processes, in order, holding for the away and not for strangers', async () => {
    const prefix = `split${nextPrefix++}:`;
    const one = await start(prefix, { capacity: 4 });
    const two = await start(prefix, { capacity: 4 });
    const three = await start(prefix, { capacity: 4 });
    await one.rooms.join(ROOM, 'peer-a', { name: 'A', media: MEDIA });
    await one.rooms.join(ROOM, 'peer-d', { name: 'D', media: MEDIA });
    await two.rooms.join(ROOM, 'peer-b', { name: 'B', media: MEDIA });
    await three.rooms.join(ROOM, 'peer-c', { name: 'C', media: MEDIA });
    expect(await one.rooms.detach(ROOM, 'peer-d', FIRST_EPOCH, Date.now() + 10_000)).toBe(true);
    const relays: [to: string, frame: string][] = [
      ['peer-a', 'a0'],
      ['peer-c', 'c0'],
      ['peer-a', 'a1'],
      ['peer-a', 'a2'],
      ['peer-d', 'd0'],
      ['peer-c', 'c1'],
      ['peer-x', 'x0'],
      ['peer-a', 'a3'],
    ];
    // All in one turn of the event loop: one batch, one script call.
    const outcomes = await Promise.all(
      relays.map(([to, frame]) =>
        two.rooms.deliver(ROOM, to, { frame, kind: 'other', subject: 'peer-b', bytes: 2 }),
      ),
    );
    expect(outcomes).toEqual(['sent', 'sent', 'sent', 'sent', 'held', 'sent', 'unknown', 'sent']);
    await eventually(() => one.delivered.length === 4 && three.delivered.length === 2, 'frames');
    expect(one.delivered).toEqual(
      ['a0', 'a1', 'a2', 'a3'].map((frame) => ({ peerId: 'peer-a', frame })),
    );
    expect(three.delivered).toEqual(['c0', 'c1'].map((frame) => ({ peerId: 'peer-c', frame })));
    expect((await one.rooms.claim(ROOM, 'peer-d'))?.held).toEqual(['d0']);
  });

  it('publishes one batch to two processes when every relay in it is sent', async () => {
    const prefix = `two${nextPrefix++}:`;
    const one = await start(prefix);
    const two = await start(prefix);
    const three = await start(prefix);
    await one.rooms.join(ROOM, 'peer-a', { name: 'A', media: MEDIA });
    await two.rooms.join(ROOM, 'peer-b', { name: 'B', media: MEDIA });
    await three.rooms.join(ROOM, 'peer-c', { name: 'C', media: MEDIA });
    const relays = ['peer-a', 'peer-c', 'peer-a'].map((to, n) =>
      two.rooms.deliver(ROOM, to, { frame: `${n}`, kind: 'other', subject: 'peer-b', bytes: 1 }),
    );
    expect(await Promise.all(relays)).toEqual(['sent', 'sent', 'sent']);
    await eventually(() => one.delivered.length === 2 && three.delivered.length === 1, 'frames');
    expect(one.delivered).toEqual(['0', '2'].map((frame) => ({ peerId: 'peer-a', frame })));
    expect(three.delivered).toEqual([{ peerId: 'peer-c', frame: '1' }]);
  });

  it('publishes a batch all sent to one current process as it was written', async () => {
    const { two, published, stopListening } = await startListenedPair(`whole${nextPrefix++}:`);
    try {
      const envelopes = ['{"n":1}', '{"n":2}'].map((frame) => ({
        frame,
        kind: 'candidate' as const,
        subject: 'peer-b',
        bytes: 7,
      }));
      const sends = envelopes.map((envelope) => two.rooms.deliver(ROOM, 'peer-a', envelope));
      expect(await Promise.all(sends)).toEqual(['sent', 'sent']);
      await eventually(() => published.length === 1, 'the publication');
      const written = new RelayBatch();
      for (const envelope of envelopes) written.add(ROOM, 'peer-a', envelope);
      expect(published[0]!.equals(written.bytes())).toBe(true);
    } finally {
      stopListening();
    }
  });

  it('relays to and from a process of the earlier release, during a rolling deploy', async () => {
    const prefix = `mixed${nextPrefix++}:`;
    const current = await start(prefix, { capacity: 4 });
    const alsoCurrent = await start(prefix, { capacity: 4 });
    // An earlier release's process: its lease holds only a time, and it reads "<peer>\n<frame>".
    const earlier = await start(prefix, { capacity: 4, leaseMs: 600_000 });
    const client = createClient({ url: redis.url });
    await client.connect();
    const published: string[] = [];
    const listening = client.duplicate();
    await listening.connect();
    try {
      await client.set(`${prefix}node:${earlier.rooms.nodeId}`, String(Date.now() + 600_000), {
        PX: 600_000,
      });
      await listening.subscribe(`${prefix}node:${earlier.rooms.nodeId}`, (message) =>
        published.push(message),
      );
      await earlier.rooms.join(ROOM, 'peer-old', { name: 'Old', media: MEDIA });
      await current.rooms.join(ROOM, 'peer-new', { name: 'New', media: MEDIA });
      await alsoCurrent.rooms.join(ROOM, 'peer-c', { name: 'C', media: MEDIA });
      // One batch for both: two separate runs of relays to the earlier process.
      const relays: [to: string, frame: string][] = [
        ['peer-old', '{"n":1}'],
        ['peer-old', '{"n":2}'],
        ['peer-c', '{"n":3}'],
        ['peer-old', '{"n":4}'],
      ];
      const sends = relays.map(([to, frame]) =>
        current.rooms.deliver(ROOM, to, { frame, kind: 'other', subject: 'peer-new', bytes: 7 }),
      );
      expect(await Promise.all(sends)).toEqual(['sent', 'sent', 'sent', 'sent']);
      await eventually(() => published.length === 1, 'the publication to the earlier process');
      expect(published).toEqual(['peer-old\n{"n":1}\npeer-old\n{"n":2}\npeer-old\n{"n":4}']);
      await eventually(() => alsoCurrent.delivered.length === 1, 'the frame for C');
      expect(alsoCurrent.delivered).toEqual([{ peerId: 'peer-c', frame: '{"n":3}' }]);
      // What an earlier process's script publishes reaches a current one's peers.
      await client.publish(`${prefix}node:${current.rooms.nodeId}`, `peer-new\n{"from":"old"}`);
      await eventually(() => current.delivered.length === 1, 'the frame from the earlier process');
      expect(current.delivered).toEqual([{ peerId: 'peer-new', frame: '{"from":"old"}' }]);
    } finally {
      listening.destroy();
      client.destroy();
    }
  });

  it('lets exactly one of two processes take the last seat, every time', async () => {
    const prefix = `race${nextPrefix++}:`;
    const one = await start(prefix, { capacity: 2 });
    const two = await start(prefix, { capacity: 2 });
    for (let round = 0; round < 100; round++) {
      const room = `race${String(round).padStart(3, '0')}-xxxxx-xxxxx`.slice(0, 17);
      await one.rooms.join(room, `first-${round}`, { name: 'F', media: MEDIA });
      const [a, b] = await Promise.all([
        one.rooms.join(room, `one-${round}`, { name: 'One', media: MEDIA }),
        two.rooms.join(room, `two-${round}`, { name: 'Two', media: MEDIA }),
      ]);
      expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
      expect(await one.rooms.members(room)).toHaveLength(2);
    }
  });

  it('adopts the peers of a process whose lease ran out, as away, and leaves no key behind', async () => {
    const prefix = `lease${nextPrefix++}:`;
    const survivor = await start(prefix, { leaseMs: 400 });
    const doomed = roomsOn(prefix, 3, 400);
    await doomed.start(listener().events);
    await doomed.join(ROOM, 'peer-d', { name: 'D', media: MEDIA });
    await survivor.rooms.join(ROOM, 'peer-s', { name: 'S', media: MEDIA });
    // Dies without a word: no more renewals (its connections close, as a killed process's do).
    await (doomed as unknown as { client: { destroy(): void } }).client.destroy();
    await (doomed as unknown as { subscriber: { destroy(): void } }).subscriber.destroy();

    await eventually(() => survivor.adopted.length === 1, 'the adoption');
    const [adopted] = survivor.adopted;
    expect(adopted).toMatchObject({ roomId: ROOM, peerId: 'peer-d', epoch: FIRST_EPOCH + 1 });
    // Away now: what is sent to it is held for its resume.
    expect(
      await survivor.rooms.deliver(ROOM, 'peer-d', {
        frame: 'x',
        kind: 'other',
        subject: '',
        bytes: 64,
      }),
    ).toBe('held');
    await survivor.rooms.leave(ROOM, 'peer-d', FIRST_EPOCH + 1);
    await survivor.rooms.leave(ROOM, 'peer-s', FIRST_EPOCH);
    await survivor.rooms.stop();
    started.length = 0;
    expect(await keysUnder(prefix)).toEqual([]);
  }, 20_000);
});

describe('RedisRooms when Redis restarts', () => {
  it('fails fast while Redis is down, then reconnects, resubscribes and gets its peers back', async () => {
    const prefix = `restart${nextPrefix++}:`;
    const one = new RedisRooms({ url: redis.url, keyPrefix: prefix, capacity: 3, leaseMs: 2_000 });
    const two = new RedisRooms({ url: redis.url, keyPrefix: prefix, capacity: 3, leaseMs: 2_000 });
    const oneEvents = listener();
    const twoEvents = listener();
    await one.start(oneEvents.events);
    await two.start(twoEvents.events);
    try {
      const joined = await one.join(ROOM, 'peer-a', { name: 'A', media: MEDIA });
      if (!joined.ok) throw new Error('not joined');

      await redis.kill();
      await eventually(() => !one.status().available, 'one to see Redis gone');
      const started = Date.now();
      await expect(one.join(ROOM, 'peer-x', { name: 'X', media: MEDIA })).rejects.toThrow(
        RoomsUnavailableError,
      );
      expect(Date.now() - started).toBeLessThan(100);

      await redis.start();
      await eventually(() => oneEvents.reconnections() === 1, 'one to reconnect');
      await eventually(() => twoEvents.reconnections() === 1, 'two to reconnect');
      expect(one.status()).toMatchObject({ available: true, outages: 1 });
      // Redis came back empty: process one writes back what it holds.
      expect(await two.members(ROOM)).toEqual([]);
      expect(
        await one.reassert([
          { roomId: ROOM, member: joined.member, epoch: FIRST_EPOCH, tokenHash: 'h', awayUntil: 0 },
        ]),
      ).toEqual([]);
      expect(await two.members(ROOM)).toEqual([joined.member]);
      const later = await two.join(ROOM, 'peer-b', { name: 'B', media: MEDIA });
      expect(later.ok && later.member.joinOrder).toBeGreaterThan(joined.member.joinOrder);
      // The subscription is back: a frame from two reaches peer A on one.
      await eventually(async () => {
        await two.deliver(ROOM, 'peer-a', { frame: 'ping', kind: 'other', subject: '', bytes: 64 });
        return oneEvents.delivered.length > 0;
      }, 'a frame through the restored subscription');
      expect(await one.redeem(ROOM, 'h')).toBe('peer-a');
    } finally {
      await one.stop();
      await two.stop();
    }
  }, 30_000);
});
