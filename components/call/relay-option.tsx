'use client';

import { useId } from 'react';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';

/** The lobby's privacy switch: route media through the relay so others never learn your IP address. */
export function RelayOption() {
  const controller = useCallController();
  const id = useId();
  const hintId = useId();
  const relayOnly = useCallStore((state) => state.relayOnly);
  const available = useCallStore((state) => state.relayAvailable);
  const forced = useCallStore((state) => state.relayForced);

  const hint = forced
    ? 'This server always relays calls, so your IP address stays hidden.'
    : available
      ? 'Video and sound go through this service’s relay server instead of straight to the others. It can cost a little quality.'
      : 'Not available: this server has no relay (TURN) configured.';

  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        type="checkbox"
        checked={relayOnly}
        disabled={forced || !available}
        onChange={(event) => controller.setRelayOnly(event.target.checked)}
        aria-describedby={hintId}
        className="mt-1 size-4 accent-accent"
      />
      <div className="text-sm">
        <label htmlFor={id} className="font-medium">
          Hide my IP address from the others
        </label>
        <p id={hintId} className="text-ink-faint">
          {hint}
        </p>
      </div>
    </div>
  );
}
