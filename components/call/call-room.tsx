'use client';

import { useTranslations } from 'next-intl';
import { Suspense, useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { usePresenceText } from './presence-text';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { CallProvider, type RelaySettings } from './call-provider';
import type { CallView as CallViewComponent } from './call-view';
import { Lobby } from './lobby';
import { AskAgain, BackHome, WaitingScreen } from './waiting-screens';

// The lobby comes first and is what must load fast; the call's own UI is fetched while the person
// is still in the lobby, so joining never waits for it. It is held in state, not behind `lazy`:
// `lazy` suspends on its first render even when the module has arrived, and React holds back
// revealing what suspended for up to 300 ms after its fallback showed, which delayed the first
// picture of a call by that much.
const loadCallView = () => import('./call-view').then((module) => module.CallView);

export interface CallRoomProps {
  roomId: string;
  relay: RelaySettings;
  /** Where signaling listens when not on the page's own origin (beside plain `next dev`). */
  signalingPort: number | null;
}

/** The whole call page in the browser: lobby, call, or an ending screen. */
export function CallRoom({ roomId, relay, signalingPort }: CallRoomProps) {
  return (
    <CallProvider roomId={roomId} relay={relay} signalingPort={signalingPort}>
      {/* Anything still loading suspends here, inside the provider: hiding the provider instead
          would make strict mode re-run its effect, restarting the controller mid-join. */}
      <Suspense>
        <CallPhaseView />
      </Suspense>
    </CallProvider>
  );
}

function CallPhaseView() {
  const t = useTranslations('endScreens');
  const phase = useCallStore((state) => state.phase);
  const inCall = phase === 'in-call';
  const [CallView, setCallView] = useState<typeof CallViewComponent | null>(null);
  const [loadFailures, setLoadFailures] = useState<unknown[]>([]);
  useEffect(() => {
    // Fetched from the lobby; fetched once more on reaching the call if that failed.
    if (CallView || loadFailures.length > (inCall ? 1 : 0)) return;
    let mounted = true;
    loadCallView().then(
      (view) => mounted && setCallView(() => view),
      (error: unknown) => mounted && setLoadFailures((earlier) => [...earlier, error]),
    );
    return () => {
      mounted = false;
    };
  }, [CallView, loadFailures.length, inCall]);
  // A view fetched in vain twice, from the lobby and for the call, is an error of the page. A
  // failed prefetch alone leaves the lobby working.
  if (inCall && loadFailures.length > 1) throw loadFailures.at(-1);
  switch (phase) {
    case 'lobby':
    case 'joining':
      return <Lobby />;
    case 'in-call':
      return CallView ? <CallView /> : null;
    case 'left':
      return <LeftScreen />;
    case 'room-full':
      return <RoomFullScreen />;
    case 'waiting':
      return <WaitingScreen />;
    case 'removed':
      return (
        <EndScreen title={t('removed')}>
          <AskAgain />
        </EndScreen>
      );
    case 'ended':
      return (
        <EndScreen title={t('ended')}>
          <BackHome />
        </EndScreen>
      );
  }
}

function EndScreen({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col items-center justify-center gap-6 px-4 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      {children}
    </main>
  );
}

function LeftScreen() {
  const t = useTranslations('endScreens');
  return (
    <EndScreen title={t('left')}>
      <div className="flex gap-3">
        <Button size="lg" onClick={() => window.location.reload()}>
          {t('rejoin')}
        </Button>
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- next/link would add 3 kB to the lobby's first load for a link from the last screen */}
        <a
          href="/"
          className="inline-flex h-12 items-center rounded-xl bg-surface-overlay px-6 font-medium hover:bg-surface-border"
        >
          {t('backHome')}
        </a>
      </div>
    </EndScreen>
  );
}

/**
 * The call was full when this person tried. The page keeps asking who is in it, and as soon as
 * a place frees up it says so and lets them in with one click.
 */
function RoomFullScreen() {
  const t = useTranslations('roomFull');
  const { describe } = usePresenceText();
  const controller = useCallController();
  const name = useCallStore((state) => state.displayName);
  const presence = useCallStore((state) => state.presence);
  const placeFree = presence !== null && presence.count < presence.capacity;
  return (
    <EndScreen title={placeFree ? t('placeFreeTitle') : t('title')}>
      <div role="status" data-testid="presence" data-count={presence?.count}>
        {placeFree ? (
          <p className="text-ink-muted">
            {presence.count === 0
              ? t('everyoneLeft')
              : t('roomForYou', { who: describe(presence) })}
          </p>
        ) : (
          <p className="text-ink-muted">
            {presence
              ? t('whoAndCapacity', { who: describe(presence), capacity: presence.capacity })
              : t('full')}{' '}
            {t('updates')}
          </p>
        )}
      </div>
      <div className="flex gap-3">
        {placeFree && (
          <Button size="lg" onClick={() => controller.join(name)}>
            {t('joinNow')}
          </Button>
        )}
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- next/link would add 3 kB to the lobby's first load for a link from the last screen */}
        <a
          href="/"
          className="inline-flex h-12 items-center rounded-xl bg-surface-overlay px-6 font-medium hover:bg-surface-border"
        >
          {t('startAnother')}
        </a>
      </div>
    </EndScreen>
  );
}
