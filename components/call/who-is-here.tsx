'use client';

import { useTranslations } from 'next-intl';
import { usePresenceText } from './presence-text';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { cn } from '@/lib/utils';

/**
 * Who is in the call before joining, as Meet shows it. "Nobody is here yet" is also the hint that
 * a code may be mistyped: one wrong letter opens an empty call of its own.
 */
export function WhoIsHere({ className }: { className?: string }) {
  const t = useTranslations('presence');
  const { list, describe } = usePresenceText();
  const presence = useCallStore((state) => state.presence);
  const signalingOpen = useCallStore((state) => state.signaling === 'open');

  let text: string;
  let hint: string | null = null;
  if (!presence) {
    if (!signalingOpen) return null;
    text = t('checking');
  } else if (presence.count >= presence.capacity) {
    text = t('full', { who: list(presence) });
    hint = t('fullHint', { capacity: presence.capacity });
  } else {
    text = describe(presence);
    if (presence.count === 0) hint = t('emptyHint');
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
