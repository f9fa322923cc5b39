'use client';

import { useTranslations } from 'next-intl';
import { Button } from '@/components/ui/button';
import { transferFinished, type TransferView } from '@/lib/files/file-transfers';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

/** Files being sent and received, each with its progress and what can be done with it. */
export function FileTransfersList() {
  const t = useTranslations('files');
  const transfers = useCallStore((state) => state.transfers);
  if (transfers.length === 0) return null;
  return (
    <section
      aria-label={t('transfers')}
      className="fixed right-3 bottom-24 z-20 flex max-h-[50vh] w-80 max-w-[calc(100vw-1.5rem)] flex-col gap-2 overflow-y-auto"
    >
      {transfers.map((transfer) => (
        <TransferRow key={transfer.id} transfer={transfer} />
      ))}
    </section>
  );
}

function TransferRow({ transfer }: { transfer: TransferView }) {
  const t = useTranslations('files');
  const controller = useCallController();
  const known = useCallStore((state) => state.participants.get(transfer.peerId)?.name);
  const person = known ?? t('someoneWhoLeft');
  const { id, direction, name, status } = transfer;
  const finished = transferFinished(status);
  return (
    <article
      aria-label={t(`${direction}Label`, { person, name })}
      data-testid="file-transfer"
      data-direction={direction}
      data-status={status}
      className="flex flex-col gap-2 rounded-xl bg-surface-raised p-3 text-sm shadow-xl ring-1 ring-surface-border"
    >
      <div className="min-w-0">
        <p className="truncate font-medium" title={name}>
          {name}
        </p>
        <p className="text-xs text-ink-muted">
          {t.rich(`${direction}Person`, {
            person,
            em: (chunks) => <span className="break-all">{chunks}</span>,
          })}{' '}
          · {size(transfer.size)}
        </p>
      </div>
      <progress
        aria-label={t('progress', { name })}
        value={transfer.bytes}
        max={Math.max(transfer.size, 1)}
        className="h-2 w-full accent-accent"
      />
      <p role="status" className="text-xs text-ink-muted">
        {t(`status.${status}.${direction}`)}
        {status === 'transferring' &&
          ` · ${Math.floor((transfer.bytes / Math.max(transfer.size, 1)) * 100)} %`}
        {transfer.reason && `: ${t(`reason.${transfer.reason}`)}`}
      </p>
      <div className="flex flex-wrap justify-end gap-2">
        {direction === 'incoming' && status === 'offered' && (
          <>
            <Button size="sm" variant="secondary" onClick={() => controller.declineFile(id)}>
              {t('decline')}
            </Button>
            <Button size="sm" onClick={() => controller.acceptFile(id)}>
              {t('accept')}
            </Button>
          </>
        )}
        {!finished && !(direction === 'incoming' && status === 'offered') && (
          <Button size="sm" variant="secondary" onClick={() => controller.cancelFile(id)}>
            {t('cancel')}
          </Button>
        )}
        {transfer.downloadUrl && (
          // A download only: the bytes are typed application/octet-stream and never opened here.
          <a
            href={transfer.downloadUrl}
            download={name}
            className="inline-flex h-8 items-center rounded-lg bg-accent-strong px-3 font-medium text-white hover:bg-accent-deep"
          >
            {t('save', { name })}
          </a>
        )}
        {finished && (
          <Button size="sm" variant="ghost" onClick={() => controller.dismissFile(id)}>
            {t('dismiss')}
          </Button>
        )}
      </div>
    </article>
  );
}
