'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { RecordIcon } from '@/components/ui/icons';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';

function elapsedText(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Seconds since `recording` became true, counted while it lasts. */
function useRecordingSeconds(recording: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!recording) return;
    const startedAt = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - startedAt) / 1000)), 250);
    return () => {
      clearInterval(timer);
      setSeconds(0);
    };
  }, [recording]);
  return recording ? seconds : 0;
}

/** Starts and stops recording the call on this machine; shows for how long it has run. */
export function RecordButton() {
  const t = useTranslations('recording');
  const controller = useCallController();
  const recording = useCallStore((state) => state.recording);
  const pushNotice = useCallStore((state) => state.actions.pushNotice);
  const seconds = useRecordingSeconds(recording);
  return (
    <Button
      size={recording ? 'md' : 'icon'}
      variant={recording ? 'danger' : 'secondary'}
      aria-pressed={recording}
      aria-label={t('record')}
      title={recording ? t('stopTitle') : t('recordTitle')}
      className={recording ? 'h-12 rounded-full' : undefined}
      onClick={() => {
        if (recording) return void controller.stopRecording();
        const refused = controller.startRecording();
        if (refused) pushNotice(refused);
      }}
    >
      <RecordIcon />
      {recording && (
        <span data-testid="recording-elapsed" className="tabular-nums">
          {elapsedText(seconds)}
        </span>
      )}
    </Button>
  );
}

/** The finished recording, offered as a download. */
export function SavedRecordingNotice() {
  const t = useTranslations('recording');
  const controller = useCallController();
  const saved = useCallStore((state) => state.savedRecording);
  if (!saved) return null;
  return (
    <section
      aria-label={t('label')}
      className="fixed bottom-24 left-3 z-20 flex w-80 max-w-[calc(100vw-1.5rem)] flex-col gap-2 rounded-xl bg-surface-raised p-3 text-sm shadow-xl ring-1 ring-surface-border"
    >
      <p>
        {t.rich('ready', {
          length: elapsedText(Math.round(saved.seconds)),
          megabytes: (saved.bytes / 1024 / 1024).toFixed(1),
          em: (chunks) => <span data-testid="recording-length">{chunks}</span>,
        })}
      </p>
      <div className="flex justify-end gap-2">
        <Button size="sm" variant="ghost" onClick={() => controller.dismissRecording()}>
          {t('discard')}
        </Button>
        <a
          href={saved.url}
          download={saved.fileName}
          className="inline-flex h-8 items-center rounded-lg bg-accent-strong px-3 font-medium text-white hover:bg-accent-deep"
        >
          {t('save')}
        </a>
      </div>
    </section>
  );
}

/** On a tile: this person is recording the call. */
export function RecordingMark({ label }: { label: string }) {
  return (
    <span
      role="img"
      data-testid="recording-mark"
      aria-label={label}
      title={label}
      className="flex h-7 items-center gap-1 rounded-lg bg-danger-strong px-2 text-xs font-semibold text-white"
    >
      <span aria-hidden="true" className="size-2 rounded-full bg-white" />
      REC
    </span>
  );
}
