'use client';

import { useTranslations } from 'next-intl';
import { cn } from '@/lib/utils';

/**
 * Marks the person's own tile, row or message. It is an element of its own, drawn unlike any
 * text, so nobody can imitate it by putting "(you)" in their name.
 */
export function YouBadge({ className }: { className?: string }) {
  const t = useTranslations('tile');
  return (
    <span
      data-testid="you-badge"
      className={cn(
        'inline-flex shrink-0 items-center rounded-md bg-accent-strong px-1.5 text-[0.65rem] leading-4 font-bold tracking-wider text-white uppercase',
        className,
      )}
    >
      {t('you')}
    </span>
  );
}
