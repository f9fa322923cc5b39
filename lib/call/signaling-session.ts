import {
  CLOSE_CODES,
  type ClientMessage,
  type ControlsMessage,
  type MediaState,
  type ServerMessage,
} from '../signaling/protocol';
import {
  SignalingClient,
  type SignalingClientOptions,
  type SignalingConnectionState,
} from '../signaling/signaling-client';
import type { JoinRefusal, SignalingProblem, SignalingStatus } from './call-store';
import type { OutgoingMediaSignal, SignalHolding } from './media-transport';
import { SignalOutbox, negotiationsStartedIn } from './signal-outbox';

export type JoinedMessage = Extract<ServerMessage, { type: 'joined' }>;
/** What the session passes on: everything but its own business (joining, errors, pongs). */
export type RoomMessage = Exclude<ServerMessage, { type: 'joined' | 'error' | 'pong' }>;

export interface SignalingSessionEvents {
  onStatus(status: SignalingStatus, problem: SignalingProblem | null): void;
  /**
   * The server took us in (or back). Signals held while the socket was down have just been sent;
   * `restartedNegotiations` holds the keys of the negotiations they started anew.
   */
  onJoined(message: JoinedMessage, restartedNegotiations: ReadonlySet<string>): void;
  onRoomFull(text: string): void;
  /** The server would not let us in: the room is locked, wants a password, or we knocked too soon. */
  onRefused(refusal: JoinRefusal): void;
  onMessage(message: RoomMessage): void;
}

/** Messages to the room beyond signals: media flags, the host's actions, hands and reactions, chat. */
export type RoomRequest = Extract<ClientMessage, { type: 'media' | 'chat' }> | ControlsMessage;

/** Chat messages kept while the socket is down, sent once the server takes us back. */
const MAX_HELD_CHAT = 32;

const REFUSALS = new Set<string>([
  'room-locked',
  'password-required',
  'wrong-password',
  'knock-too-soon',
] satisfies JoinRefusal['code'][]);

/** The part of `SignalingClient` the session uses; tests give it a fake. */
export type SignalingConnection = Pick<
  SignalingClient,
  'connect' | 'send' | 'close' | 'reconnectNow' | 'dropConnection' | 'isOpen'
>;

export interface SignalingSessionOptions {
  url: string;
  /** The custom server's health endpoint; a 404 there means signaling is not running at all. */
  healthUrl: string;
  /** Presented by the first join: a reload of this tab moments ago left it (see reload-memory). */
  resumeToken?: string;
  /** What every join, and every rejoin after a drop, says about us. */
  joinRequest(): {
    roomId: string;
    name: string;
    media: MediaState;
    hostKey?: string;
    password?: string;
  };
  events: SignalingSessionEvents;
  createConnection?: (options: SignalingClientOptions) => SignalingConnection;
  fetch?: typeof fetch;
}

/**
 * Our membership of one room over the signaling socket: joining, resuming with the token from the
 * last `joined` after every drop, holding peer signals while the socket is down (see
 * `SignalOutbox`), and telling the person what state the socket is in.
 *
 * - `outside`: not in the room (lobby, after leaving, room full);
 * - `joining`: a join is sent or will be sent when the socket opens; also after a drop, until the
 *   server confirms the resume;
 * - `joined`: the server has us; signals go straight out.
 */
export class SignalingSession {
  private readonly connection: SignalingConnection;
  private readonly outbox = new SignalOutbox();
  /** Chat written while the socket was down: what a person typed is not dropped by a blip. */
  private heldChat: Extract<RoomRequest, { type: 'chat' }>[] = [];
  private membership: 'outside' | 'joining' | 'joined' = 'outside';
  private token: string | undefined;
  private everOpened = false;
  private unavailable = false;
  private healthChecked = false;

  constructor(private readonly options: SignalingSessionOptions) {
    this.token = options.resumeToken;
    const create = options.createConnection ?? ((client) => new SignalingClient(client));
    this.connection = create({
      url: options.url,
      onOpen: () => this.onOpen(),
      onMessage: (message) => this.onMessage(message),
      onStateChange: (state, failedAttempts) => this.onConnectionState(state, failedAttempts),
      onProtocolError: (error) => console.warn('Dropped an invalid signaling message:', error),
      onUnsupportedVersion: (reason) => {
        console.warn(`Signaling refused this page's protocol version: ${reason}`);
        this.membership = 'outside';
        this.unavailable = true;
        this.options.events.onStatus('unavailable', 'version-mismatch');
      },
    });
  }

  /** The token that resumes our place, from the last `joined`; undefined outside the room. */
  get resumeToken(): string | undefined {
    return this.membership === 'outside' ? undefined : this.token;
  }

  /** Whether signals reach the room right now. */
  get canSignal(): boolean {
    return this.membership === 'joined' && this.connection.isOpen;
  }

  start(): void {
    this.connection.connect();
  }

  /** Asks to join (now, or as soon as the socket opens). */
  join(): void {
    if (this.membership !== 'outside') return;
    this.membership = 'joining';
    this.sendJoin();
  }

  /** The person leaves: the room is told at once, and the resume token is worthless. */
  leave(): void {
    if (this.membership !== 'outside') this.connection.send({ type: 'leave' });
    this.close(1000, 'Leaving');
  }

