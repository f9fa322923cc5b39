import { describe, expect, it } from 'vitest';
import {
  HostControls,
  type ControlsMessage,
  type HostControlsPort,
  type JoinMessage,
} from './host-controls';
import { InMemoryRooms } from './in-memory-rooms';
import { DEFAULT_HELD_LIMITS } from './held-messages';
import { HOST_ACTIONS, KNOCK_COOLDOWN_MS } from './room-controls';
import { PASSWORD_GUESS_BUDGET, REACTION_BUDGET } from './keyed-rate-limit';
import type { ServerMessage } from './protocol';
import { FIRST_EPOCH } from './rooms';

const ROOM = '7k3mq-x9tbd-4rw8h';
const MEDIA = { audio: true, video: false, screen: null };
const HOST_KEY = 'h'.repeat(43);

/**
 * A room of members with one socket each, as the hub would keep it, in the in-memory rooms (the
 * rooms' own behaviour has the contract tests); the rules under test are HostControls' own.
 * Connection ids are the members' peer ids (the person's name).
 */
function setup() {
  let clock = 1_000_000;
  const addresses = new Map<string, string>();
  const inboxes = new Map<string, ServerMessage[]>();
  const expelled: { peerId: string; why: string }[] = [];
  const rooms = new InMemoryRooms(50, DEFAULT_HELD_LIMITS, () => clock);
  const push = (id: string, message: ServerMessage) =>
    inboxes.set(id, [...(inboxes.get(id) ?? []), message]);

  const port: HostControlsPort = {
    send: push,
    broadcast: (_roomId, to, message) => to.forEach((id) => push(id, message)),
    members: (roomId) => rooms.members(roomId),
    refuse: (id, code, message) => push(id, { type: 'error', code, message }),
    addressOf: (id) => addresses.get(id) ?? 'unknown',
    admitKnocker: async (connectionId, join) => {
      await enter(connectionId, join, 'member');
    },
    expel: async (roomId, peerId, why) => {
      const outcome = await rooms.expel(roomId, peerId, why);
      if (outcome.left) await controls.left(roomId, peerId);
    },
  };
  const controls = new HostControls(rooms, port, () => clock);
  void rooms.start({
    deliver: () => undefined,
    relayed: () => undefined,
    isLocal: () => true,
    claimedAway: () => undefined,
    adopted: () => undefined,
    reconnected: () => undefined,
    holds: () => true,
    released: () => undefined,
    availability: () => undefined,
    // What the hub does for a member of this process the host took out.
    expelled: (roomId, peerId, why) => {
      expelled.push({ peerId, why });
      push(peerId, { type: why });
      if (why === 'removed') void controls.removedFrom(roomId, peerId, addresses.get(peerId)!);
    },
    knockAnswered: (roomId, knockId, answer) => void controls.answered(roomId, knockId, answer),
  });

  async function enter(
    connectionId: string,
    join: JoinMessage,
    as: 'host' | 'member',
    hash: string | null = null,
  ) {
    const peerId = connectionId;
    await rooms.join(ROOM, peerId, { name: join.name, media: join.media });
    await controls.joined(ROOM, peerId, { kind: 'join', as, hostKeyHash: hash });
  }

  /** A person opens a socket from `address` and asks to join; resolves to how it went. */
  async function join(
    name: string,
    extra: Partial<JoinMessage> = {},
    address = `192.0.2.${name.length}`,
  ) {
    const connectionId = name;
    addresses.set(connectionId, address);
    const message: JoinMessage = { type: 'join', roomId: ROOM, name, media: MEDIA, ...extra };
    const admission = await controls.admission(connectionId, message);
    if (admission.kind === 'join') {
      await enter(connectionId, message, admission.as, admission.hostKeyHash);
    }
    return admission.kind === 'join' ? admission.as : admission.kind;
  }

  /** The member's socket closed for good: it leaves the room. */
  async function leave(peerId: string) {
    await rooms.leave(ROOM, peerId, FIRST_EPOCH);
    await controls.left(ROOM, peerId);
  }

  const inbox = (id: string) => inboxes.get(id) ?? [];
  const take = (id: string) => {
    const messages = inbox(id);
    inboxes.set(id, []);
    return messages;
  };
  const last = <T extends ServerMessage['type']>(id: string, type: T) =>
    inbox(id)
      .filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type)
      .at(-1);
  const act = (peerId: string, message: ControlsMessage) =>
    controls.handle(peerId, { roomId: ROOM, peerId }, message);
  const errors = (id: string) => inbox(id).flatMap((m) => (m.type === 'error' ? [m.code] : []));
  const memberIds = async () => (await rooms.members(ROOM)).map((m) => m.peerId);

  return {
    controls,
    rooms,
    expelled,
    join,
    leave,
    act,
    inbox,
    take,
    last,
    errors,
    memberIds,
    advance: (ms: number) => (clock += ms),
  };
}

