/**
 * The hub's SFU side: when a room grows past `meshMax` it moves to the SFU, each browser's
 * `sfu-*` request goes to the broker, the broker's offers go back to their peer, and a lost SFU
 * moves its rooms back to a mesh. The room's mode lives in the room directory (with membership),
 * so a move is decided once however many processes share the room.
 */
import {
  assertNever,
  type ClientMessage,
  type ErrorCode,
  type IceCandidate,
  type PublishedTrack,
  type RoomMode,
  type ServerMessage,
  type SfuLayer,
  type SubscribedTrack,
} from './protocol';
import type { RoomDirectory } from './rooms';

interface SubscriptionOffer {
  sdp: string;
  tracks: SubscribedTrack[];
}

/** What of the SFU broker (`lib/server/sfu/sfu-broker.ts`) the hub uses. */
export interface SfuService {
  readonly available: boolean;
  connect(): Promise<void>;
  onEvent(listener: (event: SfuServiceEvent) => void): () => void;
  openRoom(roomId: string): Promise<void>;
  closeRoom(roomId: string): Promise<void>;
  publish(roomId: string, peerId: string, offer: string, tracks: PublishedTrack[]): Promise<string>;
  unpublish(roomId: string, peerId: string): Promise<void>;
  subscribe(roomId: string, peerId: string, fresh?: boolean): Promise<SubscriptionOffer | null>;
  answerSubscription(roomId: string, peerId: string, answer: string): Promise<void>;
  /** Resolves true once Janus relays `layer` on `mid` (resuming it if paused), false if not. */
  chooseLayer(roomId: string, peerId: string, mid: string, layer: SfuLayer): Promise<boolean>;
  /** Stops relaying `mid` to `peerId` until a layer is chosen again. */
  pauseVideo(roomId: string, peerId: string, mid: string): Promise<void>;
  /** Whose media `peerId`'s subscription carries on `mid`, as of its latest offer. */
  subscribedTrack(roomId: string, peerId: string, mid: string): SubscribedTrack | null;
  restartSubscription(roomId: string, peerId: string): Promise<SubscriptionOffer | null>;
  addIceCandidate(
    roomId: string,
    peerId: string,
    link: 'publisher' | 'subscriber',
    candidate: IceCandidate | null,
  ): Promise<void>;
  leave(roomId: string, peerId: string): Promise<void>;
}

/** The broker's events the hub acts on (others are ignored). */
export type SfuServiceEvent =
  | { type: 'subscription-offer'; roomId: string; peerId: string; offer: SubscriptionOffer }
  | { type: 'room-closed'; roomId: string }
  | { type: 'janus-lost'; reason: string; roomIds: string[] }
  | { type: 'media-up' | 'media-down' | 'slow-link' | 'talking'; roomId: string; peerId: string };

export type SfuRequest = Extract<
  ClientMessage,
  {
    type:
      | 'sfu-publish'
      | 'sfu-unpublish'
      | 'sfu-subscribe'
      | 'sfu-subscription-answer'
      | 'sfu-layer'
      | 'sfu-candidate'
      | 'sfu-ice-restart';
  }
>;

/** How the coordinator reaches peers and the log; the hub implements it. */
export interface SfuCoordinatorHost {
  rooms: RoomDirectory;
  /** To one member of a room, wherever it is connected (held while it is away). */
  deliver(roomId: string, peerId: string, message: ServerMessage): void;
  /** To every member of a room. */
  broadcastRoom(roomId: string, message: ServerMessage): Promise<void>;
  refuse(connectionId: string, code: ErrorCode, text: string): void;
  reply(connectionId: string, message: ServerMessage): void;
  observe(event: SfuObservation): void;
}

export type SfuObservation =
  | { type: 'sfu-mode'; roomId: string; mode: RoomMode; reason: 'grew' | 'sfu-lost' }
  | { type: 'sfu-error'; operation: string; roomId?: string; error: string }
  | { type: 'sfu-availability'; available: boolean };

