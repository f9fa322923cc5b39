/**
 * Where rooms live, as three small async interfaces the hub is written against. The in-memory
 * implementation (`in-memory-rooms.ts`) is the single-process mode; the Redis one
 * (`redis-rooms.ts`) shares rooms between any number of processes. Every method is async because
 * the shared one is: nothing here pretends a network round trip is a map lookup.
 *
 * Both implementations keep one record per room: its members, where each member is connected
 * (which process, under which epoch) or that it is away, and the resume tokens. Operations that
 * span the interfaces (a delivery racing a resume's claim) are atomic because they act on that one
 * record. Per-room state beyond members (host controls, the waiting list) lives in the same
 * record, and goes with it.
 */
import type { Envelope, HeldOverflow } from './held-messages';
import type { RateBudget } from './keyed-rate-limit';
import type { RoomControls } from './room-controls';
import type { MediaState, RoomMode } from './protocol';

export type { Envelope, HeldOverflow } from './held-messages';

export interface MemberInfo {
  name: string;
  media: MediaState;
}

export interface RoomMember extends MemberInfo {
  peerId: string;
  /** Increases with every join into a room; the later joiner of a pair is the polite one. */
  joinOrder: number;
}

export type JoinOutcome =
  { ok: true; member: RoomMember; others: RoomMember[] } | { ok: false; reason: 'full' };

/**
 * An ownership generation. A member is held by one process at a time under an epoch; claiming it
 * (a resume, or adopting the peers of a dead process) raises the epoch, and every later request
 * made under an older one is refused as stale.
 */
export type Epoch = number;
export const FIRST_EPOCH: Epoch = 1;

/** Who is in which room: atomic admission, join order, media. */
export interface RoomDirectory {
  readonly capacity: number;
  /**
   * Atomically admits the peer if the room has a seat, gives it the next join order and attaches
   * it to this process under `FIRST_EPOCH`. `others` are everyone already there.
   */
  join(roomId: string, peerId: string, info: MemberInfo): Promise<JoinOutcome>;
  /**
   * Removes the member if `epoch` still holds it (and, with `onlyIfAway`, only if it is away), and
   * forgets the room once it is empty. `remaining` is who is still there, to be told.
   */
  leave(
    roomId: string,
    peerId: string,
    epoch: Epoch,
    options?: { onlyIfAway?: boolean },
  ): Promise<{ left: boolean; remaining: RoomMember[] }>;
  members(roomId: string): Promise<RoomMember[]>;
  /** Records new media flags; returns the others to tell, or null if `epoch` is stale. */
  updateMedia(
    roomId: string,
    peerId: string,
    epoch: Epoch,
    media: MediaState,
  ): Promise<RoomMember[] | null>;
  /** How the room carries media: `mesh` until moved, and for a room that does not exist. */
  mode(roomId: string): Promise<RoomMode>;
  /**
   * Moves the room from one mode to another, atomically: true for the one caller (of any process)
   * that made the move; false if the room is empty or not in `from`. The mode goes with the room
   * when its last member leaves.
   */
  setMode(roomId: string, from: RoomMode, to: RoomMode): Promise<boolean>;
}

/**
 * `sent`: to the process the peer is attached to (or straight to its socket, if here).
 * `held`: the peer is away; kept for its resume (by the rules of `held-messages.ts`).
 * `unknown`: no such member in that room. An overflow: the peer is away and what is held for it
 * passed a cap (`HeldLimits`); it has been removed from the room.
 */
export type Delivery = 'sent' | 'held' | 'unknown' | HeldOverflow;

/** A member removed because what was held for it passed a cap. */
export interface OverflowedMember extends HeldOverflow {
  peerId: string;
}

/**
 * Delivery to a peer wherever it is connected, and holding while it is away. Frames for peers
 * attached to this process reach `BusEvents.deliver` before the call returns.
 */
