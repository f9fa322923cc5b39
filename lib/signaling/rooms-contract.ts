/**
 * What every `Rooms` implementation promises, as one suite: `in-memory-rooms.test.ts` runs it
 * against the in-memory rooms and `redis-rooms.test.ts` against Redis rooms on a real
 * redis-server, so that the two modes cannot drift apart.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_HELD_LIMITS, type HeldKind, type HeldLimits } from './held-messages';
import {
  FIRST_EPOCH,
  type BusEvents,
  type Delivery,
  type Envelope,
  type ExpelReason,
  type KnockAnswer,
  type Rooms,
} from './rooms';

export interface ContractSubject {
  rooms: Rooms;
  /** Everything this implementation leaves behind (Redis keys, rooms in memory). */
  leftovers(): Promise<number>;
  /** What is held for this process's away members, by its budget's own count. */
  heldBytes(): Promise<number>;
  dispose(): Promise<void>;
}

const ROOM = '7k3mq-x9tbd-4rw8h';
const OTHER_ROOM = 'zzzzz-zzzzz-zzzzz';
const MEDIA = { audio: true, video: true, screen: null };
const info = (name: string) => ({ name, media: MEDIA });
const event = (frame: string): Envelope => ({ frame, kind: 'other', subject: '', bytes: 64 });
/** An envelope whose cost is its frame's length plus 64, as `heldBytes` counts. */
const envelope = (kind: HeldKind, subject: string, frame: string): Envelope => ({
  frame,
  kind,
  subject,
  bytes: 64 + frame.length,
});

/** Records what the rooms hand to this process; nothing counts as local, so all goes through. */
function recorder() {
  const delivered: { peerId: string; frame: string }[] = [];
  const expelled: { roomId: string; peerId: string; why: ExpelReason }[] = [];
  const answered: { roomId: string; knockId: string; answer: KnockAnswer }[] = [];
  const relayed: { roomId: string; from: string; to: string; outcome: Delivery | 'lost' }[] = [];
  const events: BusEvents = {
    deliver: (peerId, frame) => delivered.push({ peerId, frame: frame.toString() }),
    relayed: (roomId, from, to, outcome) => relayed.push({ roomId, from, to, outcome }),
    isLocal: () => false,
    claimedAway: () => undefined,
    adopted: () => undefined,
    reconnected: () => undefined,
    holds: () => true,
    released: () => undefined,
    availability: () => undefined,
    expelled: (roomId, peerId, why) => expelled.push({ roomId, peerId, why }),
    knockAnswered: (roomId, knockId, answer) => answered.push({ roomId, knockId, answer }),
  };
  return { delivered, relayed, expelled, answered, events };
}

