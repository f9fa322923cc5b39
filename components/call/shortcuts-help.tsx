'use client';

import { useTranslations } from 'next-intl';
import { Popover } from '@/components/ui/popover';
import { SHORTCUTS } from '@/lib/call/shortcuts';

/** The list of keyboard shortcuts, shown in a popover from the header. */
export function ShortcutsHelp({ id }: { id: string }) {
  const t = useTranslations('shortcuts');
  return (
    <Popover
      id={id}
      aria-label={t('title')}
      className="m-auto w-80 max-w-[calc(100vw-2rem)] rounded-2xl bg-surface-raised p-4 text-ink shadow-2xl ring-1 ring-surface-border backdrop:bg-black/50"
    >
      <h2 className="mb-3 font-semibold">{t('title')}</h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.action} className="contents">
            <dt>
              <kbd className="rounded bg-surface-overlay px-1.5 py-0.5 font-mono text-xs ring-1 ring-surface-border">
                {shortcut.action === 'push-to-talk' ? t('holdSpace') : shortcut.label}
              </kbd>
            </dt>
            <dd className="text-ink-muted">{t(`action.${shortcut.action}`)}</dd>
          </div>
        ))}
      </dl>
    </Popover>
  );
}
