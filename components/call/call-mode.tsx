'use client';

import { useTranslations } from 'next-intl';
import { callModeView, type CallModeView } from '@/lib/call/call-mode';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { cn } from '@/lib/utils';

/** How the call carries media, from the server's word and where this page's media really flows. */
export function useCallModeView(): CallModeView {
  return useCallStore((state) => callModeView(state.roomMode, state.mediaPath));
}

/** In the call's header: which way the call's media goes. */
export function CallModeBadge() {
  const t = useTranslations('callMode');
  const view = useCallModeView();
  return (
    <span
      data-testid="call-mode"
      data-mode={view}
      title={t(`title.${view}`)}
      className={cn(
        'min-w-0 truncate rounded-full px-2 py-0.5 text-xs whitespace-nowrap',
        view === 'peer-to-peer'
          ? 'text-ink-muted ring-1 ring-surface-border'
          : 'bg-accent-soft text-accent',
      )}
    >
      {t(`badge.${view}`)}
    </span>
  );
}

/**
 * At the top of the People panel: which way the call's media goes. Through the media server, the
 * `MediaServerNotice` says it (and why there are no safety codes), so this says nothing then.
 */
export function CallModeNotice() {
  const t = useTranslations('callMode');
  const view = useCallModeView();
  if (view === 'media-server') return null;
  return (
    <p data-testid="call-mode-notice" data-mode={view} className="px-2 pb-1 text-xs text-ink-muted">
      {t(`notice.${view}`)}
    </p>
  );
}
