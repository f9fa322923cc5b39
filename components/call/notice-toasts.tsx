'use client';

import { useTranslations } from 'next-intl';
import { useEffect } from 'react';
import { useCallStore } from '@/lib/hooks/use-call-store';

const NOTICE_LIFETIME_MS = 7_000;

/** Short-lived messages about the call, read out by screen readers as they appear. */
export function NoticeToasts() {
  const t = useTranslations('notices');
  const notices = useCallStore((state) => state.notices);
  const dismiss = useCallStore((state) => state.actions.dismissNotice);
  const oldest = notices[0];

  useEffect(() => {
    if (!oldest) return;
    const timer = setTimeout(() => dismiss(oldest.id), NOTICE_LIFETIME_MS);
    return () => clearTimeout(timer);
  }, [oldest, dismiss]);

  return (
    <div
      role="status"
      aria-live="polite"
      className="pointer-events-none fixed inset-x-0 top-16 z-30 flex flex-col items-center gap-2 px-4"
    >
      {notices.map((notice) => (
        <p
          key={notice.id}
          data-testid="notice"
          className="pointer-events-auto max-w-md rounded-xl bg-surface-overlay px-4 py-2 text-sm shadow-lg ring-1 ring-surface-border"
        >
          {t(notice.text.key, notice.text.values)}
        </p>
      ))}
    </div>
  );
}
