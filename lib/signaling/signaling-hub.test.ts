import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES, type ClientMessage, type ServerMessage } from './protocol';
import { InMemoryRooms } from './in-memory-rooms';
import type { Envelope } from './held-messages';
import { DEFAULT_HELD_LIMITS, type HeldLimits } from './held-messages';
import { SignalingHub, type HubEvent } from './signaling-hub';

const ROOM = '7k3mq-x9tbd-4rw8h';
const OTHER_ROOM = 'zzzzz-zzzzz-zzzzz';
const MEDIA = { audio: true, video: true, screen: null };
const GRACE_MS = 15_000;

type Joined = Extract<ServerMessage, { type: 'joined' }>;

const ICE = {
  iceServers: [{ urls: 'stun:stun.example.org' }],
  iceTransportPolicy: 'all' as const,
};

async function setup(
  capacity = 6,
  options: {
    heldLimits?: Partial<HeldLimits>;
    checkAllowed?: () => boolean;
    keepControls?: boolean;
    addressOf?: (connectionId: string) => string;
    rooms?: InMemoryRooms;
  } = {},
) {
  const sent = new Map<string, ServerMessage[]>();
  const closed: { connectionId: string; code: number }[] = [];
  const events: HubEvent[] = [];
  const iceRequests: { peerId: string | null; connectionId: string }[] = [];
  const hub = new SignalingHub({
    addressOf: options.addressOf,
    observe: (event) => events.push(event),
    rooms:
      options.rooms ??
      new InMemoryRooms(capacity, { ...DEFAULT_HELD_LIMITS, ...options.heldLimits }),
    resumeGraceMs: GRACE_MS,
    // Date is faked along with the timers, so the presence budget refills as they advance.
    now: () => Date.now(),
    iceConfiguration: (peerId, connectionId) => {
      iceRequests.push({ peerId, connectionId });
      return ICE;
    },
    checkIceConfiguration: (connectionId) => {
      iceRequests.push({ peerId: null, connectionId });
      return (options.checkAllowed?.() ?? true) ? ICE : null;
    },
    transport: {
      send: (connectionId, frame) => {
        const message = JSON.parse(frame.toString()) as ServerMessage;
        // The room's host controls follow every join; host-controls.test.ts and the hub's
        // host-controls tests check them.
        if (message.type === 'room-controls' && !options.keepControls) return;
        sent.set(connectionId, [...(sent.get(connectionId) ?? []), message]);
      },
      close: (connectionId, code) => closed.push({ connectionId, code }),
    },
  });
  const inbox = (connectionId: string) => sent.get(connectionId) ?? [];
  const take = (connectionId: string) => {
    const messages = inbox(connectionId);
    sent.set(connectionId, []);
    return messages;
  };
  await hub.start();
  /** Lets the rooms' promises settle, as the socket layer waits before the next message. */
  const settle = async (result?: Promise<void> | void) => {
    await result;
    await vi.advanceTimersByTimeAsync(0);
  };
  const rx = (connectionId: string, message: ClientMessage) =>
    settle(hub.receive(connectionId, message));
  const dc = (connectionId: string, options: { resumable: boolean; graceMs?: number }) =>
    settle(hub.disconnect(connectionId, options));
  const join = async (
    connectionId: string,
    name = connectionId,
    roomId = ROOM,
    resumeToken?: string,
  ): Promise<Joined> => {
    hub.connect(connectionId);
    await rx(connectionId, { type: 'join', roomId, name, media: MEDIA, resumeToken });
    const [joined, ...rest] = take(connectionId);
    if (joined?.type !== 'joined') throw new Error(`${connectionId} did not join`);
    sent.set(connectionId, rest);
    return joined;
  };
  return { hub, take, inbox, join, closed, events, rx, dc, iceRequests };
}

/** Rooms whose relays wait until `flush`, as relays to another process wait for Redis. */
class LateRelays extends InMemoryRooms {
  private readonly waiting: (() => void)[] = [];
  override relay(roomId: string, to: string, envelope: Envelope): void {
    this.waiting.push(() => super.relay(roomId, to, envelope));
  }
  flush(): void {
    for (const relay of this.waiting.splice(0)) relay();
  }
}

