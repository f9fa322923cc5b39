import { randomBytes } from 'node:crypto';
import { ErrorReply, createClient, type RedisClientType } from '@redis/client';
import { DEFAULT_HELD_LIMITS, type HeldLimits, type HoldRefusal } from './held-messages';
import type { RateBudget } from './keyed-rate-limit';
import type { MediaState, RoomMode } from './protocol';
import {
  RoomsUnavailableError,
  type AdoptedPeer,
  type AnswerOutcome,
  type BusEvents,
  type Delivery,
  type Envelope,
  type Epoch,
  type ExpelReason,
  type HeldPeer,
  type JoinOutcome,
  type KnockOutcome,
  type MemberInfo,
  type OverflowedMember,
  type RoomMember,
  type Rooms,
  type RoomsStatus,
  type WaitingKnock,
} from './rooms';
import { emptyControls, type RoomControls } from './room-controls';
import * as scripts from './redis-scripts';
import { RelayBatch, forEachFrame, isNotice } from './relay-batch';

export interface RedisRoomsOptions {
  /** e.g. `redis://127.0.0.1:6379/0` */
  url: string;
  capacity: number;
  /** Prepended to every key and channel, so that several deployments can share one Redis. */
  keyPrefix?: string;
  /** How long this process's lease lives unrenewed: past it, the others adopt its peers. */
  leaseMs: number;
  /** A request not answered within this long fails. While the connection is down, requests
   * fail at once; this bounds the wait on a Redis that holds the connection but stopped
   * answering. Generous, because a busy machine delays answers too. */
  requestTimeoutMs?: number;
  heldLimits?: HeldLimits;
  /** This process's name in Redis; random unless given (tests). */
  nodeId?: string;
}

type Reply = string | number | null | Reply[];

/**
 * Rooms shared through Redis by any number of processes (see `docs/scaling.md`). Membership,
 * join order, where each peer is attached, held messages and resume tokens live in one hash per
 * room, changed only by the Lua scripts of `redis-scripts.ts`. Each process subscribes to one
 * channel of its own: a frame for a peer is published to the process that peer is attached to,
 * in the order it was sent, or held in Redis while the peer is away.
 *
 * Each process holds a lease it renews; when one runs out, a survivor adopts that process's
 * peers as away, so that they either resume or are announced as gone. Every room key expires
 * unless a process holding a member of it keeps it alive.
 */
export class RedisRooms implements Rooms {
  readonly nodeId: string;
  readonly capacity: number;
  private readonly prefix: string;
  private readonly client: RedisClientType;
  private readonly subscriber: RedisClientType;
  private readonly heldLimits: HeldLimits;
  private readonly requestTimeoutMs: number;
  private readonly roomTtlMs: number;
  private events: BusEvents | null = null;
  private available = false;
  private outages = 0;
  private errors = 0;
  private everReady = false;
  /** When Redis last became reachable: this process reaps nobody until a lease period later, so
   * that after an outage of Redis itself the others have renewed theirs. */
  private connectedAt = 0;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private stopped = false;
  private missedPings = 0;
  /** When Redis last answered anything (the health check takes only silence for an outage). */
  private lastAnswerAt = 0;
  /** What Redis holds for this process's away peers, as last read. */
  private heldBytes = 0;
  private resolveReady: (() => void) | null = null;
  /** Relays not yet sent to Redis (`relay`). */
  private batch: RelayBatch | null = null;
  /** RELAY calls sent and not yet answered. */
  private relaysInFlight = 0;
  /** The RELAY script's arguments that every batch starts with. */
  private readonly relayHead: string[];

