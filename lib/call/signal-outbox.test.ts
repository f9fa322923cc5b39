import { describe, expect, it } from 'vitest';
import type { MeshSignal } from './media-transport';
import { SignalOutbox, negotiationsStartedIn, type HeldSignal } from './signal-outbox';

const ALICE = 'AAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBB';

/** A signal as the mesh sends it: keyed by the peer it goes to; an offer starts a negotiation. */
function held(signal: MeshSignal): HeldSignal {
  const startsNegotiation = signal.type === 'description' && signal.description.type === 'offer';
  return { signal, holding: { key: signal.to, startsNegotiation } };
}
const offer = (to: string, sdp = 'offer', epoch = 0) =>
  held({ type: 'description', description: { type: 'offer', sdp }, to, epoch });
const answer = (to: string) =>
  held({ type: 'description', description: { type: 'answer', sdp: 'answer' }, to, epoch: 0 });
const candidate = (to: string, text = 'c') =>
  held({
    type: 'candidate',
    candidate: { candidate: text, sdpMid: '0', sdpMLineIndex: 0 },
    to,
    epoch: 0,
  });

function hold(outbox: SignalOutbox, ...signals: HeldSignal[]) {
  for (const { signal, holding } of signals) outbox.hold(signal, holding);
}

describe('the outbox of signals held while the socket is down', () => {
  it('gives back what it holds in order, once', () => {
    const outbox = new SignalOutbox();
    const signals = [answer(ALICE), candidate(ALICE, '1'), candidate(BOB, '2')];
    hold(outbox, ...signals);
    expect(outbox.size).toBe(3);
    expect(outbox.takeAll()).toEqual(signals);
    expect(outbox.takeAll()).toEqual([]);
  });

  it('lets a new negotiation void everything held under its key, and only that key', () => {
    const outbox = new SignalOutbox();
    hold(
      outbox,
      offer(ALICE, 'first'),
      candidate(ALICE, 'of the first'),
      candidate(BOB, 'for Bob'),
      offer(ALICE, 'restart', 1),
      candidate(ALICE, 'of the restart'),
    );
    expect(outbox.takeAll()).toEqual([
      candidate(BOB, 'for Bob'),
      offer(ALICE, 'restart', 1),
      candidate(ALICE, 'of the restart'),
    ]);
  });

  it('does not let a signal that starts nothing void anything', () => {
    const outbox = new SignalOutbox();
    hold(outbox, offer(ALICE), answer(ALICE), candidate(ALICE));
    expect(outbox.size).toBe(3);
  });

  it('drops signals past its capacity rather than growing without bound', () => {
    const outbox = new SignalOutbox(2);
    hold(outbox, candidate(ALICE, '1'), candidate(ALICE, '2'), candidate(ALICE, '3'));
    expect(outbox.takeAll()).toEqual([candidate(ALICE, '1'), candidate(ALICE, '2')]);
  });

  it('can be emptied', () => {
    const outbox = new SignalOutbox();
    hold(outbox, offer(ALICE));
    outbox.clear();
    expect(outbox.size).toBe(0);
  });

  it('names the negotiations that held signals start anew', () => {
    expect(negotiationsStartedIn([offer(ALICE), answer(BOB), candidate(BOB)])).toEqual(
      new Set([ALICE]),
    );
    expect(negotiationsStartedIn([])).toEqual(new Set());
  });
});