describe('the host', () => {
  it('is whoever starts the call; everyone sees who it is', async () => {
    const t = setup();
    expect(await t.join('ann', { hostKey: HOST_KEY })).toBe('host');
    expect(await t.join('ben')).toBe('member');
    expect(t.last('ben', 'room-controls')?.controls.hostPeerId).toBe('ann');
    expect(t.last('ann', 'room-controls')?.controls.hostPeerId).toBe('ann');
  });

  it('gets the role back with the key on a fresh join; a forged key gets nothing', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.join('ben');
    expect(await t.join('eve', { hostKey: 'f'.repeat(43) })).toBe('member');
    expect(t.last('eve', 'room-controls')?.controls.hostPeerId).toBe('ann');
    await t.act('eve', { type: 'lock', locked: true });
    expect(t.errors('eve')).toEqual(['not-host']);
    // Ann's tab crashed and a new one joins with her key: it is the host.
    expect(await t.join('ann2', { hostKey: HOST_KEY })).toBe('host');
    expect(t.last('ben', 'room-controls')?.controls.hostPeerId).toBe('ann2');
  });

  it('refuses every host action from someone else, and changes nothing', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.join('ben');
    const before = await t.rooms.controls(ROOM);
    const requests: ControlsMessage[] = [
      { type: 'host-key', hostKey: 'b'.repeat(43) },
      { type: 'hand-over', to: 'ben' },
      { type: 'lock', locked: true },
      { type: 'set-password', password: 'x' },
      { type: 'waiting-room', enabled: true },
      { type: 'admit', knockId: 'aaaaaaaaaaaa' },
      { type: 'decline', knockId: 'aaaaaaaaaaaa' },
      { type: 'remove', peerId: 'ann' },
      { type: 'mute-request', peerId: null },
      { type: 'end-call' },
    ];
    expect(requests.map((r) => r.type).sort()).toEqual([...HOST_ACTIONS].sort());
    t.take('ben');
    for (const request of requests) await t.act('ben', request);
    expect(t.errors('ben')).toEqual(requests.map(() => 'not-host'));
    expect(await t.rooms.controls(ROOM)).toEqual(before);
    expect(t.inbox('ann').filter((m) => m.type !== 'room-controls')).toEqual([]);
    expect(t.expelled).toEqual([]);
  });

  it('hands the role over; the old host can no longer act, the new one can', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.join('ben');
    await t.act('ann', { type: 'hand-over', to: 'ben' });
    expect(t.last('ann', 'room-controls')?.controls.hostPeerId).toBe('ben');
    await t.act('ann', { type: 'lock', locked: true });
    expect(t.errors('ann')).toEqual(['not-host']);
    // The old key no longer makes anyone host.
    expect(await t.join('ann2', { hostKey: HOST_KEY })).toBe('member');
    await t.act('ben', { type: 'lock', locked: true });
    expect(t.last('ann', 'room-controls')?.controls.locked).toBe(true);
  });

  it('passes to whoever has been there longest when the host leaves', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.join('ben');
    await t.join('cat');
    await t.leave('ann');
    expect(t.last('cat', 'room-controls')?.controls.hostPeerId).toBe('ben');
  });
});

