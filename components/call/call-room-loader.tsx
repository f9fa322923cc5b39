'use client';

import { useTranslations } from 'next-intl';
import { lazy, Suspense, useSyncExternalStore } from 'react';
import { SpinnerIcon } from '@/components/ui/icons';
import type { CallRoomProps } from './call-room';

// React's own lazy, not next/dynamic: that one's loader adds 1.5 kB gzipped before the lobby.
const CallRoom = lazy(() => import('./call-room').then((module) => ({ default: module.CallRoom })));

function Loading() {
  const t = useTranslations('loading');
  return (
    <main className="flex min-h-dvh items-center justify-center gap-2 text-ink-muted">
      <SpinnerIcon /> {t('call')}
    </main>
  );
}

const noSubscription = () => () => {};

/**
 * The call page uses browser APIs from its first render (camera, WebSocket, localStorage), so it
 * is rendered only in the browser: the server and the hydrating render show the spinner.
 */
export function CallRoomLoader(props: CallRoomProps) {
  const inBrowser = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  if (!inBrowser) return <Loading />;
  return (
    <Suspense fallback={<Loading />}>
      <CallRoom {...props} />
    </Suspense>
  );
}