export interface PeerBus {
  /** This process, as the shared state names it. */
  readonly nodeId: string;
  deliver(roomId: string, to: string, envelope: Envelope): Promise<Delivery>;
  /**
   * A peer's signal to another (a description or candidate, from `envelope.subject`): delivered
   * like `deliver`, in order per recipient, with its outcome told to `BusEvents.relayed` (at once
   * for a peer of this process or while the shared state is away; otherwise once Redis answers).
   * The hot path: a relay awaiting Redis's answer keeps no promise or closure alive, only its ids.
   */
  relay(roomId: string, to: string, envelope: Envelope): void;
  /** Delivers one envelope to several members; returns those whose held messages overflowed. */
  broadcast(roomId: string, to: readonly string[], envelope: Envelope): Promise<OverflowedMember[]>;
  /**
   * The member's socket is gone: hold its messages until `awayUntil` (epoch milliseconds).
   * False if `epoch` no longer holds it.
   */
  detach(roomId: string, peerId: string, epoch: Epoch, awayUntil: number): Promise<boolean>;
  /**
   * Attaches the member to this process under a new epoch (a resume) and hands over what was held
   * for it, oldest first. Another process that held it before is told (`BusEvents.claimedAway`);
   * this one, if it held it, handles its own old socket. Null if there is no such member.
   */
  claim(roomId: string, peerId: string): Promise<{ epoch: Epoch; held: string[] } | null>;
  /**
   * The host took the member out (`why`): its place, its resume token and what was held for it
   * go at once, wherever it is connected, and the process holding it is told
   * (`BusEvents.expelled`) so that it closes the member's socket. `left` is false if there was no
   * such member; `remaining` is who is still there, to be told.
   */
  expel(
    roomId: string,
    peerId: string,
    why: ExpelReason,
  ): Promise<{ left: boolean; remaining: RoomMember[] }>;
}

export type ExpelReason = 'removed' | 'call-ended';

/** Resume tokens, stored as hashes only. A token works once. */
export interface ResumeRegistry {
  /** Makes `tokenHash` the member's one valid token, replacing any earlier one. */
  issue(roomId: string, peerId: string, tokenHash: string): Promise<void>;
  /** The member a token belongs to, consuming the token; null if it is unknown or used. */
  redeem(roomId: string, tokenHash: string): Promise<string | null>;
}

/**
 * A room's host controls (`room-controls.ts`), kept in the room's own record: they go when the
 * room goes. `updateControls` is atomic per room: `change` sees the current controls (empty ones
 * if there are none) and returns the new ones, or null to drop them; in Redis it may run again if
 * another process changed them meanwhile, so it must be a pure function. A room nobody is in
 * keeps no controls.
 */
export interface RoomControlsStore {
  controls(roomId: string): Promise<RoomControls>;
  updateControls(
    roomId: string,
    change: (controls: RoomControls) => RoomControls | null,
  ): Promise<RoomControls | null>;
}

/** Someone knocking on a room, as its waiting list keeps them. */
export interface WaitingKnock {
  knockId: string;
  name: string;
  /** The client address it knocked from: a decline pauses that address. */
  address: string;
  /** When it knocked (epoch milliseconds): the list is in this order. */
  since: number;
  /** The process holding the knocker's socket, which is told the host's answer. */
  nodeId: string;
}

export type KnockOutcome =
  | { ok: true; knocks: WaitingKnock[] }
  /** Nobody is in the room to answer (it emptied meanwhile). */
  | { ok: false; reason: 'no-room' }
  | { ok: false; reason: 'full' }
  /** The host declined this address a moment ago. */
  | { ok: false; reason: 'too-soon'; retryAfterMs: number };

export type AnswerOutcome =
  | { ok: true; knock: WaitingKnock; knocks: WaitingKnock[] }
  /** `host` is not the room's host (any more), or the knock is gone (withdrawn, answered). */
  | { ok: false; reason: 'not-host' | 'no-knock' };

/** What the knocker's process hears: let it in, or tell it to wait before knocking again. */
export type KnockAnswer = { admitted: true } | { admitted: false; retryAfterMs: number };

/**
 * A room's waiting list, kept with the room: who knocks, from where, since when, and which
 * addresses the host declined a moment ago. The knocker's socket stays on its own process; that
 * process is told the host's answer (`BusEvents.knockAnswered`), whichever process the host is on.
 * When the room empties, every knock is answered as declined, with no pause.
 */
export interface WaitingList {
  /**
   * Adds a knock to a room that has members, unless `maxKnocks` are waiting already or the host
   * declined this address less than its pause ago. `knocks` is the list after it, earliest first.
   * A knock already on the list keeps its place.
   */
  knock(
    roomId: string,
    knock: { knockId: string; name: string; address: string },
    maxKnocks: number,
  ): Promise<KnockOutcome>;
  knocks(roomId: string): Promise<WaitingKnock[]>;
  /**
   * The host's answer, atomic with the check that `host` is the room's host: the knock leaves
   * the list and its process is told; a decline pauses the knock's address for `cooldownMs`.
   */
  answer(
    roomId: string,
    knockId: string,
    host: string,
    answer: 'admit' | 'decline',
    cooldownMs: number,
  ): Promise<AnswerOutcome>;
  /** The knocker went away: its knock leaves the list. The list after it, or null if it was
   * not there. */
  withdraw(roomId: string, knockId: string): Promise<WaitingKnock[] | null>;
}

