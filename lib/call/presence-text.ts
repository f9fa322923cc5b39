import type { RoomPresence } from '../signaling/protocol';

/** Names shown before "and N others". */
const NAMES_SHOWN = 3;

type Presence = Pick<RoomPresence, 'count' | 'names'>;

/**
 * Who to name in a sentence about who is in the call, and how many more to count after them:
 * "Ann", "Ann and Ben", "Ann, Ben and Cat", "Ann, Ben and 3 others". No names (only a count,
 * "4 people") when none are known. The words are the interface's, in its language.
 */
export function whoIsHere({ count, names: known }: Presence): { names: string[]; others: number } {
  const names = known.slice(0, Math.min(NAMES_SHOWN, count));
  if (names.length === 0) return { names: [], others: Math.max(0, count) };
  // With more people than names shown, the last place goes to a count of the rest.
  const shown = count > names.length && names.length === NAMES_SHOWN ? names.slice(0, -1) : names;
  return { names: shown, others: Math.max(0, count - shown.length) };
}
