'use client';

import { useTranslations } from 'next-intl';
import { Button } from '@/components/ui/button';
import { useCallController } from '@/lib/hooks/use-call-controller';

const LEAVE_DIALOG_ID = 'leave-dialog';

/** Asks before leaving by keyboard: a stray Shift+L (a capital L while typing) must not end the call. */
export function openLeaveDialog(): void {
  const dialog = document.getElementById(LEAVE_DIALOG_ID);
  if (dialog instanceof HTMLDialogElement && !dialog.open) dialog.showModal();
}

export function LeaveDialog() {
  const t = useTranslations('leave');
  const controller = useCallController();
  return (
    <dialog
      id={LEAVE_DIALOG_ID}
      aria-labelledby={`${LEAVE_DIALOG_ID}-title`}
      className="m-auto w-80 max-w-[calc(100vw-2rem)] rounded-2xl bg-surface-raised p-5 text-ink shadow-2xl ring-1 ring-surface-border backdrop:bg-black/60"
    >
      <form method="dialog" className="flex flex-col gap-4">
        <h2 id={`${LEAVE_DIALOG_ID}-title`} className="text-lg font-semibold">
          {t('question')}
        </h2>
        <div className="flex justify-end gap-2">
          {/* Stay comes first, so the dialog gives it the focus as it opens (without `autoFocus`,
              which focuses it as the call view mounts, forcing a layout there): Enter or Space
              typed by accident does not leave. */}
          <Button type="submit" variant="secondary">
            {t('stay')}
          </Button>
          <Button
            type="button"
            variant="danger"
            onClick={(event) => {
              event.currentTarget.closest('dialog')?.close();
              controller.leave();
            }}
          >
            {t('leave')}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