/**
 * Token buckets shared by every process that shares the rooms (password guesses per address):
 * a budget cannot be multiplied by spreading attempts over processes. Idle buckets expire.
 */
export interface SharedRateLimits {
  /** Takes a token from the bucket `key`, and says whether there was one. */
  allow(key: string, budget: RateBudget): Promise<boolean>;
}

/** A peer this process holds, as it re-asserts it after the shared state was lost. */
export interface HeldPeer {
  roomId: string;
  member: RoomMember;
  epoch: Epoch;
  tokenHash: string;
  /** 0 while connected, else when its place expires (epoch milliseconds). */
  awayUntil: number;
}

/** A peer of a dead process that this one now holds, away, until it resumes or expires. */
export interface AdoptedPeer {
  roomId: string;
  peerId: string;
  epoch: Epoch;
  awayUntil: number;
}

/** What the shared state tells the hub of its own accord. */
/**
 * A serialized server message on its way to a socket: text, or its UTF-8 bytes as another process
 * relayed them (sent as a text frame all the same).
 */
export type OutboundFrame = string | Buffer;

export interface BusEvents {
  /** A frame for a peer attached to this process. */
  deliver(peerId: string, frame: OutboundFrame): void;
  /**
   * The outcome of a `PeerBus.relay` of `from`'s signal to `to`; `lost` if the shared state could
   * not be reached.
   */
  relayed(roomId: string, from: string, to: string, outcome: Delivery | 'lost'): void;
  /** Whether a peer of that room is attached to this process with an open socket (or one on
   * its way): frames for it are handed over directly, with no trip through the shared state. */
  isLocal(roomId: string, peerId: string): boolean;
  /** Another process claimed a peer this one held (it resumed there). */
  claimedAway(roomId: string, peerId: string, epoch: Epoch): void;
  /** Peers of a process whose lease expired, now held away by this one. */
  adopted(peers: AdoptedPeer[]): void;
  /** The shared state is reachable again after an outage: re-assert what this process holds. */
  reconnected(): void;
  /** Whether this process holds the peer (attached, away, joining) or is removing it. */
  holds(roomId: string, peerId: string): boolean;
  /**
   * The shared state said this process held a peer it does not hold (a join or a claim that ran
   * after this process had given up waiting for it, while the shared state was unreachable).
   * It has been removed; `remaining` are the members to tell.
   */
  released(roomId: string, peerId: string, remaining: RoomMember[]): void;
  /** Reachability changed (for logs, `/healthz` and joins that fail fast). */
  availability(available: boolean): void;
  /** The host took out a member this process holds (`PeerBus.expel`): close its socket. */
  expelled(roomId: string, peerId: string, why: ExpelReason): void;
  /** The host answered a knock whose socket is on this process (or the room emptied). */
  knockAnswered(roomId: string, knockId: string, answer: KnockAnswer): void;
}

export interface RoomsStatus {
  /** Whether rooms are shared with other processes (Redis), or live in this process only. */
  shared: boolean;
  /** Whether the shared state can be reached now. Always true in memory. */
  available: boolean;
  /** Times the shared state became unreachable since start. */
  outages: number;
  /** Requests to the shared state that failed. */
  errors: number;
  /** Bytes held for this process's away peers (in Redis: as last read, every lease renewal). */
  heldBytes: number;
}

/** The three interfaces, plus the life cycle of whatever backs them. */
export interface Rooms
  extends RoomDirectory, PeerBus, ResumeRegistry, RoomControlsStore, WaitingList, SharedRateLimits {
  start(events: BusEvents): Promise<void>;
  /**
   * Writes back what this process holds (members, their order, epochs, tokens) where it is
   * missing, e.g. after a restart of Redis without persistence. Returns the peers that another
   * process holds now under a newer epoch: this process must let them go.
   */
  reassert(peers: readonly HeldPeer[]): Promise<string[]>;
  status(): RoomsStatus;
  /** Stops timers and connections. Leaves the shared state as it is: other processes go on. */
  stop(): Promise<void>;
}

/** Thrown when the shared state cannot be reached: the request fails fast instead of waiting. */
export class RoomsUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('Room state is unreachable', { cause });
    this.name = 'RoomsUnavailableError';
  }
}
