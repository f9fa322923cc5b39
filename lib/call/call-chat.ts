import { MAX_CHAT_LENGTH, parseChatPayload } from '../chat/chat-message';
import type { ChatRoute } from './call-mode';
import type { ChatEntry } from './call-store';

export interface CallChatOptions {
  /** Sends a payload to everyone in the call over the peer links' chat channel. */
  sendOverLinks(data: string): void;
  /** Sends a message to everyone in the room through our server. */
  sendThroughServer(message: { id: string; text: string }): void;
  /** Which way messages go now (see `chatRoute`). */
  route(): ChatRoute;
  /** The name signaling gave `peerId`, or undefined if they are not in the call. */
  senderName(peerId: string): string | undefined;
  selfName(): string;
  addEntry(entry: ChatEntry): void;
  newId?(): string;
  now?(): number;
}

/** Ids of messages already shown, so one that arrives twice (both ways, or again after a resume) shows once. */
const REMEMBERED_IDS = 1_000;

/**
 * The call's text chat. In a mesh, messages go straight to each person over the media transport's
 * data channel, never through the server; while the call runs through the media server, they go
 * through our server, which relays them to the room. Each message is sent one way only, and what
 * arrives either way is accepted, so nothing is lost or doubled while a call changes mode. What
 * arrives is untrusted: it is validated, and the sender's name comes from signaling, never from
 * the payload.
 */
export class CallChat {
  private readonly seen = new Set<string>();

  constructor(private readonly options: CallChatOptions) {}

  /** Sends `text` (trimmed, and cut to the maximum length) to everyone; blank text is not sent. */
  send(text: string): void {
    const trimmed = text.trim().slice(0, MAX_CHAT_LENGTH);
    if (!trimmed) return;
    const id = this.options.newId?.() ?? crypto.randomUUID();
    if (this.options.route() === 'server') {
      this.options.sendThroughServer({ id, text: trimmed });
    } else {
      this.options.sendOverLinks(JSON.stringify({ type: 'chat', id, text: trimmed }));
    }
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
    if (payload) this.show(peerId, payload.id, payload.text);
  }

  /** Takes in a message the server relayed from `peerId` (validated by the protocol already). */
  receiveFromServer(peerId: string, id: string, text: string): void {
    this.show(peerId, id, text);
  }

  private show(peerId: string, messageId: string, text: string): void {
    const name = this.options.senderName(peerId);
    if (name === undefined) return;
    // Ids come from the sender: namespaced, so one person cannot clash with another's.
    const id = `${peerId}:${messageId}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    if (this.seen.size > REMEMBERED_IDS) {
      const oldest = this.seen.values().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    this.options.addEntry({ id, peerId, name, text, at: this.now() });
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
