import { DEFAULT_HELD_LIMITS, HeldBudget, HeldMessages, type HeldLimits } from './held-messages';
import { KeyedRateLimit, type RateBudget } from './keyed-rate-limit';
import { emptyControls, type RoomControls } from './room-controls';
import type { MediaState, RoomMode } from './protocol';
import {
  FIRST_EPOCH,
  type BusEvents,
  type AnswerOutcome,
  type Delivery,
  type Envelope,
  type Epoch,
  type ExpelReason,
  type JoinOutcome,
  type KnockOutcome,
  type MemberInfo,
  type OverflowedMember,
  type RoomMember,
  type Rooms,
  type RoomsStatus,
  type WaitingKnock,
} from './rooms';

interface MemberRecord {
  member: RoomMember;
  epoch: Epoch;
  /** 0 while attached, else when its place expires. */
  awayUntil: number;
  held: HeldMessages;
  tokenHash: string | null;
}

interface RoomRecord {
  members: Map<string, MemberRecord>;
  tokens: Map<string, string>;
  controls: RoomControls | null;
  mode: RoomMode;
  /** The waiting list, in the order people knocked. */
  knocks: Map<string, WaitingKnock>;
  /** Addresses the host declined, and until when (wall-clock ms) they wait. */
  declinedUntil: Map<string, number>;
}

/**
 * Rooms in this process's memory: the single-process mode, and the reference the Redis
 * implementation is tested against (`rooms-contract.ts`). Every peer is attached here, so
 * delivery is a direct call.
 */
export class InMemoryRooms implements Rooms {
  readonly nodeId = 'local';
  private readonly rooms = new Map<string, RoomRecord>();
  private nextJoinOrder = 1;
  private events: BusEvents | null = null;
  private readonly heldBudget: HeldBudget;
  private readonly limits = new Map<RateBudget, KeyedRateLimit>();

