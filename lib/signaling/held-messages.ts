import type { ServerMessage } from './protocol';

/**
 * What is held for peers whose socket is away, waiting to resume, and the rules that bound it.
 *
 * Both room implementations hold by these rules: `InMemoryRooms` with `HeldMessages` below, and
 * `RedisRooms` with the `hold` function of its Lua scripts (`redis-scripts.ts`), which mirrors
 * `HeldMessages.hold` step for step. The contract suite (`rooms-contract.ts`) runs the same cases
 * against both. The costs (`heldBytes`) are computed here, in one place, and passed to Redis.
 */

/** Caps on what is held. The server's settings (`MAX_HELD_BYTES_PER_PEER`, `MAX_HELD_BYTES`). */
export interface HeldLimits {
  /** Bytes held for one away peer; past it the peer is treated as gone. */
  maxBytesPerPeer: number;
  /** Bytes held for all the away peers of one process together; a peer whose message would pass
   * it is treated as gone. With Redis, what Redis holds for the peers this process holds. */
  maxBytesPerProcess: number;
}

export const DEFAULT_HELD_LIMITS: HeldLimits = {
  // Enough for a returning peer in a full room of 6 whose every other member renegotiated with
  // the largest SDP allowed and sent a hundred candidates.
  maxBytesPerPeer: 512 * 1024,
  maxBytesPerProcess: 64 * 1024 * 1024,
};

/** What a held message is, for the rules that collapse superseded ones. */
export type HeldKind =
  'description' | 'candidate' | 'peer-joined' | 'peer-updated' | 'peer-left' | 'other';

/** A frame on its way to a peer, with what the held-message rules need to know about it. */
export interface Envelope {
  /** The serialized server message, exactly as the recipient's socket will get it. */
  readonly frame: string;
  readonly kind: HeldKind;
  /** The peer the message is from (descriptions, candidates) or about (the rest); '' if none. */
  readonly subject: string;
  /** Its cost while held (`heldBytes`). */
  readonly bytes: number;
}

/** The envelope of `message`, serialized as `frame`. */
export function envelopeOf(message: ServerMessage, frame: string): Envelope {
  const bytes = heldBytes(message);
  switch (message.type) {
    case 'description':
    case 'candidate':
      return { frame, kind: message.type, subject: message.from, bytes };
    case 'peer-joined':
      return { frame, kind: message.type, subject: message.peer.peerId, bytes };
    case 'peer-updated':
    case 'peer-left':
      return { frame, kind: message.type, subject: message.peerId, bytes };
    default:
      return { frame, kind: 'other', subject: '', bytes };
  }
}

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
    case 'chat':
      // Up to 2,000 characters each: held for an away peer, a chat costs what it says.
      return PER_MESSAGE + message.id.length + message.text.length;
    default:
      return PER_MESSAGE;
  }
}

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

/** A peer given up because what was held for it passed a cap. */
export interface HeldOverflow {
  limit: HoldRefusal;
  /** What was held for it when it was given up. */
  heldBytes: number;
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
 * - a peer leaving drops whatever it sent and whatever was about it, and if the peer's arrival
 *   was held too, the departure goes as well: the returning peer never knew it.
 *
 * Every message is counted in bytes (`Envelope.bytes`) against the peer's cap and the process's
 * budget. A message that fits neither is not held, and the caller treats the peer as gone.
 */
export class HeldMessages {
  private held: Envelope[] = [];
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

  /** Holds `envelope`, collapsing what it supersedes; or says which cap it would break. */
  hold(envelope: Envelope): 'held' | HoldRefusal {
    if (!this.collapseFor(envelope)) return 'held';
    if (this.totalBytes + envelope.bytes > this.maxBytes) return 'peer-limit';
    if (!this.budget.take(envelope.bytes)) return 'process-limit';
    this.held.push(envelope);
    this.totalBytes += envelope.bytes;
    return 'held';
  }

  /** The held messages in the order they came, leaving the queue empty. */
  drain(): Envelope[] {
    const held = this.held;
    this.clear();
    return held;
  }

  /** Forgets everything held and gives its bytes back to the budget. */
  clear(): void {
    this.budget.give(this.totalBytes);
    this.held = [];
    this.totalBytes = 0;
  }

  /**
   * Drops what `envelope` supersedes. Returns false when `envelope` itself is not worth holding
   * (a departure whose arrival was dropped with it).
   */
  private collapseFor({ kind, subject }: Envelope): boolean {
    switch (kind) {
      case 'description':
        this.drop((held) => held.subject === subject && isSignal(held.kind));
        return true;
      case 'peer-updated':
        this.drop((held) => held.subject === subject && held.kind === 'peer-updated');
        return true;
      case 'peer-left': {
        const arrivalHeld = this.held.some(
          (held) => held.subject === subject && held.kind === 'peer-joined',
        );
        this.drop((held) => held.subject === subject);
        return !arrivalHeld;
      }
      default:
        return true;
    }
  }

  private drop(matches: (held: Envelope) => boolean): void {
    let dropped = 0;
    this.held = this.held.filter((held) => {
      if (!matches(held)) return true;
      dropped += held.bytes;
      return false;
    });
    if (dropped > 0) {
      this.totalBytes -= dropped;
      this.budget.give(dropped);
    }
  }
}

function isSignal(kind: HeldKind): boolean {
  return kind === 'description' || kind === 'candidate';
}
