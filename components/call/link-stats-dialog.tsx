'use client';

import { useEffect, useRef } from 'react';
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

const CANDIDATE_TEXT = {
  host: 'direct (host)',
  srflx: 'through NAT (srflx)',
  prflx: 'through NAT (prflx)',
  relay: 'relayed (relay)',
} as const;

function rows(figures: LinkFigures | undefined): [string, string, string][] {
  const show = (value: string | number | null | undefined, unit = '') =>
    value === null || value === undefined ? '—' : `${value}${unit}`;
  return [
    ['rtt', 'Round trip', show(figures?.roundTripMs, ' ms')],
    ['bitrate-in', 'Receiving', bitrate(figures?.bitrateInBps ?? null)],
    ['bitrate-out', 'Sending', bitrate(figures?.bitrateOutBps ?? null)],
    [
      'packet-loss',
      'Packet loss',
      figures?.packetLoss === null || figures === undefined
        ? '—'
        : `${(figures.packetLoss * 100).toFixed(1)} %`,
    ],
    ['jitter', 'Jitter', show(figures?.jitterMs, ' ms')],
    ['fps', 'Frame rate', show(figures?.framesPerSecond, ' fps')],
    ['resolution', 'Resolution', show(figures?.resolution)],
    ['codec', 'Codec', show(figures?.codec)],
    ['route', 'Route', figures?.localCandidate ? CANDIDATE_TEXT[figures.localCandidate] : '—'],
    ['received', 'Received in total', figures ? bytes(figures.bytesReceived) : '—'],
    ['sent', 'Sent in total', figures ? bytes(figures.bytesSent) : '—'],
  ];
}

/** The connection figures of one person's link, opened from their tile. */
export function LinkStatsDialog() {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const peerId = useCallStore((state) => state.statsPeerId);
  const name = useCallStore((state) =>
    state.statsPeerId ? (state.participants.get(state.statsPeerId)?.name ?? '') : '',
  );
  const figures = useCallStore((state) =>
    state.statsPeerId ? state.linkStats.get(state.statsPeerId) : undefined,
  );
  const showStats = useCallStore((state) => state.actions.showStats);

  useEffect(() => {
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
      <form method="dialog" className="flex flex-col gap-4">
        <h2 id="link-stats-title" className="text-lg font-semibold">
          Connection to <span className="break-all">{name}</span>
        </h2>
        <p className="text-sm text-ink-muted">
          Quality: {linkQuality(figures ?? null).replace('unknown', 'not measured yet')}. Figures
          refresh every two seconds.
        </p>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          {rows(figures).map(([key, label, value]) => (
            <div key={key} className="contents">
              <dt className="text-ink-muted">{label}</dt>
              <dd data-stat={key} className="tabular-nums">
                {value}
              </dd>
            </div>
          ))}
        </dl>
        <div className="flex justify-end">
          <Button type="submit" variant="secondary" autoFocus>
            Close
          </Button>
        </div>
      </form>
    </dialog>
  );
}
