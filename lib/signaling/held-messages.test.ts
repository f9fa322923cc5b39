import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeldBudget, HeldMessages, envelopeOf, heldBytes, type Envelope } from './held-messages';
import type { ServerMessage } from './protocol';

const BOB = 'BBBBBBBBBBBB';
const CAROL = 'CCCCCCCCCCCC';
const MEDIA = { audio: true, video: true, screen: null };

/** Envelopes as the hub makes them; equal messages make equal envelopes. */
const envelope = (message: ServerMessage): Envelope => envelopeOf(message, JSON.stringify(message));
const descriptionMessage = (
  from: string,
  type: 'offer' | 'answer',
  sdp: string,
): ServerMessage => ({
  type: 'description',
  from,
  description: { type, sdp },
});
const candidateMessage = (from: string, text: string | null): ServerMessage => ({
  type: 'candidate',
  from,
  candidate: text === null ? null : { candidate: text, sdpMid: '0', sdpMLineIndex: 0 },
});
const leftMessage = (peerId: string): ServerMessage => ({
  type: 'peer-left',
  peerId,
  reason: 'left',
});
const description = (from: string, type: 'offer' | 'answer', sdp: string) =>
  envelope(descriptionMessage(from, type, sdp));
const candidate = (from: string, text: string | null) => envelope(candidateMessage(from, text));
const joined = (peerId: string) =>
  envelope({ type: 'peer-joined', peer: { peerId, name: peerId, media: MEDIA, polite: false } });
const updated = (peerId: string, audio: boolean) =>
  envelope({ type: 'peer-updated', peerId, media: { ...MEDIA, audio } });
const left = (peerId: string) => envelope(leftMessage(peerId));

function queue(maxBytes = 1024 * 1024, budget = new HeldBudget(64 * 1024 * 1024)) {
  return { held: new HeldMessages(budget, maxBytes), budget };
}

