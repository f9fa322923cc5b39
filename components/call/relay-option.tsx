'use client';

import { useTranslations } from 'next-intl';
import { useId } from 'react';
import { useCallControllerIfLoaded } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';

/**
 * The lobby's privacy switch: route media through the relay so others never learn your IP
 * address. Shown only where it is a choice: a server without a relay cannot offer it, and one
 * that relays every call leaves nothing to choose (`/check` tells both apart).
 */
export function RelayOption() {
  const t = useTranslations('lobby');
  const controller = useCallControllerIfLoaded();
  const id = useId();
  const hintId = useId();
  const relayOnly = useCallStore((state) => state.relayOnly);
  const available = useCallStore((state) => state.relayAvailable);
  const forced = useCallStore((state) => state.relayForced);
  if (!available || forced) return null;

  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        type="checkbox"
        checked={relayOnly}
        onChange={(event) => controller?.setRelayOnly(event.target.checked)}
        aria-describedby={hintId}
        className="mt-1 size-4 accent-accent"
      />
      <div className="text-sm">
        <label htmlFor={id} className="font-medium">
          {t('relayLabel')}
        </label>
        <p id={hintId} className="text-ink-faint">
          {t('relayHint')}
        </p>
      </div>
    </div>
  );
}
