import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from './protocol';
import { InMemoryRoomStore } from './room-store';
import { SignalingHub, type HubEvent, type HubOptions } from './signaling-hub';

const ROOM = '7k3mq-x9tbd-4rw8h';
const OTHER_ROOM = 'zzzzz-zzzzz-zzzzz';
const MEDIA = { audio: true, video: true, screen: null };
const GRACE_MS = 15_000;

type Joined = Extract<ServerMessage, { type: 'joined' }>;

const ICE = {
  iceServers: [{ urls: 'stun:stun.example.org' }],
  iceTransportPolicy: 'all' as const,
};

function setup(
  capacity = 6,
  options: Partial<Pick<HubOptions, 'maxHeldBytesPerPeer' | 'maxHeldBytes'>> & {
    checkAllowed?: () => boolean;
  } = {},
) {
  const sent = new Map<string, ServerMessage[]>();
  const closed: { connectionId: string; code: number }[] = [];
  const events: HubEvent[] = [];
  const iceRequests: { peerId: string | null; connectionId: string }[] = [];
  const hub = new SignalingHub({
    observe: (event) => events.push(event),
    store: new InMemoryRoomStore(capacity),
    resumeGraceMs: GRACE_MS,
    // Date is faked along with the timers, so the presence budget refills as they advance.
    now: () => Date.now(),
    maxHeldBytesPerPeer: options.maxHeldBytesPerPeer,
    maxHeldBytes: options.maxHeldBytes,
    iceConfiguration: (peerId, connectionId) => {
      iceRequests.push({ peerId, connectionId });
      return ICE;
    },
    checkIceConfiguration: (connectionId) => {
      iceRequests.push({ peerId: null, connectionId });
      return (options.checkAllowed?.() ?? true) ? ICE : null;
    },
    transport: {
      send: (connectionId, message) =>
        sent.set(connectionId, [...(sent.get(connectionId) ?? []), message]),
      close: (connectionId, code) => closed.push({ connectionId, code }),
    },
  });
  const inbox = (connectionId: string) => sent.get(connectionId) ?? [];
  const take = (connectionId: string) => {
    const messages = inbox(connectionId);
    sent.set(connectionId, []);
    return messages;
  };
  const join = (
    connectionId: string,
    name = connectionId,
    roomId = ROOM,
    resumeToken?: string,
  ): Joined => {
    hub.connect(connectionId);
    hub.receive(connectionId, { type: 'join', roomId, name, media: MEDIA, resumeToken });
    const [joined, ...rest] = take(connectionId);
    if (joined?.type !== 'joined') throw new Error(`${connectionId} did not join`);
    sent.set(connectionId, rest);
    return joined;
  };
  return { hub, take, inbox, join, closed, events, iceRequests };
}

