/**
 * Whether blur keeps up with the camera. Fed once a second with how many frames the camera gave
 * and how many blurred frames came out, or with `null` when the worker said nothing that second
 * (its thread is stuck, so its figures are stale). It says "too slow" once the output has stayed
 * well below the input, or the worker silent, for several seconds in a row (a short stall, e.g.
 * while the tab was busy, is forgiven). The first seconds are not judged: the model warms up.
 */
export interface BlurHealthOptions {
  /** Output below this share of the input counts as falling behind. */
  minimumShare: number;
  /** An output rate this high is always enough, whatever the camera gives. */
  enoughFps: number;
  /** Seconds in a row of falling behind before blur gives up. */
  patienceSeconds: number;
  /** Seconds after the start that are not judged. */
  warmUpSeconds: number;
}

export const DEFAULT_BLUR_HEALTH: BlurHealthOptions = {
  minimumShare: 0.5,
  enoughFps: 20,
  patienceSeconds: 4,
  warmUpSeconds: 2,
};

export class BlurHealth {
  private seconds = 0;
  private behind = 0;

  constructor(private readonly options: BlurHealthOptions = DEFAULT_BLUR_HEALTH) {}

  /** One second's figures, or null if the worker was silent; true when blur should give up. */
  record(second: { inputFps: number; outputFps: number } | null): boolean {
    this.seconds++;
    if (this.seconds <= this.options.warmUpSeconds) return false;
    const fallingBehind =
      second === null ||
      (second.outputFps < this.options.enoughFps &&
        second.outputFps < second.inputFps * this.options.minimumShare);
    this.behind = fallingBehind ? this.behind + 1 : 0;
    return this.behind >= this.options.patienceSeconds;
  }
}
