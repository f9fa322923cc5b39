'use client';

import { useTranslations } from 'next-intl';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { linkQuality, type LinkQuality } from '@/lib/stats/link-quality';
import { cn } from '@/lib/utils';

const BAR_COLOUR: Record<LinkQuality, string> = {
  good: 'bg-success',
  fair: 'bg-warning',
  poor: 'bg-danger',
  unknown: 'bg-ink-faint',
};

const LIT_BARS: Record<LinkQuality, number> = { good: 3, fair: 2, poor: 1, unknown: 0 };

/** Signal bars for one person's link; a button that opens their connection figures. */
export function LinkQualityButton({ peerId, name }: { peerId: string; name: string }) {
  const t = useTranslations('stats');
  const quality = useCallStore((state) => linkQuality(state.linkStats.get(peerId) ?? null));
  const showStats = useCallStore((state) => state.actions.showStats);
  return (
    <button
      type="button"
      data-testid="link-quality"
      data-quality={quality}
      aria-label={t('qualityButton', { name, quality: t(`quality.${quality}`) })}
      title={t('qualityTitle', { quality: t(`quality.${quality}`) })}
      onClick={() => showStats(peerId)}
      className="flex h-7 items-end gap-0.5 rounded-lg bg-black/55 px-1.5 pb-1.5 backdrop-blur-sm hover:bg-black/75"
    >
      {[1, 2, 3].map((bar) => (
        <span
          key={bar}
          aria-hidden="true"
          style={{ height: `${bar * 4}px` }}
          className={cn(
            'w-1 rounded-sm',
            bar <= LIT_BARS[quality] ? BAR_COLOUR[quality] : 'bg-white/30',
          )}
        />
      ))}
    </button>
  );
}
