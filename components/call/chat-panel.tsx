'use client';

import { useFormatter, useTranslations } from 'next-intl';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { SendIcon } from '@/components/ui/icons';
import { MAX_CHAT_LENGTH, linkify } from '@/lib/chat/chat-message';
import { chatRoute } from '@/lib/call/call-mode';
import type { ChatEntry } from '@/lib/call/call-store';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { YouBadge } from './you-badge';

/** Finds the message box, so that the C shortcut can put the cursor back in it. */
export const CHAT_INPUT_SELECTOR = '[data-chat-input]';

/**
 * Text chat beside the call. Messages go peer to peer, or through the server while the call runs
 * through the media server (the panel says which), and are not stored anywhere.
 */
export function ChatPanel() {
  const t = useTranslations('chat');
  const controller = useCallController();
  const chat = useCallStore((state) => state.chat);
  const route = useCallStore((state) => chatRoute(state.roomMode, state.mediaPath));
  const fieldId = useId();
  const [draft, setDraft] = useState('');
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [chat.length]);

  function send(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    controller.sendChat(draft);
    setDraft('');
  }

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <p
        data-testid="chat-route"
        data-route={route}
        className="border-b border-surface-border px-4 py-3 text-xs text-ink-faint"
      >
        {route === 'server' ? t('privacyServer') : t('privacyPeer')}
      </p>
      <ol
        ref={listRef}
        aria-label={t('messages')}
        aria-live="polite"
        className="flex-1 space-y-3 overflow-y-auto px-4 py-3"
      >
        {chat.length === 0 && <li className="text-sm text-ink-faint">{t('empty')}</li>}
        {chat.map((entry) => (
          <ChatMessage key={entry.id} entry={entry} />
        ))}
      </ol>
      <form onSubmit={send} className="flex gap-2 border-t border-surface-border p-3">
        <label htmlFor={fieldId} className="sr-only">
          {t('message')}
        </label>
        <input
          id={fieldId}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          maxLength={MAX_CHAT_LENGTH}
          placeholder={t('placeholder')}
          autoComplete="off"
          // Opening the chat, by key or button, is to write in it: typing must land here, never
          // run the call's shortcuts.
          autoFocus
          data-chat-input
          className="h-10 min-w-0 flex-1 rounded-lg border border-surface-border bg-surface-raised px-3 text-sm focus:border-accent"
        />
        <Button type="submit" aria-label={t('send')} disabled={!draft.trim()} className="px-3">
          <SendIcon width={18} height={18} />
        </Button>
      </form>
    </div>
  );
}

function ChatMessage({ entry }: { entry: ChatEntry }) {
  const format = useFormatter();
  const mine = entry.peerId === null;
  return (
    <li data-testid="chat-message" className="text-sm">
      <div className="flex items-baseline gap-2">
        {mine ? <YouBadge /> : <span className="font-medium">{entry.name}</span>}
        <time dateTime={new Date(entry.at).toISOString()} className="text-xs text-ink-faint">
          {format.dateTime(entry.at, { hour: '2-digit', minute: '2-digit' })}
        </time>
      </div>
      <p className="break-words whitespace-pre-wrap text-ink-muted">
        {linkify(entry.text).map((segment, index) =>
          segment.kind === 'link' ? (
            <a
              key={index}
              href={segment.href}
              target="_blank"
              rel="noopener noreferrer nofollow"
              className="text-accent underline underline-offset-2"
            >
              {segment.text}
            </a>
          ) : (
            <span key={index}>{segment.text}</span>
          ),
        )}
      </p>
    </li>
  );
}