describe('getting in', () => {
  it('a locked room turns newcomers away with a clear message', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.act('ann', { type: 'lock', locked: true });
    expect(await t.join('ben')).toBe('refused');
    expect(t.last('ben', 'error')).toMatchObject({ code: 'room-locked' });
    expect(t.last('ben', 'error')?.message).toMatch(/locked/);
    await t.act('ann', { type: 'lock', locked: false });
    expect(await t.join('ben')).toBe('member');
  });

  it('a password is checked, its guesses limited per address', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.act('ann', { type: 'set-password', password: 'open sesame' });
    expect(t.last('ann', 'room-controls')?.controls.hasPassword).toBe(true);
    expect(JSON.stringify(await t.rooms.controls(ROOM))).not.toContain('open sesame');

    expect(await t.join('ben')).toBe('refused');
    expect(t.last('ben', 'error')?.code).toBe('password-required');
    expect(await t.join('ben', { password: 'open sesame' })).toBe('member');

    for (let i = 0; i < PASSWORD_GUESS_BUDGET.burst; i++) {
      expect(await t.join('eve', { password: `guess ${i}` }, '198.51.100.7')).toBe('refused');
      expect(t.last('eve', 'error')?.code).toBe('wrong-password');
    }
    // Even the right password waits now: guessing costs time.
    expect(await t.join('eve', { password: 'open sesame' }, '198.51.100.7')).toBe('refused');
    expect(t.last('eve', 'error')?.code).toBe('rate-limited');
    expect(await t.join('fay', { password: 'open sesame' }, '198.51.100.8')).toBe('member');
    t.advance(1000 / PASSWORD_GUESS_BUDGET.refillPerSecond);
    expect(await t.join('eve', { password: 'open sesame' }, '198.51.100.7')).toBe('member');

    await t.act('ann', { type: 'set-password', password: null });
    expect(await t.join('gus')).toBe('member');
  });

  it('a waiting room: the host sees each knock, admits one and declines another', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.act('ann', { type: 'waiting-room', enabled: true });
    expect(await t.join('ben')).toBe('knocking');
    expect(t.last('ben', 'waiting')).toEqual({ type: 'waiting' });
    expect(await t.join('eve')).toBe('knocking');
    const knocks = t.last('ann', 'knocks')?.knocks ?? [];
    expect(knocks.map((k) => k.name)).toEqual(['ben', 'eve']);

    await t.act('ann', { type: 'admit', knockId: knocks[0]!.knockId });
    expect(await t.memberIds()).toContain('ben');
    await t.act('ann', { type: 'decline', knockId: knocks[1]!.knockId });
    expect(t.last('eve', 'declined')).toEqual({
      type: 'declined',
      retryAfterMs: KNOCK_COOLDOWN_MS,
    });
    expect(t.last('ann', 'knocks')?.knocks).toEqual([]);
    expect(await t.memberIds()).not.toContain('eve');

    // Eve knocks again at once: refused until the pause is over.
    expect(await t.join('eve')).toBe('refused');
    expect(t.last('eve', 'error')?.code).toBe('knock-too-soon');
    t.advance(KNOCK_COOLDOWN_MS);
    expect(await t.join('eve')).toBe('knocking');
  });

  it('a knock withdrawn (the knocker left) leaves the host’s list', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.act('ann', { type: 'waiting-room', enabled: true });
    await t.join('ben');
    await t.controls.withdraw('ben');
    expect(t.last('ann', 'knocks')?.knocks).toEqual([]);
    expect(t.controls.knocking).toBe(0);
  });

  it('a room whose controls were lost gets a host again: whoever has been there longest', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.join('ben');
    await t.controls.ensureHost(ROOM);
    expect(t.last('ben', 'room-controls')?.controls.hostPeerId).toBe('ann');
    // As after a restart of Redis without persistence.
    await t.rooms.updateControls(ROOM, () => null);
    t.take('ben');
    await t.controls.ensureHost(ROOM);
    expect(t.last('ben', 'room-controls')?.controls.hostPeerId).toBe('ann');
    expect((await t.rooms.controls(ROOM)).hostPeerId).toBe('ann');
  });

  it('knocks from sockets here are written back when the shared state lost them', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.act('ann', { type: 'waiting-room', enabled: true });
    await t.join('ben');
    const [knock] = t.last('ann', 'knocks')?.knocks ?? [];
    // As after a restart of Redis without persistence: the list is gone, the socket still waits.
    await t.rooms.withdraw(ROOM, knock!.knockId);
    expect(await t.rooms.knocks(ROOM)).toEqual([]);
    t.take('ann');
    expect(await t.controls.reassertKnocks(true)).toBe(0);
    expect(t.last('ann', 'knocks')?.knocks).toEqual([knock]);
    await t.act('ann', { type: 'admit', knockId: knock!.knockId });
    expect(await t.memberIds()).toContain('ben');
  });

  it('a removed person is out at once and must knock to come back', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.join('ben');
    await t.act('ann', { type: 'remove', peerId: 'ben' });
    expect(t.expelled).toEqual([{ peerId: 'ben', why: 'removed' }]);
    expect(t.last('ben', 'removed')).toEqual({ type: 'removed' });
    expect(await t.join('ben')).toBe('knocking');
    // The host cannot remove themselves, nor someone not in the call.
    await t.act('ann', { type: 'remove', peerId: 'ann' });
    await t.act('ann', { type: 'remove', peerId: 'zzzzzzzzzzzz' });
    expect(t.errors('ann')).toEqual(['unknown-peer', 'unknown-peer']);
  });
});

