'use client';

import dynamic from 'next/dynamic';
import { useTranslations } from 'next-intl';
import { useCallback } from 'react';
import { Button } from '@/components/ui/button';
import { CloseIcon } from '@/components/ui/icons';
import { useCallStore } from '@/lib/hooks/use-call-store';
// The chat is part of the call's code, not loaded on first opening: the keys typed right after
// pressing C must find its message box already there.
import { ChatPanel } from './chat-panel';

// Loaded when first opened: most people never open it, and it takes no typing.
const ParticipantsPanel = dynamic(() =>
  import('./participants-panel').then((module) => module.ParticipantsPanel),
);

/**
 * Closes the open side panel. If the keyboard was in it, it goes back to the button that opens
 * that panel, so a keyboard user carries on from where they were.
 */
export function useClosePanel(): () => void {
  const panel = useCallStore((state) => state.openPanel);
  const setOpenPanel = useCallStore((state) => state.actions.setOpenPanel);
  return useCallback(() => {
    if (!panel) return;
    const hadFocus = document.querySelector('[data-side-panel]')?.contains(document.activeElement);
    setOpenPanel(null);
    if (hadFocus) {
      document.querySelector<HTMLElement>(`[data-panel-toggle="${panel}"]`)?.focus();
    }
  }, [panel, setOpenPanel]);
}

/** The chat or the participants list: a column on wide screens, a full-screen sheet on phones. */
export function SidePanel() {
  const panel = useCallStore((state) => state.openPanel);
  const count = useCallStore((state) => state.participants.size + 1);
  const close = useClosePanel();
  const t = useTranslations('panel');
  if (!panel) return null;
  const title = panel === 'chat' ? t('chat') : t('peopleTitle', { count });

  return (
    <aside
      aria-label={panel === 'chat' ? t('chat') : t('people')}
      data-side-panel={panel}
      className="fixed inset-0 z-20 flex flex-col border-surface-border bg-surface-raised md:static md:z-auto md:w-80 md:shrink-0 md:rounded-2xl md:border"
    >
      <header className="flex items-center justify-between border-b border-surface-border py-2 pr-2 pl-4">
        <h2 className="font-semibold">{title}</h2>
        <Button
          variant="ghost"
          size="sm"
          aria-label={panel === 'chat' ? t('closeChat') : t('closePeople')}
          title={t('closeTitle')}
          onClick={close}
        >
          <CloseIcon width={18} height={18} />
        </Button>
      </header>
      {panel === 'chat' ? <ChatPanel /> : <ParticipantsPanel />}
    </aside>
  );
}
