'use client';

import { useLocale, useTranslations } from 'next-intl';
import { useRouter } from 'next/navigation';
import { useId, useTransition } from 'react';
import { LOCALES, LOCALE_NAMES, isLocale, localeCookie } from '@/lib/i18n/locale';
import { cn } from '@/lib/utils';

/**
 * Picks the interface's language. The choice is a cookie the server reads on every request; a
 * refresh re-renders the page in it without a reload, so a call in progress goes on.
 */
export function LanguageSwitcher({ className }: { className?: string }) {
  const t = useTranslations('language');
  const locale = useLocale();
  const router = useRouter();
  const fieldId = useId();
  const [pending, startTransition] = useTransition();

  return (
    <div className={cn('flex items-center gap-2 text-sm', className)}>
      <label htmlFor={fieldId} className="text-ink-muted">
        {t('label')}
      </label>
      <select
        id={fieldId}
        value={locale}
        disabled={pending}
        onChange={(event) => {
          const chosen = event.target.value;
          if (!isLocale(chosen)) return;
          document.cookie = localeCookie(chosen);
          startTransition(() => router.refresh());
        }}
        className="h-9 rounded-lg border border-surface-border bg-surface-raised px-2 text-ink outline-none focus:border-accent"
      >
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LOCALE_NAMES[code]}
          </option>
        ))}
      </select>
    </div>
  );
}
