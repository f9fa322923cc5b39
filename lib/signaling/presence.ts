import { TokenBucket } from '../server/token-bucket';
import { LIMITS, type RoomPresence } from './protocol';

/**
 * Presence queries: the lobby asks who is in a room before joining, so a person who mistyped a
 * code sees an empty call for what it is. Anyone holding a room id may ask, as anyone holding it
 * may join; the budget keeps a socket from using the query to scan for busy rooms.
 */
export const PRESENCE_BUDGET = {
  /** Queries a socket may send at once: a page load, a reconnect, a few polls. */
  burst: 5,
  /** Then one query every two seconds. The lobby polls every few seconds. */
  refillPerSecond: 0.5,
} as const;

/** What a presence answer says about `members`, with at most `maxPresenceNames` names. */
export function describePresence(
  roomId: string,
  members: readonly { name: string }[],
  capacity: number,
): RoomPresence {
  return {
    roomId,
    count: members.length,
    capacity,
    names: members.slice(0, LIMITS.maxPresenceNames).map((member) => member.name),
  };
}

/** One small token bucket per connection, for presence queries only. */
export class PresenceRateLimit {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly now?: () => number) {}

  /** Takes a token for `connectionId`, and says whether it had one. */
  allow(connectionId: string): boolean {
    let bucket = this.buckets.get(connectionId);
    if (!bucket) {
      bucket = new TokenBucket({
        capacity: PRESENCE_BUDGET.burst,
        refillPerSecond: PRESENCE_BUDGET.refillPerSecond,
        now: this.now,
      });
      this.buckets.set(connectionId, bucket);
    }
    return bucket.take();
  }

  /** The connection is gone: drop its bucket. */
  forget(connectionId: string): void {
    this.buckets.delete(connectionId);
  }

  clear(): void {
    this.buckets.clear();
  }

  get size(): number {
    return this.buckets.size;
  }
}
