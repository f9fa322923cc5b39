import { TokenBucket } from '../server/token-bucket';

export interface RateBudget {
  /** Attempts allowed at once. */
  burst: number;
  /** Then this many per second. */
  refillPerSecond: number;
}

/** Wrong room passwords per client address: a few typos, then one guess every 12 seconds. */
export const PASSWORD_GUESS_BUDGET: RateBudget = { burst: 5, refillPerSecond: 1 / 12 };
/** Reactions per person: a short burst, then two a second, so nobody can flood the tiles. */
export const REACTION_BUDGET: RateBudget = { burst: 6, refillPerSecond: 2 };
/** Hand raises per person: raising and lowering is cheap, but each is a broadcast. */
export const HAND_BUDGET: RateBudget = { burst: 6, refillPerSecond: 1 };
/** Chat messages relayed by the server, per socket: a few pasted lines at once, then two a second. */
export const CHAT_BUDGET: RateBudget = { burst: 8, refillPerSecond: 2 };

/**
 * One token bucket per key (an address, a connection). Keys whose bucket is full again are
 * forgotten now and then, so a stream of one-off keys cannot grow the map without bound.
 */
export class KeyedRateLimit {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly budget: RateBudget,
    private readonly now?: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes a token for `key`, and says whether it had one. */
  allow(key: string): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.prune();
      bucket = new TokenBucket({
        capacity: this.budget.burst,
        refillPerSecond: this.budget.refillPerSecond,
        now: this.now,
      });
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  clear(): void {
    this.buckets.clear();
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Drops the buckets that are full again: forgetting them changes nothing. */
  private prune(): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.available >= this.budget.burst - 1e-9) this.buckets.delete(key);
    }
  }
}
