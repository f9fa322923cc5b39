'use client';

import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { CameraIcon } from '@/components/ui/icons';
import { newHostKey, saveHostKey } from '@/lib/call/host-key';
import { createRoomId, parseRoomInput } from '@/lib/room-id';

/** "Start a call", and a field to join one from a pasted link or code. */
export function StartOrJoin() {
  const t = useTranslations('home');
  const router = useRouter();
  const fieldId = useId();
  const errorId = useId();
  const [input, setInput] = useState('');
  const [error, setError] = useState<ReactNode>(null);

  function start() {
    const roomId = createRoomId();
    // Whoever holds this key is the call's host; the server keeps only its hash.
    saveHostKey(roomId, newHostKey());
    router.push(`/call/${roomId}`);
  }

  function join(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!input.trim()) {
      setError(t('emptyInput'));
      return;
    }
    const roomId = parseRoomInput(input);
    if (!roomId) {
      setError(
        t.rich('badInput', {
          code: (chunks) => <span className="font-mono whitespace-nowrap">{chunks}</span>,
        }),
      );
      return;
    }
    router.push(`/call/${roomId}`);
  }

  return (
    <div className="flex w-full max-w-md flex-col gap-6">
      <Button size="lg" onClick={start} className="w-full">
        <CameraIcon />
        {t('start')}
      </Button>
      <div className="flex items-center gap-3 text-sm text-ink-faint">
        <span className="h-px flex-1 bg-surface-border" />
        {t('orJoin')}
        <span className="h-px flex-1 bg-surface-border" />
      </div>
      <form onSubmit={join} className="flex flex-col gap-2">
        <label htmlFor={fieldId} className="sr-only">
          {t('inputLabel')}
        </label>
        <div className="flex gap-2">
          <input
            id={fieldId}
            value={input}
            onChange={(event) => {
              setInput(event.target.value);
              setError(null);
            }}
            placeholder={t('inputPlaceholder')}
            aria-invalid={error !== null}
            aria-describedby={error ? errorId : undefined}
            autoComplete="off"
            spellCheck={false}
            className="h-12 min-w-0 flex-1 rounded-xl border border-surface-border bg-surface-raised px-4 text-base focus:border-accent"
          />
          <Button type="submit" size="lg" variant="secondary">
            {t('join')}
          </Button>
        </div>
        {error && (
          <p id={errorId} role="alert" className="text-sm text-danger">
            {error}
          </p>
        )}
      </form>
    </div>
  );
}