describe('HeldMessages', () => {
  it('hands back what it held, in order, and then nothing', () => {
    const { held } = queue();
    const messages = [joined(BOB), candidate(BOB, 'c1'), updated(CAROL, false)];
    for (const message of messages) expect(held.hold(message)).toBe('held');
    expect(held.drain()).toEqual(messages);
    expect(held.drain()).toEqual([]);
    expect(held.bytes).toBe(0);
  });

  it('keeps the latest description from each sender and only the candidates after it', () => {
    const { held } = queue();
    held.hold(description(BOB, 'offer', 'bob-1'));
    held.hold(candidate(BOB, 'bob-c1'));
    held.hold(description(CAROL, 'answer', 'carol-1'));
    held.hold(candidate(CAROL, 'carol-c1'));
    held.hold(description(BOB, 'answer', 'bob-2'));
    held.hold(candidate(BOB, 'bob-c2'));
    held.hold(candidate(BOB, null));
    expect(held.drain()).toEqual([
      description(CAROL, 'answer', 'carol-1'),
      candidate(CAROL, 'carol-c1'),
      description(BOB, 'answer', 'bob-2'),
      candidate(BOB, 'bob-c2'),
      candidate(BOB, null),
    ]);
  });

  it('collapses a flood of answers from one sender to one', () => {
    const { held } = queue(256 * 1024);
    const sdp = 'x'.repeat(48 * 1024);
    for (let i = 0; i < 765; i++)
      expect(held.hold(description(BOB, 'answer', sdp + i))).toBe('held');
    expect(held.length).toBe(1);
    expect(held.bytes).toBe(heldBytes(descriptionMessage(BOB, 'answer', `${sdp}764`)));
  });

  it('keeps only the latest media state of each peer', () => {
    const { held } = queue();
    held.hold(updated(BOB, false));
    held.hold(updated(CAROL, false));
    held.hold(updated(BOB, true));
    expect(held.drain()).toEqual([updated(CAROL, false), updated(BOB, true)]);
  });

  it('drops what a departed peer sent, and both ends of a visit the peer never saw', () => {
    const { held } = queue();
    held.hold(description(BOB, 'offer', 'bob'));
    held.hold(joined(CAROL));
    held.hold(description(CAROL, 'offer', 'carol'));
    held.hold(updated(CAROL, false));
    held.hold(left(CAROL));
    held.hold(candidate(BOB, 'bob-c'));
    held.hold(left(BOB));
    expect(held.drain()).toEqual([left(BOB)]);
  });

  it('refuses a message past its own cap, holding nothing more', () => {
    const { held, budget } = queue(10 * 1024);
    expect(held.hold(candidate(BOB, 'x'.repeat(1000)))).toBe('held');
    const before = held.bytes;
    expect(held.hold(description(CAROL, 'offer', 'x'.repeat(10 * 1024)))).toBe('peer-limit');
    expect(held.bytes).toBe(before);
    expect(budget.used).toBe(before);
  });

  it('refuses a message past the process budget that all queues share', () => {
    const budget = new HeldBudget(20 * 1024);
    const first = queue(16 * 1024, budget).held;
    const second = queue(16 * 1024, budget).held;
    expect(first.hold(description(BOB, 'offer', 'x'.repeat(12 * 1024)))).toBe('held');
    expect(second.hold(description(BOB, 'offer', 'x'.repeat(12 * 1024)))).toBe('process-limit');
    first.clear();
    expect(budget.used).toBe(0);
    expect(second.hold(description(BOB, 'offer', 'x'.repeat(12 * 1024)))).toBe('held');
  });

  it('counts each message by its variable text plus a fixed cost', () => {
    expect(heldBytes(descriptionMessage(BOB, 'offer', 'x'.repeat(1000)))).toBe(1064);
    expect(heldBytes(candidateMessage(BOB, null))).toBe(64);
    expect(heldBytes(leftMessage(BOB))).toBe(64);
    expect(heldBytes({ type: 'chat', from: BOB, id: 'm1', text: 'x'.repeat(2000) })).toBe(2066);
    expect(description(BOB, 'offer', 'x'.repeat(1000)).bytes).toBe(1064);
  });

  describe('for any sequence of messages', () => {
    const peer = fc.constantFrom(BOB, CAROL, 'DDDDDDDDDDDD');
    const message: fc.Arbitrary<Envelope> = fc.oneof(
      fc
        .tuple(
          peer,
          fc.constantFrom('offer' as const, 'answer' as const),
          fc.string({ maxLength: 3000 }),
        )
        .map(([from, type, sdp]) => description(from, type, sdp)),
      fc
        .tuple(peer, fc.option(fc.string({ maxLength: 300 }), { nil: null }))
        .map(([from, text]) => candidate(from, text)),
      peer.map(joined),
      fc.tuple(peer, fc.boolean()).map(([peerId, audio]) => updated(peerId, audio)),
      peer.map(left),
    );
    const run = fc.record({
      messages: fc.array(message, { maxLength: 80 }),
      maxBytes: fc.integer({ min: 64, max: 20_000 }),
      budgetBytes: fc.integer({ min: 64, max: 40_000 }),
    });

    it('never holds more than its cap or the budget, and accounts every byte', () => {
      fc.assert(
        fc.property(run, ({ messages, maxBytes, budgetBytes }) => {
          const budget = new HeldBudget(budgetBytes);
          const held = new HeldMessages(budget, maxBytes);
          for (const next of messages) {
            if (held.hold(next) !== 'held') break;
            expect(held.bytes).toBeLessThanOrEqual(maxBytes);
            expect(budget.used).toBe(held.bytes);
          }
          const drained = held.drain();
          expect(drained.reduce((sum, m) => sum + m.bytes, 0)).toBeLessThanOrEqual(maxBytes);
          expect(budget.used).toBe(0);
        }),
      );
    });

    it('hands over, per sender, at most one description, and no candidate older than it', () => {
      fc.assert(
        fc.property(fc.array(message, { maxLength: 80 }), (messages) => {
          const held = queue().held;
          for (const next of messages) held.hold(next);
          const drained = held.drain();
          for (const sender of [BOB, CAROL, 'DDDDDDDDDDDD']) {
            const signals = drained.filter(
              (m) => (m.kind === 'description' || m.kind === 'candidate') && m.subject === sender,
            );
            const descriptions = signals.filter((m) => m.kind === 'description');
            expect(descriptions.length).toBeLessThanOrEqual(1);
            if (descriptions.length === 1) expect(signals[0]).toBe(descriptions[0]);
            // The latest description sent is the one handed over, unless the sender left after.
            const lastSent = messages.findLast(
              (m) => m.kind === 'description' && m.subject === sender,
            );
            const leftAfter = messages
              .slice(lastSent ? messages.lastIndexOf(lastSent) : 0)
              .some((m) => m.kind === 'peer-left' && m.subject === sender);
            if (lastSent && !leftAfter) expect(descriptions[0]).toBe(lastSent);
          }
        }),
      );
    });

    it('keeps everything that nothing later supersedes, in the order it came', () => {
      fc.assert(
        fc.property(fc.array(message, { maxLength: 80 }), (messages) => {
          const held = queue().held;
          for (const next of messages) held.hold(next);
          const drained = held.drain();
          // Order is kept: the drained messages appear in `messages` in the same order.
          let cursor = 0;
          for (const m of drained) {
            cursor = messages.indexOf(m, cursor) + 1;
            expect(cursor).toBeGreaterThan(0);
          }
          // The last message is never lost, unless it is a departure whose arrival was held.
          const last = messages.at(-1);
          if (last && last.kind !== 'peer-left') expect(drained.at(-1)).toBe(last);
        }),
      );
    });
  });
});
