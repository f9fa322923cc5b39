'use client';

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
  const name = useCallStore((state) => {
    const host = state.controls?.hostPeerId;
    if (!host) return null;
    if (host === state.selfPeerId) return 'You';
    return state.participants.get(host)?.name ?? null;
  });
  if (name === null) return null;
  return (
    <span data-testid="host-name" className="truncate text-sm text-ink-muted max-sm:hidden">
      Host: <span className="text-ink">{name}</span>
    </span>
  );
}

/** The host's menu: lock, password, waiting room, mute everyone, end the call. */
export function HostMenu() {
  const isHost = useIsHost();
  const id = useId();
  if (!isHost) return null;
  return (
    <>
      <Button variant="ghost" size="sm" popoverTarget={id} aria-label="Host controls">
        Host controls
      </Button>
      <div
        id={id}
        popover="auto"
        aria-label="Host controls"
        className="m-auto w-[24rem] max-w-[calc(100vw-2rem)] rounded-2xl bg-surface-raised p-4 text-ink shadow-2xl ring-1 ring-surface-border backdrop:bg-black/50"
      >
        <HostMenuBody />
      </div>
    </>
  );
}

function HostMenuBody() {
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
      <h2 className="font-semibold">Host controls</h2>
      <label className="flex items-center gap-2">
        <input
          type="checkbox"
          checked={controls.locked}
          onChange={(event) => controller.lockRoom(event.target.checked)}
        />
        Lock the call (nobody new can join)
      </label>
      <label className="flex items-center gap-2">
        <input
          type="checkbox"
          checked={controls.waitingRoom}
          onChange={(event) => controller.setWaitingRoom(event.target.checked)}
        />
        Waiting room (you let each newcomer in)
      </label>
      {controls.hasPassword ? (
        <div className="flex items-center justify-between gap-2">
          <span data-testid="password-state">The call has a password.</span>
          <Button size="sm" variant="secondary" onClick={() => controller.setRoomPassword(null)}>
            Remove password
          </Button>
        </div>
      ) : (
        <form onSubmit={savePassword} className="flex items-end gap-2">
          <label htmlFor={passwordId} className="flex flex-1 flex-col gap-1">
            Password to join
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
            Set password
          </Button>
        </form>
      )}
      <Button variant="secondary" onClick={() => controller.askToMute(null)}>
        Ask everyone to mute
      </Button>
      <p className="text-xs text-ink-faint">
        You can turn other people’s microphones off, but never on, and you cannot turn anyone’s
        camera on or off. Only they can.
      </p>
      <Button variant="danger" onClick={() => controller.endCall()}>
        End the call for everyone
      </Button>
    </div>
  );
}

/** For the host: each person knocking, with Admit and Decline. */
export function KnockRequests() {
  const controller = useCallController();
  const isHost = useIsHost();
  const knocks = useCallStore((state) => state.knocks);
  if (!isHost || knocks.length === 0) return null;
  return (
    <section
      aria-label="Waiting to join"
      className="fixed top-16 right-4 z-20 flex w-80 flex-col gap-2 rounded-2xl bg-surface-raised p-3 shadow-2xl ring-1 ring-surface-border"
    >
      {knocks.map((knock) => (
        <div key={knock.knockId} className="flex items-center gap-2 text-sm">
          <span className="min-w-0 flex-1 truncate">
            <span className="font-medium">{knock.name}</span> wants to join
          </span>
          <Button size="sm" onClick={() => controller.admit(knock.knockId)}>
            Admit
          </Button>
          <Button size="sm" variant="secondary" onClick={() => controller.decline(knock.knockId)}>
            Decline
          </Button>
        </div>
      ))}
    </section>
  );
}

/** The host's actions on one person, in the People panel. */
export function PersonHostActions({ peerId, name }: { peerId: string; name: string }) {
  const controller = useCallController();
  const isHost = useIsHost();
  if (!isHost) return null;
  return (
    <span className="flex gap-1">
      <Button
        size="sm"
        variant="ghost"
        aria-label={`Ask ${name} to mute`}
        onClick={() => controller.askToMute(peerId)}
      >
        Mute
      </Button>
      <Button
        size="sm"
        variant="ghost"
        aria-label={`Make host: ${name}`}
        onClick={() => controller.handOver(peerId)}
      >
        Make host
      </Button>
      <Button
        size="sm"
        variant="ghost"
        aria-label={`Remove ${name}`}
        onClick={() => controller.removePerson(peerId)}
      >
        Remove
      </Button>
    </span>
  );
}

/** "Host" and a raised hand beside a person's name in the People panel. */
export function PersonMarks({ peerId }: { peerId: string | null }) {
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
        <span className="rounded bg-accent-soft px-1.5 text-xs text-accent-ink">Host</span>
      )}
      {marks.hand > 0 && (
        <span role="img" aria-label={`Hand raised (${marks.hand})`} data-testid="hand-mark">
          ✋{marks.hand}
        </span>
      )}
    </>
  );
}
