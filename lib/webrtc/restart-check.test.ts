import { describe, expect, it } from 'vitest';
import { RESTART_CHECK, RestartCheck, type LinkSample } from './restart-check';

const { connectWithinMs, stallLimitMs } = RESTART_CHECK;
const sample = (at: number, patch: Partial<LinkSample> = {}): LinkSample => ({
  at,
  connected: true,
  mediaExpected: true,
  packetsReceived: 0,
  ...patch,
});

describe('checking a link after an ICE restart', () => {
  it('is alive once packets arrive on a connected link', () => {
    const check = new RestartCheck(0);
    expect(check.judge(sample(4_000, { packetsReceived: 100 }))).toBe('undecided');
    expect(check.judge(sample(6_000, { packetsReceived: 150 }))).toBe('alive');
  });

  it('is alive when connected and the other side sends nothing anyway', () => {
    const check = new RestartCheck(0);
    expect(check.judge(sample(4_000, { mediaExpected: false }))).toBe('alive');
  });

  it('is dead when it does not connect in time', () => {
    const check = new RestartCheck(1_000);
    expect(check.judge(sample(5_000, { connected: false }))).toBe('undecided');
    expect(check.judge(sample(1_000 + connectWithinMs - 1, { connected: false }))).toBe(
      'undecided',
    );
    expect(check.judge(sample(1_000 + connectWithinMs, { connected: false }))).toBe('dead');
  });

  it('is dead when connected but silent for the stall limit while media is expected', () => {
    const check = new RestartCheck(0);
    expect(check.judge(sample(4_000, { packetsReceived: 500 }))).toBe('undecided');
    expect(check.judge(sample(6_000, { packetsReceived: 500 }))).toBe('undecided');
    expect(check.judge(sample(4_000 + stallLimitMs - 1, { packetsReceived: 500 }))).toBe(
      'undecided',
    );
    expect(check.judge(sample(4_000 + stallLimitMs, { packetsReceived: 500 }))).toBe('dead');
  });

  it('starts the stall clock again when the link drops and comes back', () => {
    const check = new RestartCheck(0);
    expect(check.judge(sample(4_000, { packetsReceived: 10 }))).toBe('undecided');
    expect(check.judge(sample(6_000, { connected: false }))).toBe('undecided');
    // Connected again: a new baseline, so earlier silence does not count against it.
    expect(check.judge(sample(8_000, { packetsReceived: 10 }))).toBe('undecided');
    expect(check.judge(sample(10_000, { packetsReceived: 10 }))).toBe('undecided');
    expect(check.judge(sample(8_000 + stallLimitMs, { packetsReceived: 10 }))).toBe('dead');
  });
});
