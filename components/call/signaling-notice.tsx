'use client';

import { useTranslations } from 'next-intl';
import { AlertIcon, SpinnerIcon } from '@/components/ui/icons';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { cn } from '@/lib/utils';

/** Says when the signaling connection is down, and what the person can do about it. */
export function SignalingNotice({ className }: { className?: string }) {
  const t = useTranslations('signaling');
  const signaling = useCallStore((state) => state.signaling);
  const problem = useCallStore((state) => state.signalingProblem);

  if (signaling === 'unavailable') {
    return (
      <p
        role="alert"
        data-testid="signaling-status"
        data-status={signaling}
        className={cn(
          'flex gap-2 rounded-xl bg-danger-soft px-4 py-3 text-sm text-danger',
          className,
        )}
      >
        <AlertIcon className="mt-0.5 shrink-0" width={16} height={16} />
        {t(problem ?? 'not-running')}
      </p>
    );
  }
  if (signaling === 'reconnecting' || problem) {
    return (
      <p
        role="status"
        data-testid="signaling-status"
        data-status={signaling}
        className={cn(
          'flex items-center gap-2 rounded-xl bg-warning/10 px-4 py-2 text-sm text-warning',
          className,
        )}
      >
        <SpinnerIcon width={16} height={16} className="shrink-0" />
        {t(problem ?? 'reconnecting')}
      </p>
    );
  }
  return null;
}
