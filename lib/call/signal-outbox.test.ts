import { describe, expect, it } from 'vitest';
import type { OutgoingMediaSignal } from './media-transport';
import { SignalOutbox, offersIn } from './signal-outbox';

const ALICE = 'AAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBB';
const offer = (to: string, sdp = 'offer', epoch = 0): OutgoingMediaSignal => ({
  type: 'description',
  description: { type: 'offer', sdp },
  to,
  epoch,
});
const answer = (to: string): OutgoingMediaSignal => ({
  type: 'description',
  description: { type: 'answer', sdp: 'answer' },
  to,
  epoch: 0,
});
const candidate = (to: string, text = 'c'): OutgoingMediaSignal => ({
  type: 'candidate',
  candidate: { candidate: text, sdpMid: '0', sdpMLineIndex: 0 },
  to,
  epoch: 0,
});

describe('the outbox of signals held while the socket is down', () => {
  it('gives back what it holds in order, once', () => {
    const outbox = new SignalOutbox();
    const held = [answer(ALICE), candidate(ALICE, '1'), candidate(BOB, '2')];
    for (const signal of held) outbox.hold(signal);
    expect(outbox.size).toBe(3);
    expect(outbox.takeAll()).toEqual(held);
    expect(outbox.takeAll()).toEqual([]);
  });

  it('lets a new offer supersede everything held for the same peer, and only that peer', () => {
    const outbox = new SignalOutbox();
    outbox.hold(offer(ALICE, 'first'));
    outbox.hold(candidate(ALICE, 'of the first'));
    outbox.hold(candidate(BOB, 'for Bob'));
    outbox.hold(offer(ALICE, 'restart', 1));
    outbox.hold(candidate(ALICE, 'of the restart'));
    expect(outbox.takeAll()).toEqual([
      candidate(BOB, 'for Bob'),
      offer(ALICE, 'restart', 1),
      candidate(ALICE, 'of the restart'),
    ]);
  });

  it('does not let an answer or a candidate supersede anything', () => {
    const outbox = new SignalOutbox();
    outbox.hold(offer(ALICE));
    outbox.hold(answer(ALICE));
    outbox.hold(candidate(ALICE));
    expect(outbox.size).toBe(3);
  });

  it('drops signals past its capacity rather than growing without bound', () => {
    const outbox = new SignalOutbox(2);
    outbox.hold(candidate(ALICE, '1'));
    outbox.hold(candidate(ALICE, '2'));
    outbox.hold(candidate(ALICE, '3'));
    expect(
      outbox.takeAll().map((signal) => signal.type === 'candidate' && signal.candidate?.candidate),
    ).toEqual(['1', '2']);
  });

  it('can be emptied', () => {
    const outbox = new SignalOutbox();
    outbox.hold(offer(ALICE));
    outbox.clear();
    expect(outbox.size).toBe(0);
  });

  it('names the peers an offer goes to', () => {
    expect(offersIn([offer(ALICE), answer(BOB), candidate(BOB)])).toEqual(new Set([ALICE]));
    expect(offersIn([])).toEqual(new Set());
  });
});
