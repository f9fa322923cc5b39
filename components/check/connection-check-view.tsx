'use client';

import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { SpinnerIcon } from '@/components/ui/icons';
import {
  CHECK_ORDER,
  runConnectionCheck,
  type CheckId,
  type CheckResult,
  type CheckStatus,
} from '@/lib/check/connection-check';
import { summarizeCheck } from '@/lib/check/check-summary';
import { signalingUrl } from '@/lib/signaling/signaling-client';
import { cn } from '@/lib/utils';
import { VideoElement } from '@/components/call/video-element';

const STATUS_DOT: Record<CheckStatus, string> = {
  waiting: 'bg-surface-border',
  running: 'bg-accent motion-safe:animate-pulse',
  pass: 'bg-success',
  warn: 'bg-warning',
  fail: 'bg-danger',
  skipped: 'bg-ink-faint',
};

const SUMMARY_STYLE = {
  pass: 'bg-success/10 text-success',
  warn: 'bg-warning/10 text-warning',
  fail: 'bg-danger-soft text-danger',
} as const;

/** /check in the browser: runs the self-test on request and shows each verdict in plain words. */
export function ConnectionCheckView({ signalingPort }: { signalingPort: number | null }) {
  const t = useTranslations('check');
  const [results, setResults] = useState<Partial<Record<CheckId, CheckResult>>>({});
  const [running, setRunning] = useState(false);
  const [finished, setFinished] = useState(false);
  const [camera, setCamera] = useState<MediaStream | null>(null);
  const disposeRef = useRef<(() => void) | null>(null);

  useEffect(() => () => disposeRef.current?.(), []);

  function start() {
    disposeRef.current?.();
    setResults({});
    setCamera(null);
    setFinished(false);
    setRunning(true);
    const check = runConnectionCheck({
      signalingUrl: signalingUrl(window.location, signalingPort),
      onResult: (result) => setResults((current) => ({ ...current, [result.id]: result })),
      onCameraStream: setCamera,
    });
    disposeRef.current = check.dispose;
    void check.done.finally(() => {
      setRunning(false);
      setFinished(true);
    });
  }

  const summary = finished ? summarizeCheck(results) : null;

  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-2xl flex-col gap-6 px-4 py-10">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t('heading')}</h1>
        <p className="mt-1 text-ink-muted">{t('intro')}</p>
      </div>
      <div className="flex items-center gap-3">
        <Button size="lg" onClick={start} disabled={running}>
          {running && <SpinnerIcon />}
          {running ? t('checking') : finished ? t('again') : t('start')}
        </Button>
        <Link
          href="/"
          className="text-sm text-ink-muted underline underline-offset-2 hover:text-ink"
        >
          {t('backHome')}
        </Link>
      </div>

      {summary && (
        <div
          role="status"
          data-testid="check-summary"
          data-tone={summary.tone}
          className={cn('rounded-xl px-4 py-3 text-sm', SUMMARY_STYLE[summary.tone])}
        >
          <p className="font-medium">
            {t(`summary.${summary.headline.key}`, summary.headline.values)}
          </p>
          {summary.details.length > 0 && (
            <p className="mt-1 text-ink-muted">
              {summary.details.map(({ key, values }) => t(`summary.${key}`, values)).join(' ')}
            </p>
          )}
        </div>
      )}

      <ol aria-label={t('results')} className="flex flex-col gap-2">
        {CHECK_ORDER.map((id) => {
          const result = results[id];
          const status = result?.status ?? 'waiting';
          return (
            <li
              key={id}
              data-check={id}
              data-status={status}
              className="flex gap-3 rounded-xl bg-surface-raised p-4 ring-1 ring-surface-border"
            >
              <span
                role="img"
                aria-label={t(`status.${status}`)}
                className={cn('mt-1.5 size-3 shrink-0 rounded-full', STATUS_DOT[status])}
              />
              <div className="min-w-0 flex-1">
                <h2 className="font-medium">{t(`titles.${id}`)}</h2>
                <p className="text-sm text-ink-muted">
                  {result ? t(`detail.${result.detail.key}`, result.detail.values) : t('waiting')}
                </p>
                {id === 'camera' && camera && (
                  <div className="relative mt-3 w-48">
                    <VideoElement
                      stream={camera}
                      className="aspect-video w-full rounded-lg object-cover"
                    />
                  </div>
                )}
              </div>
            </li>
          );
        })}
      </ol>
    </main>
  );
}
