import WebSocket from 'ws';
import {
  SIGNALING_SUBPROTOCOL,
  type ClientMessage,
  type ServerMessage,
} from '../../lib/signaling/protocol';

/** A scripted signaling client over a real socket, for integration tests and load tools. */
export class TestClient {
  readonly received: ServerMessage[] = [];
  private waiters: { type: string; resolve: (message: ServerMessage) => void }[] = [];
  closeCode: number | null = null;
  closeReason = '';
  readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      const waiter = this.waiters.find((candidate) => candidate.type === message.type);
      if (waiter) {
        this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
        waiter.resolve(message);
      } else {
        this.received.push(message);
      }
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        resolve(code);
      }),
    );
  }

  /** Opens a socket from the server's own origin, speaking this version of the protocol unless
   * `protocols` says otherwise (`[]` offers none, as a page from before versioning). */
  static open(
    url: string,
    options: WebSocket.ClientOptions = {},
    protocols: string[] = [SIGNALING_SUBPROTOCOL],
  ): Promise<TestClient> {
    const origin = new URL(url.replace(/^ws/, 'http')).origin;
    const socket = new WebSocket(url, protocols, { origin, ...options });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new TestClient(socket)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`HTTP ${response.statusCode}`)),
      );
    });
  }

  send(message: ClientMessage | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message of `type`, whether it already arrived or is still to come. */
  next<T extends ServerMessage['type']>(
    type: T,
    timeoutMs = 5_000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const index = this.received.findIndex((message) => message.type === type);
    if (index >= 0) {
      const [message] = this.received.splice(index, 1);
      return Promise.resolve(message as Extract<ServerMessage, { type: T }>);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${type}" within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        type,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message as Extract<ServerMessage, { type: T }>);
        },
      });
    });
  }

  close(): void {
    this.socket.close(1000);
  }
}
