/**
 * The host's powers, server side: who gets into a room (lock, password, waiting room, removal),
 * what the host may do, and the hands and reactions anyone may send. The rules are the pure
 * functions of `room-controls.ts`; this class applies them to a room's stored controls and tells
 * the people concerned. It reaches sockets and rooms only through `HostControlsPort`, which the hub
 * implements, so it is tested with no sockets.
 */
import { createHash } from 'node:crypto';
import { hashPassword, verifyPassword } from '../server/password-hash';
import {
  HAND_BUDGET,
  KeyedRateLimit,
  PASSWORD_GUESS_BUDGET,
  REACTION_BUDGET,
} from './keyed-rate-limit';
import {
  LIMITS,
  assertNever,
  type ClientMessage,
  type ControlsMessage,
  type ErrorCode,
  type Knock,
  type ServerMessage,
} from './protocol';
import type {
  KnockAnswer,
  RoomControlsStore,
  SharedRateLimits,
  WaitingKnock,
  WaitingList,
} from './rooms';
import {
  KNOCK_COOLDOWN_MS,
  admit,
  admitted,
  authorize,
  handOver,
  joined,
  left,
  removed,
  setHand,
  viewOf,
  type RoomControls,
} from './room-controls';

export type JoinMessage = Extract<ClientMessage, { type: 'join' }>;

/** The messages this class handles for a member of a room. */
export type { ControlsMessage };

/** Where the room's controls and waiting list live: with the room (`Rooms` is one). */
export interface HostControlsStore extends RoomControlsStore, WaitingList, SharedRateLimits {}

/** What the hub offers this class. */
export interface HostControlsPort {
  /** To one socket, joined or not. */
  send(connectionId: string, message: ServerMessage): void;
  /** To members of a room, wherever they are connected. */
  broadcast(roomId: string, to: readonly string[], message: ServerMessage): void;
  members(roomId: string): Promise<readonly { peerId: string; joinOrder: number }[]>;
  /** Refuses a request with an error back to the socket. */
  refuse(connectionId: string, code: ErrorCode, message: string): void;
  /** The client address of a socket. */
  addressOf(connectionId: string): string;
  /** Lets an admitted knocker in: the hub joins its socket with this join, past every gate. */
  admitKnocker(connectionId: string, join: JoinMessage): Promise<void>;
  /** Takes a member out now, wherever it is connected: it is told `removed` (or `call-ended`),
   * its socket is closed, its resume token is void, and the others hear it left. */
  expel(roomId: string, peerId: string, why: 'removed' | 'call-ended'): Promise<void>;
}

export type Admission =
  | { kind: 'join'; as: 'host' | 'member'; hostKeyHash: string | null }
  | { kind: 'knocking' }
  | { kind: 'refused' };

/** A knock whose socket is on this process; the waiting list itself lives with the room. */
interface Knocker {
  connectionId: string;
  roomId: string;
  join: JoinMessage;
}

/** The bucket of password guesses from one address, shared by every process. */
const guessKey = (address: string) => `guess:${address}`;

export function hashHostKey(hostKey: string): string {
  return createHash('sha256').update(hostKey).digest('base64url');
}

export class HostControls {
  private readonly knockers = new Map<string, Knocker>();
  private readonly knockByConnection = new Map<string, string>();
  /** Per socket, so per process: a socket lives on one. */
  private readonly reactions: KeyedRateLimit;
  private readonly hands: KeyedRateLimit;

  constructor(
    private readonly store: HostControlsStore,
    private readonly port: HostControlsPort,
    monotonicNow?: () => number,
  ) {
    this.reactions = new KeyedRateLimit(REACTION_BUDGET, monotonicNow);
    this.hands = new KeyedRateLimit(HAND_BUDGET, monotonicNow);
  }

  /** Whether this socket is knocking (it is in no room yet). */
  isKnocking(connectionId: string): boolean {
    return this.knockByConnection.has(connectionId);
  }

