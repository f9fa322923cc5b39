'use client';

import { useTranslations } from 'next-intl';
import { Button } from '@/components/ui/button';
import { SpinnerIcon } from '@/components/ui/icons';
import type { CallPhase } from '@/lib/call/call-store';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { usePresenceText } from './presence-text';

/**
 * The screens of the phases that are neither the lobby nor the call: waiting to be let in, a full
 * room, and the ends of a call. Not needed before the lobby shows, so not part of its first load.
 */
export function PhaseScreen({
  phase,
}: {
  phase: Exclude<CallPhase, 'lobby' | 'joining' | 'in-call'>;
}) {
  const t = useTranslations('endScreens');
  switch (phase) {
    case 'waiting':
      return <WaitingScreen />;
    case 'room-full':
      return <RoomFullScreen />;
    case 'left':
      return <LeftScreen />;
    case 'removed':
      return (
        // Back in the lobby, joining knocks again.
        <EndScreen title={t('removed')}>
          <AgainOrHome again={t('askAgain')} />
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

/** A knock is waiting for the host's answer. */
function WaitingScreen() {
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

/** Loads the call page afresh (back to its lobby), or goes home. */
function AgainOrHome({ again }: { again: string }) {
  return (
    <div className="flex gap-3">
      <Button size="lg" onClick={() => window.location.reload()}>
        {again}
      </Button>
      <BackHome />
    </div>
  );
}

function BackHome() {
  const t = useTranslations('endScreens');
  return <HomeLink>{t('backHome')}</HomeLink>;
}

/** To the home page, by a full page load: nothing of the call (camera, sockets) outlives it. */
function HomeLink({ children }: { children: React.ReactNode }) {
  return (
    // eslint-disable-next-line @next/next/no-html-link-for-pages -- a full load on purpose, as said above
    <a
      href="/"
      className="inline-flex h-12 items-center rounded-xl bg-surface-overlay px-6 font-medium hover:bg-surface-border"
    >
      {children}
    </a>
  );
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
      <AgainOrHome again={t('rejoin')} />
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
        <HomeLink>{t('startAnother')}</HomeLink>
      </div>
    </EndScreen>
  );
}
