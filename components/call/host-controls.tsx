'use client';

import { useTranslations } from 'next-intl';
import { useId, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Button } from '@/components/ui/button';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { LIMITS } from '@/lib/signaling/protocol';

/** Whether this person is the call's host now. */
export function useIsHost(): boolean {
  return useCallStore(
    (state) => state.selfPeerId !== null && state.controls?.hostPeerId === state.selfPeerId,
  );
}

/** Who the host is, in the header, for everyone. */
export function HostName() {
  const t = useTranslations('host');
  // True when this person is the host.
  const name = useCallStore((state) => {
    const host = state.controls?.hostPeerId;
    if (!host) return null;
    if (host === state.selfPeerId) return true;
    return state.participants.get(host)?.name ?? null;
  });
  if (name === null) return null;
  return (
    <span data-testid="host-name" className="truncate text-sm text-ink-muted max-sm:hidden">
      {t.rich('hostIs', {
        name: name === true ? t('you') : name,
        em: (chunks) => <span className="text-ink">{chunks}</span>,
      })}
    </span>
  );
}

/** The host's menu: lock, password, waiting room, mute everyone, end the call. */
export function HostMenu() {
  const t = useTranslations('host');
  const isHost = useIsHost();
  const id = useId();
  if (!isHost) return null;
  return (
    <>
      <Button variant="ghost" size="sm" popoverTarget={id} aria-label={t('controls')}>
        {t('controls')}
      </Button>
      <div
        id={id}
        popover="auto"
        aria-label={t('controls')}
        className="m-auto w-[24rem] max-w-[calc(100vw-2rem)] rounded-2xl bg-surface-raised p-4 text-ink shadow-2xl ring-1 ring-surface-border backdrop:bg-black/50"
      >
        <HostMenuBody />
      </div>
    </>
  );
}

function HostMenuBody() {
  const t = useTranslations('host');
  const controller = useCallController();
  const controls = useCallStore((state) => state.controls);
  const [password, setPassword] = useState('');
  const passwordId = useId();
  if (!controls) return null;

  function savePassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (password === '') return;
    controller.setRoomPassword(password);
    setPassword('');
  }

  return (
    <div className="flex flex-col gap-3 text-sm">
      <h2 className="font-semibold">{t('controls')}</h2>
      <label className="flex items-center gap-2">
        <input
          type="checkbox"
          checked={controls.locked}
          onChange={(event) => controller.lockRoom(event.target.checked)}
        />
        {t('lock')}
      </label>
      <label className="flex items-center gap-2">
        <input
          type="checkbox"
          checked={controls.waitingRoom}
          onChange={(event) => controller.setWaitingRoom(event.target.checked)}
        />
        {t('waitingRoom')}
      </label>
      {controls.hasPassword ? (
        <div className="flex items-center justify-between gap-2">
          <span data-testid="password-state">{t('hasPassword')}</span>
          <Button size="sm" variant="secondary" onClick={() => controller.setRoomPassword(null)}>
            {t('removePassword')}
          </Button>
        </div>
      ) : (
        <form onSubmit={savePassword} className="flex items-end gap-2">
          <label htmlFor={passwordId} className="flex flex-1 flex-col gap-1">
            {t('passwordLabel')}
            <input
              id={passwordId}
              type="password"
              value={password}
              maxLength={LIMITS.maxPasswordLength}
              autoComplete="new-password"
              onChange={(event) => setPassword(event.target.value)}
              className="h-9 rounded-lg border border-surface-border bg-surface px-3"
            />
          </label>
          <Button type="submit" size="sm" variant="secondary">
            {t('setPassword')}
          </Button>
        </form>
      )}
      <Button variant="secondary" onClick={() => controller.askToMute(null)}>
        {t('muteEveryone')}
      </Button>
      <p className="text-xs text-ink-faint">{t('muteHint')}</p>
      <Button variant="danger" onClick={() => controller.endCall()}>
        {t('endCall')}
      </Button>
    </div>
  );
}

/** For the host: each person knocking, with Admit and Decline. */
export function KnockRequests() {
  const t = useTranslations('host');
  const controller = useCallController();
  const isHost = useIsHost();
  const knocks = useCallStore((state) => state.knocks);
  if (!isHost || knocks.length === 0) return null;
  return (
    <section
      aria-label={t('knocking')}
      className="fixed top-16 right-4 z-20 flex w-80 flex-col gap-2 rounded-2xl bg-surface-raised p-3 shadow-2xl ring-1 ring-surface-border"
    >
      {knocks.map((knock) => (
        <div key={knock.knockId} className="flex items-center gap-2 text-sm">
          <span className="min-w-0 flex-1 truncate">
            {t.rich('wantsToJoin', {
              name: knock.name,
              em: (chunks) => <span className="font-medium">{chunks}</span>,
            })}
          </span>
          <Button size="sm" onClick={() => controller.admit(knock.knockId)}>
            {t('admit')}
          </Button>
          <Button size="sm" variant="secondary" onClick={() => controller.decline(knock.knockId)}>
            {t('decline')}
          </Button>
        </div>
      ))}
    </section>
  );
}

/** The host's actions on one person, in the People panel. */
export function PersonHostActions({ peerId, name }: { peerId: string; name: string }) {
  const t = useTranslations('host');
  const controller = useCallController();
  const isHost = useIsHost();
  if (!isHost) return null;
  return (
    <span className="flex gap-1">
      <Button
        size="sm"
        variant="ghost"
        aria-label={t('askToMute', { name })}
        onClick={() => controller.askToMute(peerId)}
      >
        {t('mute')}
      </Button>
      <Button
        size="sm"
        variant="ghost"
        aria-label={t('makeHostOf', { name })}
        onClick={() => controller.handOver(peerId)}
      >
        {t('makeHost')}
      </Button>
      <Button
        size="sm"
        variant="ghost"
        aria-label={t('removeOf', { name })}
        onClick={() => controller.removePerson(peerId)}
      >
        {t('remove')}
      </Button>
    </span>
  );
}

/** "Host" and a raised hand beside a person's name in the People panel. */
export function PersonMarks({ peerId }: { peerId: string | null }) {
  const t = useTranslations('host');
  const marks = useCallStore(
    useShallow((state) => {
      const id = peerId ?? state.selfPeerId;
      const controls = state.controls;
      if (!controls || id === null) return { host: false, hand: 0 };
      return { host: controls.hostPeerId === id, hand: controls.hands.indexOf(id) + 1 };
    }),
  );
  return (
    <>
      {marks.host && (
        <span className="rounded bg-accent-soft px-1.5 text-xs text-accent-ink">{t('host')}</span>
      )}
      {marks.hand > 0 && (
        <span
          role="img"
          aria-label={t('handRaised', { position: marks.hand })}
          data-testid="hand-mark"
        >
          ✋{marks.hand}
        </span>
      )}
    </>
  );
}