  /**
   * The page is going away, perhaps to be reloaded: the server holds our place for a few seconds,
   * so the reloaded page can resume it with the token.
   */
  unload(): void {
    this.close(CLOSE_CODES.pageUnloading, 'Page unloading');
  }

  /** Closes the socket with no word to the room (the page's own teardown). */
  stop(): void {
    this.close(1000, 'Leaving');
  }

  /**
   * Sends a non-signal message to the room, if we are in it; otherwise it is dropped. Chat is the
   * exception: while we are rejoining it is held (a few messages) and sent once we are back.
   */
  sendToRoom(message: RoomRequest): void {
    if (this.membership === 'joined' && this.connection.send(message)) return;
    if (message.type === 'chat' && this.membership !== 'outside') {
      if (this.heldChat.length < MAX_HELD_CHAT) this.heldChat.push(message);
    }
  }

  /** Asks the server who is in a room, in or out of it; false while the socket is not open. */
  askPresence(message: Extract<ClientMessage, { type: 'presence' }>): boolean {
    return this.connection.send(message);
  }

  /** Sends a transport's signal now, or holds it until the server has taken us back. */
  sendSignal(signal: OutgoingMediaSignal, holding: SignalHolding): void {
    if (this.membership === 'joined' && this.connection.send(signal)) return;
    if (this.membership !== 'outside') this.outbox.hold(signal, holding);
  }

  /** The browser is back online: try at once instead of waiting out the backoff. */
  reconnectNow(): void {
    this.connection.reconnectNow();
  }

  /** The browser went offline: the socket is dead or about to be. */
  dropConnection(): void {
    this.connection.dropConnection();
  }

  private close(code: number, reason: string): void {
    this.membership = 'outside';
    this.outbox.clear();
    this.heldChat = [];
    this.token = undefined;
    this.connection.close(code, reason);
  }

  private sendJoin(): void {
    this.connection.send({
      type: 'join',
      ...this.options.joinRequest(),
      resumeToken: this.token,
    });
  }

  private onOpen(): void {
    this.everOpened = true;
    this.unavailable = false;
    this.options.events.onStatus('open', null);
    if (this.membership !== 'outside') this.sendJoin();
  }

  private onConnectionState(state: SignalingConnectionState, failedAttempts: number): void {
    if (state !== 'reconnecting') return;
    // Until the server confirms the resume, signals wait in the outbox.
    if (this.membership === 'joined') this.membership = 'joining';
    if (this.unavailable) return;
    this.options.events.onStatus(this.everOpened ? 'reconnecting' : 'connecting', null);
    if (!this.everOpened && failedAttempts >= 1) void this.checkHealth();
  }

  private onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'joined':
        return this.onJoined(message);
      case 'error':
        if (message.code === 'room-full') {
          this.membership = 'outside';
          return this.options.events.onRoomFull(message.message);
        }
        if (REFUSALS.has(message.code) && this.membership === 'joining') {
          this.membership = 'outside';
          const code = message.code as JoinRefusal['code'];
          return this.options.events.onRefused({ code });
        }
        console.warn(`Signaling error (${message.code}): ${message.message}`);
        return;
      case 'pong':
        return;
      case 'ice-servers':
        // Fresh TURN credentials, sent before the current ones expire.
        if (this.membership === 'joined') this.options.events.onMessage(message);
        return;
      case 'presence':
        // The answer to a question asked from the lobby, before joining.
        return this.options.events.onMessage(message);
      case 'declined':
        if (this.membership !== 'joining') return;
        this.membership = 'outside';
        return this.options.events.onMessage(message);
      case 'removed':
      case 'call-ended':
        // The server closes the socket next: close it first, so that it is not reopened.
        if (this.membership === 'outside') return;
        this.close(1000, 'Removed');
        return this.options.events.onMessage(message);
      default:
        if (this.membership !== 'outside') this.options.events.onMessage(message);
    }
  }

  private onJoined(message: JoinedMessage): void {
    if (this.membership === 'outside') return;
    this.membership = 'joined';
    this.token = message.resumeToken;
    // Not resumed: the server forgot us, and the peers the held signals were for with us.
    if (!message.resumed) this.outbox.clear();
    const held = this.outbox.takeAll();
    for (const { signal, holding } of held) this.sendSignal(signal, holding);
    this.options.events.onJoined(message, negotiationsStartedIn(held));
    // After `onJoined`, so the page knows the room again; to the same room, resumed or not.
    const chat = this.heldChat;
    this.heldChat = [];
    for (const request of chat) this.sendToRoom(request);
  }

  /** Tells "signaling is not running" (it failed to start) apart from a passing network fault. */
  private async checkHealth(): Promise<void> {
    if (this.healthChecked) return;
    this.healthChecked = true;
    let running = false;
    try {
      const response = await (this.options.fetch ?? fetch)(this.options.healthUrl, {
        cache: 'no-store',
      });
      running =
        response.ok && ((await response.json()) as { signaling?: unknown }).signaling === true;
    } catch {
      running = false;
    }
    if (this.connection.isOpen) return;
    if (running) return this.options.events.onStatus('connecting', 'unreachable');
    this.unavailable = true;
    this.options.events.onStatus('unavailable', 'not-running');
  }
}