describe('SignalingHub', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('assigns peer ids and tells a newcomer who is there, and everyone about the newcomer', () => {
    const { join, take } = setup();
    const alice = join('c1', 'Alice');
    expect(alice.peers).toEqual([]);
    expect(alice.peerId).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(alice.iceServers).toEqual([{ urls: 'stun:stun.example.org' }]);

    const bob = join('c2', 'Bob');
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

  it('makes exactly one side of every pair polite: the later joiner', () => {
    const { join, take } = setup();
    const joins = ['c1', 'c2', 'c3'].map((id) => join(id));
    const third = joins[2]!;
    expect(third.peers.every((peer) => peer.polite)).toBe(true);
    for (const id of ['c1', 'c2']) {
      const announcement = take(id).find(
        (m) => m.type === 'peer-joined' && m.peer.peerId === third.peerId,
      );
      expect(announcement).toMatchObject({ peer: { polite: false } });
    }
  });

  it('relays descriptions and candidates only to the named peer, marked with the sender', () => {
    const { hub, join, take } = setup();
    const alice = join('c1');
    const bob = join('c2');
    join('c3');
    take('c1');
    take('c2');
    take('c3');

    hub.receive('c2', {
      type: 'description',
      to: alice.peerId,
      description: { type: 'offer', sdp: 'v=0' },
    });
    hub.receive('c2', { type: 'candidate', to: alice.peerId, candidate: null });
    expect(take('c1')).toEqual([
      { type: 'description', from: bob.peerId, description: { type: 'offer', sdp: 'v=0' } },
      { type: 'candidate', from: bob.peerId, candidate: null },
    ]);
    expect(take('c3')).toEqual([]);
    expect(hub.counters.relayed).toBe(2);
  });

  it('relays the connection epoch as it came, and adds none where there was none', () => {
    const { hub, join, take } = setup();
    const alice = join('c1');
    const bob = join('c2');
    take('c1');
    hub.receive('c2', {
      type: 'description',
      to: alice.peerId,
      epoch: 3,
      description: { type: 'offer', sdp: 'v=0' },
    });
    hub.receive('c2', { type: 'candidate', to: alice.peerId, epoch: 3, candidate: null });
    expect(take('c1')).toStrictEqual([
      {
        type: 'description',
        from: bob.peerId,
        epoch: 3,
        description: { type: 'offer', sdp: 'v=0' },
      },
      { type: 'candidate', from: bob.peerId, epoch: 3, candidate: null },
    ]);
    hub.receive('c2', { type: 'candidate', to: alice.peerId, candidate: null });
    expect(take('c1')).toStrictEqual([{ type: 'candidate', from: bob.peerId, candidate: null }]);
  });

  it('refuses to relay to a peer in another room, to an unknown id, or to oneself', () => {
    const { hub, join, take } = setup();
    const alice = join('c1');
    const stranger = join('c9', 'Eve', OTHER_ROOM);
    take('c1');

    for (const to of [stranger.peerId, 'AAAAAAAAAAAA', alice.peerId]) {
      hub.receive('c1', { type: 'description', to, description: { type: 'offer', sdp: 'v=0' } });
      expect(take('c1')).toEqual([
        expect.objectContaining({ type: 'error', code: 'unknown-peer' }),
      ]);
    }
    expect(take('c9')).toEqual([]);
  });

  it('refuses signals before joining, and a second join', () => {
    const { hub, join, take } = setup();
    hub.connect('c1');
    hub.receive('c1', { type: 'candidate', to: 'AAAAAAAAAAAA', candidate: null });
    expect(take('c1')).toEqual([expect.objectContaining({ type: 'error', code: 'not-joined' })]);
    join('c2');
    hub.receive('c2', { type: 'join', roomId: ROOM, name: 'again', media: MEDIA });
    expect(take('c2')).toEqual([
      expect.objectContaining({ type: 'error', code: 'already-joined' }),
    ]);
  });

  it('tells a newcomer to a full room that it is full, and lets it in once there is space', () => {
    const { hub, join, take } = setup(2);
    join('c1');
    join('c2');
    hub.connect('c3');
    hub.receive('c3', { type: 'join', roomId: ROOM, name: 'Late', media: MEDIA });
    const [refusal] = take('c3');
    expect(refusal).toMatchObject({ type: 'error', code: 'room-full' });
    expect(refusal?.type === 'error' && refusal.message).toMatch(/full/);

    hub.receive('c1', { type: 'leave' });
    hub.receive('c3', { type: 'join', roomId: ROOM, name: 'Late', media: MEDIA });
    expect(take('c3')[0]).toMatchObject({ type: 'joined' });
  });

  it('announces a peer that leaves, and forgets the empty room', () => {
    const { hub, join, take } = setup();
    const alice = join('c1');
    join('c2');
    take('c2');
    hub.receive('c1', { type: 'leave' });
    expect(take('c2')).toEqual([{ type: 'peer-left', peerId: alice.peerId, reason: 'left' }]);
    hub.receive('c2', { type: 'leave' });
    expect(hub.counts()).toMatchObject({ rooms: 0, peers: 0 });
  });

  it('announces at once a peer whose page closed on purpose', () => {
    const { hub, join, take } = setup();
    const alice = join('c1');
    join('c2');
    take('c2');
    hub.disconnect('c1', { resumable: false });
    expect(take('c2')).toEqual([
      { type: 'peer-left', peerId: alice.peerId, reason: 'disconnected' },
    ]);
  });

  it('holds the slot of a peer whose socket dropped, and announces it only after the grace period', () => {
    const { hub, join, take } = setup();
    const alice = join('c1');
    join('c2');
    take('c2');
    hub.disconnect('c1', { resumable: true });
    vi.advanceTimersByTime(GRACE_MS - 1);
    expect(take('c2')).toEqual([]);
    expect(hub.counts()).toMatchObject({ peers: 2, awaitingResume: 1 });
    vi.advanceTimersByTime(1);
    expect(take('c2')).toEqual([
      { type: 'peer-left', peerId: alice.peerId, reason: 'disconnected' },
    ]);
    expect(hub.counts()).toMatchObject({ peers: 1, awaitingResume: 0 });
  });

  it('holds the slot of a page that is unloading only for the shorter grace it is given', () => {
    const { hub, join, take } = setup();
    const alice = join('c1');
    join('c2');
    take('c2');
    hub.disconnect('c1', { resumable: true, graceMs: 3_000 });
    vi.advanceTimersByTime(2_999);
    expect(take('c2')).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(take('c2')).toEqual([
      { type: 'peer-left', peerId: alice.peerId, reason: 'disconnected' },
    ]);
  });

  it('never holds a slot longer than the resume grace, whatever grace is asked for', () => {
    const { hub, join, take } = setup();
    join('c1');
    join('c2');
    take('c2');
    hub.disconnect('c1', { resumable: true, graceMs: GRACE_MS * 10 });
    vi.advanceTimersByTime(GRACE_MS);
    expect(take('c2')).toHaveLength(1);
  });

  it('lets a dropped peer resume its id, delivering what was sent to it meanwhile', () => {
    const { hub, join, take } = setup();
    const alice = join('c1', 'Alice');
    const bob = join('c2', 'Bob');
    take('c1');
    hub.disconnect('c1', { resumable: true });
    hub.receive('c2', {
      type: 'description',
      to: alice.peerId,
      description: { type: 'offer', sdp: 'restart' },
    });

    const resumed = join('c1b', 'Alice', ROOM, alice.resumeToken);
    expect(resumed).toMatchObject({ peerId: alice.peerId, resumed: true });
    expect(resumed.peers).toEqual([
      { peerId: bob.peerId, name: 'Bob', media: MEDIA, polite: false },
    ]);
    expect(resumed.resumeToken).not.toBe(alice.resumeToken);
    expect(take('c1b')).toEqual([
      { type: 'description', from: bob.peerId, description: { type: 'offer', sdp: 'restart' } },
    ]);
    vi.advanceTimersByTime(GRACE_MS * 2);
    expect(take('c2')).toEqual([]);
  });

  it('hands a returning peer only the latest offer from each sender, with its candidates', () => {
    const { hub, join, take } = setup();
    const alice = join('c1', 'Alice');
    const bob = join('c2', 'Bob');
    const carol = join('c3', 'Carol');
    take('c1');
    hub.disconnect('c1', { resumable: true });
    const offer = (sdp: string) => ({ type: 'offer' as const, sdp });
    hub.receive('c2', { type: 'description', to: alice.peerId, description: offer('bob-1') });
    hub.receive('c2', { type: 'candidate', to: alice.peerId, candidate: null });
    hub.receive('c3', { type: 'description', to: alice.peerId, description: offer('carol-1') });
    hub.receive('c2', { type: 'description', to: alice.peerId, description: offer('bob-2') });
    hub.receive('c2', { type: 'candidate', to: alice.peerId, candidate: null });

    join('c1b', 'Alice', ROOM, alice.resumeToken);
    expect(take('c1b')).toEqual([
      { type: 'description', from: carol.peerId, description: offer('carol-1') },
      { type: 'description', from: bob.peerId, description: offer('bob-2') },
      { type: 'candidate', from: bob.peerId, candidate: null },
    ]);
  });

  it('gives a fresh id for a spent, unknown or other-room resume token', () => {
    const { hub, join } = setup();
    const alice = join('c1');
    hub.disconnect('c1', { resumable: true });
    join('c2', 'Alice', ROOM, alice.resumeToken);
    hub.disconnect('c2', { resumable: true });
    expect(join('c3', 'Alice', ROOM, alice.resumeToken).resumed).toBe(false);
    expect(join('c4', 'X', ROOM, 'b'.repeat(32)).resumed).toBe(false);
  });

  it('closes a half-open socket when its peer resumes on a new one', () => {
    const { hub, join, closed, take } = setup();
    const alice = join('c1');
    join('c2', 'Alice', ROOM, alice.resumeToken);
    expect(closed).toEqual([{ connectionId: 'c1', code: 4000 }]);
    hub.receive('c1', { type: 'ping' });
    expect(take('c1')).toEqual([{ type: 'pong' }]);
    hub.disconnect('c1', { resumable: true });
    expect(hub.counts()).toMatchObject({ peers: 1, awaitingResume: 0 });
  });

  it('gives up on a dropped peer whose held messages pass its byte cap, and says why', () => {
    const { hub, join, take, events } = setup(6, { maxHeldBytesPerPeer: 64 * 1024 });
    const alice = join('c1');
    join('c2');
    take('c2');
    hub.disconnect('c1', { resumable: true });
    const candidate = { candidate: 'x'.repeat(1000), sdpMid: '0', sdpMLineIndex: 0 };
    for (let i = 0; i < 100; i++)
      hub.receive('c2', { type: 'candidate', to: alice.peerId, candidate });
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

  it('shares one byte budget among all away peers', () => {
    const { hub, join, take, events } = setup(6, { maxHeldBytes: 100 * 1024 });
    const alice = join('c1');
    const bob = join('c2');
    join('c3');
    take('c3');
    hub.disconnect('c1', { resumable: true });
    hub.disconnect('c2', { resumable: true });
    const answer = { type: 'answer' as const, sdp: 'x'.repeat(40 * 1024) };
    hub.receive('c3', { type: 'description', to: alice.peerId, description: answer });
    expect(hub.counts().heldBytes).toBeGreaterThan(40 * 1024);
    hub.receive('c3', { type: 'description', to: bob.peerId, description: answer });
    // Each keeps only the latest answer from c3, so resending costs nothing more...
    hub.receive('c3', { type: 'description', to: alice.peerId, description: answer });
    expect(hub.counts().awaitingResume).toBe(2);
    // ...but a third peer's worth does not fit: the peer it was for is treated as gone.
    const candidate = { candidate: 'x'.repeat(1000), sdpMid: '0', sdpMLineIndex: 0 };
    for (let i = 0; i < 30; i++)
      hub.receive('c3', { type: 'candidate', to: bob.peerId, candidate });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'held-overflow',
        peerId: bob.peerId,
        limit: 'process-limit',
      }),
    );
    expect(hub.counts().awaitingResume).toBe(1);
  });

  it('shares media state changes with the rest of the room and with later joiners', () => {
    const { hub, join, take } = setup();
    const alice = join('c1');
    join('c2');
    take('c1');
    take('c2');
    const muted = { audio: false, video: true, screen: null };
    hub.receive('c1', { type: 'media', media: muted });
    expect(take('c2')).toEqual([{ type: 'peer-updated', peerId: alice.peerId, media: muted }]);
    expect(take('c1')).toEqual([]);
    expect(join('c3').peers.find((peer) => peer.peerId === alice.peerId)?.media).toEqual(muted);
  });

  it('hands out ICE servers to a self-test without joining, unless refused', () => {
    let allowed = true;
    const { hub, take, iceRequests } = setup(6, { checkAllowed: () => allowed });
    hub.connect('c1');
    hub.receive('c1', { type: 'get-ice-servers' });
    expect(take('c1')).toEqual([{ type: 'ice-servers', ...ICE }]);
    expect(iceRequests).toEqual([{ peerId: null, connectionId: 'c1' }]);
    allowed = false;
    hub.receive('c1', { type: 'get-ice-servers' });
    expect(take('c1')).toEqual([expect.objectContaining({ type: 'error', code: 'rate-limited' })]);
  });

  it('asks for the ICE servers of the joined peer itself, never of a made-up one', () => {
    const { hub, join, take, iceRequests } = setup();
    const alice = join('c1');
    hub.receive('c1', { type: 'get-ice-servers' });
    expect(take('c1')).toEqual([{ type: 'ice-servers', ...ICE }]);
    expect(iceRequests).toEqual([
      { peerId: alice.peerId, connectionId: 'c1' },
      { peerId: alice.peerId, connectionId: 'c1' },
    ]);
  });

  it('tells a lobby who is in a room, without joining it and without telling the room', () => {
    const { hub, join, take } = setup(3);
    join('c1', 'Ann');
    join('c2', 'Ben');
    take('c1');
    hub.connect('lobby');
    hub.receive('lobby', { type: 'presence', roomId: ROOM });
    expect(take('lobby')).toEqual([
      { type: 'presence', roomId: ROOM, count: 2, capacity: 3, names: ['Ann', 'Ben'] },
    ]);
    hub.receive('lobby', { type: 'presence', roomId: OTHER_ROOM });
    expect(take('lobby')).toEqual([
      { type: 'presence', roomId: OTHER_ROOM, count: 0, capacity: 3, names: [] },
    ]);
    expect(take('c1')).toEqual([]);
    expect(hub.counts()).toMatchObject({ peers: 2, rooms: 1 });
    expect(hub.peerOf('lobby')).toBeUndefined();
  });

  it('lists at most eight names in a presence answer, and counts everyone', () => {
    const { hub, join, take } = setup(12);
    for (let i = 1; i <= 10; i++) join(`c${i}`, `Person ${i}`);
    hub.connect('lobby');
    hub.receive('lobby', { type: 'presence', roomId: ROOM });
    const [answer] = take('lobby');
    expect(answer).toMatchObject({ type: 'presence', count: 10 });
    expect(answer?.type === 'presence' && answer.names).toEqual(
      Array.from({ length: 8 }, (_, i) => `Person ${i + 1}`),
    );
  });

  it('limits presence queries per socket to a small budget of their own', () => {
    const { hub, take } = setup();
    hub.connect('greedy');
    hub.connect('other');
    const ask = (connectionId: string) => {
      hub.receive(connectionId, { type: 'presence', roomId: ROOM });
      return take(connectionId)[0]?.type;
    };
    for (let i = 0; i < 5; i++) expect(ask('greedy')).toBe('presence');
    expect(ask('greedy')).toBe('error');
    expect(hub.counters.refused['rate-limited']).toBe(1);
    // Other sockets, and other messages on this one, are not held back.
    expect(ask('other')).toBe('presence');
    hub.receive('greedy', { type: 'ping' });
    expect(take('greedy')).toEqual([{ type: 'pong' }]);
    // One query every two seconds after the burst.
    vi.advanceTimersByTime(1_000);
    expect(ask('greedy')).toBe('error');
    vi.advanceTimersByTime(1_000);
    expect(ask('greedy')).toBe('presence');
    expect(ask('greedy')).toBe('error');
    // A new socket starts with a fresh budget; a closed one leaves nothing behind.
    hub.disconnect('greedy', { resumable: false });
    hub.connect('greedy');
    expect(ask('greedy')).toBe('presence');
  });

  it('answers ping with pong', () => {
    const { hub, take } = setup();
    hub.connect('c1');
    hub.receive('c1', { type: 'ping' });
    expect(take('c1')).toEqual([{ type: 'pong' }]);
  });

  it('reports joins, resumes, departures and refusals to its observer, with ids only', () => {
    const { hub, join, take, events } = setup();
    const alice = join('c1', 'Alice');
    hub.receive('c1', { type: 'candidate', to: 'AAAAAAAAAAAA', candidate: null });
    hub.disconnect('c1', { resumable: true });
    join('c2', 'Alice', ROOM, alice.resumeToken);
    take('c2');
    hub.receive('c2', { type: 'leave' });

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

  it('empties every room on dispose', () => {
    const { hub, join } = setup();
    join('c1');
    join('c2');
    hub.disconnect('c2', { resumable: true });
    hub.dispose();
    expect(hub.counts()).toEqual({
      rooms: 0,
      peers: 0,
      connections: 0,
      awaitingResume: 0,
      heldBytes: 0,
    });
  });

  it('forgets a connection once its socket is gone, however it went', () => {
    const { hub, join } = setup();
    join('c1');
    join('c2');
    join('c3');
    hub.connect('c4');
    hub.disconnect('c1', { resumable: false });
    hub.disconnect('c2', { resumable: true });
    hub.receive('c3', { type: 'leave' });
    hub.disconnect('c3', { resumable: false });
    hub.disconnect('c4', { resumable: true });
    expect(hub.counts()).toMatchObject({ connections: 0, peers: 1, awaitingResume: 1 });
    vi.advanceTimersByTime(GRACE_MS);
    expect(hub.counts()).toEqual({
      rooms: 0,
      peers: 0,
      connections: 0,
      awaitingResume: 0,
      heldBytes: 0,
    });
  });
});
