import { describe, expect, it } from 'vitest';
import { BlurHealth } from './blur-health';

const options = { minimumShare: 0.5, enoughFps: 20, patienceSeconds: 3, warmUpSeconds: 2 };

function run(samples: ([number, number] | 'silent')[]): boolean[] {
  const health = new BlurHealth(options);
  return samples.map((sample) =>
    health.record(sample === 'silent' ? null : { inputFps: sample[0], outputFps: sample[1] }),
  );
}

describe('BlurHealth', () => {
  it('gives up after output stays below half the input for the whole patience', () => {
    expect(
      run([
        [30, 30],
        [30, 30],
        [30, 5],
        [30, 5],
        [30, 5],
      ]),
    ).toEqual([false, false, false, false, true]);
  });

  it('does not judge the warm-up seconds, even with no output at all', () => {
    expect(
      run([
        [30, 0],
        [30, 0],
        [30, 0],
        [30, 0],
      ]),
    ).toEqual([false, false, false, false]);
  });

  it('forgives a stall that recovers before the patience runs out', () => {
    expect(
      run([
        [30, 30],
        [30, 30],
        [30, 4],
        [30, 4],
        [30, 25],
        [30, 4],
        [30, 4],
      ]),
    ).toEqual([false, false, false, false, false, false, false]);
  });

  it('is content with a slow camera that blur keeps up with', () => {
    expect(
      run([
        [10, 9],
        [10, 9],
        [10, 9],
        [10, 9],
        [10, 9],
        [10, 9],
      ]).some(Boolean),
    ).toBe(false);
  });

  it('is content with enough frames, even well below a fast camera', () => {
    expect(
      run([
        [60, 24],
        [60, 24],
        [60, 24],
        [60, 24],
        [60, 24],
        [60, 24],
      ]).some(Boolean),
    ).toBe(false);
  });

  it('gives up on a worker that stopped reporting, even though its last figures were good', () => {
    expect(run([[30, 30], [30, 30], [30, 30], 'silent', 'silent', 'silent'])).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it('is content with a camera that gives no frames while the worker still reports', () => {
    expect(
      run([
        [30, 30],
        [30, 30],
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ]).some(Boolean),
    ).toBe(false);
  });
});
