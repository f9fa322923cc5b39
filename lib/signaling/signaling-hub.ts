import { randomBytes } from 'node:crypto';
import { HeldBudget, HeldMessages, type HoldRefusal } from './held-messages';
import { PresenceRateLimit, describePresence } from './presence';
import type { RoomMember, RoomStore } from './room-store';
import {
  CLOSE_CODES,
  ERROR_CODES,
  assertNever,
  type ClientMessage,
  type ErrorCode,
  type IceServer,
  type PeerInfo,
  type ServerMessage,
} from './protocol';

/** How the hub reaches connections. The socket layer implements it; unit tests record calls. */
export interface HubTransport {
  send(connectionId: string, message: ServerMessage): void;
  close(connectionId: string, code: number, reason: string): void;
}

export interface IceConfiguration {
  iceServers: IceServer[];
  iceTransportPolicy: 'all' | 'relay';
}

export interface HubOptions {
  store: RoomStore;
  transport: HubTransport;
  /** ICE servers (with TURN credentials for this peer, if any) for a joined peer. */
  iceConfiguration(peerId: string, connectionId: string): IceConfiguration;
  /**
   * ICE servers for a socket that has not joined: the connection self-test (/check). Null when
   * the socket may not have them now (its address asked too often).
   */
  checkIceConfiguration(connectionId: string): IceConfiguration | null;
  /** How long a peer whose socket dropped keeps its slot, waiting to resume. */
  resumeGraceMs: number;
  /** Bytes held for one peer whose socket dropped; past this the peer is treated as gone. */
  maxHeldBytesPerPeer?: number;
  /** Bytes held for all away peers together; a peer whose message would pass it is treated as gone. */
  maxHeldBytes?: number;
  /** Told of each change of membership and each refusal, for logs. Never of relayed messages. */
  observe?(event: HubEvent): void;
  /** Milliseconds from a monotonic clock, for the presence budget; tests pass a fake one. */
  now?: () => number;
}

/** What happened in the hub, for logs: ids only, never descriptions, candidates or tokens. */
export type HubEvent =
  | { type: 'joined'; connectionId: string; roomId: string; peerId: string; roomSize: number }
  | { type: 'resumed'; connectionId: string; roomId: string; peerId: string }
  | { type: 'awaiting-resume'; roomId: string; peerId: string }
  | { type: 'left'; roomId: string; peerId: string; reason: 'left' | 'disconnected' }
  | { type: 'held-overflow'; roomId: string; peerId: string; heldBytes: number; limit: HoldRefusal }
  | { type: 'refused'; connectionId: string; roomId?: string; peerId?: string; code: ErrorCode };

export interface HubCounters {
  joins: number;
  resumes: number;
  leaves: number;
  /** Descriptions and candidates passed on to a peer. */
  relayed: number;
  /** Requests refused, by the error code sent back. */
  refused: Record<ErrorCode, number>;
}

interface PeerSlot {
  peerId: string;
  roomId: string;
  resumeToken: string;
  /** Null while the peer's socket is gone and the slot waits for a resume. */
  connectionId: string | null;
  graceTimer: ReturnType<typeof setTimeout> | null;
  /** What others sent it while it was away. */
  held: HeldMessages;
}

/**
 * The signaling semantics, with no sockets: who may join which room, who hears about whom, and
 * which messages are relayed to whom. Each connection is an opaque id given by the transport.
 */
export class SignalingHub {
  private readonly connections = new Map<string, PeerSlot | null>();
  private readonly slots = new Map<string, PeerSlot>();
  private readonly slotsByResumeToken = new Map<string, PeerSlot>();
  private readonly heldBudget: HeldBudget;
  private readonly maxHeldBytesPerPeer: number;
  private readonly presenceLimit: PresenceRateLimit;
  readonly counters: HubCounters = {
    joins: 0,
    resumes: 0,
    leaves: 0,
    relayed: 0,
    refused: zeroCounts(ERROR_CODES),
  };

