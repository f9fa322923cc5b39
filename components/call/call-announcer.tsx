'use client';

import { useTranslations } from 'next-intl';
import { useContext, useEffect, useState } from 'react';
import { announcementsBetween } from '@/lib/call/announcements';
import { CallStoreContext } from '@/lib/hooks/call-context';

/** How many announcements stay in the region; older ones have been read out already. */
const KEPT = 3;

/**
 * A polite live region, unseen, that tells screen reader users who joined, left or raised a hand:
 * the tiles show it, and this says it.
 */
export function CallAnnouncer() {
  const t = useTranslations('announce');
  const store = useContext(CallStoreContext);
  const [lines, setLines] = useState<readonly { id: number; text: string }[]>([]);

  useEffect(() => {
    if (!store) return;
    let nextId = 1;
    return store.subscribe((after, before) => {
      const added = announcementsBetween(before, after);
      if (added.length === 0) return;
      const texts = added.map(({ key, name }) => ({ id: nextId++, text: t(key, { name }) }));
      setLines((kept) => [...kept, ...texts].slice(-KEPT));
    });
  }, [store, t]);

  return (
    <div role="status" aria-live="polite" data-testid="call-announcer" className="sr-only">
      {lines.map((line) => (
        <p key={line.id}>{line.text}</p>
      ))}
    </div>
  );
}