  /**
   * Decides how a fresh join gets in. A refusal or a knock has been answered to the socket
   * already; a join goes on in the hub, which calls `joined` once the room has the member.
   */
  async admission(
    connectionId: string,
    message: JoinMessage,
    retryIfEmptied = true,
  ): Promise<Admission> {
    const { roomId } = message;
    const hostKeyHash = message.hostKey === undefined ? null : hashHostKey(message.hostKey);
    const address = this.port.addressOf(connectionId);
    const [controls, members] = await Promise.all([
      this.store.controls(roomId),
      this.port.members(roomId),
    ]);
    const joiner = { hostKeyHash, hasPassword: message.password !== undefined, address };
    let decision = admit(controls, joiner, members.length === 0);
    if (decision.ok && decision.as === 'check-password') {
      if (!(await this.store.allow(guessKey(address), PASSWORD_GUESS_BUDGET))) {
        this.port.refuse(
          connectionId,
          'rate-limited',
          'Too many password attempts from your address: wait a minute, then try again.',
        );
        return { kind: 'refused' };
      }
      const right =
        controls.passwordHash !== null &&
        (await verifyPassword(message.password ?? '', controls.passwordHash));
      if (!right) {
        this.port.refuse(connectionId, 'wrong-password', 'That password is not right.');
        return { kind: 'refused' };
      }
      decision = admit(controls, joiner, members.length === 0, true);
    }
    if (!decision.ok) {
      this.port.refuse(connectionId, decision.code, decision.message);
      return { kind: 'refused' };
    }
    switch (decision.as) {
      case 'host':
      case 'member':
        return { kind: 'join', as: decision.as, hostKeyHash };
      case 'knock':
        return this.knock(connectionId, message, address, retryIfEmptied);
      case 'check-password':
        // `admit` with the password checked never asks for it again.
        throw new Error('password checked twice');
      default:
        return assertNever(decision);
    }
  }

  /** A fresh member is in the room: records it as host if it came in as one, and tells everyone. */
  async joined(
    roomId: string,
    peerId: string,
    admission: Extract<Admission, { kind: 'join' }>,
  ): Promise<void> {
    const controls = await this.store.updateControls(roomId, (current) => {
      // Two people racing into an empty room: only the first becomes host without a key.
      const first = admission.as === 'host' && admission.hostKeyHash !== current.hostKeyHash;
      if (first && current.hostPeerId !== null) return current;
      return joined(current, peerId, admission.as, admission.hostKeyHash);
    });
    await this.announce(roomId, controls);
    if (controls?.hostPeerId === peerId) await this.tellHostKnocks(roomId, controls);
  }

  /** A resumed member needs the room's controls again (it may have missed changes), and a host
   * the waiting list. */
  async resumed(roomId: string, peerId: string, connectionId: string): Promise<void> {
    const controls = await this.store.controls(roomId);
    this.port.send(connectionId, { type: 'room-controls', controls: viewOf(controls) });
    if (controls.hostPeerId === peerId) await this.tellHostKnocks(roomId, controls);
  }

  /** A member left: succession if it was the host, and its hand comes down. */
  async left(roomId: string, peerId: string): Promise<void> {
    const remaining = await this.port.members(roomId);
    const before = await this.store.controls(roomId);
    const after = await this.store.updateControls(roomId, (controls) =>
      left(controls, peerId, remaining),
    );
    // Null once the room is empty: the rooms answer its knocks (`WaitingList`).
    if (after === null) return;
    if (after.hostPeerId !== before.hostPeerId || after.hands.length !== before.hands.length) {
      await this.announce(roomId, after);
    }
    if (after.hostPeerId !== before.hostPeerId) await this.tellHostKnocks(roomId, after);
  }

  /** The host answered a knock whose socket is here (or the room emptied under it). */
  async answered(roomId: string, knockId: string, answer: KnockAnswer): Promise<void> {
    const knocker = this.knockers.get(knockId);
    if (!knocker || knocker.roomId !== roomId) return;
    this.knockers.delete(knockId);
    this.knockByConnection.delete(knocker.connectionId);
    if (answer.admitted) return this.port.admitKnocker(knocker.connectionId, knocker.join);
    this.port.send(knocker.connectionId, { type: 'declined', retryAfterMs: answer.retryAfterMs });
  }

  /**
   * After an outage that lost the room's controls (Redis restarted without persistence), a room
   * with members has a host again: whoever has been there longest, as when a host leaves. The
   * lock, password and waiting room were lost with the rest; the new host is told who knocks.
   */
  async ensureHost(roomId: string): Promise<void> {
    const members = await this.port.members(roomId);
    if (members.length === 0) return;
    const longest = members.reduce((a, b) => (b.joinOrder < a.joinOrder ? b : a));
    let elected = false;
    const controls = await this.store.updateControls(roomId, (current) => {
      elected = current.hostPeerId === null;
      return elected ? { ...current, hostPeerId: longest.peerId } : current;
    });
    if (!elected || !controls) return;
    await this.announce(roomId, controls);
    await this.tellHostKnocks(roomId, controls);
  }

