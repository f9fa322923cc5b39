import type { OutgoingMediaSignal } from './media-transport';

/** Past this many held signals, newer ones are dropped: a resume after that long is unlikely. */
const DEFAULT_CAPACITY = 500;

/**
 * Signals for other peers made while the socket was down, held in order until the server has
 * taken us back. An offer supersedes everything held for the same peer before it: that peer only
 * needs the newest negotiation, not a backlog it would answer one by one.
 */
export class SignalOutbox {
  private held: OutgoingMediaSignal[] = [];

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  get size(): number {
    return this.held.length;
  }

  hold(signal: OutgoingMediaSignal): void {
    if (signal.type === 'description' && signal.description.type === 'offer') {
      this.held = this.held.filter((queued) => queued.to !== signal.to);
    }
    if (this.held.length < this.capacity) this.held.push(signal);
  }

  /** Everything held, oldest first; the outbox is empty afterwards. */
  takeAll(): OutgoingMediaSignal[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  clear(): void {
    this.held = [];
  }
}

/** The peers that `signals` carry an offer to. */
export function offersIn(signals: readonly OutgoingMediaSignal[]): Set<string> {
  return new Set(
    signals
      .filter((signal) => signal.type === 'description' && signal.description.type === 'offer')
      .map((signal) => signal.to),
  );
}
