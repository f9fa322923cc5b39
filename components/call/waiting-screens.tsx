'use client';

import { useTranslations } from 'next-intl';
import { Button } from '@/components/ui/button';
import { SpinnerIcon } from '@/components/ui/icons';
import { useCallController } from '@/lib/hooks/use-call-controller';

/** A knock is waiting for the host's answer. */
export function WaitingScreen() {
  const t = useTranslations('waiting');
  const controller = useCallController();
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col items-center justify-center gap-6 px-4 text-center">
      <SpinnerIcon width={32} height={32} />
      <h1 role="status" className="text-2xl font-semibold tracking-tight">
        {t('title')}
      </h1>
      <Button variant="secondary" onClick={() => controller.leave()}>
        {t('stop')}
      </Button>
    </main>
  );
}

/** After a removal: back to the lobby, where joining knocks again. */
export function AskAgain() {
  const t = useTranslations('endScreens');
  return (
    <div className="flex gap-3">
      <Button size="lg" onClick={() => window.location.reload()}>
        {t('askAgain')}
      </Button>
      <BackHome />
    </div>
  );
}

export function BackHome() {
  const t = useTranslations('endScreens');
  return (
    // eslint-disable-next-line @next/next/no-html-link-for-pages -- next/link would add 3 kB to the lobby's first load for a link from the last screen
    <a
      href="/"
      className="inline-flex h-12 items-center rounded-xl bg-surface-overlay px-6 font-medium hover:bg-surface-border"
    >
      {t('backHome')}
    </a>
  );
}