  constructor(private readonly options: RedisRoomsOptions) {
    this.nodeId = options.nodeId ?? randomBytes(6).toString('base64url');
    this.capacity = options.capacity;
    this.prefix = options.keyPrefix ?? 'meshcall:';
    this.heldLimits = options.heldLimits ?? DEFAULT_HELD_LIMITS;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.roomTtlMs = Math.max(60_000, options.leaseMs * 6);
    this.relayHead = [
      this.channel(''),
      this.prefix,
      String(this.heldLimits.maxBytesPerPeer),
      String(this.heldLimits.maxBytesPerProcess),
    ];
    this.client = createClient({
      url: options.url,
      // A request while Redis is away fails at once instead of waiting in a queue.
      disableOfflineQueue: true,
      commandOptions: { timeout: this.requestTimeoutMs },
      socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 1_000) },
    }) as RedisClientType;
    this.subscriber = this.client.duplicate() as RedisClientType;
  }

  async start(events: BusEvents): Promise<void> {
    this.events = events;
    this.client.on('error', () => this.setAvailable(false));
    this.subscriber.on('error', () => undefined);
    this.client.on('ready', () => this.onReady());
    await this.subscriber.connect();
    await this.subscriber.subscribe(
      this.channel(this.nodeId),
      (message) => this.onPublished(message),
      true, // as bytes: frames go to sockets as they arrived, never decoded and encoded again
    );
    const ready = new Promise<void>((resolve) => (this.resolveReady = resolve));
    await this.client.connect();
    await ready;
    const every = (ms: number, task: () => Promise<unknown>) => {
      const timer = setInterval(() => void task().catch(() => this.errors++), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(Math.max(100, Math.floor(this.options.leaseMs / 3)), () => this.renewLease());
    every(Math.max(100, Math.floor(this.options.leaseMs / 4)), () => this.reapDeadNodes());
    every(Math.floor(this.roomTtlMs / 3), () => this.touchRooms());
    every(1_000, () => this.checkHealth());
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.events = null;
    if (this.batch) this.sendBatch(this.batch);
    // With peers still held (away, after a shutdown), the lease is left to run out and a survivor
    // adopts them; with none, this process leaves no trace.
    await this.call(async () => {
      if ((await this.client.sCard(this.nodeRoomsKey(this.nodeId))) > 0) return;
      await this.client
        .multi()
        .del([this.leaseKey(this.nodeId), this.budgetKey(this.nodeId)])
        .zRem(this.nodesKey(), this.nodeId)
        .exec();
    }).catch(() => undefined);
    await Promise.allSettled([this.client.close(), this.subscriber.close()]);
  }

  status(): RoomsStatus {
    return {
      shared: true,
      available: this.available,
      outages: this.outages,
      errors: this.errors,
      heldBytes: this.heldBytes,
    };
  }

  // -------------------------------------------------------------------------------------------
  // RoomDirectory
  // -------------------------------------------------------------------------------------------

  async join(roomId: string, peerId: string, info: MemberInfo): Promise<JoinOutcome> {
    const reply = (await this.run(
      scripts.JOIN,
      [this.roomKey(roomId), this.nodeRoomsKey(this.nodeId)],
      [
        peerId,
        JSON.stringify(info),
        this.nodeId,
        String(this.capacity),
        String(this.roomTtlMs),
        roomId,
      ],
    )) as string[];
    if (reply[0] === 'full') return { ok: false, reason: 'full' };
    const joinOrder = Number(reply[1]);
    return {
      ok: true,
      member: { peerId, ...info, joinOrder },
      others: parseMembers(reply, 2),
    };
  }

  async leave(
    roomId: string,
    peerId: string,
    epoch: Epoch,
    { onlyIfAway = false } = {},
  ): Promise<{ left: boolean; remaining: RoomMember[] }> {
    const reply = (await this.run(
      scripts.LEAVE,
      [this.roomKey(roomId), this.heldKey(roomId, peerId)],
      [peerId, String(epoch), onlyIfAway ? '1' : '0', this.prefix, roomId],
    )) as string[];
    return { left: reply[0] === 'left', remaining: parseMembers(reply, 1) };
  }

  async members(roomId: string): Promise<RoomMember[]> {
    const fields = await this.call(() => this.client.hGetAll(this.roomKey(roomId)));
    const members: RoomMember[] = [];
    for (const [field, value] of Object.entries(fields)) {
      if (!field.startsWith('m:')) continue;
      const peerId = field.slice(2);
      members.push({
        peerId,
        ...(JSON.parse(value) as MemberInfo),
        joinOrder: Number(fields[`o:${peerId}`] ?? 0),
      });
    }
    return members;
  }

  async updateMedia(
    roomId: string,
    peerId: string,
    epoch: Epoch,
    media: MediaState,
  ): Promise<RoomMember[] | null> {
    const members = await this.members(roomId);
    const self = members.find((member) => member.peerId === peerId);
    if (!self) return null;
    const reply = (await this.run(
      scripts.UPDATE_MEDIA,
      [this.roomKey(roomId)],
      [peerId, String(epoch), JSON.stringify({ name: self.name, media })],
    )) as string[];
    return reply[0] === 'ok' ? parseMembers(reply, 1) : null;
  }

  async mode(roomId: string): Promise<RoomMode> {
    const mode = await this.call(() => this.client.hGet(this.roomKey(roomId), 'mode'));
    return mode === 'sfu' ? 'sfu' : 'mesh';
  }

  async setMode(roomId: string, from: RoomMode, to: RoomMode): Promise<boolean> {
    return (await this.run(scripts.SET_MODE, [this.roomKey(roomId)], [from, to])) === 1;
  }

  // -------------------------------------------------------------------------------------------
  // PeerBus
  // -------------------------------------------------------------------------------------------

  // Not `async`: for a peer of this process, one promise instead of two.
  deliver(roomId: string, to: string, envelope: Envelope): Promise<Delivery> {
    if (this.events?.isLocal(roomId, to)) {
      this.events.deliver(to, envelope.frame);
      return SENT;
    }
    if (!this.available) return Promise.reject(new RoomsUnavailableError());
    return this.batchToFill().addAwaited(roomId, to, envelope);
  }

  relay(roomId: string, to: string, envelope: Envelope): void {
    const events = this.events;
    if (!events) return;
    if (events.isLocal(roomId, to)) {
      events.deliver(to, envelope.frame);
      return events.relayed(roomId, envelope.subject, to, 'sent');
    }
    if (!this.available) return events.relayed(roomId, envelope.subject, to, 'lost');
    this.batchToFill().add(roomId, to, envelope);
  }

  async broadcast(
    roomId: string,
    to: readonly string[],
    envelope: Envelope,
  ): Promise<OverflowedMember[]> {
    // Peers of this process get the frame at once, inside `deliver`; the rest in one batch.
    const deliveries = await Promise.all(
      to.map((peerId) => this.deliver(roomId, peerId, envelope)),
    );
    const overflowed: OverflowedMember[] = [];
    deliveries.forEach((delivery, index) => {
      if (typeof delivery === 'object') overflowed.push({ peerId: to[index]!, ...delivery });
    });
    return overflowed;
  }

  /**
   * The batch of the RELAY script that relays join now. Relays go to Redis as one script
   * call per batch, and their frames to each process as one publication: the cost per call and
   * per publication is shared. A batch is sent at the end of this turn of the event loop (every
   * socket that had data in it) when no other is awaiting its answer; otherwise it fills until
   * that answer comes (group commit), so the busier the process, the larger its batches, and an
   * idle one still sends each relay at once. Every other request sends the batch first (`run`),
   * so requests reach Redis in the order they were made, which is what keeps a relay from
   * overtaking a claim (docs/scaling.md).
   */
  private batchToFill(): RelayBatch {
    if (this.batch && this.batch.size >= MAX_BATCH) this.sendBatch(this.batch);
    let batch = this.batch;
    if (!batch) {
      batch = this.batch = new RelayBatch();
      if (this.relaysInFlight === 0) setImmediate(() => this.sendBatch(batch!));
    }
    return batch;
  }

  /** Sends the batch now, if it is still the one being filled. */
  private sendBatch(batch: RelayBatch): void {
    if (this.batch !== batch) return;
    this.batch = null;
    this.relaysInFlight++;
    // A relay waits on no timer of its own: the health check notices a Redis that stopped
    // answering, and a timer per batch would cost more than it tells.
    this.run(scripts.RELAY, [], [...this.relayHead, batch.bytes()], 0)
      .then(
        (reply) => {
          const outcomes = reply as (string | number)[];
          // Only the relays that were not sent have an outcome in the reply.
          const delivered = new Array<Delivery>(batch.size).fill('sent');
          for (let i = 0; i < outcomes.length; i += 3) {
            const outcome = outcomes[i + 1] as 'held' | 'unknown' | HoldRefusal;
            delivered[Number(outcomes[i]) - 1] =
              outcome === 'held' || outcome === 'unknown'
                ? outcome
                : { limit: outcome, heldBytes: Number(outcomes[i + 2]) };
          }
          batch.release();
          this.settle(batch, (index) => delivered[index]!);
        },
        (error: unknown) => this.settle(batch, () => 'lost', error),
      )
      .then(this.afterRelayAnswer, this.afterRelayAnswer);
  }

  /** Tells each relay of a sent batch its outcome: its caller, or `BusEvents.relayed`. */
  private settle(
    batch: RelayBatch,
    outcome: (index: number) => Delivery | 'lost',
    error?: unknown,
  ): void {
    const { routes, waiting } = batch;
    for (let index = 0; index < waiting.length; index++) {
      const result = outcome(index);
      const awaiting = waiting[index];
      if (awaiting) {
        if (result === 'lost') awaiting.reject(error);
        else awaiting.resolve(result);
        continue;
      }
      // One failing callback must not keep the outcome from the relays after it.
      try {
        const at = 3 * index;
        this.events?.relayed(routes[at]!, routes[at + 1]!, routes[at + 2]!, result);
      } catch {
        this.errors++;
      }
    }
  }

  /** The batch that filled while others were out goes as soon as the last answer is in. */
  private readonly afterRelayAnswer = (): void => {
    if (--this.relaysInFlight === 0 && this.batch) this.sendBatch(this.batch);
  };

  async detach(roomId: string, peerId: string, epoch: Epoch, awayUntil: number): Promise<boolean> {
    const reply = await this.run(
      scripts.DETACH,
      [this.roomKey(roomId)],
      [peerId, String(epoch), this.nodeId, String(awayUntil)],
    );
    return reply === 1;
  }

  async claim(roomId: string, peerId: string): Promise<{ epoch: Epoch; held: string[] } | null> {
    const reply = (await this.run(
      scripts.CLAIM,
      [this.roomKey(roomId), this.heldKey(roomId, peerId), this.nodeRoomsKey(this.nodeId)],
      [peerId, this.nodeId, this.channel(''), roomId, this.prefix],
    )) as [number, ...string[]] | null;
    if (!reply) return null;
    const [epoch, ...held] = reply;
    return { epoch: Number(epoch), held };
  }

  async expel(
    roomId: string,
    peerId: string,
    why: ExpelReason,
  ): Promise<{ left: boolean; remaining: RoomMember[] }> {
    const reply = (await this.run(
      scripts.EXPEL,
      [this.roomKey(roomId)],
      [peerId, why, this.prefix, roomId],
    )) as string[];
    return { left: reply[0] === 'left', remaining: parseMembers(reply, 1) };
  }

  // -------------------------------------------------------------------------------------------
  // WaitingList: fields of the room's hash, changed by scripts
  // -------------------------------------------------------------------------------------------

  async knock(
    roomId: string,
    knock: { knockId: string; name: string; address: string },
    maxKnocks: number,
  ): Promise<KnockOutcome> {
    const reply = (await this.run(
      scripts.KNOCK,
      [this.roomKey(roomId)],
      [knock.knockId, knock.name, knock.address, String(maxKnocks), this.nodeId, this.prefix],
    )) as string[];
    switch (reply[0]) {
      case 'ok':
        return { ok: true, knocks: parseKnocks(reply, 1) };
      case 'too-soon':
        return { ok: false, reason: 'too-soon', retryAfterMs: Number(reply[1]) };
      case 'full':
        return { ok: false, reason: 'full' };
      default:
        return { ok: false, reason: 'no-room' };
    }
  }

  async knocks(roomId: string): Promise<WaitingKnock[]> {
    const reply = (await this.run(
      scripts.KNOCKS,
      [this.roomKey(roomId)],
      [this.prefix],
    )) as string[];
    return parseKnocks(reply, 1);
  }

  async answer(
    roomId: string,
    knockId: string,
    host: string,
    answer: 'admit' | 'decline',
    cooldownMs: number,
  ): Promise<AnswerOutcome> {
    const reply = (await this.run(
      scripts.ANSWER,
      [this.roomKey(roomId)],
      [knockId, host, answer, String(Math.round(cooldownMs)), this.prefix, roomId],
    )) as string[];
    if (reply[0] !== 'ok') {
      return { ok: false, reason: reply[0] === 'not-host' ? 'not-host' : 'no-knock' };
    }
    const [knock] = parseKnocks([knockId, reply[1]!], 0);
    return { ok: true, knock: knock!, knocks: parseKnocks(reply, 2) };
  }

  async withdraw(roomId: string, knockId: string): Promise<WaitingKnock[] | null> {
    const reply = (await this.run(
      scripts.WITHDRAW,
      [this.roomKey(roomId)],
      [knockId, this.prefix],
    )) as string[];
    return reply[0] === 'ok' ? parseKnocks(reply, 1) : null;
  }

  // -------------------------------------------------------------------------------------------
  // SharedRateLimits
  // -------------------------------------------------------------------------------------------

  async allow(key: string, budget: RateBudget): Promise<boolean> {
    const reply = await this.run(
      scripts.TAKE_TOKEN,
      [`${this.prefix}limit:${key}`],
      [String(budget.burst), String(budget.refillPerSecond)],
    );
    return reply === 1;
  }

  // -------------------------------------------------------------------------------------------
  // RoomControlsStore: a JSON field of the room's hash, changed by compare-and-set
  // -------------------------------------------------------------------------------------------

  async controls(roomId: string): Promise<RoomControls> {
    return parseControls(await this.readControls(roomId));
  }

  async updateControls(
    roomId: string,
    change: (controls: RoomControls) => RoomControls | null,
  ): Promise<RoomControls | null> {
    let current = await this.readControls(roomId);
    for (;;) {
      const next = change(parseControls(current));
      const text = next === null ? '' : JSON.stringify(next);
      const reply = (await this.run(
        scripts.SET_CONTROLS,
        [this.roomKey(roomId)],
        [current, text],
      )) as [number, string?];
      if (reply[0] === 1) return next;
      // Another process changed them first: apply the change to what it wrote.
      current = reply[1] ?? '';
    }
  }

  /** The stored text ('' for none): a compare that never matches returns what is there. */
  private async readControls(roomId: string): Promise<string> {
    const reply = (await this.run(
      scripts.SET_CONTROLS,
      [this.roomKey(roomId)],
      [READ_ONLY, READ_ONLY],
    )) as [number, string?];
    return reply[1] ?? '';
  }

  async issue(roomId: string, peerId: string, tokenHash: string): Promise<void> {
    await this.run(scripts.ISSUE, [this.roomKey(roomId)], [peerId, tokenHash]);
  }

  async redeem(roomId: string, tokenHash: string): Promise<string | null> {
    return (await this.run(scripts.REDEEM, [this.roomKey(roomId)], [tokenHash])) as string | null;
  }

  // -------------------------------------------------------------------------------------------
  // Life cycle: leases, adoption, re-assertion
  // -------------------------------------------------------------------------------------------

  async reassert(peers: readonly HeldPeer[]): Promise<string[]> {
    const replies = await Promise.all(
      peers.map((peer) =>
        this.run(
          scripts.REASSERT,
          [this.roomKey(peer.roomId), this.nodeRoomsKey(this.nodeId)],
          [
            peer.member.peerId,
            JSON.stringify({ name: peer.member.name, media: peer.member.media }),
            String(peer.member.joinOrder),
            this.nodeId,
            String(peer.epoch),
            String(peer.awayUntil),
            peer.tokenHash,
            String(this.roomTtlMs),
            peer.roomId,
          ],
        ),
      ),
    );
    return peers.filter((_, index) => replies[index] === 'stale').map((peer) => peer.member.peerId);
  }

  /** Every key this deployment holds, for tests that check nothing is left behind. */
  async keys(): Promise<string[]> {
    return this.call(() => this.client.keys(`${this.prefix}*`));
  }

  private async renewLease(): Promise<void> {
    if (!this.available) return;
    const expiresAt = Date.now() + this.options.leaseMs;
    const replies = await this.call(() =>
      this.client
        .multi()
        // The lease also says that this process reads relays as batches (the RELAY script).
        .set(this.leaseKey(this.nodeId), `${expiresAt} batch`, { PX: this.options.leaseMs })
        .zAdd(this.nodesKey(), { score: expiresAt, value: this.nodeId })
        .pExpire(this.nodesKey(), this.options.leaseMs * 3)
        .pExpire(this.nodeRoomsKey(this.nodeId), this.roomTtlMs)
        .pExpire(this.budgetKey(this.nodeId), this.roomTtlMs)
        .get(this.budgetKey(this.nodeId))
        .exec(),
    );
    this.heldBytes = Math.max(0, Number(replies.at(-1) ?? 0));
  }

  /** Adopts the peers of every process whose lease ran out, one process at a time. */
  private async reapDeadNodes(): Promise<void> {
    if (!this.available || Date.now() - this.connectedAt < this.options.leaseMs) return;
    for (;;) {
      const dead = (await this.run(scripts.REAP, [this.nodesKey()], [String(Date.now())])) as
        string | null;
      if (!dead) return;
      if (dead === this.nodeId) continue;
      const roomsOfDead = await this.call(() => this.client.sMembers(this.nodeRoomsKey(dead)));
      // Their deadline: the lease's end plus the grace, as for a socket that stopped answering.
      const awayUntil = Date.now() + this.options.leaseMs;
      const adopted: AdoptedPeer[] = [];
      for (const roomId of roomsOfDead) {
        const reply = (await this.run(
          scripts.TAKE_OVER,
          [this.roomKey(roomId), this.nodeRoomsKey(this.nodeId)],
          [dead, this.nodeId, String(awayUntil), roomId, this.prefix],
        )) as (string | number)[];
        for (let i = 0; i < reply.length; i += 3) {
          adopted.push({
            roomId,
            peerId: String(reply[i]),
            epoch: Number(reply[i + 1]),
            awayUntil: Number(reply[i + 2]),
          });
        }
      }
      await this.call(() => this.client.del([this.nodeRoomsKey(dead), this.budgetKey(dead)]));
      if (adopted.length > 0) this.events?.adopted(adopted);
    }
  }

  /**
   * Keeps this process's rooms alive, and removes members Redis says it holds but it does not: a
   * join or a claim that Redis ran after this process gave up waiting for it (`call`). Run every
   * third of the room TTL, and as soon as Redis is back after an outage.
   */
  private async touchRooms(): Promise<void> {
    if (!this.available) return;
    const roomIds = await this.call(() => this.client.sMembers(this.nodeRoomsKey(this.nodeId)));
    await Promise.all(
      roomIds.map(async (roomId) => {
        const mine = (await this.run(
          scripts.TOUCH,
          [this.roomKey(roomId), this.nodeRoomsKey(this.nodeId)],
          [this.nodeId, String(this.roomTtlMs), roomId],
        )) as string[];
        for (let i = 0; i < mine.length; i += 2) {
          const peerId = mine[i]!;
          if (this.events?.holds(roomId, peerId) !== false) continue;
          const reply = (await this.run(
            scripts.RELEASE,
            [this.roomKey(roomId)],
            [peerId, mine[i + 1]!, this.nodeId, this.prefix, roomId],
          )) as string[];
          if (reply[0] === 'released')
            this.events?.released(roomId, peerId, parseMembers(reply, 1));
        }
      }),
    );
  }

  /**
   * Notices a Redis that holds its connections but stopped answering (frozen, or a link that
   * drops packets): two pings in a row unanswered, with no answer to anything else meanwhile. A
   * PING queues behind the requests already in flight, and a busy machine delays this process
   * too: an answer that was on its way when the timer fired (it is read after the timers of the
   * same turn) proves Redis is there, so only silence counts.
   */
  private async checkHealth(): Promise<void> {
    if (!this.client.isReady) return this.setAvailable(false);
    const sentAt = Date.now();
    try {
      await withTimeout(this.client.sendCommand(['PING']), PING_TIMEOUT_MS);
      this.lastAnswerAt = Date.now();
      this.missedPings = 0;
      if (this.everReady) this.setAvailable(true);
    } catch {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.lastAnswerAt >= sentAt) return;
      if (++this.missedPings >= 2) this.setAvailable(false);
    }
  }

  private onReady(): void {
    // Scripts first: a Redis that restarted knows none, and a relay that fell back to EVAL one
    // at a time could overtake another still waiting for its NOSCRIPT answer.
    void Promise.all(
      SCRIPTS.map((script) => this.client.sendCommand(['SCRIPT', 'LOAD', script.source])),
    ).then(
      () => {
        if (!this.client.isReady) return;
        this.setAvailable(true);
        if (!this.everReady) {
          this.connectedAt = Date.now();
          void this.renewLease().catch(() => this.errors++);
        }
        this.everReady = true;
        this.resolveReady?.();
        this.resolveReady = null;
      },
      () => this.errors++,
    );
  }

  private setAvailable(available: boolean): void {
    if (this.stopped || available === this.available) return;
    this.available = available;
    if (!available && this.everReady) this.outages++;
    this.events?.availability(available);
    if (available && this.everReady) {
      // Back after an outage (a restart, a dropped link, or a Redis that froze): every process's
      // lease may have run out meanwhile, so reap nobody until all have had a lease period to
      // renew theirs; and write back what this process holds, which a restart lost.
      this.connectedAt = Date.now();
      void this.renewLease().catch(() => this.errors++);
      this.events?.reconnected();
      void this.touchRooms().catch(() => this.errors++);
    }
  }

  private onPublished(message: Buffer): void {
    const events = this.events;
    if (!events) return;
    if (isNotice(message)) return this.onNotice(events, message.toString());
    forEachFrame(message, (peerId, frame) => events.deliver(peerId, frame));
  }

  /** A notice from a script (`redis-scripts.ts` lists them). */
  private onNotice(events: BusEvents, message: string): void {
    const [notice, roomId, id, detail] = message.split(' ');
    if (!roomId || !id || detail === undefined) return;
    switch (notice) {
      case '!claimed':
        return events.claimedAway(roomId, id, Number(detail));
      case '!expelled':
        return events.expelled(roomId, id, detail === 'call-ended' ? 'call-ended' : 'removed');
      case '!knock':
        return events.knockAnswered(
          roomId,
          id,
          detail === 'admit'
            ? { admitted: true }
            : { admitted: false, retryAfterMs: Number(detail) },
        );
    }
  }

  // -------------------------------------------------------------------------------------------

  /** Runs a script by its hash, loading it first if Redis does not know it (after a restart). */
  private async run(
    script: scripts.LuaScript,
    keys: string[],
    args: (string | Buffer)[],
    timeout = this.requestTimeoutMs,
  ): Promise<Reply> {
    // Relays queued before this request go first: Redis runs requests in the order they are sent.
    if (this.batch && script !== scripts.RELAY) this.sendBatch(this.batch);
    const tail = [String(keys.length), ...keys, ...args];
    // Relays were taken while Redis was reachable. A batch that waited for an earlier answer goes
    // even if the health check has given up since: a client with no connection fails it at once.
    const failFast = script !== scripts.RELAY;
    return this.call(
      async () => {
        try {
          return (await this.client.sendCommand(['EVALSHA', script.sha, ...tail], {
            timeout,
          })) as Reply;
        } catch (error) {
          if (!(error instanceof ErrorReply) || !error.message.startsWith('NOSCRIPT')) throw error;
          return (await this.client.sendCommand(['EVAL', script.source, ...tail], {
            timeout,
          })) as Reply;
        }
      },
      timeout,
      failFast,
    );
  }

  /**
   * Fails fast while Redis is unreachable, and fails a request not answered within `timeoutMs`
   * (0: never); any failure but an error reply means Redis is unreachable. The client's own
   * timeout covers only a request still waiting to be written: one written to a Redis that then
   * froze would wait for ever. A request given up on may still run when Redis answers again:
   * what a late join or claim leaves behind is removed by `touchRooms`.
   */
  private async call<T>(
    request: () => Promise<T>,
    timeoutMs = this.requestTimeoutMs,
    failFast = true,
  ): Promise<T> {
    if (failFast && !this.available) throw new RoomsUnavailableError();
    try {
      const answer = await (timeoutMs > 0 ? withTimeout(request(), timeoutMs) : request());
      this.lastAnswerAt = Date.now();
      return answer;
    } catch (error) {
      this.errors++;
      if (error instanceof ErrorReply) throw error;
      throw new RoomsUnavailableError(error);
    }
  }

  private roomKey(roomId: string): string {
    return `${this.prefix}room:{${roomId}}`;
  }

  private heldKey(roomId: string, peerId: string): string {
    return `${this.prefix}room:{${roomId}}:held:${peerId}`;
  }

  private leaseKey(nodeId: string): string {
    return `${this.prefix}node:${nodeId}`;
  }

  private nodeRoomsKey(nodeId: string): string {
    return `${this.prefix}node:${nodeId}:rooms`;
  }

  /** What is held for a node's away peers, in bytes: its budget (`HeldLimits`). */
  private budgetKey(nodeId: string): string {
    return `${this.prefix}node:${nodeId}:held`;
  }

  private nodesKey(): string {
    return `${this.prefix}nodes`;
  }

  private channel(nodeId: string): string {
    return `${this.prefix}node:${nodeId}`;
  }
}