  constructor(private readonly options: HubOptions) {
    this.heldBudget = new HeldBudget(options.maxHeldBytes ?? 64 * 1024 * 1024);
    this.maxHeldBytesPerPeer = options.maxHeldBytesPerPeer ?? 512 * 1024;
    this.presenceLimit = new PresenceRateLimit(options.now);
  }

  connect(connectionId: string): void {
    this.connections.set(connectionId, null);
  }

  /**
   * The connection's socket is gone. A peer whose socket closed abnormally keeps its slot for the
   * grace period so that it can resume; one that closed on purpose (`resumable: false`) leaves now.
   * `graceMs` shortens the grace: a page that said it is unloading gets only long enough to reload.
   */
  disconnect(
    connectionId: string,
    { resumable, graceMs }: { resumable: boolean; graceMs?: number },
  ): void {
    const slot = this.connections.get(connectionId);
    this.connections.delete(connectionId);
    this.presenceLimit.forget(connectionId);
    if (!slot || slot.connectionId !== connectionId) return;
    // The socket is gone: nothing may be sent to it, nor its id put back in `connections`.
    slot.connectionId = null;
    const holdMs = Math.min(graceMs ?? Infinity, this.options.resumeGraceMs);
    if (!resumable || holdMs <= 0) {
      this.removePeer(slot, 'disconnected');
      return;
    }
    this.options.observe?.({ type: 'awaiting-resume', roomId: slot.roomId, peerId: slot.peerId });
    slot.graceTimer = setTimeout(() => this.removePeer(slot, 'disconnected'), holdMs);
    slot.graceTimer.unref?.();
  }

  receive(connectionId: string, message: ClientMessage): void {
    if (!this.connections.has(connectionId)) return;
    const slot = this.connections.get(connectionId) ?? null;
    switch (message.type) {
      case 'join':
        if (slot)
          return this.refuse(
            connectionId,
            'already-joined',
            'This connection is already in a room.',
          );
        return this.join(connectionId, message);
      case 'leave':
        if (slot) this.removePeer(slot, 'left');
        return;
      case 'description':
      case 'candidate': {
        if (!slot) return this.refuse(connectionId, 'not-joined', 'Join a room first.');
        if (message.to === slot.peerId || !this.options.store.member(slot.roomId, message.to)) {
          return this.refuse(connectionId, 'unknown-peer', 'There is no such peer in your room.');
        }
        this.counters.relayed++;
        // The epoch is the peers' business: passed on as it came, and left out if it did not.
        const epoch = message.epoch === undefined ? {} : { epoch: message.epoch };
        const relayed: ServerMessage =
          message.type === 'description'
            ? { type: 'description', from: slot.peerId, ...epoch, description: message.description }
            : { type: 'candidate', from: slot.peerId, ...epoch, candidate: message.candidate };
        return this.deliver(message.to, relayed);
      }
      case 'media': {
        if (!slot) return this.refuse(connectionId, 'not-joined', 'Join a room first.');
        this.options.store.updateMedia(slot.roomId, slot.peerId, message.media);
        return this.broadcast(slot, {
          type: 'peer-updated',
          peerId: slot.peerId,
          media: message.media,
        });
      }
      case 'ping':
        return this.options.transport.send(connectionId, { type: 'pong' });
      case 'get-ice-servers': {
        const ice = slot
          ? this.options.iceConfiguration(slot.peerId, connectionId)
          : this.options.checkIceConfiguration(connectionId);
        if (!ice) {
          return this.refuse(
            connectionId,
            'rate-limited',
            'Too many connection checks from your address: try again in a minute.',
          );
        }
        return this.options.transport.send(connectionId, { type: 'ice-servers', ...ice });
      }
      case 'presence':
        return this.answerPresence(connectionId, message.roomId);
      default:
        return assertNever(message);
    }
  }

  /** The room and peer of a connection, if it has joined: for log lines about that socket. */
  peerOf(connectionId: string): { roomId: string; peerId: string } | undefined {
    const slot = this.connections.get(connectionId);
    return slot ? { roomId: slot.roomId, peerId: slot.peerId } : undefined;
  }

