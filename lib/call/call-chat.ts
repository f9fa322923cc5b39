import { MAX_CHAT_LENGTH, parseChatPayload } from '../chat/chat-message';
import type { ChatEntry } from './call-store';

export interface CallChatOptions {
  /** Sends a payload to everyone in the call. */
  send(data: string): void;
  /** The name signaling gave `peerId`, or undefined if they are not in the call. */
  senderName(peerId: string): string | undefined;
  selfName(): string;
  addEntry(entry: ChatEntry): void;
  newId?(): string;
  now?(): number;
}

/**
 * The call's text chat. Messages go straight to each person over the media transport's data
 * channel, never through the server. What arrives is untrusted: it is validated, and the sender's
 * name comes from signaling, never from the payload.
 */
export class CallChat {
  constructor(private readonly options: CallChatOptions) {}

  /** Sends `text` (trimmed, and cut to the maximum length) to everyone; blank text is not sent. */
  send(text: string): void {
    const trimmed = text.trim().slice(0, MAX_CHAT_LENGTH);
    if (!trimmed) return;
    const id = this.options.newId?.() ?? crypto.randomUUID();
    this.options.send(JSON.stringify({ type: 'chat', id, text: trimmed }));
    this.options.addEntry({
      id,
      peerId: null,
      name: this.options.selfName(),
      text: trimmed,
      at: this.now(),
    });
  }

  /** Takes in what `peerId` sent on the chat channel, if it is a valid message from someone here. */
  receive(peerId: string, data: unknown): void {
    const payload = parseChatPayload(data);
    const name = this.options.senderName(peerId);
    if (!payload || name === undefined) return;
    this.options.addEntry({
      // Ids come from the sender: namespaced, so one person cannot clash with another's.
      id: `${peerId}:${payload.id}`,
      peerId,
      name,
      text: payload.text,
      at: this.now(),
    });
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
