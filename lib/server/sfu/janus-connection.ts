import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import WebSocket from 'ws';
import {
  JanusConnectionError,
  JanusError,
  JanusProtocolError,
  JanusTimeoutError,
} from './janus-errors';
import { janusFrameSchema, type JanusFrame } from './janus-messages';

export interface JanusConnectionOptions {
  /** The Janus WebSocket API, e.g. ws://127.0.0.1:8188. */
  url: string;
  /** Janus's general.api_secret; sent as `apisecret` on every request. */
  apiSecret?: string;
  /** How long any one request may take before it fails (default 10 s). */
  requestTimeoutMs?: number;
  /** How long opening the socket may take (default 5 s). */
  connectTimeoutMs?: number;
}

/** Frames addressed to a session that no pending request claimed: plugin events, media events. */
export type SessionFrameListener = (frame: Exclude<JanusFrame, { janus: 'server_info' }>) => void;

interface PendingRequest {
  request: string;
  /** A plugin `message` is answered with an `ack` first, then an `event` with its result. */
  waitsPastAck: boolean;
  resolve(frame: JanusFrame): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Largest frame we accept from Janus (an SDP with many m-lines is tens of KB). */
const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * One WebSocket to the Janus API (subprotocol `janus-protocol`): requests with transactions and
 * timeouts, the API secret on each, and frames routed to the session they belong to. When the
 * socket dies, every pending request fails at once and `onClose` listeners hear why; a new
 * connection is a new `JanusConnection.open`.
 */
export class JanusConnection {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly sessions = new Map<number, SessionFrameListener>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closeReason: string | null = null;
  readonly requestTimeoutMs: number;

  private constructor(
    private readonly socket: WebSocket,
    private readonly apiSecret: string | undefined,
    requestTimeoutMs: number,
  ) {
    this.requestTimeoutMs = requestTimeoutMs;
    socket.on('message', (data: WebSocket.RawData) => this.receive(data));
    socket.on('close', (code: number, reason: Buffer) =>
      this.shutDown(`the connection to Janus closed (${code}${reason.length ? ` ${reason}` : ''})`),
    );
    socket.on('error', (error: Error) =>
      this.shutDown(`the connection to Janus failed: ${error.message}`),
    );
  }

