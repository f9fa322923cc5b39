import { createHash, randomBytes } from 'node:crypto';
import { envelopeOf, type HoldRefusal } from './held-messages';
import { HostControls, type Admission, type JoinMessage } from './host-controls';
import { PresenceRateLimit, describePresence } from './presence';
import { RoomChat } from './room-chat';
import {
  CLOSE_CODES,
  ERROR_CODES,
  assertNever,
  type ClientMessage,
  type ErrorCode,
  type IceServer,
  type MediaState,
  type PeerInfo,
  type PeerLeftReason,
  type RoomMode,
  type ServerMessage,
} from './protocol';
import {
  FIRST_EPOCH,
  RoomsUnavailableError,
  type AdoptedPeer,
  type Epoch,
  type Delivery,
  type HeldPeer,
  type OverflowedMember,
  type OutboundFrame,
  type RoomMember,
  type Rooms,
} from './rooms';
import { serializeServerMessage } from './serialize';
import { SfuCoordinator, type SfuCoordinatorOptions, type SfuObservation } from './sfu-coordinator';

/** How the hub reaches connections. The socket layer implements it; unit tests record calls. */
export interface HubTransport {
  /** Sends one serialized server message. */
  send(connectionId: string, frame: OutboundFrame): void;
  close(connectionId: string, code: number, reason: string): void;
}

export interface IceConfiguration {
  iceServers: IceServer[];
  iceTransportPolicy: 'all' | 'relay';
}

export interface HubOptions {
  rooms: Rooms;
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
  /** Told of each change of membership and each refusal, for logs. Never of relayed messages. */
  observe?(event: HubEvent): void;
  /** Wall-clock milliseconds (away deadlines are shared between processes). */
  wallClock?(): number;
  /** Milliseconds from a monotonic clock, for the presence budget; tests pass a fake one. */
  now?: () => number;
  /** The client address of a socket: password guesses, declined knocks and removals go by it. */
  addressOf?(connectionId: string): string;
  /** An SFU for rooms that outgrow the mesh. Without it every room is a mesh. */
  sfu?: SfuCoordinatorOptions;
}

/** What happened in the hub, for logs: ids only, never descriptions, candidates or tokens. */
export type HubEvent =
  | { type: 'joined'; connectionId: string; roomId: string; peerId: string; roomSize: number }
  | { type: 'resumed'; connectionId: string; roomId: string; peerId: string }
  | { type: 'awaiting-resume'; roomId: string; peerId: string }
  | { type: 'left'; roomId: string; peerId: string; reason: PeerLeftReason }
  | { type: 'held-overflow'; roomId: string; peerId: string; heldBytes: number; limit: HoldRefusal }
  /** The peer is no longer this process's: it resumed on another (or another took it over). */
  | { type: 'moved'; roomId: string; peerId: string }
  | { type: 'adopted'; peers: number }
  | { type: 'refused'; connectionId: string; roomId?: string; peerId?: string; code: ErrorCode }
  | { type: 'rooms-error'; operation: string; error: string }
  | { type: 'rooms-availability'; available: boolean }
  | SfuObservation;

export interface HubCounters {
  joins: number;
  resumes: number;
  leaves: number;
  /** Descriptions and candidates passed on to a peer (sent, or held for it). */
  relayed: number;
  /** Relays that never reached the shared state (it was unreachable). */
  relaysLost: number;
  /** Requests refused, by the error code sent back. */
  refused: Record<ErrorCode, number>;
}

interface PeerSlot {
  peerId: string;
  roomId: string;
  member: RoomMember;
  epoch: Epoch;
  tokenHash: string;
  /** Null while the peer's socket is gone and the slot waits for a resume. */
  connectionId: string | null;
  /** When the place of an away peer expires (epoch milliseconds); 0 while connected. */
  awayUntil: number;
  graceTimer: ReturnType<typeof setTimeout> | null;
  /** Frames that arrived while a join or resume was in flight: sent right after `joined`. */
  pending: OutboundFrame[] | null;
  /** Frames that reached this process for the peer after its socket closed, before the shared
   * state knew (Redis only): sent first if it resumes here. */
  strays: OutboundFrame[];
  /** Adopted from a dead process: only its place is known, not its name or media. */
  adopted: boolean;
  /** The client address it last connected from (a removal makes that address knock), if known. */
  address: string | null;
}

/** A removal the shared state did not take (it was unreachable), retried when it is back. */
interface PendingRemoval {
  roomId: string;
  peerId: string;
  epoch: Epoch;
  reason: PeerLeftReason;
}

const MAX_STRAYS = 64;
/** How soon a removal that failed is tried again while the shared state is away. */
const RETRY_MS = 1_000;

/**
 * The signaling semantics, with no sockets: who may join which room, who hears about whom, and
 * which messages are relayed to whom. Each connection is an opaque id given by the transport.
 *
 * Rooms live behind `Rooms` (in memory, or shared through Redis); this class keeps only the peers
 * attached to this process. Requests that touch the rooms return a promise, and the caller must
 * not hand the same connection another message until it settles (`signaling-endpoint.ts` queues
 * them). Relayed descriptions and candidates return nothing: they are written to the rooms in
 * order, and a peer on this process gets them before `receive` returns.
 */