describe('SignalingHub', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('assigns peer ids and tells a newcomer who is there, and everyone about the newcomer', async () => {
    const { join, take } = await setup();
    const alice = await join('c1', 'Alice');
    expect(alice.peers).toEqual([]);
    expect(alice.peerId).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(alice.iceServers).toEqual([{ urls: 'stun:stun.example.org' }]);

    const bob = await join('c2', 'Bob');
    expect(bob.peerId).not.toBe(alice.peerId);
    expect(bob.peers).toEqual([
      { peerId: alice.peerId, name: 'Alice', media: MEDIA, polite: true },
    ]);
    expect(take('c1')).toEqual([
      {
        type: 'peer-joined',
        peer: { peerId: bob.peerId, name: 'Bob', media: MEDIA, polite: false },
      },
    ]);
  });

  it('makes exactly one side of every pair polite: the later joiner', async () => {
    const { join, take } = await setup();
    const joins: Joined[] = [];
    for (const id of ['c1', 'c2', 'c3']) joins.push(await join(id));
    const third = joins[2]!;
    expect(third.peers.every((peer) => peer.polite)).toBe(true);
    for (const id of ['c1', 'c2']) {
      const announcement = take(id).find(
        (m) => m.type === 'peer-joined' && m.peer.peerId === third.peerId,
      );
      expect(announcement).toMatchObject({ peer: { polite: false } });
    }
  });

  it('relays descriptions and candidates only to the named peer, marked with the sender', async () => {
    const { hub, join, take, rx } = await setup();
    const alice = await join('c1');
    const bob = await join('c2');
    await join('c3');
    take('c1');
    take('c2');
    take('c3');

    await rx('c2', {
      type: 'description',
      to: alice.peerId,
      description: { type: 'offer', sdp: 'v=0' },
    });
    await rx('c2', { type: 'candidate', to: alice.peerId, candidate: null });
    expect(take('c1')).toEqual([
      { type: 'description', from: bob.peerId, description: { type: 'offer', sdp: 'v=0' } },
      { type: 'candidate', from: bob.peerId, candidate: null },
    ]);
    expect(take('c3')).toEqual([]);
    expect(hub.counters.relayed).toBe(2);
  });

  it('relays the connection epoch as it came, and adds none where there was none', async () => {
    const { join, take, rx } = await setup();
    const alice = await join('c1');
    const bob = await join('c2');
    take('c1');
    await rx('c2', {
      type: 'description',
      to: alice.peerId,
      epoch: 3,
      description: { type: 'offer', sdp: 'v=0' },
    });
    await rx('c2', { type: 'candidate', to: alice.peerId, epoch: 3, candidate: null });
    expect(take('c1')).toStrictEqual([
      {
        type: 'description',
        from: bob.peerId,
        epoch: 3,
        description: { type: 'offer', sdp: 'v=0' },
      },
      { type: 'candidate', from: bob.peerId, epoch: 3, candidate: null },
    ]);
    await rx('c2', { type: 'candidate', to: alice.peerId, candidate: null });
    expect(take('c1')).toStrictEqual([{ type: 'candidate', from: bob.peerId, candidate: null }]);
  });

  it('refuses to relay to a peer in another room, to an unknown id, or to oneself', async () => {
    const { join, take, rx } = await setup();
    const alice = await join('c1');
    const stranger = await join('c9', 'Eve', OTHER_ROOM);
    take('c1');

    for (const to of [stranger.peerId, 'AAAAAAAAAAAA', alice.peerId]) {
      await rx('c1', { type: 'description', to, description: { type: 'offer', sdp: 'v=0' } });
      expect(take('c1')).toEqual([
        expect.objectContaining({ type: 'error', code: 'unknown-peer' }),
      ]);
    }
    expect(take('c9')).toEqual([]);
  });

  it('refuses signals before joining, and a second join', async () => {
    const { hub, join, take, rx } = await setup();
    hub.connect('c1');
    await rx('c1', { type: 'candidate', to: 'AAAAAAAAAAAA', candidate: null });
    expect(take('c1')).toEqual([expect.objectContaining({ type: 'error', code: 'not-joined' })]);
    await join('c2');
    await rx('c2', { type: 'join', roomId: ROOM, name: 'again', media: MEDIA });
    expect(take('c2')).toEqual([
      expect.objectContaining({ type: 'error', code: 'already-joined' }),
    ]);
  });

  it('tells a newcomer to a full room that it is full, and lets it in once there is space', async () => {
    const { hub, join, take, rx } = await setup(2);
    await join('c1');
    await join('c2');
    hub.connect('c3');
    await rx('c3', { type: 'join', roomId: ROOM, name: 'Late', media: MEDIA });
    const [refusal] = take('c3');
    expect(refusal).toMatchObject({ type: 'error', code: 'room-full' });
    expect(refusal?.type === 'error' && refusal.message).toMatch(/full/);

    await rx('c1', { type: 'leave' });
    await rx('c3', { type: 'join', roomId: ROOM, name: 'Late', media: MEDIA });
    expect(take('c3')[0]).toMatchObject({ type: 'joined' });
  });

  it('announces a peer that leaves, and forgets the empty room', async () => {
    const { hub, join, take, rx } = await setup();
    const alice = await join('c1');
    await join('c2');
    take('c2');
    await rx('c1', { type: 'leave' });
    expect(take('c2')).toEqual([{ type: 'peer-left', peerId: alice.peerId, reason: 'left' }]);
    await rx('c2', { type: 'leave' });
    expect(hub.counts()).toMatchObject({ rooms: 0, peers: 0 });
  });

  it('announces at once a peer whose page closed on purpose', async () => {
    const { join, take, dc } = await setup();
    const alice = await join('c1');
    await join('c2');
    take('c2');
    await dc('c1', { resumable: false });
    expect(take('c2')).toEqual([
      { type: 'peer-left', peerId: alice.peerId, reason: 'disconnected' },
    ]);
  });

  it('holds the slot of a peer whose socket dropped, and announces it only after the grace period', async () => {
    const { hub, join, take, dc } = await setup();
    const alice = await join('c1');
    await join('c2');
    take('c2');
    await dc('c1', { resumable: true });
    await vi.advanceTimersByTimeAsync(GRACE_MS - 1);
    expect(take('c2')).toEqual([]);
    expect(hub.counts()).toMatchObject({ peers: 2, awaitingResume: 1 });
    await vi.advanceTimersByTimeAsync(1);
    expect(take('c2')).toEqual([
      { type: 'peer-left', peerId: alice.peerId, reason: 'disconnected' },
    ]);
    expect(hub.counts()).toMatchObject({ peers: 1, awaitingResume: 0 });
  });

  it('holds the slot of a page that is unloading only for the shorter grace it is given', async () => {
    const { join, take, dc } = await setup();
    const alice = await join('c1');
    await join('c2');
    take('c2');
    await dc('c1', { resumable: true, graceMs: 3_000 });
    await vi.advanceTimersByTimeAsync(2_999);
    expect(take('c2')).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(take('c2')).toEqual([
      { type: 'peer-left', peerId: alice.peerId, reason: 'disconnected' },
    ]);
  });

  it('never holds a slot longer than the resume grace, whatever grace is asked for', async () => {
    const { join, take, dc } = await setup();
    await join('c1');
    await join('c2');
    take('c2');
    await dc('c1', { resumable: true, graceMs: GRACE_MS * 10 });
    await vi.advanceTimersByTimeAsync(GRACE_MS);
    expect(take('c2')).toHaveLength(1);
  });

  it('lets a dropped peer resume its id, delivering what was sent to it meanwhile', async () => {
    const { join, take, rx, dc } = await setup();
    const alice = await join('c1', 'Alice');
    const bob = await join('c2', 'Bob');
    take('c1');
    await dc('c1', { resumable: true });
    await rx('c2', {
      type: 'description',
      to: alice.peerId,
      description: { type: 'offer', sdp: 'restart' },
    });

    const resumed = await join('c1b', 'Alice', ROOM, alice.resumeToken);
    expect(resumed).toMatchObject({ peerId: alice.peerId, resumed: true });
    expect(resumed.peers).toEqual([
      { peerId: bob.peerId, name: 'Bob', media: MEDIA, polite: false },
    ]);
    expect(resumed.resumeToken).not.toBe(alice.resumeToken);
    expect(take('c1b')).toEqual([
      { type: 'description', from: bob.peerId, description: { type: 'offer', sdp: 'restart' } },
    ]);
    await vi.advanceTimersByTimeAsync(GRACE_MS * 2);
    expect(take('c2')).toEqual([]);
  });

  it('hands a returning peer only the latest offer from each sender, with its candidates', async () => {
    const { join, take, rx, dc } = await setup();
    const alice = await join('c1', 'Alice');
    const bob = await join('c2', 'Bob');
    const carol = await join('c3', 'Carol');
    take('c1');
    await dc('c1', { resumable: true });
    const offer = (sdp: string) => ({ type: 'offer' as const, sdp });
    await rx('c2', { type: 'description', to: alice.peerId, description: offer('bob-1') });
    await rx('c2', { type: 'candidate', to: alice.peerId, candidate: null });
    await rx('c3', { type: 'description', to: alice.peerId, description: offer('carol-1') });
    await rx('c2', { type: 'description', to: alice.peerId, description: offer('bob-2') });
    await rx('c2', { type: 'candidate', to: alice.peerId, candidate: null });

    await join('c1b', 'Alice', ROOM, alice.resumeToken);
    expect(take('c1b')).toEqual([
      { type: 'description', from: carol.peerId, description: offer('carol-1') },
      { type: 'description', from: bob.peerId, description: offer('bob-2') },
      { type: 'candidate', from: bob.peerId, candidate: null },
    ]);
  });

  it('gives a fresh id for a spent, unknown or other-room resume token', async () => {
    const { join, dc } = await setup();
    const alice = await join('c1');
    await dc('c1', { resumable: true });
    await join('c2', 'Alice', ROOM, alice.resumeToken);
    await dc('c2', { resumable: true });
    expect((await join('c3', 'Alice', ROOM, alice.resumeToken)).resumed).toBe(false);
    expect((await join('c4', 'X', ROOM, 'b'.repeat(32))).resumed).toBe(false);
  });

  it('closes a half-open socket when its peer resumes on a new one', async () => {
    const { hub, join, closed, take, rx, dc } = await setup();
    const alice = await join('c1');
    await join('c2', 'Alice', ROOM, alice.resumeToken);
    expect(closed).toEqual([{ connectionId: 'c1', code: 4000 }]);
    await rx('c1', { type: 'ping' });
    expect(take('c1')).toEqual([{ type: 'pong' }]);
    await dc('c1', { resumable: true });
    expect(hub.counts()).toMatchObject({ peers: 1, awaitingResume: 0 });
  });

  it('gives up on a dropped peer whose held messages pass its byte cap, and says why', async () => {
    const { hub, join, take, rx, dc, events } = await setup(6, {
      heldLimits: { maxBytesPerPeer: 64 * 1024 },
    });
    const alice = await join('c1');
    await join('c2');
    take('c2');
    await dc('c1', { resumable: true });
    const candidate = { candidate: 'x'.repeat(1000), sdpMid: '0', sdpMLineIndex: 0 };
    for (let i = 0; i < 100; i++)
      await rx('c2', { type: 'candidate', to: alice.peerId, candidate });
    expect(take('c2')).toContainEqual({
      type: 'peer-left',
      peerId: alice.peerId,
      reason: 'disconnected',
    });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'held-overflow', peerId: alice.peerId, limit: 'peer-limit' }),
    );
    expect(hub.counts()).toMatchObject({ awaitingResume: 0, heldBytes: 0 });
  });

  it('shares one byte budget among all away peers', async () => {
    const { hub, join, take, rx, dc, events } = await setup(6, {
      heldLimits: { maxBytesPerProcess: 100 * 1024 },
    });
    const alice = await join('c1');
    const bob = await join('c2');
    await join('c3');
    take('c3');
    await dc('c1', { resumable: true });
    await dc('c2', { resumable: true });
    const answer = { type: 'answer' as const, sdp: 'x'.repeat(40 * 1024) };
    await rx('c3', { type: 'description', to: alice.peerId, description: answer });
    expect(hub.counts().heldBytes).toBeGreaterThan(40 * 1024);
    await rx('c3', { type: 'description', to: bob.peerId, description: answer });
    // Each keeps only the latest answer from c3, so resending costs nothing more...
    await rx('c3', { type: 'description', to: alice.peerId, description: answer });
    expect(hub.counts().awaitingResume).toBe(2);
    // ...but a third peer's worth does not fit: the peer it was for is treated as gone.
    const candidate = { candidate: 'x'.repeat(1000), sdpMid: '0', sdpMLineIndex: 0 };
    for (let i = 0; i < 30; i++) await rx('c3', { type: 'candidate', to: bob.peerId, candidate });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'held-overflow',
        peerId: bob.peerId,
        limit: 'process-limit',
      }),
    );
    expect(hub.counts().awaitingResume).toBe(1);
  });

  it('shares media state changes with the rest of the room and with later joiners', async () => {
    const { join, take, rx } = await setup();
    const alice = await join('c1');
    await join('c2');
    take('c1');
    take('c2');
    const muted = { audio: false, video: true, screen: null };
    await rx('c1', { type: 'media', media: muted });
    expect(take('c2')).toEqual([{ type: 'peer-updated', peerId: alice.peerId, media: muted }]);
    expect(take('c1')).toEqual([]);
    expect((await join('c3')).peers.find((peer) => peer.peerId === alice.peerId)?.media).toEqual(
      muted,
    );
  });

  it('hands out ICE servers to a self-test without joining, unless refused', async () => {
    let allowed = true;
    const { hub, take, rx, iceRequests } = await setup(6, { checkAllowed: () => allowed });
    hub.connect('c1');
    await rx('c1', { type: 'get-ice-servers' });
    expect(take('c1')).toEqual([{ type: 'ice-servers', ...ICE }]);
    expect(iceRequests).toEqual([{ peerId: null, connectionId: 'c1' }]);
    allowed = false;
    await rx('c1', { type: 'get-ice-servers' });
    expect(take('c1')).toEqual([expect.objectContaining({ type: 'error', code: 'rate-limited' })]);
  });

  it('asks for the ICE servers of the joined peer itself, never of a made-up one', async () => {
    const { join, take, rx, iceRequests } = await setup();
    const alice = await join('c1');
    await rx('c1', { type: 'get-ice-servers' });
    expect(take('c1')).toEqual([{ type: 'ice-servers', ...ICE }]);
    expect(iceRequests).toEqual([
      { peerId: alice.peerId, connectionId: 'c1' },
      { peerId: alice.peerId, connectionId: 'c1' },
    ]);
  });

  it('tells a lobby who is in a room, without joining it and without telling the room', async () => {
    const { hub, join, take, rx } = await setup(3);
    await join('c1', 'Ann');
    await join('c2', 'Ben');
    take('c1');
    hub.connect('lobby');
    await rx('lobby', { type: 'presence', roomId: ROOM });
    expect(take('lobby')).toEqual([
      { type: 'presence', roomId: ROOM, count: 2, capacity: 3, names: ['Ann', 'Ben'] },
    ]);
    await rx('lobby', { type: 'presence', roomId: OTHER_ROOM });
    expect(take('lobby')).toEqual([
      { type: 'presence', roomId: OTHER_ROOM, count: 0, capacity: 3, names: [] },
    ]);
    expect(take('c1')).toEqual([]);
    expect(hub.counts()).toMatchObject({ peers: 2, rooms: 1 });
    expect(hub.peerOf('lobby')).toBeUndefined();
  });

  it('lists at most eight names in a presence answer, and counts everyone', async () => {
    const { hub, join, take, rx } = await setup(12);
    for (let i = 1; i <= 10; i++) await join(`c${i}`, `Person ${i}`);
    hub.connect('lobby');
    await rx('lobby', { type: 'presence', roomId: ROOM });
    const [answer] = take('lobby');
    expect(answer).toMatchObject({ type: 'presence', count: 10 });
    expect(answer?.type === 'presence' && answer.names).toEqual(
      Array.from({ length: 8 }, (_, i) => `Person ${i + 1}`),
    );
  });

  it('limits presence queries per socket to a small budget of their own', async () => {
    const { hub, take, rx, dc } = await setup();
    hub.connect('greedy');
    hub.connect('other');
    const ask = async (connectionId: string) => {
      await rx(connectionId, { type: 'presence', roomId: ROOM });
      return take(connectionId)[0]?.type;
    };
    for (let i = 0; i < 5; i++) expect(await ask('greedy')).toBe('presence');
    expect(await ask('greedy')).toBe('error');
    expect(hub.counters.refused['rate-limited']).toBe(1);
    // Other sockets, and other messages on this one, are not held back.
    expect(await ask('other')).toBe('presence');
    await rx('greedy', { type: 'ping' });
    expect(take('greedy')).toEqual([{ type: 'pong' }]);
    // One query every two seconds after the burst.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await ask('greedy')).toBe('error');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await ask('greedy')).toBe('presence');
    expect(await ask('greedy')).toBe('error');
    // A new socket starts with a fresh budget; a closed one leaves nothing behind.
    await dc('greedy', { resumable: false });
    hub.connect('greedy');
    expect(await ask('greedy')).toBe('presence');
  });

  it('answers ping with pong', async () => {
    const { hub, take, rx } = await setup();
    hub.connect('c1');
    await rx('c1', { type: 'ping' });
    expect(take('c1')).toEqual([{ type: 'pong' }]);
  });

  it('reports joins, resumes, departures and refusals to its observer, with ids only', async () => {
    const { hub, join, take, events, rx, dc } = await setup();
    const alice = await join('c1', 'Alice');
    await rx('c1', { type: 'candidate', to: 'AAAAAAAAAAAA', candidate: null });
    await dc('c1', { resumable: true });
    await join('c2', 'Alice', ROOM, alice.resumeToken);
    take('c2');
    await rx('c2', { type: 'leave' });

    expect(events).toEqual([
      { type: 'joined', connectionId: 'c1', roomId: ROOM, peerId: alice.peerId, roomSize: 1 },
      {
        type: 'refused',
        connectionId: 'c1',
        roomId: ROOM,
        peerId: alice.peerId,
        code: 'unknown-peer',
      },
      { type: 'awaiting-resume', roomId: ROOM, peerId: alice.peerId },
      { type: 'resumed', connectionId: 'c2', roomId: ROOM, peerId: alice.peerId },
      { type: 'left', roomId: ROOM, peerId: alice.peerId, reason: 'left' },
    ]);
    expect(hub.counters).toMatchObject({ joins: 1, resumes: 1, leaves: 1 });
    expect(hub.counters.refused['unknown-peer']).toBe(1);
  });

  it('refuses a relay to nobody on the socket its sender has now, and not once it has left', async () => {
    const rooms = new LateRelays(6, DEFAULT_HELD_LIMITS);
    const { hub, join, take, rx, dc } = await setup(6, { rooms });
    const alice = await join('c1', 'Alice');
    await rx('c1', { type: 'candidate', to: 'AAAAAAAAAAAA', candidate: null });
    // Alice resumes on another socket before the outcome comes back: the refusal goes there.
    await dc('c1', { resumable: true });
    await join('c2', 'Alice', ROOM, alice.resumeToken);
    take('c2');
    rooms.flush();
    expect(take('c2')).toEqual([expect.objectContaining({ type: 'error', code: 'unknown-peer' })]);
    expect(take('c1')).toEqual([]);
    // Once she has left the room, a late outcome refuses nothing.
    await rx('c2', { type: 'candidate', to: 'AAAAAAAAAAAA', candidate: null });
    await rx('c2', { type: 'leave' });
    take('c2');
    rooms.flush();
    expect(take('c2')).toEqual([]);
    expect(hub.counters.refused['unknown-peer']).toBe(1);
  });

  it('empties every room on dispose', async () => {
    const { hub, join, dc } = await setup();
    await join('c1');
    await join('c2');
    await dc('c2', { resumable: true });
    await hub.dispose();
    expect(hub.counts()).toEqual({
      rooms: 0,
      peers: 0,
      connections: 0,
      awaitingResume: 0,
      heldBytes: 0,
    });
  });

  it('forgets a connection once its socket is gone, however it went', async () => {
    const { hub, join, rx, dc } = await setup();
    await join('c1');
    await join('c2');
    await join('c3');
    hub.connect('c4');
    await dc('c1', { resumable: false });
    await dc('c2', { resumable: true });
    await rx('c3', { type: 'leave' });
    await dc('c3', { resumable: false });
    await dc('c4', { resumable: true });
    expect(hub.counts()).toMatchObject({ connections: 0, peers: 1, awaitingResume: 1 });
    await vi.advanceTimersByTimeAsync(GRACE_MS);
    expect(hub.counts()).toEqual({
      rooms: 0,
      peers: 0,
      connections: 0,
      awaitingResume: 0,
      heldBytes: 0,
    });
  });
});

