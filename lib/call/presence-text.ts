import type { RoomPresence } from '../signaling/protocol';

/** Names shown before "and N others". */
const NAMES_SHOWN = 3;

type Presence = Pick<RoomPresence, 'count' | 'names'>;

/** "Ann", "Ann and Ben", "Ann, Ben and Cat", "Ann, Ben and 3 others", or "4 people". */
export function listWhoIsHere({ count, names: known }: Presence): string {
  const names = known.slice(0, Math.min(NAMES_SHOWN, count));
  if (names.length === 0) return `${count} ${count === 1 ? 'person' : 'people'}`;
  // With more people than names shown, the last place goes to a count of the rest.
  const shown = count > names.length && names.length === NAMES_SHOWN ? names.slice(0, -1) : names;
  const rest = count - shown.length;
  const parts = rest > 0 ? [...shown, rest === 1 ? '1 other' : `${rest} others`] : shown;
  return parts.length === 1
    ? (parts[0] ?? '')
    : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * The lobby's sentence about who is in the call, as Meet says it: "Nobody is here yet",
 * "Ann is in this call", "Ann and Ben are in this call", "Ann, Ben and 3 others are in this call".
 */
export function describeWhoIsHere(presence: Presence): string {
  if (presence.count <= 0) return 'Nobody is here yet';
  return `${listWhoIsHere(presence)} ${presence.count === 1 ? 'is' : 'are'} in this call`;
}