export class SignalingHub {
  private readonly connections = new Map<string, PeerSlot | null>();
  private readonly slots = new Map<string, PeerSlot>();
  private readonly removals: PendingRemoval[] = [];
  /** Peers whose removal from the rooms is in flight. */
  private readonly leaving = new Set<string>();
  private readonly inflight = new Set<Promise<unknown>>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly rooms: Rooms;
  private readonly now: () => number;
  private readonly presenceLimit: PresenceRateLimit;
  private readonly addressOf: (connectionId: string) => string;
  readonly hostControls: HostControls;
  private readonly chat: RoomChat;
  private readonly sfu: SfuCoordinator | null;
  readonly counters: HubCounters = {
    joins: 0,
    resumes: 0,
    leaves: 0,
    relayed: 0,
    relaysLost: 0,
    refused: zeroCounts(ERROR_CODES),
  };

  constructor(private readonly options: HubOptions) {
    this.rooms = options.rooms;
    this.now = options.wallClock ?? Date.now;
    this.presenceLimit = new PresenceRateLimit(options.now);
    const addressOf = (this.addressOf = this.options.addressOf ?? (() => 'unknown'));
    this.hostControls = new HostControls(
      // Kept with the room's members, so they are shared wherever the rooms are.
      this.rooms,
      {
        send: (connectionId, message) => {
          if (this.connections.has(connectionId)) this.send(connectionId, message);
        },
        broadcast: (roomId, to, message) => this.broadcast(roomId, to, message),
        members: (roomId) => this.rooms.members(roomId),
        refuse: (connectionId, code, message) => this.refuse(connectionId, code, message),
        addressOf,
        admitKnocker: (connectionId, join) => this.admitKnocker(connectionId, join),
        expel: (roomId, peerId, why) => this.expel(roomId, peerId, why),
      },
      this.options.now,
    );
    this.chat = new RoomChat(
      {
        members: (roomId) => this.rooms.members(roomId),
        broadcast: (roomId, to, message) => this.broadcast(roomId, to, message),
        refuse: (connectionId, code, message) => this.refuse(connectionId, code, message),
      },
      this.options.now,
    );
    this.sfu = options.sfu
      ? new SfuCoordinator(options.sfu, {
          rooms: this.rooms,
          deliver: (roomId, peerId, message) => {
            const envelope = envelopeOf(message, serializeServerMessage(message));
            this.rooms
              .deliver(roomId, peerId, envelope)
              .catch((error: unknown) => this.roomsFailed('deliver', error));
          },
          broadcastRoom: async (roomId, message) => {
            const members = await this.rooms.members(roomId);
            this.broadcast(
              roomId,
              members.map((member) => member.peerId),
              message,
            );
          },
          refuse: (connectionId, code, text) => this.refuse(connectionId, code, text),
          reply: (connectionId, message) => this.send(connectionId, message),
          observe: (event) => this.options.observe?.(event),
        })
      : null;
  }

  /** Starts listening to the rooms: frames for peers here, claims, adoptions, reconnections. */
  async start(): Promise<void> {
    // Never fails: a Janus that cannot be reached is tried again in the background.
    await this.sfu?.start();
    return this.rooms.start({
      deliver: (peerId, frame) => this.deliverLocally(peerId, frame),
      relayed: (roomId, from, to, outcome) => this.relayed(roomId, from, to, outcome),
      isLocal: (roomId, peerId) => {
        const slot = this.slots.get(peerId);
        return slot?.roomId === roomId && (slot.connectionId !== null || slot.pending !== null);
      },
      claimedAway: (roomId, peerId, epoch) => this.onClaimedAway(roomId, peerId, epoch),
      adopted: (peers) => this.adopt(peers),
      reconnected: () => void this.track(this.reassert()),
      holds: (roomId, peerId) =>
        this.slots.get(peerId)?.roomId === roomId ||
        this.leaving.has(peerId) ||
        this.removals.some((removal) => removal.peerId === peerId),
      released: (roomId, peerId, remaining) => {
        // Someone this process gave up on while the rooms were away (it was told `unavailable`,
        // and comes back as a new peer): the others may have heard of it, so they hear it left.
        this.counters.leaves++;
        this.options.observe?.({ type: 'left', roomId, peerId, reason: 'disconnected' });
        this.announceLeft(roomId, peerId, 'disconnected', { remaining });
      },
      availability: (available) =>
        this.options.observe?.({ type: 'rooms-availability', available }),
      expelled: (roomId, peerId, why) => this.onExpelled(roomId, peerId, why),
      knockAnswered: (roomId, knockId, answer) =>
        void this.track(
          this.hostControls
            .answered(roomId, knockId, answer)
            .catch((error: unknown) => this.roomsFailed('controls', error)),
        ),
    });
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
  ): Promise<void> | void {
    const slot = this.connections.get(connectionId);
    this.connections.delete(connectionId);
    this.presenceLimit.forget(connectionId);
    this.hostControls.forgetConnection(connectionId);
    this.chat.forget(connectionId);
    if (this.hostControls.isKnocking(connectionId)) {
      return this.track(this.hostControls.withdraw(connectionId));
    }
    if (!slot || slot.connectionId !== connectionId) return;
    // The socket is gone: nothing may be sent to it, nor its id put back in `connections`.
    slot.connectionId = null;
    const holdMs = Math.min(graceMs ?? Infinity, this.options.resumeGraceMs);
    if (!resumable || holdMs <= 0) return this.removePeer(slot, 'disconnected');
    this.options.observe?.({ type: 'awaiting-resume', roomId: slot.roomId, peerId: slot.peerId });
    slot.awayUntil = this.now() + holdMs;
    this.armGraceTimer(slot);
    const { roomId, peerId, epoch, awayUntil } = slot;
    return this.track(
      this.rooms.detach(roomId, peerId, epoch, awayUntil).then(
        (held) => {
          // Another process holds it now (it resumed there first): let go.
          if (!held && this.slots.get(peerId) === slot) this.letGo(slot);
        },
        // Kept here, away, with its timer; written back when the rooms are reachable again.
        (error: unknown) => this.roomsFailed('detach', error),
      ),
    );
  }