  static open(options: JanusConnectionOptions): Promise<JanusConnection> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(options.url, 'janus-protocol', {
        maxPayload: MAX_FRAME_BYTES,
        handshakeTimeout: connectTimeoutMs,
      });
      const fail = (message: string) => {
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        socket.terminate();
        reject(new JanusConnectionError(`cannot reach Janus at ${options.url}: ${message}`));
      };
      socket.once('error', (error: Error) => fail(error.message));
      socket.once('unexpected-response', (_request, response) =>
        fail(`HTTP ${response.statusCode}`),
      );
      socket.once('open', () => {
        socket.removeAllListeners();
        if (socket.protocol !== 'janus-protocol') {
          fail(`it did not accept the janus-protocol subprotocol`);
          return;
        }
        resolve(new JanusConnection(socket, options.apiSecret, options.requestTimeoutMs ?? 10_000));
      });
    });
  }

  get closed(): boolean {
    return this.closeReason !== null;
  }

  /** Calls `listener` once when the connection ends (at once if it already has). */
  onClose(listener: (reason: string) => void): () => void {
    if (this.closeReason !== null) {
      listener(this.closeReason);
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Sends one request and resolves with its final answer: `success`, `ack` (keepalive, trickle),
   * `server_info`, or for a plugin message the `event` that follows the `ack`. A Janus `error`
   * rejects with a JanusError; no answer within the timeout rejects with a JanusTimeoutError.
   */
  request(body: Record<string, unknown> & { janus: string }): Promise<JanusFrame> {
    if (this.closeReason !== null) {
      return Promise.reject(new JanusConnectionError(this.closeReason));
    }
    const transaction = randomBytes(9).toString('base64url');
    const request = describeRequest(body);
    return new Promise<JanusFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusTimeoutError(request, this.requestTimeoutMs));
      }, this.requestTimeoutMs);
      this.pending.set(transaction, {
        request,
        waitsPastAck: body.janus === 'message',
        resolve,
        reject,
        timer,
      });
      const frame = {
        ...body,
        transaction,
        ...(this.apiSecret ? { apisecret: this.apiSecret } : {}),
      };
      this.socket.send(JSON.stringify(frame), (error) => {
        if (!error) return;
        const entry = this.pending.get(transaction);
        if (!entry) return;
        this.pending.delete(transaction);
        clearTimeout(entry.timer);
        reject(new JanusConnectionError(`could not send "${request}" to Janus: ${error.message}`));
      });
    });
  }

  /** Janus's `info`: its version and whether it requires an API secret. */
  async info(): Promise<{ version: string; apiSecretRequired: boolean; plugins: string[] }> {
    const frame = await this.request({ janus: 'info' });
    if (frame.janus !== 'server_info') {
      throw new JanusProtocolError(`Janus answered "info" with "${frame.janus}"`);
    }
    return {
      version: frame.version_string ?? String(frame.version ?? 'unknown'),
      apiSecretRequired: frame.api_secret === true,
      plugins: Object.keys(frame.plugins ?? {}),
    };
  }

  /** Frames for `sessionId` that answer no pending request go to `listener`. */
  routeSession(sessionId: number, listener: SessionFrameListener): () => void {
    this.sessions.set(sessionId, listener);
    return () => {
      if (this.sessions.get(sessionId) === listener) this.sessions.delete(sessionId);
    };
  }

  /** Closes the socket; pending requests fail and `onClose` listeners are told. */
  close(reason = 'the connection to Janus was closed by us'): void {
    this.shutDown(reason);
  }

  private receive(data: WebSocket.RawData): void {
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      this.shutDown('Janus sent a frame that is not JSON');
      return;
    }
    const parsed = v.safeParse(janusFrameSchema, json);
    if (!parsed.success) {
      // A frame of a kind we do not know (a newer Janus) is skipped, but a request waiting on
      // it must not hang until its timeout.
      const transaction = transactionOf(json);
      const entry = transaction ? this.pending.get(transaction) : undefined;
      if (transaction && entry) {
        this.settle(transaction, entry);
        entry.reject(
          new JanusProtocolError(
            `Janus answered "${entry.request}" with an unexpected frame: ${v.summarize(parsed.issues)}`,
          ),
        );
      }
      return;
    }
    const frame = parsed.output;
    const transaction = transactionOf(frame);
    const entry = transaction ? this.pending.get(transaction) : undefined;
    if (transaction && entry) {
      if (frame.janus === 'ack' && entry.waitsPastAck) return;
      this.settle(transaction, entry);
      if (frame.janus === 'error') {
        entry.reject(new JanusError(entry.request, frame.error.code, frame.error.reason));
      } else {
        entry.resolve(frame);
      }
      return;
    }
    if (frame.janus === 'server_info' || frame.janus === 'ack' || frame.janus === 'success') return;
    if (frame.janus === 'error') return;
    this.sessions.get(frame.session_id)?.(frame);
  }

  private settle(transaction: string, entry: PendingRequest): void {
    this.pending.delete(transaction);
    clearTimeout(entry.timer);
  }

  private shutDown(reason: string): void {
    if (this.closeReason !== null) return;
    this.closeReason = reason;
    for (const [transaction, entry] of this.pending) {
      this.settle(transaction, entry);
      entry.reject(new JanusConnectionError(`${reason} before Janus answered "${entry.request}"`));
    }
    this.sessions.clear();
    this.socket.removeAllListeners();
    this.socket.on('error', () => undefined);
    if (
      this.socket.readyState === WebSocket.OPEN ||
      this.socket.readyState === WebSocket.CONNECTING
    ) {
      this.socket.terminate();
    }
    for (const listener of this.closeListeners) listener(reason);
    this.closeListeners.clear();
  }
}

/** `message` requests are named by their plugin request (e.g. "videoroom create"). */
function describeRequest(body: Record<string, unknown>): string {
  const inner = body.body;
  if (body.janus === 'message' && inner && typeof inner === 'object' && 'request' in inner) {
    return String((inner as { request: unknown }).request);
  }
  return String(body.janus);
}

function transactionOf(json: unknown): string | undefined {
  if (json && typeof json === 'object' && 'transaction' in json) {
    const transaction = (json as { transaction: unknown }).transaction;
    return typeof transaction === 'string' ? transaction : undefined;
  }
  return undefined;
}
