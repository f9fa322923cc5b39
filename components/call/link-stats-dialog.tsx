'use client';

import { useTranslations } from 'next-intl';
import { useLayoutEffect, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { linkQuality } from '@/lib/stats/link-quality';
import type { LinkFigures } from '@/lib/stats/link-stats';

function bitrate(bps: number | null): string {
  if (bps === null) return '—';
  return bps >= 1_000_000
    ? `${(bps / 1_000_000).toFixed(2)} Mbit/s`
    : `${Math.round(bps / 1000)} kbit/s`;
}

function bytes(count: number): string {
  return count >= 1_000_000
    ? `${(count / 1_000_000).toFixed(2)} MB`
    : `${Math.round(count / 1000)} kB`;
}

type RowKey =
  | 'rtt'
  | 'bitrate-in'
  | 'bitrate-out'
  | 'packet-loss'
  | 'jitter'
  | 'fps'
  | 'resolution'
  | 'codec'
  | 'route'
  | 'received'
  | 'sent';

function rows(
  figures: LinkFigures | undefined,
  route: (candidate: NonNullable<LinkFigures['localCandidate']>) => string,
): [RowKey, string][] {
  const show = (value: string | number | null | undefined, unit = '') =>
    value === null || value === undefined ? '—' : `${value}${unit}`;
  return [
    ['rtt', show(figures?.roundTripMs, ' ms')],
    ['bitrate-in', bitrate(figures?.bitrateInBps ?? null)],
    ['bitrate-out', bitrate(figures?.bitrateOutBps ?? null)],
    [
      'packet-loss',
      figures?.packetLoss === null || figures === undefined
        ? '—'
        : `${(figures.packetLoss * 100).toFixed(1)} %`,
    ],
    ['jitter', show(figures?.jitterMs, ' ms')],
    ['fps', show(figures?.framesPerSecond, ' fps')],
    ['resolution', show(figures?.resolution)],
    ['codec', show(figures?.codec)],
    ['route', figures?.localCandidate ? route(figures.localCandidate) : '—'],
    ['received', figures ? bytes(figures.bytesReceived) : '—'],
    ['sent', figures ? bytes(figures.bytesSent) : '—'],
  ];
}

/** The connection figures of one person's link, opened from their tile. */
export function LinkStatsDialog() {
  const t = useTranslations('stats');
  const dialogRef = useRef<HTMLDialogElement>(null);
  const peerId = useCallStore((state) => state.statsPeerId);
  const name = useCallStore((state) =>
    state.statsPeerId ? (state.participants.get(state.statsPeerId)?.name ?? '') : '',
  );
  const figures = useCallStore((state) =>
    state.statsPeerId ? state.linkStats.get(state.statsPeerId) : undefined,
  );
  const showStats = useCallStore((state) => state.actions.showStats);

  // Before paint: the form goes with `peerId`, and an open dialog without it is an empty box.
  useLayoutEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (peerId && !dialog.open) dialog.showModal();
    else if (!peerId && dialog.open) dialog.close();
  }, [peerId]);

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby="link-stats-title"
      data-testid="link-stats"
      onClose={() => showStats(null)}
      className="m-auto w-96 max-w-[calc(100vw-2rem)] rounded-2xl bg-surface-raised p-5 text-ink shadow-2xl ring-1 ring-surface-border backdrop:bg-black/60"
    >
      {/* Rendered only while open, not with the call view, whose first render holds back a
          newcomer's offers. The dialog focuses Close, its one button, as it opens. */}
      {peerId && (
        <form method="dialog" className="flex flex-col gap-4">
          <h2 id="link-stats-title" className="text-lg font-semibold">
            {t.rich('title', {
              name,
              em: (chunks) => <span className="break-all">{chunks}</span>,
            })}
          </h2>
          <p className="text-sm text-ink-muted">
            {t('summary', { quality: t(`quality.${linkQuality(figures ?? null)}`) })}
          </p>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            {rows(figures, (candidate) => t(`route.${candidate}`)).map(([key, value]) => (
              <div key={key} className="contents">
                <dt className="text-ink-muted">{t(`row.${key}`)}</dt>
                <dd data-stat={key} className="tabular-nums">
                  {value}
                </dd>
              </div>
            ))}
          </dl>
          <div className="flex justify-end">
            <Button type="submit" variant="secondary">
              {t('close')}
            </Button>
          </div>
        </form>
      )}
    </dialog>
  );
}
