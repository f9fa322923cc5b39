import { describe, expect, it } from 'vitest';
import { LIMITS } from '../signaling/protocol';
import { nextEpoch, routeByEpoch, type EpochLink } from './connection-epoch';

const settled: EpochLink = {
  epoch: 2,
  awaitingFirstAnswer: false,
  polite: false,
  ignoringCrossedOffer: false,
};

describe('routing signals by connection epoch', () => {
  it('hands signals of the current epoch to the current connection', () => {
    for (const kind of ['offer', 'answer', 'candidate'] as const)
      expect(routeByEpoch(settled, { kind, epoch: 2 })).toBe('deliver');
  });

  it('drops every signal of an older epoch: its connection is closed', () => {
    for (const kind of ['offer', 'answer', 'candidate'] as const) {
      expect(routeByEpoch(settled, { kind, epoch: 1 })).toBe('drop');
      expect(routeByEpoch(settled, { kind, epoch: 0 })).toBe('drop');
    }
  });

  it('takes an offer of a newer epoch for a new connection, on either side', () => {
    expect(routeByEpoch(settled, { kind: 'offer', epoch: 3 })).toBe('replace');
    expect(routeByEpoch({ ...settled, polite: true }, { kind: 'offer', epoch: 9 })).toBe('replace');
    // Even over a fresh connection of our own that is still waiting for its answer.
    expect(
      routeByEpoch({ ...settled, awaitingFirstAnswer: true }, { kind: 'offer', epoch: 3 }),
    ).toBe('replace');
  });

  it('drops answers and candidates of a newer epoch: without its offer they are of no use', () => {
    expect(routeByEpoch(settled, { kind: 'answer', epoch: 3 })).toBe('drop');
    expect(routeByEpoch(settled, { kind: 'candidate', epoch: 3 })).toBe('drop');
  });

  it('when both sides start a new connection at once, only the polite side yields', () => {
    const fresh = { ...settled, epoch: 3, awaitingFirstAnswer: true };
    expect(routeByEpoch({ ...fresh, polite: true }, { kind: 'offer', epoch: 3 })).toBe('replace');
    expect(routeByEpoch({ ...fresh, polite: false }, { kind: 'offer', epoch: 3 })).toBe(
      'ignore-crossed-offer',
    );
    // The impolite side still takes the polite side's answer, which comes once it has yielded.
    expect(routeByEpoch({ ...fresh, polite: false }, { kind: 'answer', epoch: 3 })).toBe('deliver');
  });

  it('drops the candidates of an ignored crossed offer, but not the answer that follows', () => {
    const ignoring = {
      ...settled,
      epoch: 3,
      awaitingFirstAnswer: true,
      ignoringCrossedOffer: true,
    };
    expect(routeByEpoch(ignoring, { kind: 'candidate', epoch: 3 })).toBe('drop');
    expect(routeByEpoch(ignoring, { kind: 'answer', epoch: 3 })).toBe('deliver');
  });

  it('leaves a renegotiation offer of the current epoch to perfect negotiation', () => {
    // Once the first answer has arrived, crossed offers are ordinary glare.
    expect(routeByEpoch({ ...settled, polite: true }, { kind: 'offer', epoch: 2 })).toBe('deliver');
    expect(routeByEpoch({ ...settled, polite: false }, { kind: 'offer', epoch: 2 })).toBe(
      'deliver',
    );
  });

  it('counts up, and stops at the largest epoch the protocol carries', () => {
    expect(nextEpoch(0)).toBe(1);
    expect(nextEpoch(41)).toBe(42);
    expect(nextEpoch(LIMITS.maxEpoch)).toBe(LIMITS.maxEpoch);
  });
});
