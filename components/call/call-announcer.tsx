'use client';

import { useContext, useEffect, useState } from 'react';
import type { CallStoreState } from '@/lib/call/call-store';
import { CallStoreContext } from '@/lib/hooks/call-context';

/** How many announcements stay in the region; older ones have been read out already. */
const KEPT = 3;

/**
 * What a screen reader should hear when the call's people change between two states: who
 * joined, who left, whose hand went up or down. Nothing while joining or leaving: the roster
 * found on arrival is in the People panel, not read out one by one.
 */
function announcementsBetween(before: CallStoreState, after: CallStoreState): string[] {
  if (before.phase !== 'in-call' || after.phase !== 'in-call') return [];
  const lines: string[] = [];
  if (before.participants !== after.participants) {
    for (const [peerId, person] of after.participants)
      if (!before.participants.has(peerId)) lines.push(`${person.name} joined the call.`);
    for (const [peerId, person] of before.participants)
      if (!after.participants.has(peerId)) lines.push(`${person.name} left the call.`);
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
      if (name !== null && !handsBefore.includes(peerId)) lines.push(`${name} raised their hand.`);
    }
    for (const peerId of handsBefore) {
      const name = nameOf(peerId);
      // Someone who left took their hand with them; the line above says they left.
      if (name !== null && !handsAfter.includes(peerId) && after.participants.has(peerId))
        lines.push(`${name} lowered their hand.`);
    }
  }
  return lines;
}

/**
 * A polite live region, unseen, that tells screen reader users who joined, left or raised a hand:
 * the tiles show it, and this says it.
 */
export function CallAnnouncer() {
  const store = useContext(CallStoreContext);
  const [lines, setLines] = useState<readonly { id: number; text: string }[]>([]);

  useEffect(() => {
    if (!store) return;
    let nextId = 1;
    return store.subscribe((after, before) => {
      const added = announcementsBetween(before, after);
      if (added.length === 0) return;
      setLines((kept) => [...kept, ...added.map((text) => ({ id: nextId++, text }))].slice(-KEPT));
    });
  }, [store]);

  return (
    <div role="status" aria-live="polite" data-testid="call-announcer" className="sr-only">
      {lines.map((line) => (
        <p key={line.id}>{line.text}</p>
      ))}
    </div>
  );
}