describe('SignalingHub chat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('relays a chat message to everyone else in the room, marked with the sender, and to no other room', async () => {
    const { join, take, rx } = await setup();
    const ann = await join('ann', 'Ann');
    await join('ben', 'Ben');
    await join('cy', 'Cy');
    await join('dee', 'Dee', OTHER_ROOM);
    for (const id of ['ann', 'ben', 'cy', 'dee']) take(id);

    await rx('ann', { type: 'chat', id: 'm-1', text: 'hello' });

    const relayed = { type: 'chat', from: ann.peerId, id: 'm-1', text: 'hello' };
    expect(take('ben')).toEqual([relayed]);
    expect(take('cy')).toEqual([relayed]);
    expect(take('ann')).toEqual([]);
    expect(take('dee')).toEqual([]);
  });

  it('refuses chat before joining', async () => {
    const { hub, take, rx } = await setup();
    hub.connect('eve');
    await rx('eve', { type: 'chat', id: 'm-1', text: 'hello' });
    expect(take('eve')).toEqual([expect.objectContaining({ type: 'error', code: 'not-joined' })]);
  });

  it('holds chat for a peer whose socket dropped, and hands it over when it resumes', async () => {
    const { join, take, rx, dc } = await setup();
    const ann = await join('ann', 'Ann');
    const ben = await join('ben', 'Ben');
    take('ann');
    await dc('ben', { resumable: true });
    await rx('ann', { type: 'chat', id: 'm-1', text: 'still there?' });
    await join('ben2', 'Ben', ROOM, ben.resumeToken);
    expect(take('ben2')).toEqual([
      { type: 'chat', from: ann.peerId, id: 'm-1', text: 'still there?' },
    ]);
  });

  it('limits chat per socket: a burst, then refusals until the budget refills', async () => {
    const { join, take, rx } = await setup();
    await join('ann', 'Ann');
    await join('ben', 'Ben');
    take('ann');
    for (let n = 0; n < 12; n++) await rx('ann', { type: 'chat', id: `m-${n}`, text: 'spam' });
    expect(take('ben').filter((m) => m.type === 'chat')).toHaveLength(8);
    expect(take('ann')).toEqual(
      Array.from({ length: 4 }, () =>
        expect.objectContaining({ type: 'error', code: 'rate-limited' }),
      ),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    await rx('ann', { type: 'chat', id: 'later', text: 'calm now' });
    expect(take('ben').map((m) => m.type === 'chat' && m.id)).toEqual(['later']);
  });
});