  receive(connectionId: string, message: ClientMessage, frame?: string): Promise<void> | void {
    if (!this.connections.has(connectionId)) return;
    const slot = this.connections.get(connectionId) ?? null;
    switch (message.type) {
      case 'join':
        if (slot || this.hostControls.isKnocking(connectionId)) {
          return this.refuse(
            connectionId,
            'already-joined',
            'This connection is already in a room.',
          );
        }
        return this.join(connectionId, message);
      case 'leave':
        if (slot) return this.removePeer(slot, 'left');
        return this.hostControls.withdraw(connectionId);
      case 'description':
      case 'candidate':
        if (!slot) return this.refuse(connectionId, 'not-joined', 'Join a room first.');
        return this.relay(connectionId, slot, message, frame);
      case 'media':
        if (!slot) return this.refuse(connectionId, 'not-joined', 'Join a room first.');
        return this.updateMedia(slot, message.media);
      case 'ping':
        return this.send(connectionId, { type: 'pong' });
      case 'get-ice-servers': {
        const ice =
          slot && slot.connectionId === connectionId
            ? this.options.iceConfiguration(slot.peerId, connectionId)
            : this.options.checkIceConfiguration(connectionId);
        if (!ice) {
          return this.refuse(
            connectionId,
            'rate-limited',
            'Too many connection checks from your address: try again in a minute.',
          );
        }
        return this.send(connectionId, { type: 'ice-servers', ...ice });
      }
      case 'presence':
        return this.answerPresence(connectionId, message.roomId);
      case 'host-key':
      case 'hand-over':
      case 'lock':
      case 'set-password':
      case 'waiting-room':
      case 'admit':
      case 'decline':
      case 'remove':
      case 'mute-request':
      case 'end-call':
      case 'hand':
      case 'reaction':
        if (!slot) return this.refuse(connectionId, 'not-joined', 'Join a room first.');
        return this.hostControls.handle(connectionId, slot, message).catch((error: unknown) => {
          if (!(error instanceof RoomsUnavailableError)) throw error;
          this.roomsFailed('controls', error);
          this.refuse(connectionId, 'unavailable', 'Room state is unreachable right now.');
        });
      case 'chat':
        if (!slot) return this.refuse(connectionId, 'not-joined', 'Join a room first.');
        return this.chat.relay(connectionId, slot, message).catch((error: unknown) => {
          if (!(error instanceof RoomsUnavailableError)) throw error;
          this.roomsFailed('chat', error);
          this.refuse(connectionId, 'unavailable', 'Room state is unreachable right now.');
        });
      case 'sfu-publish':
      case 'sfu-unpublish':
      case 'sfu-subscribe':
      case 'sfu-subscription-answer':
      case 'sfu-layer':
      case 'sfu-candidate':
      case 'sfu-ice-restart':
        if (!slot) return this.refuse(connectionId, 'not-joined', 'Join a room first.');
        if (!this.sfu) {
          return this.refuse(connectionId, 'sfu-unavailable', 'This server has no SFU.');
        }
        return this.sfu.receive(connectionId, slot.roomId, slot.peerId, message);
      default:
        return assertNever(message);
    }
  }

  /** The room and peer of a connection, if it has joined: for log lines about that socket. */
  peerOf(connectionId: string): { roomId: string; peerId: string } | undefined {
    const slot = this.connections.get(connectionId);
    return slot ? { roomId: slot.roomId, peerId: slot.peerId } : undefined;
  }

  /** Rooms and peers held by this process, for metrics and leak checks. */
  counts(): {
    rooms: number;
    peers: number;
    connections: number;
    awaitingResume: number;
    heldBytes: number;
  } {
    let awaitingResume = 0;
    const rooms = new Set<string>();
    for (const slot of this.slots.values()) {
      rooms.add(slot.roomId);
      if (slot.connectionId === null) awaitingResume++;
    }
    return {
      rooms: rooms.size,
      peers: this.slots.size,
      connections: this.connections.size,
      awaitingResume,
      heldBytes: this.rooms.status().heldBytes,
    };
  }