export interface SfuCoordinatorOptions {
  service: SfuService;
  /** The most people a room holds as a mesh. */
  meshMax: number;
  /** First and longest wait between attempts to reach a lost SFU. */
  retryMs?: { first: number; max: number };
}

export class SfuCoordinator {
  private readonly unsubscribe: () => void;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryDelay: number;
  private disposed = false;

  constructor(
    private readonly options: SfuCoordinatorOptions,
    private readonly host: SfuCoordinatorHost,
  ) {
    this.retryDelay = options.retryMs?.first ?? 1_000;
    this.unsubscribe = options.service.onEvent((event) => void this.onEvent(event));
  }

  /** Connects to the SFU, and keeps trying in the background if it cannot. Never throws. */
  async start(): Promise<void> {
    await this.connect();
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  /**
   * A person joined a room that now holds `size`: its mode, moving it to the SFU first if it just
   * outgrew the mesh. `moved` is true for the one caller that moved it: it tells the others.
   */
  async modeAfterJoin(roomId: string, size: number): Promise<{ mode: RoomMode; moved: boolean }> {
    try {
      return await this.moveIfOutgrown(roomId, size);
    } catch (error) {
      // The room state went away mid-join; the join itself already succeeded.
      this.host.observe({ type: 'sfu-error', operation: 'mode', roomId, error: describe(error) });
      return { mode: 'mesh', moved: false };
    }
  }

  private async moveIfOutgrown(
    roomId: string,
    size: number,
  ): Promise<{ mode: RoomMode; moved: boolean }> {
    const mode = await this.host.rooms.mode(roomId);
    if (mode === 'sfu' || size <= this.options.meshMax || !this.options.service.available) {
      return { mode, moved: false };
    }
    try {
      await this.options.service.openRoom(roomId);
    } catch (error) {
      // The call goes on as a mesh (up to its capacity) rather than failing the join.
      this.host.observe({ type: 'sfu-error', operation: 'open', roomId, error: describe(error) });
      return { mode: 'mesh', moved: false };
    }
    const moved = await this.host.rooms.setMode(roomId, 'mesh', 'sfu');
    if (moved) this.host.observe({ type: 'sfu-mode', roomId, mode: 'sfu', reason: 'grew' });
    return { mode: moved ? 'sfu' : await this.host.rooms.mode(roomId), moved };
  }

  /** One browser request; the caller sends the next request of that socket once this settles. */
  async receive(
    connectionId: string,
    roomId: string,
    peerId: string,
    message: SfuRequest,
  ): Promise<void> {
    const service = this.options.service;
    if (!service.available || (await this.host.rooms.mode(roomId)) !== 'sfu') {
      return this.host.refuse(
        connectionId,
        'sfu-unavailable',
        'This call is not using the SFU now.',
      );
    }
    try {
      switch (message.type) {
        case 'sfu-publish': {
          // Idempotent; another process may have moved the room to the SFU.
          await service.openRoom(roomId);
          const sdp = await service.publish(roomId, peerId, message.sdp, message.tracks);
          return this.host.reply(connectionId, { type: 'sfu-publish-answer', sdp });
        }
        case 'sfu-unpublish':
          return await service.unpublish(roomId, peerId);
        case 'sfu-subscribe': {
          await service.openRoom(roomId);
          const offer = await service.subscribe(roomId, peerId, message.fresh ?? false);
          if (offer) this.host.reply(connectionId, subscriptionOffer(offer));
          return;
        }
        case 'sfu-subscription-answer':
          return await service.answerSubscription(roomId, peerId, message.sdp);
        case 'sfu-layer': {
          // The publisher may not be sending that layer: it is asked to first, as Janus switches
          // only once the layer's keyframe arrives.
          const track = service.subscribedTrack(roomId, peerId, message.mid);
          const camera = track?.source === 'camera' && track.kind === 'video' ? track : null;
          const demand = (switched: boolean) => {
            if (!camera) return;
            this.host.deliver(roomId, camera.peerId, {
              type: 'sfu-layer-demand',
              from: peerId,
              layer: message.layer,
              switched,
            });
          };
          let ok = true;
          if (message.layer === 'none') {
            await service.pauseVideo(roomId, peerId, message.mid);
            demand(true);
          } else {
            demand(false);
            ok = await service.chooseLayer(roomId, peerId, message.mid, message.layer);
            // Now the layer played before may stop.
            if (ok) demand(true);
          }
          return this.host.reply(connectionId, {
            type: 'sfu-layer-set',
            mid: message.mid,
            layer: message.layer,
            ok,
          });
        }
        case 'sfu-candidate':
          return await service.addIceCandidate(roomId, peerId, message.link, message.candidate);
        case 'sfu-ice-restart': {
          const offer = await service.restartSubscription(roomId, peerId);
          if (offer) this.host.reply(connectionId, subscriptionOffer(offer));
          return;
        }
        default:
          return assertNever(message);
      }
    } catch (error) {
      this.host.observe({
        type: 'sfu-error',
        operation: message.type,
        roomId,
        error: describe(error),
      });
      const unavailable = codeOf(error) === 'unavailable';
      return this.host.refuse(
        connectionId,
        unavailable ? 'sfu-unavailable' : 'sfu-refused',
        unavailable ? 'The SFU cannot be reached now.' : 'The SFU refused that request.',
      );
    }
  }

  /** A member left the room for good; `remaining` people are still in it. */
  async peerLeft(roomId: string, peerId: string, remaining: number): Promise<void> {
    const service = this.options.service;
    if (!service.available) return;
    try {
      await service.leave(roomId, peerId);
      // The last one out destroys the Janus room; a room that shrinks otherwise stays on the SFU.
      if (remaining === 0) await service.closeRoom(roomId);
    } catch (error) {
      this.host.observe({ type: 'sfu-error', operation: 'leave', roomId, error: describe(error) });
    }
  }

  private async onEvent(event: SfuServiceEvent): Promise<void> {
    switch (event.type) {
      case 'subscription-offer':
        return this.host.deliver(event.roomId, event.peerId, subscriptionOffer(event.offer));
      case 'janus-lost':
        this.host.observe({ type: 'sfu-availability', available: false });
        await Promise.all(event.roomIds.map((roomId) => this.fallBack(roomId)));
        return this.scheduleReconnect();
      case 'room-closed':
      case 'media-up':
      case 'media-down':
      case 'slow-link':
      case 'talking':
        return;
      default:
        return assertNever(event);
    }
  }

  /** The SFU is gone: the room goes back to a mesh, and everyone in it is told to reconnect. */
  private async fallBack(roomId: string): Promise<void> {
    try {
      if (!(await this.host.rooms.setMode(roomId, 'sfu', 'mesh'))) return;
      this.host.observe({ type: 'sfu-mode', roomId, mode: 'mesh', reason: 'sfu-lost' });
      await this.host.broadcastRoom(roomId, {
        type: 'room-mode',
        mode: 'mesh',
        reason: 'sfu-lost',
      });
    } catch (error) {
      this.host.observe({
        type: 'sfu-error',
        operation: 'fall back',
        roomId,
        error: describe(error),
      });
    }
  }

  private async connect(): Promise<void> {
    if (this.disposed) return;
    try {
      await this.options.service.connect();
      this.retryDelay = this.options.retryMs?.first ?? 1_000;
      this.host.observe({ type: 'sfu-availability', available: true });
    } catch (error) {
      this.host.observe({ type: 'sfu-error', operation: 'connect', error: describe(error) });
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.disposed || this.retryTimer) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(delay * 2, this.options.retryMs?.max ?? 30_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref?.();
  }
}

function subscriptionOffer(offer: SubscriptionOffer): ServerMessage {
  return { type: 'sfu-subscription-offer', sdp: offer.sdp, tracks: offer.tracks };
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