  /**
   * The shared state is back after an outage, perhaps empty (Redis restarted without
   * persistence): the knocks of sockets here are written back, and each host told. A room that
   * is not there yet may be written back by another process in a moment: unless `final`, its
   * knocks are left waiting and counted, for the caller to try again once. Otherwise a knock that
   * cannot be written is answered as declined, with no pause.
   */
  async reassertKnocks(final: boolean): Promise<number> {
    const rooms = new Set<string>();
    let waiting = 0;
    for (const [knockId, knocker] of [...this.knockers]) {
      const address = this.port.addressOf(knocker.connectionId);
      const outcome = await this.store.knock(
        knocker.roomId,
        { knockId, name: knocker.join.name, address },
        LIMITS.maxKnocks,
      );
      if (outcome.ok) rooms.add(knocker.roomId);
      else if (outcome.reason === 'no-room' && !final) waiting++;
      else {
        const retryAfterMs = outcome.reason === 'too-soon' ? outcome.retryAfterMs : 0;
        await this.answered(knocker.roomId, knockId, { admitted: false, retryAfterMs });
      }
    }
    for (const roomId of rooms)
      await this.tellHostKnocks(roomId, await this.store.controls(roomId));
    return waiting;
  }

  /** The host took out a member held here: from now on its address must knock. */
  async removedFrom(roomId: string, peerId: string, address: string): Promise<void> {
    await this.store.updateControls(roomId, (controls) => removed(controls, peerId, address));
  }

  /** A socket that was knocking went away, or said `leave`: its knock is withdrawn. */
  async withdraw(connectionId: string): Promise<void> {
    const knockId = this.knockByConnection.get(connectionId);
    if (knockId === undefined) return;
    const knocker = this.knockers.get(knockId);
    this.knockers.delete(knockId);
    this.knockByConnection.delete(connectionId);
    if (!knocker) return;
    const knocks = await this.store.withdraw(knocker.roomId, knockId);
    if (knocks)
      await this.tellHostKnocks(knocker.roomId, await this.store.controls(knocker.roomId), knocks);
  }

  /** A member's request: host actions checked against the stored host, hands, reactions. */
  async handle(
    connectionId: string,
    self: { roomId: string; peerId: string },
    message: ControlsMessage,
  ): Promise<void> {
    const { roomId, peerId } = self;
    if (message.type === 'hand') {
      if (!this.hands.allow(connectionId)) return this.tooFast(connectionId);
      const controls = await this.store.updateControls(roomId, (current) =>
        setHand(current, peerId, message.raised),
      );
      return this.announce(roomId, controls);
    }
    if (message.type === 'reaction') {
      if (!this.reactions.allow(connectionId)) return this.tooFast(connectionId);
      const others = (await this.port.members(roomId)).filter((m) => m.peerId !== peerId);
      return this.port.broadcast(
        roomId,
        others.map((m) => m.peerId),
        { type: 'reaction', from: peerId, reaction: message.reaction },
      );
    }

    const current = await this.store.controls(roomId);
    const allowed = authorize(current, peerId, message.type);
    if (!allowed.ok) return this.port.refuse(connectionId, allowed.code, allowed.message);
    const members = await this.port.members(roomId);
    const isMember = (id: string) => id !== peerId && members.some((m) => m.peerId === id);
    const noSuchPerson = () =>
      this.port.refuse(connectionId, 'unknown-peer', 'There is no such person in your call.');
    // Each change re-checks the host inside the atomic update: a hand-over racing this request
    // wins, and the request changes nothing.
    const asHost =
      (change: (controls: RoomControls) => RoomControls) => (controls: RoomControls) =>
        controls.hostPeerId === peerId ? change(controls) : controls;

    switch (message.type) {
      case 'host-key': {
        const hash = hashHostKey(message.hostKey);
        await this.store.updateControls(
          roomId,
          asHost((c) => ({ ...c, hostKeyHash: hash })),
        );
        return;
      }
      case 'hand-over': {
        if (!isMember(message.to)) return noSuchPerson();
        const controls = await this.store.updateControls(
          roomId,
          asHost((c) => handOver(c, message.to)),
        );
        await this.announce(roomId, controls);
        if (controls?.hostPeerId === message.to) await this.tellHostKnocks(roomId, controls);
        return;
      }
      case 'lock': {
        const controls = await this.store.updateControls(
          roomId,
          asHost((c) => ({ ...c, locked: message.locked })),
        );
        return this.announce(roomId, controls);
      }
      case 'waiting-room': {
        const controls = await this.store.updateControls(
          roomId,
          asHost((c) => ({ ...c, waitingRoom: message.enabled })),
        );
        return this.announce(roomId, controls);
      }
      case 'set-password': {
        const passwordHash =
          message.password === null ? null : await hashPassword(message.password);
        const controls = await this.store.updateControls(
          roomId,
          asHost((c) => ({ ...c, passwordHash })),
        );
        return this.announce(roomId, controls);
      }
      case 'admit':
      case 'decline': {
        const answer = message.type;
        const outcome = await this.store.answer(
          roomId,
          message.knockId,
          peerId,
          answer,
          KNOCK_COOLDOWN_MS,
        );
        // Not host: a hand-over won the race, and this answer changed nothing.
        if (!outcome.ok) return outcome.reason === 'no-knock' ? noSuchPerson() : undefined;
        // The knocker's process has been told; it lets them in, or tells them to wait.
        this.port.send(connectionId, { type: 'knocks', knocks: knockView(outcome.knocks) });
        if (answer === 'admit') {
          const { address } = outcome.knock;
          await this.store.updateControls(roomId, (c) => admitted(c, address));
        }
        return;
      }
      case 'remove': {
        if (!isMember(message.peerId)) return noSuchPerson();
        // Its process records that its address must knock from now on (`removedFrom`).
        return this.port.expel(roomId, message.peerId, 'removed');
      }
      case 'mute-request': {
        if (message.peerId !== null && !isMember(message.peerId)) return noSuchPerson();
        const to =
          message.peerId === null
            ? members.map((m) => m.peerId).filter((id) => id !== peerId)
            : [message.peerId];
        return this.port.broadcast(roomId, to, { type: 'mute-request' });
      }
      case 'end-call': {
        for (const member of members) {
          if (member.peerId !== peerId) await this.port.expel(roomId, member.peerId, 'call-ended');
        }
        return this.port.expel(roomId, peerId, 'call-ended');
      }
      default:
        return assertNever(message);
    }
  }