/** Polls until `condition` holds: deliveries through Redis arrive a moment after the call. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Polls an async check until it holds: pauses and budgets run on the store's own clock. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function describeRoomsContract(
  name: string,
  create: (capacity: number, heldLimits: HeldLimits) => Promise<ContractSubject>,
): void {
  describe(`Rooms contract: ${name}`, () => {
    let subject: ContractSubject;
    let rooms: Rooms;
    let delivered: { peerId: string; frame: string }[];
    let events: ReturnType<typeof recorder>;

    const open = async (heldLimits = DEFAULT_HELD_LIMITS) => {
      subject = await create(3, heldLimits);
      rooms = subject.rooms;
      events = recorder();
      delivered = events.delivered;
      await rooms.start(events.events);
    };
    beforeEach(() => open());
    afterEach(async () => {
      await subject.dispose();
    });

    it('keeps host controls with the room, changes them atomically, and drops them with it', async () => {
      expect((await rooms.controls(ROOM)).hostPeerId).toBeNull();
      await rooms.join(ROOM, 'peer-a', info('A'));
      await rooms.updateControls(ROOM, (c) => ({ ...c, hostPeerId: 'peer-a', locked: true }));
      // Concurrent changes all land: none is lost to another's read-modify-write.
      await Promise.all(
        ['peer-a', 'peer-b', 'peer-c'].map((id) =>
          rooms.updateControls(ROOM, (c) => ({ ...c, hands: [...c.hands, id] })),
        ),
      );
      const stored = await rooms.controls(ROOM);
      expect(stored).toMatchObject({ hostPeerId: 'peer-a', locked: true });
      expect([...stored.hands].sort()).toEqual(['peer-a', 'peer-b', 'peer-c']);
      await rooms.leave(ROOM, 'peer-a', FIRST_EPOCH);
      expect(await rooms.controls(ROOM)).toMatchObject({ hostPeerId: null, locked: false });
      expect(await subject.leftovers()).toBe(0);
    });

    it('keeps a waiting list with the room: knocks in order, answered only by the host', async () => {
      const knock = (knockId: string, address = `192.0.2.${knockId.length}`) =>
        rooms.knock(ROOM, { knockId, name: `Name ${knockId}`, address }, 3);
      // Nobody is in to answer.
      expect(await knock('knock-a')).toEqual({ ok: false, reason: 'no-room' });
      await rooms.join(ROOM, 'peer-a', info('A'));
      await rooms.updateControls(ROOM, (c) => ({ ...c, hostPeerId: 'peer-a' }));
      const first = await knock('knock-a', '192.0.2.1');
      expect(first.ok && first.knocks).toMatchObject([
        { knockId: 'knock-a', name: 'Name knock-a', address: '192.0.2.1', nodeId: rooms.nodeId },
      ]);
      await knock('knock-b', '192.0.2.2');
      // Written again (a process re-asserting its knocks): it keeps its place.
      const rewritten = await knock('knock-a', '192.0.2.1');
      expect(rewritten.ok && rewritten.knocks.map((k) => k.knockId)).toEqual([
        'knock-a',
        'knock-b',
      ]);
      await knock('knock-c', '192.0.2.3');
      expect(await knock('knock-d')).toEqual({ ok: false, reason: 'full' });
      const listed = await rooms.knocks(ROOM);
      expect(listed.map((k) => k.knockId)).toEqual(['knock-a', 'knock-b', 'knock-c']);
      expect(listed[0]!.since).toBeLessThanOrEqual(listed[2]!.since);
      expect(await rooms.knocks(OTHER_ROOM)).toEqual([]);

      // Only the host answers; the knocker's process hears it.
      expect(await rooms.answer(ROOM, 'knock-a', 'peer-x', 'admit', 1_000)).toEqual({
        ok: false,
        reason: 'not-host',
      });
      const admitted = await rooms.answer(ROOM, 'knock-a', 'peer-a', 'admit', 1_000);
      expect(admitted).toMatchObject({
        ok: true,
        knock: { knockId: 'knock-a', address: '192.0.2.1' },
      });
      expect(admitted.ok && admitted.knocks.map((k) => k.knockId)).toEqual(['knock-b', 'knock-c']);
      expect(await rooms.answer(ROOM, 'knock-a', 'peer-a', 'admit', 1_000)).toEqual({
        ok: false,
        reason: 'no-knock',
      });
      await eventually(() => events.answered.length === 1, 'the admission notice');
      expect(events.answered[0]).toEqual({
        roomId: ROOM,
        knockId: 'knock-a',
        answer: { admitted: true },
      });

      // A decline pauses the address, and only that address.
      await rooms.answer(ROOM, 'knock-b', 'peer-a', 'decline', 300);
      await eventually(() => events.answered.length === 2, 'the decline notice');
      expect(events.answered[1]?.answer).toEqual({ admitted: false, retryAfterMs: 300 });
      const again = await knock('knock-b2', '192.0.2.2');
      expect(again).toMatchObject({ ok: false, reason: 'too-soon' });
      if (again.ok || again.reason !== 'too-soon') throw new Error('not paused');
      expect(again.retryAfterMs).toBeGreaterThan(0);
      expect(again.retryAfterMs).toBeLessThanOrEqual(300);
      expect((await knock('knock-e', '192.0.2.9')).ok).toBe(true);
      // Once the pause is over, it may knock again.
      await until(async () => (await knock('knock-b3', '192.0.2.2')).ok, 'the pause to end');

      // A knocker who goes away leaves the list.
      expect((await rooms.withdraw(ROOM, 'knock-e'))?.map((k) => k.knockId)).toEqual([
        'knock-c',
        'knock-b3',
      ]);
      expect(await rooms.withdraw(ROOM, 'knock-e')).toBeNull();

      // The room empties: whoever still knocks may try again at once, and nothing is left.
      await rooms.leave(ROOM, 'peer-a', FIRST_EPOCH);
      await eventually(() => events.answered.length === 4, 'the room-emptied notices');
      expect(
        events.answered
          .slice(2)
          .map((a) => [a.knockId, a.answer])
          .sort(),
      ).toEqual([
        ['knock-b3', { admitted: false, retryAfterMs: 0 }],
        ['knock-c', { admitted: false, retryAfterMs: 0 }],
      ]);
      expect(await rooms.knocks(ROOM)).toEqual([]);
      expect(await subject.leftovers()).toBe(0);
    });

    it('expels a member wherever it is: its place, token and held messages go, its process is told', async () => {
      await rooms.join(ROOM, 'peer-a', info('A'));
      await rooms.join(ROOM, 'peer-b', info('B'));
      await rooms.issue(ROOM, 'peer-b', 'hash-b');
      // Away, with something held for it: a resume must not get it back.
      await rooms.detach(ROOM, 'peer-b', FIRST_EPOCH, Date.now() + 10_000);
      expect(await rooms.deliver(ROOM, 'peer-b', event('held for b'))).toBe('held');
      const outcome = await rooms.expel(ROOM, 'peer-b', 'removed');
      expect(outcome.left).toBe(true);
      expect(outcome.remaining.map((m) => m.peerId)).toEqual(['peer-a']);
      await eventually(() => events.expelled.length === 1, 'the expulsion notice');
      expect(events.expelled).toEqual([{ roomId: ROOM, peerId: 'peer-b', why: 'removed' }]);
      expect(await rooms.redeem(ROOM, 'hash-b')).toBeNull();
      expect(await rooms.claim(ROOM, 'peer-b')).toBeNull();
      expect(await rooms.deliver(ROOM, 'peer-b', event('late'))).toBe('unknown');
      expect(await subject.heldBytes()).toBe(0);
      expect((await rooms.expel(ROOM, 'peer-b', 'removed')).left).toBe(false);
      expect(await rooms.expel(ROOM, 'peer-a', 'call-ended')).toEqual({
        left: true,
        remaining: [],
      });
      await eventually(() => events.expelled.length === 2, 'the second notice');
      expect(events.expelled[1]).toEqual({ roomId: ROOM, peerId: 'peer-a', why: 'call-ended' });
      expect(await subject.leftovers()).toBe(0);
    });

    it('shares rate budgets by key: a burst, then refused until tokens come back', async () => {
      const budget = { burst: 3, refillPerSecond: 10 };
      const key = `guess:192.0.2.${Math.floor(Math.random() * 250)}`;
      const takes = [];
      for (let i = 0; i < 4; i++) takes.push(await rooms.allow(key, budget));
      expect(takes).toEqual([true, true, true, false]);
      expect(await rooms.allow(`${key}0`, budget)).toBe(true);
      await until(() => rooms.allow(key, budget), 'a token to come back');
    });

    it('admits up to capacity, in increasing join order, telling each who was there', async () => {
      const a = await rooms.join(ROOM, 'peer-a', info('A'));
      const b = await rooms.join(ROOM, 'peer-b', info('B'));
      expect(a).toMatchObject({ ok: true, others: [] });
      expect(b.ok && b.others).toEqual([a.ok && a.member]);
      const c = await rooms.join(ROOM, 'peer-c', info('C'));
      expect(await rooms.join(ROOM, 'peer-d', info('D'))).toEqual({ ok: false, reason: 'full' });
      const orders = [a, b, c].map((outcome) => (outcome.ok ? outcome.member.joinOrder : 0));
      expect(orders[0]!).toBeLessThan(orders[1]!);
      expect(orders[1]!).toBeLessThan(orders[2]!);
      expect((await rooms.members(ROOM)).map((member) => member.peerId).sort()).toEqual([
        'peer-a',
        'peer-b',
        'peer-c',
      ]);
      expect(await rooms.members(OTHER_ROOM)).toEqual([]);
    });

    it('holds the media mode with the room: one mover wins, and the mode goes with the room', async () => {
      expect(await rooms.mode(ROOM)).toBe('mesh');
      // No room, no mode to set.
      expect(await rooms.setMode(ROOM, 'mesh', 'sfu')).toBe(false);
      await rooms.join(ROOM, 'peer-a', info('A'));
      const moves = await Promise.all([
        rooms.setMode(ROOM, 'mesh', 'sfu'),
        rooms.setMode(ROOM, 'mesh', 'sfu'),
      ]);
      expect(moves.filter(Boolean)).toHaveLength(1);
      expect(await rooms.mode(ROOM)).toBe('sfu');
      expect(await rooms.mode(OTHER_ROOM)).toBe('mesh');
      expect((await rooms.members(ROOM)).map((member) => member.peerId)).toEqual(['peer-a']);
      expect(await rooms.setMode(ROOM, 'sfu', 'mesh')).toBe(true);
      expect(await rooms.setMode(ROOM, 'mesh', 'sfu')).toBe(true);
      await rooms.leave(ROOM, 'peer-a', FIRST_EPOCH);
      expect(await rooms.mode(ROOM)).toBe('mesh');
      expect(await subject.leftovers()).toBe(0);
    });

    it('never admits more than capacity, however many join at once', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => rooms.join(ROOM, `peer-${i}`, info(`P${i}`))),
      );
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(3);
      expect(await rooms.members(ROOM)).toHaveLength(3);
    });

    it('removes a leaver, names who remains, and forgets an empty room', async () => {
      await rooms.join(ROOM, 'peer-a', info('A'));
      await rooms.join(ROOM, 'peer-b', info('B'));
      const first = await rooms.leave(ROOM, 'peer-a', FIRST_EPOCH);
      expect(first.left).toBe(true);
      expect(first.remaining.map((member) => member.peerId)).toEqual(['peer-b']);
      expect((await rooms.leave(ROOM, 'peer-a', FIRST_EPOCH)).left).toBe(false);
      expect(await rooms.leave(ROOM, 'peer-b', FIRST_EPOCH)).toEqual({ left: true, remaining: [] });
      expect(await subject.leftovers()).toBe(0);
    });

    it('refuses requests made under a stale epoch', async () => {
      await rooms.join(ROOM, 'peer-a', info('A'));
      await rooms.join(ROOM, 'peer-b', info('B'));
      const claimed = await rooms.claim(ROOM, 'peer-a');
      expect(claimed?.epoch).toBe(FIRST_EPOCH + 1);
      expect(
        await rooms.updateMedia(ROOM, 'peer-a', FIRST_EPOCH, { ...MEDIA, audio: false }),
      ).toBeNull();
      expect(await rooms.detach(ROOM, 'peer-a', FIRST_EPOCH, Date.now() + 1_000)).toBe(false);
      expect((await rooms.leave(ROOM, 'peer-a', FIRST_EPOCH)).left).toBe(false);
      const others = await rooms.updateMedia(ROOM, 'peer-a', FIRST_EPOCH + 1, {
        ...MEDIA,
        audio: false,
      });
      expect(others?.map((member) => member.peerId)).toEqual(['peer-b']);
      const [a] = (await rooms.members(ROOM)).filter((member) => member.peerId === 'peer-a');
      expect(a?.media.audio).toBe(false);
    });

    it('delivers to an attached member in order, and refuses strangers', async () => {
      await rooms.join(ROOM, 'peer-a', info('A'));
      await rooms.join(OTHER_ROOM, 'peer-x', info('X'));
      for (let i = 0; i < 20; i++) {
        expect(await rooms.deliver(ROOM, 'peer-a', event(`frame ${i}`))).toBe('sent');
      }
      expect(await rooms.deliver(ROOM, 'peer-x', event('wrong room'))).toBe('unknown');
      expect(await rooms.deliver(ROOM, 'nobody', event('nobody'))).toBe('unknown');
      await eventually(() => delivered.length === 20, '20 deliveries');
      expect(delivered.map((item) => item.frame)).toEqual(
        Array.from({ length: 20 }, (_, i) => `frame ${i}`),
      );
      expect(delivered.every((item) => item.peerId === 'peer-a')).toBe(true);
    });

    it('relays signals in order and tells each outcome, held and refused ones too', async () => {
      await rooms.join(ROOM, 'peer-a', info('A'));
      await rooms.join(ROOM, 'peer-b', info('B'));
      await rooms.join(ROOM, 'peer-c', info('C'));
      expect(await rooms.detach(ROOM, 'peer-c', FIRST_EPOCH, Date.now() + 10_000)).toBe(true);
      for (let i = 0; i < 20; i++) {
        rooms.relay(ROOM, 'peer-a', envelope('candidate', 'peer-b', `candidate ${i}`));
      }
      rooms.relay(ROOM, 'peer-c', envelope('description', 'peer-b', 'offer for away c'));
      rooms.relay(ROOM, 'nobody', envelope('candidate', 'peer-b', 'to nobody'));
      await eventually(() => events.relayed.length === 22, '22 outcomes');
      expect(events.relayed.map((item) => item.outcome)).toEqual([
        ...Array.from({ length: 20 }, () => 'sent'),
        'held',
        'unknown',
      ]);
      expect(events.relayed[20]).toEqual({
        roomId: ROOM,
        from: 'peer-b',
        to: 'peer-c',
        outcome: 'held',
      });
      await eventually(() => delivered.length === 20, '20 deliveries');
      expect(delivered.map((item) => item.frame)).toEqual(
        Array.from({ length: 20 }, (_, i) => `candidate ${i}`),
      );
      expect((await rooms.claim(ROOM, 'peer-c'))?.held).toEqual(['offer for away c']);
    });

    it('holds for an away member, then hands it over on claim with the current description only', async () => {
      await rooms.join(ROOM, 'peer-a', info('A'));
      expect(await rooms.detach(ROOM, 'peer-a', FIRST_EPOCH, Date.now() + 10_000)).toBe(true);
      const from = (sender: string, kind: HeldKind, frame: string) =>
        rooms.deliver(ROOM, 'peer-a', envelope(kind, sender, frame));
      expect(await from('peer-b', 'description', 'b offer 1')).toBe('held');
      await from('peer-b', 'candidate', 'b candidate 1');
      await rooms.broadcast(ROOM, ['peer-a'], envelope('peer-joined', 'peer-d', 'd joined'));
      await from('peer-c', 'description', 'c offer');
      await from('peer-b', 'description', 'b answer 2');
      await from('peer-b', 'candidate', 'b candidate 2');
      expect(delivered).toEqual([]);

      const claimed = await rooms.claim(ROOM, 'peer-a');
      expect(claimed).toEqual({
        epoch: FIRST_EPOCH + 1,
        held: ['d joined', 'c offer', 'b answer 2', 'b candidate 2'],
      });
      expect(await rooms.deliver(ROOM, 'peer-a', event('live again'))).toBe('sent');
      await eventually(() => delivered.length === 1, 'a delivery after the claim');
      expect((await rooms.claim(ROOM, 'peer-a'))?.held).toEqual([]);
      expect(await rooms.claim(ROOM, 'nobody')).toBeNull();
      expect(await subject.heldBytes()).toBe(0);
    });

    it('holds only the latest media of each peer, and nothing of a departed one', async () => {
      await rooms.join(ROOM, 'peer-a', info('A'));
      await rooms.detach(ROOM, 'peer-a', FIRST_EPOCH, Date.now() + 10_000);
      const hold = (kind: HeldKind, subject: string, frame: string) =>
        rooms.broadcast(ROOM, ['peer-a'], envelope(kind, subject, frame));
      await hold('peer-updated', 'peer-b', 'b muted');
      await hold('description', 'peer-b', 'b offer');
      await hold('peer-updated', 'peer-c', 'c muted');
      await hold('peer-joined', 'peer-d', 'd joined');
      await hold('description', 'peer-d', 'd offer');
      await hold('peer-updated', 'peer-b', 'b unmuted');
      await hold('peer-updated', 'peer-d', 'd muted');
      // D came and went while A was away: A never hears of D.
      await hold('peer-left', 'peer-d', 'd left');
      await hold('candidate', 'peer-c', 'c candidate');
      // C leaves: what C sent and what was about C goes, its departure stays.
      await hold('peer-left', 'peer-c', 'c left');
      expect((await rooms.claim(ROOM, 'peer-a'))?.held).toEqual(['b offer', 'b unmuted', 'c left']);
    });

    it('gives up an away member whose held messages pass its cap, saying how much was held', async () => {
      await rooms.join(ROOM, 'peer-a', info('A'));
      await rooms.join(ROOM, 'peer-b', info('B'));
      await rooms.detach(ROOM, 'peer-a', FIRST_EPOCH, Date.now() + 10_000);
      const big = 'x'.repeat(100 * 1024);
      const outcomes = [];
      for (let i = 0; i < 6; i++) {
        outcomes.push(await rooms.deliver(ROOM, 'peer-a', envelope('candidate', 'peer-b', big)));
      }
      expect(outcomes.slice(0, 5)).toEqual(['held', 'held', 'held', 'held', 'held']);
      expect(outcomes[5]).toEqual({ limit: 'peer-limit', heldBytes: 5 * (64 + big.length) });
      expect((await rooms.members(ROOM)).map((member) => member.peerId)).toEqual(['peer-b']);
      expect(await rooms.deliver(ROOM, 'peer-a', event('late'))).toBe('unknown');
    });

    it('collapses a flood of descriptions from one sender instead of giving the peer up', async () => {
      await rooms.join(ROOM, 'peer-a', info('A'));
      await rooms.detach(ROOM, 'peer-a', FIRST_EPOCH, Date.now() + 10_000);
      const sdp = 'x'.repeat(48 * 1024);
      for (let i = 0; i < 40; i++) {
        expect(
          await rooms.deliver(ROOM, 'peer-a', envelope('description', 'peer-b', sdp + i)),
        ).toBe('held');
      }
      expect((await rooms.claim(ROOM, 'peer-a'))?.held).toEqual([`${sdp}39`]);
    });

    it('shares one budget among the away members of a process, and gives it back', async () => {
      await subject.dispose();
      await open({ maxBytesPerPeer: 64 * 1024, maxBytesPerProcess: 100 * 1024 });
      for (const peer of ['peer-a', 'peer-b', 'peer-c']) {
        await rooms.join(ROOM, peer, info(peer));
        await rooms.detach(ROOM, peer, FIRST_EPOCH, Date.now() + 10_000);
      }
      const sdp = 'x'.repeat(40 * 1024);
      expect(await rooms.deliver(ROOM, 'peer-a', envelope('description', 'peer-x', sdp))).toBe(
        'held',
      );
      expect(await rooms.deliver(ROOM, 'peer-b', envelope('description', 'peer-x', sdp))).toBe(
        'held',
      );
      expect(await subject.heldBytes()).toBe(2 * (64 + sdp.length));
      expect(await rooms.deliver(ROOM, 'peer-c', envelope('description', 'peer-x', sdp))).toEqual({
        limit: 'process-limit',
        heldBytes: 0,
      });
      // A's resume hands its bytes back: C's next message fits again... but C is gone.
      expect(await rooms.deliver(ROOM, 'peer-c', event('late'))).toBe('unknown');
      await rooms.claim(ROOM, 'peer-a');
      await rooms.join(ROOM, 'peer-d', info('D'));
      await rooms.detach(ROOM, 'peer-d', FIRST_EPOCH, Date.now() + 10_000);
      expect(await rooms.deliver(ROOM, 'peer-d', envelope('description', 'peer-x', sdp))).toBe(
        'held',
      );
      // And a member that leaves gives its bytes back too.
      await rooms.leave(ROOM, 'peer-b', FIRST_EPOCH);
      await rooms.join(ROOM, 'peer-e', info('E'));
      await rooms.detach(ROOM, 'peer-e', FIRST_EPOCH, Date.now() + 10_000);
      expect(await rooms.deliver(ROOM, 'peer-e', envelope('description', 'peer-x', sdp))).toBe(
        'held',
      );
      expect(await subject.heldBytes()).toBe(2 * (64 + sdp.length));
      for (const peer of ['peer-d', 'peer-e']) await rooms.leave(ROOM, peer, FIRST_EPOCH);
      await rooms.leave(ROOM, 'peer-a', FIRST_EPOCH + 1);
      expect(await subject.heldBytes()).toBe(0);
      expect(await subject.leftovers()).toBe(0);
    });

    it('broadcasts to attached members, holds for away ones, and names those that overflow', async () => {
      await rooms.join(ROOM, 'peer-a', info('A'));
      await rooms.join(ROOM, 'peer-b', info('B'));
      await rooms.detach(ROOM, 'peer-b', FIRST_EPOCH, Date.now() + 10_000);
      expect(await rooms.broadcast(ROOM, ['peer-a', 'peer-b', 'gone'], event('hello'))).toEqual([]);
      await eventually(() => delivered.length === 1, 'the broadcast');
      expect(delivered).toEqual([{ peerId: 'peer-a', frame: 'hello' }]);
      expect((await rooms.claim(ROOM, 'peer-b'))?.held).toEqual(['hello']);
      await rooms.detach(ROOM, 'peer-b', FIRST_EPOCH + 1, Date.now() + 10_000);
      const big = event('y'.repeat(300 * 1024));
      const bigEnvelope = { ...big, bytes: 64 + big.frame.length };
      expect(await rooms.broadcast(ROOM, ['peer-b'], bigEnvelope)).toEqual([]);
      expect(await rooms.broadcast(ROOM, ['peer-b'], bigEnvelope)).toEqual([
        { peerId: 'peer-b', limit: 'peer-limit', heldBytes: bigEnvelope.bytes },
      ]);
    });

    it('leaves an away member only while it is still away', async () => {
      await rooms.join(ROOM, 'peer-a', info('A'));
      expect((await rooms.leave(ROOM, 'peer-a', FIRST_EPOCH, { onlyIfAway: true })).left).toBe(
        false,
      );
      await rooms.detach(ROOM, 'peer-a', FIRST_EPOCH, Date.now() + 10_000);
      expect((await rooms.leave(ROOM, 'peer-a', FIRST_EPOCH, { onlyIfAway: true })).left).toBe(
        true,
      );
      expect(await subject.leftovers()).toBe(0);
    });

    it('redeems a resume token once, and only the latest one issued', async () => {
      await rooms.join(ROOM, 'peer-a', info('A'));
      await rooms.issue(ROOM, 'peer-a', 'hash-1');
      await rooms.issue(ROOM, 'peer-a', 'hash-2');
      expect(await rooms.redeem(ROOM, 'hash-1')).toBeNull();
      expect(await rooms.redeem(OTHER_ROOM, 'hash-2')).toBeNull();
      expect(await rooms.redeem(ROOM, 'hash-2')).toBe('peer-a');
      expect(await rooms.redeem(ROOM, 'hash-2')).toBeNull();
      await rooms.issue(ROOM, 'nobody', 'hash-3');
      expect(await rooms.redeem(ROOM, 'hash-3')).toBeNull();
      await rooms.issue(ROOM, 'peer-a', 'hash-4');
      await rooms.leave(ROOM, 'peer-a', FIRST_EPOCH);
      expect(await rooms.redeem(ROOM, 'hash-4')).toBeNull();
      expect(await subject.leftovers()).toBe(0);
    });
  });
}
