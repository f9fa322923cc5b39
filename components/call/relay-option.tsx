'use client';

import { useId } from 'react';
import { useCallControllerIfLoaded } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';

/**
 * The lobby's privacy switch: route media through the relay so others never learn your IP
 * address. Shown only where it is a choice: a server without a relay cannot offer it, and one
 * that relays every call leaves nothing to choose (`/check` tells both apart).
 */
export function RelayOption() {
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
          Hide my IP address from the others
        </label>
        <p id={hintId} className="text-ink-faint">
          Video and sound go through this service’s relay server instead of straight to the others.
          It can cost a little quality.
        </p>
      </div>
    </div>
  );
}