  /** The socket is gone: forget its rate-limit buckets. */
  forgetConnection(connectionId: string): void {
    this.reactions.forget(connectionId);
    this.hands.forget(connectionId);
  }

  get knocking(): number {
    return this.knockers.size;
  }

  clear(): void {
    this.knockers.clear();
    this.knockByConnection.clear();
    this.reactions.clear();
    this.hands.clear();
  }

  private async knock(
    connectionId: string,
    message: JoinMessage,
    address: string,
    retryIfEmptied: boolean,
  ): Promise<Admission> {
    const knockId = this.newKnockId();
    const { roomId } = message;
    // Registered first: the host, on any process, may answer before the knock's reply is read.
    this.knockers.set(knockId, { connectionId, roomId, join: message });
    this.knockByConnection.set(connectionId, knockId);
    let outcome;
    try {
      outcome = await this.store.knock(
        roomId,
        { knockId, name: message.name, address },
        LIMITS.maxKnocks,
      );
    } finally {
      if (!outcome?.ok) {
        this.knockers.delete(knockId);
        this.knockByConnection.delete(connectionId);
      }
    }
    if (outcome.ok) {
      this.port.send(connectionId, { type: 'waiting' });
      await this.tellHostKnocks(roomId, await this.store.controls(roomId), outcome.knocks);
      return { kind: 'knocking' };
    }
    switch (outcome.reason) {
      case 'no-room':
        // Everyone left meanwhile: the joiner starts the room instead, as anyone would.
        if (retryIfEmptied) return this.admission(connectionId, message, false);
        this.port.refuse(connectionId, 'unavailable', 'The call changed meanwhile: try again.');
        return { kind: 'refused' };
      case 'full':
        this.port.refuse(
          connectionId,
          'room-full',
          'Too many people are waiting to join this call: try again in a minute.',
        );
        return { kind: 'refused' };
      case 'too-soon':
        this.port.refuse(
          connectionId,
          'knock-too-soon',
          `The host declined your request. You can ask again in ${Math.ceil(outcome.retryAfterMs / 1000)} seconds.`,
        );
        return { kind: 'refused' };
      default:
        return assertNever(outcome);
    }
  }

  private newKnockId(): string {
    // Same shape as a peer id; it names a knock, never a member.
    const bytes = new Uint8Array(9);
    crypto.getRandomValues(bytes);
    return Buffer.from(bytes).toString('base64url');
  }

  /** Tells the host who is waiting (`knocks`: as read with `controls`, or read now). */
  private async tellHostKnocks(
    roomId: string,
    controls: RoomControls,
    knocks?: readonly WaitingKnock[],
  ): Promise<void> {
    if (controls.hostPeerId === null) return;
    const list = knocks ?? (await this.store.knocks(roomId));
    // A host who just became one (or came back) hears of a list only if someone is on it.
    if (knocks === undefined && list.length === 0) return;
    this.port.broadcast(roomId, [controls.hostPeerId], {
      type: 'knocks',
      knocks: knockView(list),
    });
  }

  private async announce(roomId: string, controls: RoomControls | null): Promise<void> {
    if (!controls) return;
    const members = await this.port.members(roomId);
    this.port.broadcast(
      roomId,
      members.map((m) => m.peerId),
      { type: 'room-controls', controls: viewOf(controls) },
    );
  }

  private tooFast(connectionId: string): void {
    this.port.refuse(connectionId, 'rate-limited', 'Slow down: too many in a short time.');
  }
}

/** What the host sees of the waiting list: never addresses or processes. */
function knockView(knocks: readonly WaitingKnock[]): Knock[] {
  return knocks.map(({ knockId, name }) => ({ knockId, name }));
}
