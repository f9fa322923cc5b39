import {
  CLOSE_CODES,
  SIGNALING_SUBPROTOCOL,
  parseServerMessage,
  type ClientMessage,
  type ServerMessage,
} from './protocol';

export type SignalingConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SignalingClientOptions {
  url: string;
  onMessage(message: ServerMessage): void;
  /** Called on every successful (re)connection, before any message from the server. */
  onOpen(): void;
  onStateChange(state: SignalingConnectionState, failedAttempts: number): void;
  /** The server sent something that is not a valid message; it is dropped. */
  onProtocolError?(error: string): void;
  /** The server speaks another version of the protocol: the client has stopped for good.
   * `reason` is the server's, naming the versions it speaks. */
  onUnsupportedVersion?(reason: string): void;
  /** First reconnect delay; later ones double up to `maxBackoffMs`, each with random jitter. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** The client pings this often; a socket silent for `silenceLimitMs` is given up for dead. */
  heartbeatMs?: number;
  silenceLimitMs?: number;
  /** A socket not open after this long is abandoned: a server that never answers the upgrade
   * (plain `next dev`, a broken proxy) must not leave the page waiting forever. */
  connectTimeoutMs?: number;
  createSocket?: (url: string, protocol: string) => WebSocket;
}

/**
 * The browser's end of the signaling socket. It validates every frame from the server, keeps the
 * socket alive with pings, and reconnects with exponential backoff and jitter until `close()`.
 * It knows nothing of rooms: the caller rejoins in `onOpen`.
 */
export class SignalingClient {
  private socket: WebSocket | null = null;
  private state: SignalingConnectionState = 'connecting';
  private failedAttempts = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  private lastHeardAt = 0;
  private closed = false;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly heartbeatMs: number;
  private readonly silenceLimitMs: number;
  private readonly connectTimeoutMs: number;

  constructor(private readonly options: SignalingClientOptions) {
    this.initialBackoffMs = options.initialBackoffMs ?? 300;
    this.maxBackoffMs = options.maxBackoffMs ?? 8_000;
    // Pings also tell the server this page is alive: the browser answers WebSocket-level pings
    // itself, even for a tab whose page has crashed.
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
    this.silenceLimitMs = options.silenceLimitMs ?? 12_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  }

  get connectionState(): SignalingConnectionState {
    return this.state;
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  connect(): void {
    if (this.closed || this.socket) return;
    const createSocket =
      this.options.createSocket ?? ((url, protocol) => new WebSocket(url, protocol));
    const socket = createSocket(this.options.url, SIGNALING_SUBPROTOCOL);
    this.socket = socket;
    this.connectTimer = setTimeout(() => this.abandonSocket(), this.connectTimeoutMs);

    socket.onopen = () => {
      this.clearConnectTimer();
      this.failedAttempts = 0;
      this.lastHeardAt = Date.now();
      this.setState('open');
      this.startHeartbeat();
      this.options.onOpen();
    };
    socket.onmessage = (event: MessageEvent) => {
      this.lastHeardAt = Date.now();
      if (typeof event.data !== 'string') return;
      const parsed = parseServerMessage(event.data);
      if (parsed.ok) this.options.onMessage(parsed.message);
      else this.options.onProtocolError?.(parsed.error);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clearConnectTimer();
      this.stopHeartbeat();
      if (event.code === CLOSE_CODES.unsupportedVersion) {
        // Reconnecting would meet the same server: only a reload (or an update) can help.
        this.close();
        this.options.onUnsupportedVersion?.(event.reason);
        return;
      }
      if (!this.closed) this.scheduleReconnect();
    };
    // An error is always followed by close, which does the work.
    socket.onerror = () => undefined;
  }

  /** Sends now, or returns false if the socket is not open (the caller decides whether to retry). */
  send(message: ClientMessage): boolean {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Drops the current socket and reconnects at once, e.g. when the browser comes back online. */
  reconnectNow(): void {
    if (this.closed) return;
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.connect();
    } else if (this.socket && this.socket.readyState !== WebSocket.OPEN) {
      this.abandonSocket();
    }
  }

  /** Gives up on the current socket (it is dead, or about to be) and reconnects with backoff. */
  dropConnection(): void {
    if (!this.closed) this.abandonSocket();
  }

  /**
   * Closes for good. 1000 says the person left; `CLOSE_CODES.pageUnloading` says the page is
   * going away and may be back in a moment.
   */
  close(code = 1000, reason = 'Leaving'): void {
    this.closed = true;
    this.clearConnectTimer();
    this.stopHeartbeat();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(code, reason);
    this.setState('closed');
  }

  private scheduleReconnect(): void {
    this.failedAttempts++;
    this.setState('reconnecting');
    // Exponential backoff with "equal jitter": half the delay is fixed, half random.
    const ceiling = Math.min(
      this.maxBackoffMs,
      this.initialBackoffMs * 2 ** (this.failedAttempts - 1),
    );
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - this.lastHeardAt > this.silenceLimitMs) {
        this.abandonSocket();
        return;
      }
      this.send({ type: 'ping' });
    }, this.heartbeatMs);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  /** Gives up on a socket that is silent or stuck, and reconnects. */
  private abandonSocket(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    this.clearConnectTimer();
    this.stopHeartbeat();
    socket.onclose = null;
    socket.close(CLOSE_CODES.clientReconnecting, 'Reconnecting');
    this.scheduleReconnect();
  }

  private setState(state: SignalingConnectionState): void {
    if (this.state === state && state !== 'reconnecting') return;
    this.state = state;
    this.options.onStateChange(state, this.failedAttempts);
  }
}

/**
 * The signaling endpoint for a page at `location`: `/ws` on the page's own origin, or on `port` of
 * the same host when signaling runs beside plain `next dev`; over TLS when the page is.
 */
export function signalingUrl(
  location: Pick<Location, 'protocol' | 'host' | 'hostname'>,
  port: number | null = null,
): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${port === null ? location.host : `${location.hostname}:${port}`}/ws`;
}