  /** `clock`: wall-clock milliseconds, for knocks and pauses; tests pass a fake one. */
  constructor(
    readonly capacity: number,
    private readonly heldLimits: HeldLimits = DEFAULT_HELD_LIMITS,
    private readonly clock: () => number = Date.now,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Room capacity must be a positive integer, got ${capacity}`);
    }
    this.heldBudget = new HeldBudget(heldLimits.maxBytesPerProcess);
  }

  async start(events: BusEvents): Promise<void> {
    this.events = events;
  }

  async stop(): Promise<void> {
    this.events = null;
  }

  status(): RoomsStatus {
    return {
      shared: false,
      available: true,
      outages: 0,
      errors: 0,
      heldBytes: this.heldBudget.used,
    };
  }

  async reassert(): Promise<string[]> {
    return [];
  }

  async join(roomId: string, peerId: string, info: MemberInfo): Promise<JoinOutcome> {
    let room = this.rooms.get(roomId);
    if (room && room.members.size >= this.capacity) return { ok: false, reason: 'full' };
    if (!room) {
      room = {
        members: new Map(),
        tokens: new Map(),
        mode: 'mesh',
        controls: null,
        knocks: new Map(),
        declinedUntil: new Map(),
      };
      this.rooms.set(roomId, room);
    }
    const others = [...room.members.values()].map((record) => record.member);
    const member: RoomMember = { peerId, ...info, joinOrder: this.nextJoinOrder++ };
    room.members.set(peerId, {
      member,
      epoch: FIRST_EPOCH,
      awayUntil: 0,
      held: new HeldMessages(this.heldBudget, this.heldLimits.maxBytesPerPeer),
      tokenHash: null,
    });
    return { ok: true, member: { ...member }, others: others.map((other) => ({ ...other })) };
  }

  async leave(
    roomId: string,
    peerId: string,
    epoch: Epoch,
    { onlyIfAway = false } = {},
  ): Promise<{ left: boolean; remaining: RoomMember[] }> {
    const room = this.rooms.get(roomId);
    const record = room?.members.get(peerId);
    if (!room || !record || record.epoch !== epoch || (onlyIfAway && record.awayUntil === 0)) {
      return { left: false, remaining: room ? this.list(room) : [] };
    }
    this.remove(roomId, room, record);
    return { left: true, remaining: this.list(room) };
  }

  async members(roomId: string): Promise<RoomMember[]> {
    const room = this.rooms.get(roomId);
    return room ? this.list(room) : [];
  }

  async updateMedia(
    roomId: string,
    peerId: string,
    epoch: Epoch,
    media: MediaState,
  ): Promise<RoomMember[] | null> {
    const room = this.rooms.get(roomId);
    const record = room?.members.get(peerId);
    if (!room || !record || record.epoch !== epoch) return null;
    record.member = { ...record.member, media };
    return this.list(room).filter((member) => member.peerId !== peerId);
  }

  async mode(roomId: string): Promise<RoomMode> {
    return this.rooms.get(roomId)?.mode ?? 'mesh';
  }

  async setMode(roomId: string, from: RoomMode, to: RoomMode): Promise<boolean> {
    const room = this.rooms.get(roomId);
    if (!room || room.mode !== from) return false;
    room.mode = to;
    return true;
  }

  async deliver(roomId: string, to: string, envelope: Envelope): Promise<Delivery> {
    return this.route(roomId, to, envelope);
  }

  relay(roomId: string, to: string, envelope: Envelope): void {
    const outcome = this.route(roomId, to, envelope);
    this.events?.relayed(roomId, envelope.subject, to, outcome);
  }

  async broadcast(
    roomId: string,
    to: readonly string[],
    envelope: Envelope,
  ): Promise<OverflowedMember[]> {
    const overflowed: OverflowedMember[] = [];
    for (const peerId of to) {
      const delivery = this.route(roomId, peerId, envelope);
      if (typeof delivery === 'object') overflowed.push({ peerId, ...delivery });
    }
    return overflowed;
  }

  async detach(roomId: string, peerId: string, epoch: Epoch, awayUntil: number): Promise<boolean> {
    const record = this.rooms.get(roomId)?.members.get(peerId);
    if (!record || record.epoch !== epoch) return false;
    record.awayUntil = awayUntil;
    return true;
  }

  async claim(roomId: string, peerId: string): Promise<{ epoch: Epoch; held: string[] } | null> {
    const record = this.rooms.get(roomId)?.members.get(peerId);
    if (!record) return null;
    record.epoch++;
    record.awayUntil = 0;
    const held = record.held.drain().map((envelope) => envelope.frame);
    return { epoch: record.epoch, held };
  }

  async expel(
    roomId: string,
    peerId: string,
    why: ExpelReason,
  ): Promise<{ left: boolean; remaining: RoomMember[] }> {
    const room = this.rooms.get(roomId);
    const record = room?.members.get(peerId);
    if (!room || !record) return { left: false, remaining: room ? this.list(room) : [] };
    this.remove(roomId, room, record);
    this.events?.expelled(roomId, peerId, why);
    return { left: true, remaining: this.list(room) };
  }

  async issue(roomId: string, peerId: string, tokenHash: string): Promise<void> {
    const room = this.rooms.get(roomId);
    const record = room?.members.get(peerId);
    if (!room || !record) return;
    if (record.tokenHash) room.tokens.delete(record.tokenHash);
    record.tokenHash = tokenHash;
    room.tokens.set(tokenHash, peerId);
  }

  async redeem(roomId: string, tokenHash: string): Promise<string | null> {
    const room = this.rooms.get(roomId);
    const peerId = room?.tokens.get(tokenHash);
    if (!room || peerId === undefined) return null;
    room.tokens.delete(tokenHash);
    const record = room.members.get(peerId);
    if (record) record.tokenHash = null;
    return peerId;
  }

  /** Counts for leak checks in tests: rooms and members held in memory. */
  size(): { rooms: number; members: number } {
    let members = 0;
    for (const room of this.rooms.values()) members += room.members.size;
    return { rooms: this.rooms.size, members };
  }

  private route(roomId: string, to: string, envelope: Envelope): Delivery {
    const record = this.rooms.get(roomId)?.members.get(to);
    if (!record) return 'unknown';
    if (record.awayUntil === 0) {
      this.events?.deliver(to, envelope.frame);
      return 'sent';
    }
    const outcome = record.held.hold(envelope);
    if (outcome === 'held') return 'held';
    // Past a cap the away peer is given up, as the Redis script does.
    const heldBytes = record.held.bytes;
    this.remove(roomId, this.rooms.get(roomId)!, record);
    return { limit: outcome, heldBytes };
  }

  // -------------------------------------------------------------------------------------------
  // RoomControlsStore
  // -------------------------------------------------------------------------------------------

  controls(roomId: string): Promise<RoomControls> {
    return Promise.resolve(this.rooms.get(roomId)?.controls ?? emptyControls());
  }

  updateControls(
    roomId: string,
    change: (controls: RoomControls) => RoomControls | null,
  ): Promise<RoomControls | null> {
    const room = this.rooms.get(roomId);
    const next = change(room?.controls ?? emptyControls());
    // A room nobody is in keeps nothing.
    if (room) room.controls = next;
    return Promise.resolve(next);
  }

  // -------------------------------------------------------------------------------------------
  // WaitingList
  // -------------------------------------------------------------------------------------------

  async knock(
    roomId: string,
    knock: { knockId: string; name: string; address: string },
    maxKnocks: number,
  ): Promise<KnockOutcome> {
    const room = this.rooms.get(roomId);
    if (!room) return { ok: false, reason: 'no-room' };
    // Written again (after an outage of the shared state): it keeps its place.
    if (room.knocks.has(knock.knockId)) return { ok: true, knocks: this.knockList(room) };
    const now = this.clock();
    const until = room.declinedUntil.get(knock.address) ?? 0;
    if (until > now) return { ok: false, reason: 'too-soon', retryAfterMs: until - now };
    if (room.knocks.size >= maxKnocks) return { ok: false, reason: 'full' };
    room.knocks.set(knock.knockId, { ...knock, since: now, nodeId: this.nodeId });
    return { ok: true, knocks: this.knockList(room) };
  }

  async knocks(roomId: string): Promise<WaitingKnock[]> {
    const room = this.rooms.get(roomId);
    return room ? this.knockList(room) : [];
  }

  async answer(
    roomId: string,
    knockId: string,
    host: string,
    answer: 'admit' | 'decline',
    cooldownMs: number,
  ): Promise<AnswerOutcome> {
    const room = this.rooms.get(roomId);
    if (!room || room.controls?.hostPeerId !== host) return { ok: false, reason: 'not-host' };
    const knock = room.knocks.get(knockId);
    if (!knock) return { ok: false, reason: 'no-knock' };
    room.knocks.delete(knockId);
    if (answer === 'admit') {
      this.events?.knockAnswered(roomId, knockId, { admitted: true });
    } else {
      const now = this.clock();
      // Pauses that are over are forgotten here, so the map holds only those still running.
      for (const [address, until] of room.declinedUntil) {
        if (until <= now) room.declinedUntil.delete(address);
      }
      room.declinedUntil.set(knock.address, now + cooldownMs);
      this.events?.knockAnswered(roomId, knockId, { admitted: false, retryAfterMs: cooldownMs });
    }
    return { ok: true, knock: { ...knock }, knocks: this.knockList(room) };
  }

  async withdraw(roomId: string, knockId: string): Promise<WaitingKnock[] | null> {
    const room = this.rooms.get(roomId);
    if (!room?.knocks.delete(knockId)) return null;
    return this.knockList(room);
  }

  // -------------------------------------------------------------------------------------------
  // SharedRateLimits: one process shares nothing, so these are this process's own buckets.
  // -------------------------------------------------------------------------------------------

  async allow(key: string, budget: RateBudget): Promise<boolean> {
    let limit = this.limits.get(budget);
    if (!limit) {
      limit = new KeyedRateLimit(budget, this.clock);
      this.limits.set(budget, limit);
    }
    return limit.allow(key);
  }

  private remove(roomId: string, room: RoomRecord, record: MemberRecord): void {
    record.held.clear();
    room.members.delete(record.member.peerId);
    if (record.tokenHash) room.tokens.delete(record.tokenHash);
    if (room.members.size === 0) {
      this.rooms.delete(roomId);
      // Nobody is left to answer a knock: each knocker may try again at once.
      for (const knockId of room.knocks.keys()) {
        this.events?.knockAnswered(roomId, knockId, { admitted: false, retryAfterMs: 0 });
      }
    }
  }

  private knockList(room: RoomRecord): WaitingKnock[] {
    return [...room.knocks.values()].map((knock) => ({ ...knock }));
  }

  private list(room: RoomRecord): RoomMember[] {
    return [...room.members.values()].map((record) => ({ ...record.member }));
  }
}
