import type { ServerMessage } from './protocol';

/**
 * Bytes held for every away peer of one process together. All queues of a process share one, so
 * that many away peers cannot add up to more memory than the operator allowed.
 */
export class HeldBudget {
  private usedBytes = 0;

  constructor(readonly limitBytes: number) {}

  get used(): number {
    return this.usedBytes;
  }

  /** Takes `bytes` if they fit, and says whether they did. */
  take(bytes: number): boolean {
    if (this.usedBytes + bytes > this.limitBytes) return false;
    this.usedBytes += bytes;
    return true;
  }

  give(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
  }
}

/** Why a message could not be held: the peer's own cap, or the process's budget. */
export type HoldRefusal = 'peer-limit' | 'process-limit';

/** What holding a message costs, in bytes: its variable text, plus a fixed amount per message. */
export function heldBytes(message: ServerMessage): number {
  const PER_MESSAGE = 64;
  switch (message.type) {
    case 'description':
      return PER_MESSAGE + message.description.sdp.length;
    case 'candidate': {
      const candidate = message.candidate;
      if (!candidate) return PER_MESSAGE;
      return (
        PER_MESSAGE +
        candidate.candidate.length +
        (candidate.sdpMid?.length ?? 0) +
        (candidate.usernameFragment?.length ?? 0)
      );
    }
    case 'peer-joined':
      return PER_MESSAGE + message.peer.name.length + (message.peer.media.screen?.length ?? 0);
    case 'peer-updated':
      return PER_MESSAGE + (message.media.screen?.length ?? 0);
    default:
      return PER_MESSAGE;
  }
}

interface Held {
  message: ServerMessage;
  bytes: number;
}

/**
 * The messages held for one peer while its socket is away, to be handed over when it resumes.
 *
 * What a returning peer needs is the state of things, not their history, so a message that makes
 * earlier ones pointless replaces them:
 * - a description (offer or answer) from a sender replaces that sender's earlier descriptions and
 *   candidates: it is the sender's current negotiation, a browser's later description carries the
 *   candidates gathered so far, and the returning page rolls back an offer of its own that went
 *   unanswered anyway;
 * - a peer's media update replaces its earlier one;
 * - a peer leaving drops whatever it sent, and if the peer's arrival is still held too, both go:
 *   the returning peer never knew it.
 *
 * Every message is counted in bytes (`heldBytes`) against the peer's cap and the process's budget.
 * A message that fits neither is not held, and the caller should treat the peer as gone.
 */
export class HeldMessages {
  private held: Held[] = [];
  private totalBytes = 0;

  constructor(
    private readonly budget: HeldBudget,
    private readonly maxBytes: number,
  ) {}

  get bytes(): number {
    return this.totalBytes;
  }

  get length(): number {
    return this.held.length;
  }

  /** Holds `message`, collapsing what it supersedes; or says which cap it would break. */
  hold(message: ServerMessage): 'held' | HoldRefusal {
    if (!this.collapseFor(message)) return 'held';
    const bytes = heldBytes(message);
    if (this.totalBytes + bytes > this.maxBytes) return 'peer-limit';
    if (!this.budget.take(bytes)) return 'process-limit';
    this.held.push({ message, bytes });
    this.totalBytes += bytes;
    return 'held';
  }

  /** The held messages in the order they came, leaving the queue empty. */
  drain(): ServerMessage[] {
    const messages = this.held.map((entry) => entry.message);
    this.clear();
    return messages;
  }

  /** Forgets everything held and gives its bytes back to the budget. */
  clear(): void {
    this.budget.give(this.totalBytes);
    this.held = [];
    this.totalBytes = 0;
  }

  /**
   * Drops what `message` supersedes. Returns false when `message` itself is not worth holding
   * (a departure whose arrival was dropped with it).
   */
  private collapseFor(message: ServerMessage): boolean {
    switch (message.type) {
      case 'description': {
        const sender = message.from;
        this.drop(
          ({ message: held }) =>
            (held.type === 'description' || held.type === 'candidate') && held.from === sender,
        );
        return true;
      }
      case 'peer-updated': {
        const peerId = message.peerId;
        this.drop(({ message: held }) => held.type === 'peer-updated' && held.peerId === peerId);
        return true;
      }
      case 'peer-left': {
        const peerId = message.peerId;
        const arrivalHeld = this.held.some(
          ({ message: held }) => held.type === 'peer-joined' && held.peer.peerId === peerId,
        );
        this.drop(({ message: held }) => concerns(held, peerId));
        return !arrivalHeld;
      }
      default:
        return true;
    }
  }

  private drop(matches: (entry: Held) => boolean): void {
    let dropped = 0;
    this.held = this.held.filter((entry) => {
      if (!matches(entry)) return true;
      dropped += entry.bytes;
      return false;
    });
    if (dropped > 0) {
      this.totalBytes -= dropped;
      this.budget.give(dropped);
    }
  }
}

/** Whether `message` is from or about `peerId`. */
function concerns(message: ServerMessage, peerId: string): boolean {
  switch (message.type) {
    case 'description':
    case 'candidate':
      return message.from === peerId;
    case 'peer-joined':
      return message.peer.peerId === peerId;
    case 'peer-updated':
    case 'peer-left':
      return message.peerId === peerId;
    default:
      return false;
  }
}
