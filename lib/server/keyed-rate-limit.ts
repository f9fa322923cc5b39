import { TokenBucket } from './token-bucket';

export interface KeyedRateLimitOptions {
  /** Takes one key may make at once. */
  burst: number;
  /** Takes regained per minute, up to `burst`. */
  perMinute: number;
  /**
   * Keys tracked at most. Past it, keys whose allowance is whole again are forgotten first (they
   * lose nothing), then the oldest; so a flood of distinct keys costs bounded memory.
   */
  maxKeys?: number;
  /** Milliseconds from a monotonic clock; tests pass a fake one. */
  now?: () => number;
}

export type KeyedTake =
  | {
      allowed: true;
      /** Takes refused for this key since the last one allowed. */ refusedBefore: number;
    }
  | { allowed: false };

interface Entry {
  bucket: TokenBucket;
  refused: number;
}

/**
 * A token bucket per key (a client address, say): for limits that must hold across sockets, such
 * as log lines about one address, or credentials issued to it. It also counts what it refused, so
 * that the next line let through can say how many were held back.
 */
export class KeyedRateLimit {
  private readonly entries = new Map<string, Entry>();
  private readonly maxKeys: number;

  constructor(private readonly options: KeyedRateLimitOptions) {
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  take(key: string): KeyedTake {
    let entry = this.entries.get(key);
    if (!entry) {
      this.makeRoom();
      entry = {
        bucket: new TokenBucket({
          capacity: this.options.burst,
          refillPerSecond: this.options.perMinute / 60,
          now: this.options.now,
        }),
        refused: 0,
      };
      this.entries.set(key, entry);
    }
    if (!entry.bucket.take()) {
      entry.refused++;
      return { allowed: false };
    }
    const refusedBefore = entry.refused;
    entry.refused = 0;
    return { allowed: true, refusedBefore };
  }

  /** Keys tracked now. */
  get size(): number {
    return this.entries.size;
  }

  private makeRoom(): void {
    if (this.entries.size < this.maxKeys) return;
    for (const [key, entry] of this.entries) {
      if (entry.refused === 0 && entry.bucket.available >= this.options.burst) {
        this.entries.delete(key);
      }
    }
    // Nearly every key is busy: forget the oldest until a tenth is free, so that the next sweep
    // is many keys away. A forgotten key starts afresh if it comes back.
    const target = Math.floor(this.maxKeys * 0.9);
    for (const key of this.entries.keys()) {
      if (this.entries.size <= target) break;
      this.entries.delete(key);
    }
  }
}