  /** Current rooms and peers, for metrics and leak checks. */
  counts(): {
    rooms: number;
    peers: number;
    connections: number;
    awaitingResume: number;
    heldBytes: number;
  } {
    let awaitingResume = 0;
    for (const slot of this.slots.values()) if (slot.connectionId === null) awaitingResume++;
    return {
      ...this.options.store.counts(),
      connections: this.connections.size,
      awaitingResume,
      heldBytes: this.heldBudget.used,
    };
  }

  /** Stops every grace timer and empties every room, telling no one; for server shutdown. */
  dispose(): void {
    for (const slot of this.slots.values()) {
      if (slot.graceTimer) clearTimeout(slot.graceTimer);
      slot.held.clear();
      this.options.store.leave(slot.roomId, slot.peerId);
    }
    this.slots.clear();
    this.slotsByResumeToken.clear();
    this.connections.clear();
    this.presenceLimit.clear();
  }

  /** Who is in `roomId`, for a lobby that has not joined; within a small budget per socket. */
  private answerPresence(connectionId: string, roomId: string): void {
    if (!this.presenceLimit.allow(connectionId)) {
      return this.refuse(connectionId, 'rate-limited', 'Too many presence queries: slow down.');
    }
    const { store, transport } = this.options;
    transport.send(connectionId, {
      type: 'presence',
      ...describePresence(roomId, store.members(roomId), store.capacity),
    });
  }

  private join(connectionId: string, message: Extract<ClientMessage, { type: 'join' }>): void {
    const held = message.resumeToken ? this.slotsByResumeToken.get(message.resumeToken) : undefined;
    if (held && held.roomId === message.roomId) return this.resume(connectionId, held, message);

    const peerId = randomBytes(9).toString('base64url');
    const outcome = this.options.store.join(message.roomId, {
      peerId,
      name: message.name,
      media: message.media,
    });
    if (!outcome.ok) {
      return this.refuse(
        connectionId,
        'room-full',
        `This call is full: it already has ${this.options.store.capacity} people.`,
      );
    }
    const slot: PeerSlot = {
      peerId,
      roomId: message.roomId,
      resumeToken: '',
      connectionId,
      graceTimer: null,
      held: new HeldMessages(this.heldBudget, this.maxHeldBytesPerPeer),
    };
    this.slots.set(peerId, slot);
    this.issueResumeToken(slot);
    this.connections.set(connectionId, slot);
    this.counters.joins++;
    this.options.observe?.({
      type: 'joined',
      connectionId,
      roomId: slot.roomId,
      peerId,
      roomSize: outcome.others.length + 1,
    });

    this.sendJoined(slot, outcome.member, outcome.others, false);
    for (const other of outcome.others) {
      this.deliver(other.peerId, { type: 'peer-joined', peer: toPeerInfo(outcome.member, other) });
    }
  }

  private resume(
    connectionId: string,
    slot: PeerSlot,
    message: Extract<ClientMessage, { type: 'join' }>,
  ): void {
    const store = this.options.store;
    const self = store.member(slot.roomId, slot.peerId);
    if (!self) return;
    if (slot.connectionId !== null) {
      // The old socket is half-open: the client gave up on it before we noticed. The new one wins.
      const previous = slot.connectionId;
      this.connections.set(previous, null);
      this.options.transport.close(previous, CLOSE_CODES.replaced, 'Resumed on another connection');
    }
    if (slot.graceTimer) clearTimeout(slot.graceTimer);
    slot.graceTimer = null;
    slot.connectionId = connectionId;
    this.connections.set(connectionId, slot);
    // A token works once: whoever saw an old one cannot take the slot later.
    this.issueResumeToken(slot);
    this.counters.resumes++;
    this.options.observe?.({
      type: 'resumed',
      connectionId,
      roomId: slot.roomId,
      peerId: slot.peerId,
    });

    const others = store.members(slot.roomId).filter((member) => member.peerId !== slot.peerId);
    this.sendJoined(slot, self, others, true);
    for (const held of slot.held.drain()) this.options.transport.send(connectionId, held);

    if (!sameMedia(self.media, message.media)) {
      store.updateMedia(slot.roomId, slot.peerId, message.media);
      this.broadcast(slot, { type: 'peer-updated', peerId: slot.peerId, media: message.media });
    }
  }

