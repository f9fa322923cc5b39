/**
 * Chat relayed by the server, for calls whose media goes through the SFU (no peer links carry a
 * data channel there). The server passes each message to everyone else in the sender's room and
 * keeps nothing. It reaches sockets and rooms only through `RoomChatPort`, which the hub
 * implements, so it is tested with no sockets.
 */
import { CHAT_BUDGET, KeyedRateLimit } from './keyed-rate-limit';
import type { ClientMessage, ErrorCode, ServerMessage } from './protocol';

export type ChatRequest = Extract<ClientMessage, { type: 'chat' }>;

export interface RoomChatPort {
  /** Everyone in a room now, wherever they are connected. */
  members(roomId: string): Promise<readonly { peerId: string }[]>;
  /** To members of a room, wherever they are connected (held for those about to resume). */
  broadcast(roomId: string, to: readonly string[], message: ServerMessage): void;
  refuse(connectionId: string, code: ErrorCode, message: string): void;
}

export class RoomChat {
  private readonly budget: KeyedRateLimit;

  constructor(
    private readonly port: RoomChatPort,
    monotonicNow?: () => number,
  ) {
    this.budget = new KeyedRateLimit(CHAT_BUDGET, monotonicNow);
  }

  /** Relays `message` from `self` to the others in its room, within the sender's budget. */
  async relay(
    connectionId: string,
    self: { roomId: string; peerId: string },
    message: ChatRequest,
  ): Promise<void> {
    if (!this.budget.allow(connectionId)) {
      return this.port.refuse(connectionId, 'rate-limited', 'Too many chat messages: slow down.');
    }
    const others = (await this.port.members(self.roomId))
      .map((member) => member.peerId)
      .filter((peerId) => peerId !== self.peerId);
    this.port.broadcast(self.roomId, others, {
      type: 'chat',
      from: self.peerId,
      id: message.id,
      text: message.text,
    });
  }

  forget(connectionId: string): void {
    this.budget.forget(connectionId);
  }

  clear(): void {
    this.budget.clear();
  }
}
