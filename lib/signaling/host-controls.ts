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
  type ServerMessage,
} from './protocol';
import type { RoomControlsStore } from './rooms';
import {
  addKnock,
  admit,
  admitKnock,
  authorize,
  decline,
  dropKnock,
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

/** What the hub offers this class. */
export interface HostControlsPort {
  /** To one socket, joined or not. */
  send(connectionId: string, message: ServerMessage): void;
  /** To members of a room, wherever they are connected. */
  broadcast(roomId: string, to: readonly string[], message: ServerMessage): void;
  members(roomId: string): Promise<readonly { peerId: string; joinOrder: number }[]>;
  /** Refuses a request with an error back to the socket. */
  refuse(connectionId: string, code: ErrorCode, message: string): void;
  /** The client address of a socket, or of a member's socket. */
  addressOf(connectionId: string): string;
  addressOfPeer(peerId: string): string | undefined;
  /** Lets an admitted knocker in: the hub joins its socket with this join, past every gate. */
  admitKnocker(connectionId: string, join: JoinMessage): Promise<void>;
  /** Takes a member out now: it is told `removed` (or `call-ended`), its socket is closed, its
   * resume token is void, and the others hear it left. */
  expel(roomId: string, peerId: string, why: 'removed' | 'call-ended'): Promise<void>;
  now(): number;
}

export type Admission =
  | { kind: 'join'; as: 'host' | 'member'; hostKeyHash: string | null }
  | { kind: 'knocking' }
  | { kind: 'refused' };

interface Knocker {
  connectionId: string;
  roomId: string;
  join: JoinMessage;
}

export function hashHostKey(hostKey: string): string {
  return createHash('sha256').update(hostKey).digest('base64url');
}

export class HostControls {
  private readonly knockers = new Map<string, Knocker>();
  private readonly knockByConnection = new Map<string, string>();
  private readonly passwordGuesses: KeyedRateLimit;
  private readonly reactions: KeyedRateLimit;
  private readonly hands: KeyedRateLimit;

  constructor(
    private readonly store: RoomControlsStore,
    private readonly port: HostControlsPort,
    monotonicNow?: () => number,
  ) {
    this.passwordGuesses = new KeyedRateLimit(PASSWORD_GUESS_BUDGET, monotonicNow);
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
  async admission(connectionId: string, message: JoinMessage): Promise<Admission> {
    const { roomId } = message;
    const hostKeyHash = message.hostKey === undefined ? null : hashHostKey(message.hostKey);
    const address = this.port.addressOf(connectionId);
    const [controls, members] = await Promise.all([
      this.store.controls(roomId),
      this.port.members(roomId),
    ]);
    const joiner = {
      hostKeyHash,
      hasPassword: message.password !== undefined,
      address,
      now: this.port.now(),
    };
    let decision = admit(controls, joiner, members.length === 0);
    if (decision.ok && decision.as === 'check-password') {
      if (!this.passwordGuesses.allow(address)) {
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
        return this.knock(connectionId, message, address);
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
  }

  /** A resumed member needs the room's controls again (it may have missed changes). */
  async resumed(roomId: string, connectionId: string): Promise<void> {
    const controls = await this.store.controls(roomId);
    this.port.send(connectionId, { type: 'room-controls', controls: viewOf(controls) });
  }

  /** A member left: succession if it was the host, and its hand comes down. */
  async left(roomId: string, peerId: string): Promise<void> {
    const remaining = await this.port.members(roomId);
    const before = await this.store.controls(roomId);
    const after = await this.store.updateControls(roomId, (controls) =>
      left(controls, peerId, remaining),
    );
    if (after === null) {
      // Nobody is left to answer a knock.
      for (const [knockId, knocker] of this.knockers) {
        if (knocker.roomId === roomId)
          this.answerKnock(knockId, { type: 'declined', retryAfterMs: 0 });
      }
      return;
    }
    if (after.hostPeerId !== before.hostPeerId || after.hands.length !== before.hands.length) {
      await this.announce(roomId, after);
    }
  }

  /** A socket that was knocking went away, or said `leave`: its knock is withdrawn. */
  async withdraw(connectionId: string): Promise<void> {
    const knockId = this.knockByConnection.get(connectionId);
    if (knockId === undefined) return;
    const knocker = this.knockers.get(knockId);
    this.knockers.delete(knockId);
    this.knockByConnection.delete(connectionId);
    if (!knocker) return;
    const controls = await this.store.updateControls(knocker.roomId, (current) =>
      current.knocks.length === 0 && current.hostPeerId === null
        ? null
        : dropKnock(current, knockId),
    );
    if (controls) await this.tellHostKnocks(knocker.roomId, controls);
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
        return this.announce(roomId, controls);
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
      case 'admit': {
        const knocker = this.knockers.get(message.knockId);
        if (!knocker || knocker.roomId !== roomId) return noSuchPerson();
        const controls = await this.store.updateControls(
          roomId,
          asHost((c) => admitKnock(c, message.knockId)),
        );
        if (controls?.hostPeerId !== peerId) return;
        this.knockers.delete(message.knockId);
        this.knockByConnection.delete(knocker.connectionId);
        await this.tellHostKnocks(roomId, controls);
        return this.port.admitKnocker(knocker.connectionId, knocker.join);
      }
      case 'decline': {
        const knocker = this.knockers.get(message.knockId);
        if (!knocker || knocker.roomId !== roomId) return noSuchPerson();
        const now = this.port.now();
        const controls = await this.store.updateControls(
          roomId,
          asHost((c) => decline(c, message.knockId, now)),
        );
        if (!controls || controls.hostPeerId !== peerId) return;
        const address = this.port.addressOf(knocker.connectionId);
        const until = controls.declinedUntil[address] ?? now;
        this.answerKnock(message.knockId, { type: 'declined', retryAfterMs: until - now });
        return this.tellHostKnocks(roomId, controls);
      }
      case 'remove': {
        if (!isMember(message.peerId)) return noSuchPerson();
        const address = this.port.addressOfPeer(message.peerId);
        const controls = await this.store.updateControls(
          roomId,
          asHost((c) => (address === undefined ? c : removed(c, message.peerId, address))),
        );
        if (controls?.hostPeerId !== peerId) return;
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
    this.passwordGuesses.clear();
    this.reactions.clear();
    this.hands.clear();
  }

  private async knock(
    connectionId: string,
    message: JoinMessage,
    address: string,
  ): Promise<Admission> {
    const knockId = this.newKnockId();
    let full = false;
    const controls = await this.store.updateControls(message.roomId, (current) => {
      full = current.knocks.length >= LIMITS.maxKnocks;
      return full ? current : addKnock(current, { knockId, name: message.name, address });
    });
    if (full || !controls) {
      this.port.refuse(
        connectionId,
        'room-full',
        'Too many people are waiting to join this call: try again in a minute.',
      );
      return { kind: 'refused' };
    }
    this.knockers.set(knockId, { connectionId, roomId: message.roomId, join: message });
    this.knockByConnection.set(connectionId, knockId);
    this.port.send(connectionId, { type: 'waiting' });
    await this.tellHostKnocks(message.roomId, controls);
    return { kind: 'knocking' };
  }

  private newKnockId(): string {
    // Same shape as a peer id; it names a knock, never a member.
    const bytes = new Uint8Array(9);
    crypto.getRandomValues(bytes);
    return Buffer.from(bytes).toString('base64url');
  }

  private answerKnock(knockId: string, message: ServerMessage): void {
    const knocker = this.knockers.get(knockId);
    if (!knocker) return;
    this.knockers.delete(knockId);
    this.knockByConnection.delete(knocker.connectionId);
    this.port.send(knocker.connectionId, message);
  }

  private async tellHostKnocks(roomId: string, controls: RoomControls): Promise<void> {
    if (controls.hostPeerId === null) return;
    this.port.broadcast(roomId, [controls.hostPeerId], {
      type: 'knocks',
      knocks: controls.knocks.map(({ knockId, name }) => ({ knockId, name })),
    });
    await Promise.resolve();
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
