'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Button } from '@/components/ui/button';
import { callModeView } from '@/lib/call/call-mode';
import { MAX_FILE_BYTES } from '@/lib/control/control-message';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';

const SEND_FILE_DIALOG_ID = 'send-file-dialog';
const LIMIT_MB = MAX_FILE_BYTES / 1024 / 1024;

/** Opens the dialog, with `files` (dropped on the call) already picked. */
export function openSendFileDialog(files?: FileList): void {
  const dialog = document.getElementById(SEND_FILE_DIALOG_ID);
  if (!(dialog instanceof HTMLDialogElement)) return;
  const input = dialog.querySelector<HTMLInputElement>('input[type="file"]');
  if (files && files.length > 0 && input) input.files = files;
  if (!dialog.open) dialog.showModal();
}

/** Picks a file and who gets it: everyone, or one person. */
export function SendFileDialog() {
  const t = useTranslations('files');
  const controller = useCallController();
  const participants = useCallStore(useShallow((state) => [...state.participants.values()]));
  const mode = useCallStore((state) => callModeView(state.roomMode, state.mediaPath));
  const [problem, setProblem] = useState<'pick' | 'too-big' | 'no-one' | null>(null);
  // A file needs a direct link between two browsers: through the media server there is none.
  const blocked = mode === 'media-server';

  return (
    <dialog
      id={SEND_FILE_DIALOG_ID}
      aria-labelledby={`${SEND_FILE_DIALOG_ID}-title`}
      onClose={() => setProblem(null)}
      className="m-auto w-96 max-w-[calc(100vw-2rem)] rounded-2xl bg-surface-raised p-5 text-ink shadow-2xl ring-1 ring-surface-border backdrop:bg-black/60"
    >
      <form
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const data = new FormData(form);
          const file = data.get('file');
          if (blocked) return;
          if (!(file instanceof File) || file.name === '') return setProblem('pick');
          const to = String(data.get('to') ?? '');
          const refused = controller.sendFile(file, to === '' ? null : to);
          if (refused) return setProblem(refused);
          form.reset();
          form.closest('dialog')?.close();
        }}
      >
        <h2 id={`${SEND_FILE_DIALOG_ID}-title`} className="text-lg font-semibold">
          {t('title')}
        </h2>
        <p className="text-sm text-ink-muted">{t('intro', { limit: LIMIT_MB })}</p>
        {mode !== 'peer-to-peer' && (
          <p data-testid="file-mode-note" data-mode={mode} className="text-sm text-ink">
            {blocked ? t('modeNote.mediaServer') : t('modeNote.moving')}
          </p>
        )}
        <label className="flex flex-col gap-1 text-sm">
          {t('file')}
          <input name="file" type="file" className="text-sm" disabled={blocked} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          {t('to')}
          <select
            name="to"
            className="h-10 rounded-lg bg-surface-overlay px-2 text-ink ring-1 ring-surface-border"
          >
            <option value="">{t('everyone')}</option>
            {participants.map(({ peerId, name }) => (
              <option key={peerId} value={peerId}>
                {name}
              </option>
            ))}
          </select>
        </label>
        {problem && (
          <p role="alert" className="text-sm text-danger">
            {t(`problem.${problem}`, { limit: LIMIT_MB })}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <Button
            variant="secondary"
            onClick={(event) => event.currentTarget.closest('dialog')?.close()}
          >
            {t('cancel')}
          </Button>
          <Button type="submit" disabled={blocked}>
            {t('send')}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
