'use client';

import { describeWhoIsHere, listWhoIsHere } from '@/lib/call/presence-text';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { cn } from '@/lib/utils';

/**
 * Who is in the call before joining, as Meet shows it. "Nobody is here yet" is also the hint that
 * a code may be mistyped: one wrong letter opens an empty call of its own.
 */
export function WhoIsHere({ className }: { className?: string }) {
  const presence = useCallStore((state) => state.presence);
  const signalingOpen = useCallStore((state) => state.signaling === 'open');

  let text: string;
  let hint: string | null = null;
  if (!presence) {
    if (!signalingOpen) return null;
    text = 'Checking who is here…';
  } else if (presence.count >= presence.capacity) {
    text = `This call is full: ${listWhoIsHere(presence)}`;
    hint = `It takes ${presence.capacity} people. You can join when someone leaves.`;
  } else {
    text = describeWhoIsHere(presence);
    if (presence.count === 0) hint = 'Expecting someone? Check that the call code is right.';
  }
  return (
    <div
      role="status"
      data-testid="presence"
      data-count={presence?.count}
      className={cn('text-sm', className)}
    >
      <p className="font-medium text-ink">{text}</p>
      {hint && <p className="text-ink-faint">{hint}</p>}
    </div>
  );
}
