'use client';

import { useTranslations } from 'next-intl';
import { SpinnerIcon } from '@/components/ui/icons';

/** A spinner and "Loading the call…", while the page's code for what comes next arrives. */
export function LoadingCall() {
  const t = useTranslations('loading');
  return (
    <main className="flex min-h-dvh items-center justify-center gap-2 text-ink-muted">
      <SpinnerIcon /> {t('call')}
    </main>
  );
}