describe('during the call', () => {
  it('mute requests reach one person, or everyone but the host', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.join('ben');
    await t.join('cat');
    await t.act('ann', { type: 'mute-request', peerId: 'ben' });
    expect(t.last('ben', 'mute-request')).toBeDefined();
    expect(t.last('cat', 'mute-request')).toBeUndefined();
    await t.act('ann', { type: 'mute-request', peerId: null });
    expect(t.last('cat', 'mute-request')).toBeDefined();
    expect(t.last('ann', 'mute-request')).toBeUndefined();
  });

  it('ending the call expels everyone, the host last', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.join('ben');
    await t.act('ann', { type: 'end-call' });
    expect(t.expelled.map((e) => e.peerId)).toEqual(['ben', 'ann']);
    expect(await t.memberIds()).toEqual([]);
    expect(t.rooms.size()).toEqual({ rooms: 0, members: 0 });
  });

  it('hands are listed in order; a hand comes down when its owner leaves', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.join('ben');
    await t.join('cat');
    await t.act('cat', { type: 'hand', raised: true });
    await t.act('ben', { type: 'hand', raised: true });
    expect(t.last('ann', 'room-controls')?.controls.hands).toEqual(['cat', 'ben']);
    await t.act('cat', { type: 'hand', raised: false });
    expect(t.last('ann', 'room-controls')?.controls.hands).toEqual(['ben']);
    await t.leave('ben');
    expect(t.last('ann', 'room-controls')?.controls.hands).toEqual([]);
  });

  it('reactions reach the others, within a rate limit', async () => {
    const t = setup();
    await t.join('ann', { hostKey: HOST_KEY });
    await t.join('ben');
    for (let i = 0; i < REACTION_BUDGET.burst + 2; i++) {
      await t.act('ben', { type: 'reaction', reaction: '👍' });
    }
    const got = t.inbox('ann').filter((m) => m.type === 'reaction');
    expect(got).toHaveLength(REACTION_BUDGET.burst);
    expect(got[0]).toEqual({ type: 'reaction', from: 'ben', reaction: '👍' });
    expect(t.errors('ben')).toEqual(['rate-limited', 'rate-limited']);
    expect(t.last('ben', 'reaction')).toBeUndefined();
  });
});
