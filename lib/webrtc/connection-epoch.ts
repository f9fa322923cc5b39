import { LIMITS } from '../signaling/protocol';

/**
 * Connection epochs: which peer connection of a pair a signal belongs to.
 *
 * A link that stays dead after an ICE restart is rebuilt from scratch: a new
 * `RTCPeerConnection` and a new first negotiation. Both sides must agree that the new connection
 * replaces the old one, so every description and candidate carries the epoch of the connection it
 * belongs to, a small integer that starts at 0 for a pair and only goes up:
 * - a signal of an older epoch belongs to a connection already closed: it is dropped;
 * - an offer of a newer epoch is the first offer of a new connection: the receiver closes its
 *   connection and answers from a fresh one at that epoch;
 * - any other signal of a newer epoch cannot be used without that offer: it is dropped.
 *
 * The side that finds a link dead makes the first offer of the next epoch. If both sides do at
 * once, both offers carry the same epoch and each side holds a fresh connection that has offered
 * and heard nothing back. As in perfect negotiation, the polite side yields: it replaces its fresh
 * connection with one that answers the other's offer. The impolite side ignores the polite side's
 * offer, and the candidates that follow it until the polite side's answer.
 *
 * A page that reloads remembers its epochs (sessionStorage) and starts every link again at the
 * next one, so its offers are taken for new connections.
 */

/** The link a signal arrives for, as far as routing it is concerned. */
export interface EpochLink {
  epoch: number;
  /** This side made the connection's first offer and has not heard back (no remote description). */
  awaitingFirstAnswer: boolean;
  polite: boolean;
  /** The other side's crossed first offer was ignored, and its answer has not come yet. */
  ignoringCrossedOffer: boolean;
}

export interface EpochSignal {
  kind: 'offer' | 'answer' | 'candidate';
  epoch: number;
}

/**
 * - `deliver`: to the current connection;
 * - `replace`: close the current connection and answer this offer from a new one at its epoch;
 * - `ignore-crossed-offer`: the polite side's first offer crossed ours; drop it and its candidates;
 * - `drop`: belongs to a closed connection, to one whose first offer never came, or to an offer
 *   being ignored.
 */
export type EpochRoute = 'deliver' | 'replace' | 'ignore-crossed-offer' | 'drop';

export function routeByEpoch(link: EpochLink, signal: EpochSignal): EpochRoute {
  if (signal.epoch < link.epoch) return 'drop';
  if (signal.epoch > link.epoch) return signal.kind === 'offer' ? 'replace' : 'drop';
  if (signal.kind === 'offer' && link.awaitingFirstAnswer) {
    // Two fresh connections whose first offers crossed. The polite side yields.
    return link.polite ? 'replace' : 'ignore-crossed-offer';
  }
  if (signal.kind === 'candidate' && link.ignoringCrossedOffer) return 'drop';
  return 'deliver';
}

/** The epoch of the connection that replaces one at `epoch`. */
export function nextEpoch(epoch: number): number {
  return Math.min(epoch + 1, LIMITS.maxEpoch);
}
