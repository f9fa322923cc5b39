'use client';

import { useFormatter, useTranslations } from 'next-intl';
import { whoIsHere } from '@/lib/call/presence-text';
import type { RoomPresence } from '@/lib/signaling/protocol';

type Presence = Pick<RoomPresence, 'count' | 'names'>;

/** Sentences about who is in a call, in the interface's language (names joined per locale). */
export function usePresenceText() {
  const t = useTranslations('presence');
  const format = useFormatter();
  /** "Ann", "Ann and Ben", "Ann, Ben and 3 others", or "4 people". */
  const list = (presence: Presence): string => {
    const { names, others } = whoIsHere(presence);
    if (names.length === 0) return t('people', { count: others });
    const items = others > 0 ? [...names, t('others', { count: others })] : names;
    return format.list(items, { type: 'conjunction' });
  };
  /** "Nobody is here yet", "Ann is in this call", "Ann and Ben are in this call". */
  const describe = (presence: Presence): string =>
    presence.count <= 0 ? t('nobody') : t('inCall', { count: presence.count, who: list(presence) });
  return { list, describe };
}
