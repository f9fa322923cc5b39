import type { CallStoreState } from './call-store';

/** One line to read out: what happened (a message key the announcer translates), and to whom. */
export interface Announcement {
  key: 'joined' | 'left' | 'raisedHand' | 'loweredHand';
  name: string;
}

/**
 * What a screen reader should hear when the call's people change between two states: who
 * joined, who left, whose hand went up or down. Nothing while joining or leaving: the roster
 * found on arrival is in the People panel, not read out one by one.
 */
export function announcementsBetween(
  before: CallStoreState,
  after: CallStoreState,
): Announcement[] {
  if (before.phase !== 'in-call' || after.phase !== 'in-call') return [];
  const lines: Announcement[] = [];
  if (before.participants !== after.participants) {
    for (const [peerId, person] of after.participants)
      if (!before.participants.has(peerId)) lines.push({ key: 'joined', name: person.name });
    for (const [peerId, person] of before.participants)
      if (!after.participants.has(peerId)) lines.push({ key: 'left', name: person.name });
  }
  const handsBefore = before.controls?.hands ?? [];
  const handsAfter = after.controls?.hands ?? [];
  if (handsBefore !== handsAfter) {
    // This person's own hand is told by the pressed state of their button.
    const nameOf = (peerId: string) =>
      peerId === after.selfPeerId
        ? null
        : (after.participants.get(peerId)?.name ?? before.participants.get(peerId)?.name ?? null);
    for (const peerId of handsAfter) {
      const name = nameOf(peerId);
      if (name !== null && !handsBefore.includes(peerId)) lines.push({ key: 'raisedHand', name });
    }
    for (const peerId of handsBefore) {
      const name = nameOf(peerId);
      // Someone who left took their hand with them; the line above says they left.
      if (name !== null && !handsAfter.includes(peerId) && after.participants.has(peerId))
        lines.push({ key: 'loweredHand', name });
    }
  }
  return lines;
}