  /**
   * For server shutdown: waits for requests in flight, stops every grace timer and forgets every
   * peer. In memory, the rooms go with the process. Shared rooms keep this process's peers, away,
   * so that they resume on another process; its lease runs out and a survivor adopts the rest.
   */
  async dispose(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
    for (const slot of this.slots.values()) {
      if (slot.graceTimer) clearTimeout(slot.graceTimer);
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.sfu?.dispose();
    this.slots.clear();
    this.connections.clear();
    this.removals.length = 0;
    this.presenceLimit.clear();
    this.hostControls.clear();
    this.chat.clear();
  }

  /** Who is in `roomId`, for a lobby that has not joined; within a small budget per socket. */
  private async answerPresence(connectionId: string, roomId: string): Promise<void> {
    if (!this.presenceLimit.allow(connectionId)) {
      return this.refuse(connectionId, 'rate-limited', 'Too many presence queries: slow down.');
    }
    let members;
    try {
      members = await this.rooms.members(roomId);
    } catch (error) {
      if (!(error instanceof RoomsUnavailableError)) throw error;
      return this.refuse(connectionId, 'unavailable', 'Room state is unreachable right now.');
    }
    this.send(connectionId, {
      type: 'presence',
      ...describePresence(roomId, members, this.rooms.capacity),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Joining and resuming
  // -------------------------------------------------------------------------------------------

  private async join(
    connectionId: string,
    message: Extract<ClientMessage, { type: 'join' }>,
  ): Promise<void> {
    try {
      if (message.resumeToken && (await this.resume(connectionId, message))) return;
      // A fresh join passes the room's gates first: lock, password, waiting room.
      const admission = await this.hostControls.admission(connectionId, message);
      if (admission.kind === 'join') await this.enter(connectionId, message, admission);
    } catch (error) {
      if (!(error instanceof RoomsUnavailableError)) throw error;
      this.roomsFailed('join', error);
      this.refuse(
        connectionId,
        'unavailable',
        'The call service cannot reach its room state right now; reconnecting.',
      );
      // The client reconnects with backoff and joins again: a retry that needs no new code.
      this.options.transport.close(connectionId, CLOSE_CODES.tryAgainLater, 'Try again later');
    }
  }

  /** Joins a socket that passed the room's gates (or that the host admitted). */
  private async enter(
    connectionId: string,
    message: JoinMessage,
    admission: Extract<Admission, { kind: 'join' }>,
  ): Promise<void> {
    const peerId = await this.joinFresh(connectionId, message);
    // The member is in: a failure to record the controls must not undo the join.
    if (peerId !== null) {
      await this.hostControls
        .joined(message.roomId, peerId, admission)
        .catch((error: unknown) => this.roomsFailed('controls', error));
    }
  }

  /** Joins a socket to the room; its new peer id, or null if the room was full. */
  private async joinFresh(connectionId: string, message: JoinMessage): Promise<string | null> {
    const peerId = randomId();
    const info = { name: message.name, media: message.media };
    const slot: PeerSlot = {
      peerId,
      roomId: message.roomId,
      member: { peerId, ...info, joinOrder: 0 },
      epoch: FIRST_EPOCH,
      tokenHash: '',
      connectionId: null,
      awayUntil: 0,
      graceTimer: null,
      pending: [],
      strays: [],
      adopted: false,
      address: this.addressOf(connectionId),
    };
    // Registered before the room knows it: frames for it that race the reply are buffered.
    this.slots.set(peerId, slot);
    let outcome;
    try {
      outcome = await this.rooms.join(message.roomId, peerId, info);
    } catch (error) {
      this.slots.delete(peerId);
      throw error;
    }
    if (!outcome.ok) {
      this.slots.delete(peerId);
      this.refuse(
        connectionId,
        'room-full',
        `This call is full: it already has ${this.rooms.capacity} people.`,
      );
      return null;
    }
    slot.member = outcome.member;
    const token = randomBytes(24).toString('base64url');
    slot.tokenHash = hashToken(token);
    try {
      await this.rooms.issue(slot.roomId, peerId, slot.tokenHash);
    } catch (error) {
      this.slots.delete(peerId);
      this.queueRemoval({ roomId: slot.roomId, peerId, epoch: slot.epoch, reason: 'left' });
      throw error;
    }
    slot.connectionId = connectionId;
    this.connections.set(connectionId, slot);
    this.counters.joins++;
    this.options.observe?.({
      type: 'joined',
      connectionId,
      roomId: slot.roomId,
      peerId,
      roomSize: outcome.others.length + 1,
    });
    const { mode, moved } = await this.modeAfterJoin(slot.roomId, outcome.others.length + 1);
    this.sendJoined(slot, token, outcome.others, false, mode);
    this.flushPending(slot);
    const others = outcome.others.map((other) => other.peerId);
    // The newcomer is the latest joiner: polite to nobody, so one announcement fits everyone.
    this.broadcast(slot.roomId, others, {
      type: 'peer-joined',
      peer: toPeerInfo(outcome.member, outcome.member),
    });
    if (moved) this.broadcast(slot.roomId, others, { type: 'room-mode', mode, reason: 'grew' });
    return peerId;
  }

  private async modeAfterJoin(
    roomId: string,
    size: number,
  ): Promise<{ mode: RoomMode; moved: boolean }> {
    if (!this.sfu) return { mode: 'mesh', moved: false };
    return this.sfu.modeAfterJoin(roomId, size);
  }

  /** Reclaims the slot a resume token names. False if there is none: the caller joins afresh. */
  private async resume(
    connectionId: string,
    message: Extract<ClientMessage, { type: 'join' }>,
  ): Promise<boolean> {
    const peerId = await this.rooms.redeem(message.roomId, hashToken(message.resumeToken ?? ''));
    if (!peerId) return false;
    let slot = this.slots.get(peerId);
    if (slot && slot.connectionId !== null) {
      // The old socket is half-open: the client gave up on it before we noticed. The new one wins.
      const previous = slot.connectionId;
      slot.connectionId = null;
      this.connections.set(previous, null);
      this.options.transport.close(previous, CLOSE_CODES.replaced, 'Resumed on another connection');
    }
    if (!slot) {
      slot = {
        peerId,
        roomId: message.roomId,
        member: { peerId, name: message.name, media: message.media, joinOrder: 0 },
        epoch: FIRST_EPOCH,
        tokenHash: '',
        connectionId: null,
        awayUntil: 0,
        graceTimer: null,
        pending: null,
        strays: [],
        adopted: false,
        address: null,
      };
      this.slots.set(peerId, slot);
    }
    if (slot.graceTimer) clearTimeout(slot.graceTimer);
    slot.graceTimer = null;
    slot.pending ??= [];

    const claimed = await this.rooms.claim(slot.roomId, peerId).catch((error: unknown) => {
      this.rearm(slot);
      throw error;
    });
    if (!claimed) {
      if (this.slots.get(peerId) === slot) this.letGo(slot);
      return false;
    }
    slot.epoch = claimed.epoch;
    slot.awayUntil = 0;
    slot.adopted = false;
    const members = await this.rooms.members(slot.roomId);
    const self = members.find((member) => member.peerId === peerId);
    if (!self || this.slots.get(peerId) !== slot) {
      if (this.slots.get(peerId) === slot) this.letGo(slot);
      return false;
    }
    slot.member = self;
    const token = randomBytes(24).toString('base64url');
    slot.tokenHash = hashToken(token);
    // A token works once: whoever saw an old one cannot take the slot later.
    await this.rooms.issue(slot.roomId, peerId, slot.tokenHash);

    slot.connectionId = connectionId;
    slot.address = this.addressOf(connectionId);
    this.connections.set(connectionId, slot);
    this.counters.resumes++;
    this.options.observe?.({ type: 'resumed', connectionId, roomId: slot.roomId, peerId });
    const others = members.filter((member) => member.peerId !== peerId);
    this.sendJoined(slot, token, others, true, await this.rooms.mode(slot.roomId));
    await this.hostControls
      .resumed(slot.roomId, peerId, connectionId)
      .catch((error: unknown) => this.roomsFailed('controls', error));
    // Oldest first: what reached this process after the socket closed, what the rooms held, then
    // what arrived while the claim was in flight.
    const strays = slot.strays;
    slot.strays = [];
    for (const frame of strays) this.options.transport.send(connectionId, frame);
    for (const frame of claimed.held) this.options.transport.send(connectionId, frame);
    this.flushPending(slot);

    if (!sameMedia(self.media, message.media)) await this.updateMedia(slot, message.media);
    return true;
  }

  private sendJoined(
    slot: PeerSlot,
    resumeToken: string,
    others: readonly RoomMember[],
    resumed: boolean,
    mode: RoomMode,
  ): void {
    if (slot.connectionId === null) return;
    const ice = this.options.iceConfiguration(slot.peerId, slot.connectionId);
    this.send(slot.connectionId, {
      type: 'joined',
      roomId: slot.roomId,
      peerId: slot.peerId,
      resumeToken,
      resumed,
      peers: others.map((other) => toPeerInfo(other, slot.member)),
      iceServers: ice.iceServers,
      iceTransportPolicy: ice.iceTransportPolicy,
      mode,
    });
  }

  private flushPending(slot: PeerSlot): void {
    const pending = slot.pending ?? [];
    slot.pending = null;
    if (slot.connectionId === null) return;
    for (const frame of pending) this.options.transport.send(slot.connectionId, frame);
  }

  // -------------------------------------------------------------------------------------------
  // Relaying and media
  // -------------------------------------------------------------------------------------------

  private relay(
    connectionId: string,
    slot: PeerSlot,
    message: Extract<ClientMessage, { type: 'description' | 'candidate' }>,
    frame: string | undefined,
  ): void {
    if (message.to === slot.peerId) {
      return this.refuse(connectionId, 'unknown-peer', 'There is no such peer in your room.');
    }
    // The epoch is the peers' business: passed on as it came, and left out if it did not.
    const epoch = message.epoch === undefined ? {} : { epoch: message.epoch };
    const relayed: ServerMessage =
      message.type === 'description'
        ? { type: 'description', from: slot.peerId, ...epoch, description: message.description }
        : { type: 'candidate', from: slot.peerId, ...epoch, candidate: message.candidate };
    const envelope = envelopeOf(relayed, serializeServerMessage(relayed, frame, message));
    // Its outcome comes back through `relayed`. The next message of this socket may go out before
    // this one is confirmed, since both travel in order (one Redis connection, or a direct call).
    this.rooms.relay(slot.roomId, message.to, envelope);
  }

  /** The outcome of a relay from `from` (this process's peer) to `to`. */
  private relayed(roomId: string, from: string, to: string, outcome: Delivery | 'lost'): void {
    // Counted, not logged: while Redis is away every relay to another process fails.
    if (outcome === 'lost') {
      this.counters.relaysLost++;
      return;
    }
    if (outcome === 'unknown') {
      const sender = this.slots.get(from);
      if (sender?.roomId === roomId && sender.connectionId !== null) {
        this.refuse(sender.connectionId, 'unknown-peer', 'There is no such peer in your room.');
      }
      return;
    }
    this.counters.relayed++;
    if (typeof outcome === 'object') {
      void this.track(this.expelOverflowed(roomId, [{ peerId: to, ...outcome }]));
    }
  }

  private async updateMedia(slot: PeerSlot, media: MediaState): Promise<void> {
    slot.member = { ...slot.member, media };
    let others;
    try {
      others = await this.rooms.updateMedia(slot.roomId, slot.peerId, slot.epoch, media);
    } catch (error) {
      // Nobody else hears of it now; the state is written back when the rooms return.
      return this.roomsFailed('media', error);
    }
    if (!others) return;
    this.broadcast(
      slot.roomId,
      others.map((other) => other.peerId),
      { type: 'peer-updated', peerId: slot.peerId, media },
    );
  }

  /** Sends an event to members of a room; those whose held messages overflow are removed. */
  private broadcast(roomId: string, to: readonly string[], message: ServerMessage): void {
    if (to.length === 0) return;
    const envelope = envelopeOf(message, serializeServerMessage(message));
    this.track(
      this.rooms.broadcast(roomId, to, envelope).then(
        (overflowed) => this.expelOverflowed(roomId, overflowed),
        (error: unknown) => this.roomsFailed('broadcast', error),
      ),
    );
  }

  /** A frame for a peer attached to this process, from the rooms. */
  private deliverLocally(peerId: string, frame: OutboundFrame): void {
    const slot = this.slots.get(peerId);
    if (!slot) return;
    if (slot.pending) slot.pending.push(frame);
    else if (slot.connectionId !== null) this.options.transport.send(slot.connectionId, frame);
    else if (slot.strays.length < MAX_STRAYS) slot.strays.push(frame);
  }

  // -------------------------------------------------------------------------------------------
  // Leaving
  // -------------------------------------------------------------------------------------------

  private removePeer(slot: PeerSlot, reason: PeerLeftReason): Promise<void> | void {
    if (this.slots.get(slot.peerId) !== slot) return;
    this.forget(slot);
    this.counters.leaves++;
    this.options.observe?.({ type: 'left', roomId: slot.roomId, peerId: slot.peerId, reason });
    return this.track(
      this.leaveRoom({ roomId: slot.roomId, peerId: slot.peerId, epoch: slot.epoch, reason }),
    ).then(() => undefined);
  }

  /** Takes the peer out of its room and tells the others; retried later if the rooms are away. */
  private async leaveRoom(
    removal: PendingRemoval,
    onlyIfAway = false,
  ): Promise<'left' | 'kept' | 'queued'> {
    let outcome;
    this.leaving.add(removal.peerId);
    try {
      outcome = await this.rooms.leave(removal.roomId, removal.peerId, removal.epoch, {
        onlyIfAway,
      });
    } catch (error) {
      this.roomsFailed('leave', error);
      this.queueRemoval(removal);
      return 'queued';
    } finally {
      this.leaving.delete(removal.peerId);
    }
    if (!outcome.left) return 'kept';
    this.announceLeft(removal.roomId, removal.peerId, removal.reason, outcome);
    if (this.sfu) {
      await this.sfu.peerLeft(removal.roomId, removal.peerId, outcome.remaining.length);
    }
    return 'left';
  }

  /**
   * The host removed this peer, or ended the call: the rooms take it out at once, wherever it is
   * connected (its token goes with its place), and tell its process, which closes its socket
   * (`onExpelled`). The others hear it left from here.
   */
  private async expel(
    roomId: string,
    peerId: string,
    why: 'removed' | 'call-ended',
  ): Promise<void> {
    const outcome = await this.rooms.expel(roomId, peerId, why);
    if (!outcome.left) return;
    const reason = why === 'removed' ? 'removed' : 'left';
    this.counters.leaves++;
    this.options.observe?.({ type: 'left', roomId, peerId, reason });
    this.announceLeft(roomId, peerId, reason, outcome);
    await this.sfu?.peerLeft(roomId, peerId, outcome.remaining.length);
  }

  /**
   * A peer held here was taken out by the host (on any process). Its address must knock from now
   * on: recorded before the peer hears of it, so that it cannot rejoin past the waiting list.
   * Then it is told, and its socket closed.
   */
  private onExpelled(roomId: string, peerId: string, why: 'removed' | 'call-ended'): void {
    const slot = this.slots.get(peerId);
    if (!slot || slot.roomId !== roomId) return;
    const { connectionId, address } = slot;
    this.forget(slot);
    const recorded =
      why === 'removed' && address !== null
        ? this.hostControls
            .removedFrom(roomId, peerId, address)
            .catch((error: unknown) => this.roomsFailed('controls', error))
        : Promise.resolve();
    void this.track(
      recorded.then(() => {
        if (connectionId === null) return;
        this.send(connectionId, { type: why });
        this.options.transport.close(
          connectionId,
          why === 'removed' ? CLOSE_CODES.removed : CLOSE_CODES.callEnded,
          why === 'removed' ? 'Removed by the host' : 'The host ended the call',
        );
      }),
    );
  }

  /** The host admitted a knock from a socket on this process: it joins, past every gate. */
  private async admitKnocker(connectionId: string, join: JoinMessage): Promise<void> {
    if (this.connections.get(connectionId) !== null) return;
    try {
      await this.enter(connectionId, join, { kind: 'join', as: 'member', hostKeyHash: null });
    } catch (error) {
      if (!(error instanceof RoomsUnavailableError)) throw error;
      this.roomsFailed('join', error);
      this.refuse(connectionId, 'unavailable', 'Room state is unreachable right now.');
      this.options.transport.close(connectionId, CLOSE_CODES.tryAgainLater, 'Try again later');
    }
  }

  private announceLeft(
    roomId: string,
    peerId: string,
    reason: PeerLeftReason,
    { remaining }: { remaining: RoomMember[] },
  ): void {
    this.broadcast(
      roomId,
      remaining.map((member) => member.peerId),
      { type: 'peer-left', peerId, reason },
    );
    // The host may have left (someone else takes over), and a raised hand comes down.
    void this.track(
      this.hostControls
        .left(roomId, peerId)
        .catch((error: unknown) => this.roomsFailed('controls', error)),
    );
  }

  /**
   * Peers whose held messages passed a cap were removed by the rooms (`HeldLimits`): they are
   * treated as gone, and the others told.
   */
  private async expelOverflowed(
    roomId: string,
    overflowed: readonly OverflowedMember[],
  ): Promise<void> {
    if (overflowed.length === 0) return;
    for (const { peerId, limit, heldBytes } of overflowed) {
      this.options.observe?.({ type: 'held-overflow', roomId, peerId, heldBytes, limit });
      const slot = this.slots.get(peerId);
      if (slot) this.forget(slot);
      this.counters.leaves++;
      this.options.observe?.({ type: 'left', roomId, peerId, reason: 'disconnected' });
    }
    const remaining = await this.rooms.members(roomId);
    for (const { peerId } of overflowed) {
      this.announceLeft(roomId, peerId, 'disconnected', { remaining });
      await this.sfu?.peerLeft(roomId, peerId, remaining.length);
    }
  }

  private armGraceTimer(slot: PeerSlot): void {
    if (slot.graceTimer) clearTimeout(slot.graceTimer);
    slot.graceTimer = setTimeout(
      () => void this.track(this.expire(slot)),
      Math.max(0, slot.awayUntil - this.now()),
    );
    slot.graceTimer.unref?.();
  }

  /** A claim that failed leaves the slot away as it was, with its timer running again. */
  private rearm(slot: PeerSlot): void {
    if (this.slots.get(slot.peerId) !== slot || slot.connectionId !== null) return;
    slot.pending = null;
    if (slot.awayUntil === 0) slot.awayUntil = this.now() + this.options.resumeGraceMs;
    this.armGraceTimer(slot);
  }

  /** The grace of an away peer ran out: it leaves, unless another process has resumed it. */
  private async expire(slot: PeerSlot): Promise<void> {
    if (this.slots.get(slot.peerId) !== slot || slot.connectionId !== null) return;
    slot.graceTimer = null;
    this.forget(slot);
    const removal = {
      roomId: slot.roomId,
      peerId: slot.peerId,
      epoch: slot.epoch,
      reason: 'disconnected' as const,
    };
    // Kept: it resumed on another process meanwhile. Queued: it leaves once the rooms are back.
    if ((await this.leaveRoom(removal, true)) === 'kept') {
      this.options.observe?.({ type: 'moved', roomId: removal.roomId, peerId: removal.peerId });
    } else {
      this.counters.leaves++;
      this.options.observe?.({ type: 'left', ...removal });
    }
  }

  /** The peer is no longer this process's (it is held by another, or no longer in the room). */
  private letGo(slot: PeerSlot): void {
    this.forget(slot);
    this.options.observe?.({ type: 'moved', roomId: slot.roomId, peerId: slot.peerId });
  }

  /** Drops the slot here, closing its socket if it has one; the rooms are not told. */
  private forget(slot: PeerSlot): void {
    if (this.slots.get(slot.peerId) === slot) this.slots.delete(slot.peerId);
    if (slot.graceTimer) clearTimeout(slot.graceTimer);
    slot.graceTimer = null;
    if (slot.connectionId !== null) this.connections.set(slot.connectionId, null);
  }

  // -------------------------------------------------------------------------------------------
  // Events from the shared rooms
  // -------------------------------------------------------------------------------------------

  /** The peer resumed on another process: its socket here, if any, is a stale one. */
  private onClaimedAway(roomId: string, peerId: string, epoch: Epoch): void {
    const slot = this.slots.get(peerId);
    if (!slot || slot.roomId !== roomId || slot.epoch > epoch) return;
    const connectionId = slot.connectionId;
    this.letGo(slot);
    if (connectionId !== null) {
      this.options.transport.close(connectionId, CLOSE_CODES.replaced, 'Resumed on another server');
    }
  }

  /** Peers of a dead process, now held here, away, until they resume or their time runs out. */
  private adopt(peers: readonly AdoptedPeer[]): void {
    for (const peer of peers) {
      const existing = this.slots.get(peer.peerId);
      if (existing) this.forget(existing);
      const slot: PeerSlot = {
        peerId: peer.peerId,
        roomId: peer.roomId,
        member: { peerId: peer.peerId, name: '', media: NO_MEDIA, joinOrder: 0 },
        epoch: peer.epoch,
        tokenHash: '',
        connectionId: null,
        awayUntil: peer.awayUntil,
        graceTimer: null,
        pending: null,
        strays: [],
        adopted: true,
        address: null,
      };
      this.slots.set(peer.peerId, slot);
      this.armGraceTimer(slot);
    }
    if (peers.length > 0) this.options.observe?.({ type: 'adopted', peers: peers.length });
  }

  /**
   * The shared state is back (perhaps empty, after a Redis restart without persistence): write
   * back every peer held here, then the removals it missed.
   */
  private async reassert(): Promise<void> {
    const held: HeldPeer[] = [];
    for (const slot of this.slots.values()) {
      if (slot.adopted || slot.pending) continue;
      held.push({
        roomId: slot.roomId,
        member: slot.member,
        epoch: slot.epoch,
        tokenHash: slot.tokenHash,
        awayUntil: slot.connectionId === null ? slot.awayUntil : 0,
      });
    }
    let stale: string[];
    try {
      stale = await this.rooms.reassert(held);
    } catch (error) {
      return this.roomsFailed('reassert', error);
    }
    for (const peerId of stale) {
      const slot = this.slots.get(peerId);
      if (slot) this.onClaimedAway(slot.roomId, peerId, slot.epoch);
    }
    await this.retryRemovals();
    // Each process does this for its own rooms; the rooms' compare-and-set elects one host.
    const roomIds = new Set([...this.slots.values()].map((slot) => slot.roomId));
    for (const roomId of roomIds) {
      await this.hostControls
        .ensureHost(roomId)
        .catch((error: unknown) => this.roomsFailed('reassert', error));
    }
    await this.reassertKnocks(false);
  }

  /** Knocks of sockets here, written back after an outage; once more a moment later for rooms
   * that other processes had not written back yet. */
  private async reassertKnocks(final: boolean): Promise<void> {
    let waiting;
    try {
      waiting = await this.hostControls.reassertKnocks(final);
    } catch (error) {
      return this.roomsFailed('reassert', error);
    }
    if (waiting === 0) return;
    const timer = setTimeout(() => void this.track(this.reassertKnocks(true)), RETRY_MS);
    timer.unref?.();
  }

  private queueRemoval(removal: PendingRemoval): void {
    this.removals.push(removal);
    this.retryTimer ??= setTimeout(() => {
      this.retryTimer = null;
      void this.track(this.retryRemovals());
    }, RETRY_MS);
    this.retryTimer.unref?.();
  }

  private async retryRemovals(): Promise<void> {
    const removals = this.removals.splice(0);
    for (const removal of removals) await this.leaveRoom(removal);
  }

  // -------------------------------------------------------------------------------------------

  private roomsFailed(operation: string, error: unknown): void {
    this.options.observe?.({
      type: 'rooms-error',
      operation,
      error: describe(error),
    });
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inflight.add(promise);
    void promise.finally(() => this.inflight.delete(promise)).catch(() => undefined);
    return promise;
  }

  private send(connectionId: string, message: ServerMessage): void {
    this.options.transport.send(connectionId, serializeServerMessage(message));
  }

  private refuse(connectionId: string, code: ErrorCode, message: string): void {
    if (!this.connections.has(connectionId)) return;
    this.counters.refused[code]++;
    this.options.observe?.({ type: 'refused', connectionId, ...this.peerOf(connectionId), code });
    this.send(connectionId, { type: 'error', code, message });
  }
}

/** An error and what caused it, in one line for a log. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

const NO_MEDIA: MediaState = { audio: false, video: false, screen: null };

/** What `viewer` is told about `member`: the later joiner of a pair is polite. */
function toPeerInfo(member: RoomMember, viewer: RoomMember): PeerInfo {
  return {
    peerId: member.peerId,
    name: member.name,
    media: member.media,
    polite: viewer.joinOrder > member.joinOrder,
  };
}

function sameMedia(a: MediaState, b: MediaState): boolean {
  return a.audio === b.audio && a.video === b.video && a.screen === b.screen;
}

function randomId(): string {
  return randomBytes(9).toString('base64url');
}

/** Resume tokens are kept as hashes only, here and in Redis. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A counter of zero for each of `keys`. */
export function zeroCounts<T extends string>(keys: readonly T[]): Record<T, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<T, number>;
}