/** A PING unanswered this long counts as missed; two in a row, and Redis counts as away. A busy
 * machine can delay an answer by seconds without Redis being away. */
const PING_TIMEOUT_MS = 5_000;

const SCRIPTS: readonly scripts.LuaScript[] = Object.values(scripts);

/** An expected value no stored controls can equal (stored ones are JSON objects). */
const READ_ONLY = '-';

function parseControls(text: string): RoomControls {
  if (text === '') return emptyControls();
  return { ...emptyControls(), ...(JSON.parse(text) as Partial<RoomControls>) };
}

const SENT: Promise<Delivery> = Promise.resolve('sent');

/** Relays sent to Redis in one script call at most; more go in the next. */
const MAX_BATCH = 256;

/** `promise`, or a rejection once `ms` have passed without it settling. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** A waiting list from a script's flat reply (knock, entry, ...), starting at `from`, in the
 * order people knocked. */
function parseKnocks(reply: readonly string[], from: number): WaitingKnock[] {
  const knocks: WaitingKnock[] = [];
  for (let i = from; i + 1 < reply.length; i += 2) {
    const entry = JSON.parse(reply[i + 1]!) as {
      name: string;
      address: string;
      since: number;
      node: string;
    };
    knocks.push({
      knockId: reply[i]!,
      name: entry.name,
      address: entry.address,
      since: entry.since,
      nodeId: entry.node,
    });
  }
  return knocks.sort((a, b) => a.since - b.since || (a.knockId < b.knockId ? -1 : 1));
}

/** Members from a script's flat reply (peer, info, order, ...), starting at `from`. */
function parseMembers(reply: readonly string[], from: number): RoomMember[] {
  const members: RoomMember[] = [];
  for (let i = from; i + 2 < reply.length; i += 3) {
    members.push({
      peerId: reply[i]!,
      ...(JSON.parse(reply[i + 1]!) as MemberInfo),
      joinOrder: Number(reply[i + 2]),
    });
  }
  return members;
}
