export interface TokenBucketOptions {
  /** Most tokens the bucket holds: the largest burst it lets through at once. */
  capacity: number;
  /** Tokens added back per second, up to `capacity`: the sustained rate. */
  refillPerSecond: number;
  /** Milliseconds from a monotonic clock; tests pass a fake one. */
  now?: () => number;
}

const monotonicNow = () => performance.now();

/**
 * A token bucket: a burst of up to `capacity` takes succeed at once, then `refillPerSecond` per
 * second. It refills lazily when asked, so an idle bucket costs no timer.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly capacity: number;
  private readonly refillPerMs: number;
  private readonly now: () => number;

  constructor(options: TokenBucketOptions) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond >= 0)) {
      throw new RangeError(
        `A token bucket needs capacity >= 1 and refillPerSecond >= 0, got ${options.capacity} and ${options.refillPerSecond}`,
      );
    }
    this.capacity = options.capacity;
    this.refillPerMs = options.refillPerSecond / 1000;
    this.now = options.now ?? monotonicNow;
    this.tokens = options.capacity;
    this.updatedAt = this.now();
  }

  /** Takes `count` tokens if the bucket has them, and says whether it did. */
  take(count = 1): boolean {
    this.refill();
    // The epsilon absorbs rounding: ten refills of 0.1 token make one whole token.
    if (this.tokens + 1e-9 < count) return false;
    this.tokens -= count;
    return true;
  }

  /** Tokens available now (fractional while refilling). */
  get available(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = now - this.updatedAt;
    // A clock that went backwards adds nothing until it passes the latest time seen.
    if (elapsed <= 0) return;
    this.updatedAt = now;
    if (this.tokens < this.capacity) {
      this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.refillPerMs);
    }
  }
}
