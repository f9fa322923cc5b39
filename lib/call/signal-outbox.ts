import type { OutgoingMediaSignal, SignalHolding } from './media-transport';

/** Past this many held signals, newer ones are dropped: a resume after that long is unlikely. */
const DEFAULT_CAPACITY = 500;

export interface HeldSignal {
  signal: OutgoingMediaSignal;
  holding: SignalHolding;
}

/**
 * Signals for the room made while the socket was down, held in order until the server has taken
 * us back. A signal that starts a negotiation (an offer) voids everything held under the same key
 * before it: the other end only needs the newest negotiation, not a backlog it would answer one by
 * one. The transport says what the key is (the mesh: the peer the signal goes to), so the outbox
 * needs no knowledge of the signals it holds.
 */
export class SignalOutbox {
  private held: HeldSignal[] = [];

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  get size(): number {
    return this.held.length;
  }

  hold(signal: OutgoingMediaSignal, holding: SignalHolding): void {
    if (holding.startsNegotiation) {
      this.held = this.held.filter((queued) => queued.holding.key !== holding.key);
    }
    if (this.held.length < this.capacity) this.held.push({ signal, holding });
  }

  /** Everything held, oldest first; the outbox is empty afterwards. */
  takeAll(): HeldSignal[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  clear(): void {
    this.held = [];
  }
}

/** The keys of the negotiations that `held` starts anew. */
export function negotiationsStartedIn(held: readonly HeldSignal[]): Set<string> {
  return new Set(
    held.filter(({ holding }) => holding.startsNegotiation).map(({ holding }) => holding.key),
  );
}
