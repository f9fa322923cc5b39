'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { SpinnerIcon } from '@/components/ui/icons';
import {
  CHECK_TITLES,
  runConnectionCheck,
  type CheckId,
  type CheckResult,
  type CheckStatus,
} from '@/lib/check/connection-check';
import { summarizeCheck } from '@/lib/check/check-summary';
import { signalingUrl } from '@/lib/signaling/signaling-client';
import { cn } from '@/lib/utils';
import { VideoElement } from '@/components/call/video-element';

const ORDER = Object.keys(CHECK_TITLES) as CheckId[];

const STATUS_STYLE: Record<CheckStatus, { dot: string; label: string }> = {
  waiting: { dot: 'bg-surface-border', label: 'Not checked yet' },
  running: { dot: 'bg-accent motion-safe:animate-pulse', label: 'Checking' },
  pass: { dot: 'bg-success', label: 'Works' },
  warn: { dot: 'bg-warning', label: 'Works, with a caveat' },
  fail: { dot: 'bg-danger', label: 'Does not work' },
  skipped: { dot: 'bg-ink-faint', label: 'Not set up here' },
};

const SUMMARY_STYLE = {
  pass: 'bg-success/10 text-success',
  warn: 'bg-warning/10 text-warning',
  fail: 'bg-danger-soft text-danger',
} as const;

/** /check in the browser: runs the self-test on request and shows each verdict in plain words. */
export function ConnectionCheckView({ signalingPort }: { signalingPort: number | null }) {
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
        <h1 className="text-2xl font-semibold tracking-tight">Check your connection</h1>
        <p className="mt-1 text-ink-muted">
          This tries your camera, your microphone and the ways a call can reach the other people,
          then tells you what works. It takes about fifteen seconds.
        </p>
      </div>
      <div className="flex items-center gap-3">
        <Button size="lg" onClick={start} disabled={running}>
          {running && <SpinnerIcon />}
          {running ? 'Checking…' : finished ? 'Check again' : 'Start the check'}
        </Button>
        <Link
          href="/"
          className="text-sm text-ink-muted underline underline-offset-2 hover:text-ink"
        >
          Back to home
        </Link>
      </div>

      {summary && (
        <div
          role="status"
          data-testid="check-summary"
          data-tone={summary.tone}
          className={cn('rounded-xl px-4 py-3 text-sm', SUMMARY_STYLE[summary.tone])}
        >
          <p className="font-medium">{summary.headline}</p>
          {summary.detail && <p className="mt-1 text-ink-muted">{summary.detail}</p>}
        </div>
      )}

      <ol aria-label="Check results" className="flex flex-col gap-2">
        {ORDER.map((id) => {
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
                aria-label={STATUS_STYLE[status].label}
                className={cn('mt-1.5 size-3 shrink-0 rounded-full', STATUS_STYLE[status].dot)}
              />
              <div className="min-w-0 flex-1">
                <h2 className="font-medium">{CHECK_TITLES[id]}</h2>
                <p className="text-sm text-ink-muted">{result?.detail ?? 'Waiting…'}</p>
                {id === 'camera' && camera && (
                  <VideoElement
                    stream={camera}
                    className="mt-3 aspect-video w-48 rounded-lg object-cover"
                  />
                )}
              </div>
            </li>
          );
        })}
      </ol>
    </main>
  );
}
