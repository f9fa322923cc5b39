'use client';

import dynamic from 'next/dynamic';
import { Button } from '@/components/ui/button';
import { CloseIcon } from '@/components/ui/icons';
import { useCallStore } from '@/lib/hooks/use-call-store';

// Loaded when first opened: most people join without opening either, so the call starts sooner.
const ChatPanel = dynamic(() => import('./chat-panel').then((module) => module.ChatPanel));
const ParticipantsPanel = dynamic(() =>
  import('./participants-panel').then((module) => module.ParticipantsPanel),
);

/** The chat or the participants list: a column on wide screens, a full-screen sheet on phones. */
export function SidePanel() {
  const panel = useCallStore((state) => state.openPanel);
  const setOpenPanel = useCallStore((state) => state.actions.setOpenPanel);
  const count = useCallStore((state) => state.participants.size + 1);
  if (!panel) return null;
  const title = panel === 'chat' ? 'Chat' : `People (${count})`;

  return (
    <aside
      aria-label={panel === 'chat' ? 'Chat' : 'People'}
      className="fixed inset-0 z-20 flex flex-col border-surface-border bg-surface-raised md:static md:z-auto md:w-80 md:shrink-0 md:rounded-2xl md:border"
    >
      <header className="flex items-center justify-between border-b border-surface-border py-2 pr-2 pl-4">
        <h2 className="font-semibold">{title}</h2>
        <Button
          variant="ghost"
          size="sm"
          aria-label={`Close ${panel === 'chat' ? 'chat' : 'people'}`}
          onClick={() => setOpenPanel(null)}
        >
          <CloseIcon width={18} height={18} />
        </Button>
      </header>
      {panel === 'chat' ? <ChatPanel /> : <ParticipantsPanel />}
    </aside>
  );
}