describe('SignalingHub host controls', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const HOST_KEY = 'k'.repeat(43);
  /** Each connection id names a person; two ids with the same first letter share an address. */
  const addressOf = (connectionId: string) => `192.0.2.${connectionId.charCodeAt(0)}`;
  const controlsOf = (messages: ServerMessage[]) =>
    messages.flatMap((m) => (m.type === 'room-controls' ? [m.controls] : [])).at(-1);

  it('a forged host key makes nobody host; the real key does, and non-hosts are refused', async () => {
    const { join, rx, take, hub } = await setup(6, { keepControls: true, addressOf });
    hub.connect('ann');
    await rx('ann', { type: 'join', roomId: ROOM, name: 'Ann', media: MEDIA, hostKey: HOST_KEY });
    const ann = take('ann');
    const annId = ann[0]?.type === 'joined' ? ann[0].peerId : '';
    expect(controlsOf(ann)?.hostPeerId).toBe(annId);

    hub.connect('eve');
    await rx('eve', {
      type: 'join',
      roomId: ROOM,
      name: 'Eve',
      media: MEDIA,
      hostKey: 'f'.repeat(43),
    });
    expect(controlsOf(take('eve'))?.hostPeerId).toBe(annId);
    await rx('eve', { type: 'lock', locked: true });
    await rx('eve', { type: 'end-call' });
    expect(take('eve').map((m) => (m.type === 'error' ? m.code : m.type))).toEqual([
      'not-host',
      'not-host',
    ]);
    // Knocks and other host actions need a join first.
    hub.connect('zed');
    await rx('zed', { type: 'lock', locked: true });
    expect(take('zed')).toMatchObject([{ type: 'error', code: 'not-joined' }]);
    await join('bob', 'Bob');
  });

  it('a locked room refuses a newcomer; the host gets in with the key', async () => {
    const { rx, take, hub } = await setup(6, { keepControls: true, addressOf });
    hub.connect('ann');
    await rx('ann', { type: 'join', roomId: ROOM, name: 'Ann', media: MEDIA, hostKey: HOST_KEY });
    await rx('ann', { type: 'lock', locked: true });
    hub.connect('bob');
    await rx('bob', { type: 'join', roomId: ROOM, name: 'Bob', media: MEDIA });
    expect(take('bob')).toMatchObject([{ type: 'error', code: 'room-locked' }]);
    expect(hub.counts().peers).toBe(1);
    hub.connect('ann2');
    await rx('ann2', {
      type: 'join',
      roomId: ROOM,
      name: 'Ann',
      media: MEDIA,
      hostKey: HOST_KEY,
    });
    expect(take('ann2')[0]?.type).toBe('joined');
  });

  it('a removed person is closed with 4010, cannot resume with its token, and must knock', async () => {
    const { join, rx, take, closed, hub } = await setup(6, { keepControls: true, addressOf });
    await join('ann', 'Ann');
    const bob = await join('bob', 'Bob');
    take('ann');
    take('bob');
    await rx('ann', { type: 'remove', peerId: bob.peerId });
    expect(take('bob')).toEqual([{ type: 'removed' }]);
    expect(closed).toContainEqual({ connectionId: 'bob', code: CLOSE_CODES.removed });
    expect(take('ann')).toContainEqual({
      type: 'peer-left',
      peerId: bob.peerId,
      reason: 'removed',
    });
    await hub.disconnect('bob', { resumable: true });

    // The token is void: the join is fresh, and a fresh join from that address knocks.
    hub.connect('bob2');
    await rx('bob2', {
      type: 'join',
      roomId: ROOM,
      name: 'Bob',
      media: MEDIA,
      resumeToken: bob.resumeToken,
    });
    expect(take('bob2')).toEqual([{ type: 'waiting' }]);
    const knocks = take('ann').find((m) => m.type === 'knocks');
    expect(knocks).toMatchObject({ knocks: [{ name: 'Bob' }] });
    // While knocking, a socket is in no room.
    await rx('bob2', { type: 'hand', raised: true });
    expect(take('bob2')).toMatchObject([{ type: 'error', code: 'not-joined' }]);
    // Admitted, it joins afresh.
    if (knocks?.type !== 'knocks') throw new Error('no knocks');
    await rx('ann', { type: 'admit', knockId: knocks.knocks[0]!.knockId });
    const admitted = take('bob2');
    expect(admitted[0]).toMatchObject({ type: 'joined', resumed: false });
    expect(admitted[0]?.type === 'joined' && admitted[0].peerId).not.toBe(bob.peerId);
  });

  it('ending the call closes every socket with 4011 and forgets the room', async () => {
    const { join, rx, take, closed, hub } = await setup(6, { keepControls: true, addressOf });
    await join('ann', 'Ann');
    await join('bob', 'Bob');
    await rx('ann', { type: 'end-call' });
    expect(take('bob')).toContainEqual({ type: 'call-ended' });
    expect(closed.map((c) => c.code)).toEqual([CLOSE_CODES.callEnded, CLOSE_CODES.callEnded]);
    expect(hub.counts()).toMatchObject({ rooms: 0, peers: 0 });
  });

  it('when the host’s place expires, whoever has been there longest is host', async () => {
    const { join, dc, take, inbox } = await setup(6, { keepControls: true, addressOf });
    await join('ann', 'Ann');
    const bob = await join('bob', 'Bob');
    await join('cat', 'Cat');
    take('cat');
    await dc('ann', { resumable: true });
    await vi.advanceTimersByTimeAsync(GRACE_MS);
    expect(controlsOf(inbox('cat'))?.hostPeerId).toBe(bob.peerId);
  });
});
