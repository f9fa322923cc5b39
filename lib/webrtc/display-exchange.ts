import { encodeDisplayReport, parseDisplayReport, type DisplayReport } from './display-report';

/**
 * The mesh's side of "send each person only what they show": remembers the display report we
 * last sent each peer, so a replacement connection starts with it, and turns the reports peers
 * send us into what our camera sender should follow.
 *
 * With adaptation off (a test-only setting, see send-adaptation-switch.ts) we neither report nor
 * follow reports, so every link carries the full camera as before.
 */
export class DisplayExchange {
  private readonly sent = new Map<string, string>();

  constructor(readonly adapting: boolean) {}

  /** The message telling `peerId` how we show their camera, or null when not adapting. */
  report(peerId: string, display: DisplayReport): string | null {
    if (!this.adapting) return null;
    const message = encodeDisplayReport(display);
    this.sent.set(peerId, message);
    return message;
  }

  /** What a new connection to `peerId` should tell them first, if anything. */
  lastReport(peerId: string): string | null {
    return this.sent.get(peerId) ?? null;
  }

  forget(peerId: string): void {
    this.sent.delete(peerId);
  }

  /** A message from a peer: the display our sender to them should follow, or null to ignore it. */
  received(data: unknown): DisplayReport | null {
    return this.adapting ? parseDisplayReport(data) : null;
  }
}
