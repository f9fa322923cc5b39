import type { Envelope } from './rooms';

/** Caps on what is held for one away peer. Past either, the peer is treated as gone. */
export interface HeldLimits {
  maxMessages: number;
  maxBytes: number;
}

export const DEFAULT_HELD_LIMITS: HeldLimits = { maxMessages: 256, maxBytes: 512 * 1024 };

export interface HeldQueue {
  entries: Envelope[];
  bytes: number;
}

/**
 * Adds `envelope` to what is held for an away peer, by the rules both room implementations
 * follow (the Redis one runs the same rules in Lua, `redis-scripts.ts`):
 * - a new offer from a sender replaces everything held from that sender: the returning peer
 *   answers the current negotiation only, not a backlog of ICE restarts;
 * - past `maxMessages` messages or `maxBytes` bytes of frames, the result is `overflow`.
 * Returns false on overflow (the queue is left as it was).
 */
export function holdMessage(queue: HeldQueue, envelope: Envelope, limits: HeldLimits): boolean {
  let entries = queue.entries;
  let bytes = queue.bytes;
  if (envelope.kind === 'offer' && envelope.from !== null) {
    const sender = envelope.from;
    const kept = entries.filter((held) => held.from !== sender || held.kind === 'event');
    if (kept.length !== entries.length) {
      entries = kept;
      bytes = kept.reduce((total, held) => total + byteLength(held.frame), 0);
    }
  }
  const size = byteLength(envelope.frame);
  if (entries.length + 1 > limits.maxMessages || bytes + size > limits.maxBytes) return false;
  entries.push(envelope);
  queue.entries = entries;
  queue.bytes = bytes + size;
  return true;
}

function byteLength(frame: string): number {
  return Buffer.byteLength(frame);
}
