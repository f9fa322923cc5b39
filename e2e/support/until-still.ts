import { expect } from '@playwright/test';

/**
 * Waits until three readings of a growing count, a second apart, are the same (frames decoded,
 * say: the video has stopped), and returns that count.
 */
export async function untilStill(
  read: () => Promise<number>,
  message: string,
  timeout?: number,
): Promise<number> {
  let last = -1;
  let still = 0;
  await expect
    .poll(
      async () => {
        const now = await read();
        still = now === last ? still + 1 : 0;
        last = now;
        return still;
      },
      { message, intervals: [1_000], timeout },
    )
    .toBeGreaterThanOrEqual(2);
  return last;
}