  private sendJoined(
    slot: PeerSlot,
    self: RoomMember,
    others: readonly RoomMember[],
    resumed: boolean,
  ): void {
    if (slot.connectionId === null) return;
    const ice = this.options.iceConfiguration(slot.peerId, slot.connectionId);
    this.options.transport.send(slot.connectionId, {
      type: 'joined',
      roomId: slot.roomId,
      peerId: slot.peerId,
      resumeToken: slot.resumeToken,
      resumed,
      peers: others.map((other) => toPeerInfo(other, self)),
      iceServers: ice.iceServers,
      iceTransportPolicy: ice.iceTransportPolicy,
    });
  }

  private issueResumeToken(slot: PeerSlot): void {
    this.slotsByResumeToken.delete(slot.resumeToken);
    slot.resumeToken = randomBytes(24).toString('base64url');
    this.slotsByResumeToken.set(slot.resumeToken, slot);
  }

  private removePeer(slot: PeerSlot, reason: 'left' | 'disconnected'): void {
    if (this.slots.get(slot.peerId) !== slot) return;
    this.slots.delete(slot.peerId);
    this.slotsByResumeToken.delete(slot.resumeToken);
    if (slot.graceTimer) clearTimeout(slot.graceTimer);
    slot.held.clear();
    if (slot.connectionId !== null) this.connections.set(slot.connectionId, null);
    this.counters.leaves++;
    this.options.observe?.({ type: 'left', roomId: slot.roomId, peerId: slot.peerId, reason });
    const remaining = this.options.store.leave(slot.roomId, slot.peerId);
    for (const other of remaining) {
      this.deliver(other.peerId, { type: 'peer-left', peerId: slot.peerId, reason });
    }
  }

  private broadcast(from: PeerSlot, message: ServerMessage): void {
    for (const member of this.options.store.members(from.roomId)) {
      if (member.peerId !== from.peerId) this.deliver(member.peerId, message);
    }
  }

  /** Sends to a peer's socket, or holds the message while that peer is away within its grace. */
  private deliver(peerId: string, message: ServerMessage): void {
    const slot = this.slots.get(peerId);
    if (!slot) return;
    if (slot.connectionId !== null) {
      this.options.transport.send(slot.connectionId, message);
      return;
    }
    const outcome = slot.held.hold(message);
    if (outcome === 'held') return;
    this.options.observe?.({
      type: 'held-overflow',
      roomId: slot.roomId,
      peerId: slot.peerId,
      heldBytes: slot.held.bytes,
      limit: outcome,
    });
    this.removePeer(slot, 'disconnected');
  }

  private refuse(connectionId: string, code: ErrorCode, message: string): void {
    this.counters.refused[code]++;
    this.options.observe?.({ type: 'refused', connectionId, ...this.peerOf(connectionId), code });
    this.options.transport.send(connectionId, { type: 'error', code, message });
  }
}

/** What `viewer` is told about `member`: the later joiner of a pair is polite. */
function toPeerInfo(member: RoomMember, viewer: RoomMember): PeerInfo {
  return {
    peerId: member.peerId,
    name: member.name,
    media: member.media,
    polite: viewer.joinOrder > member.joinOrder,
  };
}

function sameMedia(a: RoomMember['media'], b: RoomMember['media']): boolean {
  return a.audio === b.audio && a.video === b.video && a.screen === b.screen;
}

/** A counter of zero for each of `keys`. */
export function zeroCounts<T extends string>(keys: readonly T[]): Record<T, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<T, number>;
}
