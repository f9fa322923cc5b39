'use client';

import { useTranslations } from 'next-intl';
import { lazy, Suspense, useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { AlertIcon, SpinnerIcon } from '@/components/ui/icons';
import { describeDeviceProblem } from '@/lib/media/devices';
import { LIMITS } from '@/lib/signaling/protocol-values';
import { useCallControllerIfLoaded } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { useMediaStream } from '@/lib/hooks/use-media-stream';
import { saveDisplayName } from '@/lib/preferences';
import { normalizeDisplayName } from '@/lib/untrusted-text';
import { AskAgainButton, DeviceStartingNotice } from './device-access';
import { MediaToggles } from './media-toggles';
import { MicrophoneMeter } from './microphone-meter';
import { RelayOption } from './relay-option';
import { SignalingNotice } from './signaling-notice';
import { VideoTile } from './video-tile';
import { WhoIsHere } from './who-is-here';

// Folded away until the person opens them: their code loads then, not before the lobby shows.
const DeviceSettings = lazy(() =>
  import('./device-settings').then((module) => ({ default: module.DeviceSettings })),
);

/**
 * The screen before joining: a camera preview, who is already in the call, a name, and the Join
 * button. On a phone, preview, name and Join fit the first screen; the device pickers fold away.
 */
export function Lobby() {
  const t = useTranslations('lobby');
  const controller = useCallControllerIfLoaded();
  const [devicesShown, setDevicesShown] = useState(false);
  const nameFieldId = useId();
  const roomId = useCallStore((state) => state.roomId);
  const phase = useCallStore((state) => state.phase);
  const displayName = useCallStore((state) => state.displayName);
  const setDisplayName = useCallStore((state) => state.actions.setDisplayName);
  const cameraOn = useCallStore((state) => state.cameraOn);
  const microphoneOn = useCallStore((state) => state.microphoneOn);
  const microphoneAccess = useCallStore((state) => state.microphoneAccess);
  const cameraAccess = useCallStore((state) => state.cameraAccess);
  const signaling = useCallStore((state) => state.signaling);
  const stream = useMediaStream('local');
  const refusal = useCallStore((state) => state.joinRefusal);
  const [password, setPassword] = useState('');
  const passwordFieldId = useId();
  const askPassword =
    refusal?.code === 'password-required' || refusal?.code === 'wrong-password' || password !== '';

  const joining = phase === 'joining';
  // A camera that is off is never asked for, so its access stays "pending": it is not awaited.
  const mediaPending = microphoneAccess === 'pending' || (cameraOn && cameraAccess === 'pending');
  const deviceProblems = describeDeviceProblem(microphoneAccess, cameraAccess);
  // Until the call's code has loaded (moments after the lobby shows), there is nothing to join with.
  const canJoin = controller !== null && !joining && signaling !== 'unavailable';

  function join(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // The server refuses a name with nothing visible in it: such a name joins as Guest.
    const name = normalizeDisplayName(displayName) || t('guest');
    saveDisplayName(name);
    controller?.join(name, password);
  }

  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-5xl flex-col justify-center gap-5 px-4 py-4 sm:py-8 lg:flex-row lg:items-center lg:gap-8">
      <section aria-label={t('preview')} className="flex w-full flex-col gap-3 lg:flex-[3]">
        <VideoTile
          name={displayName.trim()}
          stream={stream}
          videoOn={cameraOn && cameraAccess === 'granted'}
          audioOn={microphoneOn && microphoneAccess === 'granted'}
          actions={false}
          className="aspect-video w-full"
        />
        <div className="flex items-center justify-center gap-3">
          <MediaToggles />
        </div>
        <MicrophoneMeter />
        <details
          className="group rounded-xl text-sm"
          onToggle={(event) => {
            if (event.currentTarget.open) setDevicesShown(true);
          }}
        >
          <summary className="cursor-pointer rounded-lg py-1 font-medium text-ink-muted select-none hover:text-ink">
            {t('devices')}
          </summary>
          <div className="pt-3">
            {devicesShown && (
              <Suspense fallback={<SpinnerIcon />}>
                <DeviceSettings />
              </Suspense>
            )}
          </div>
        </details>
      </section>

      <section className="flex w-full flex-col gap-4 lg:flex-[2] lg:gap-5">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
          <p className="mt-1 text-sm text-ink-muted">
            {t.rich('callCode', {
              roomId,
              code: (chunks) => (
                <span className="font-mono whitespace-nowrap text-ink">{chunks}</span>
              ),
            })}
          </p>
          <WhoIsHere className="mt-3" />
        </div>

        <form onSubmit={join} className="flex flex-col gap-3">
          <label htmlFor={nameFieldId} className="text-sm font-medium text-ink-muted">
            {t('nameLabel')}
          </label>
          <input
            id={nameFieldId}
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
            maxLength={LIMITS.maxNameLength}
            autoComplete="name"
            placeholder={t('guest')}
            className="h-12 rounded-xl border border-surface-border bg-surface-raised px-4 text-base focus:border-accent"
          />
          {askPassword && (
            <>
              <label htmlFor={passwordFieldId} className="text-sm font-medium text-ink-muted">
                {t('passwordLabel')}
              </label>
              <input
                id={passwordFieldId}
                type="password"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
                maxLength={LIMITS.maxPasswordLength}
                autoComplete="off"
                className="h-12 rounded-xl border border-surface-border bg-surface-raised px-4 text-base focus:border-accent"
              />
            </>
          )}
          {refusal && (
            <p role="alert" data-testid="join-refusal" className="text-sm text-danger">
              {t(`refusal.${refusal.code}`, { seconds: refusal.retryAfterSeconds ?? 0 })}
            </p>
          )}
          <Button type="submit" size="lg" disabled={!canJoin}>
            {joining && <SpinnerIcon />}
            {joining ? t('joining') : t('join')}
          </Button>
          <RelayOption />
          <DeviceStartingNotice pending={mediaPending && !joining} wantCamera={cameraOn} />
        </form>

        {deviceProblems.length > 0 && (
          <div
            role="alert"
            className="flex gap-2 rounded-xl bg-warning/10 px-4 py-3 text-sm text-warning"
          >
            <AlertIcon className="mt-0.5 shrink-0" width={16} height={16} />
            <div className="flex flex-col items-start gap-2">
              <p>{deviceProblems.map((problem) => t(`deviceProblem.${problem}`)).join(' ')}</p>
              <AskAgainButton />
            </div>
          </div>
        )}
        <SignalingNotice />
        <a
          href="/check"
          target="_blank"
          rel="noopener"
          className="text-sm text-ink-faint underline underline-offset-2 hover:text-ink"
        >
          {t('checkLink')}
        </a>
      </section>
    </main>
  );
}
