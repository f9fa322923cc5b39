'use client';

import { useTranslations } from 'next-intl';
import { Button } from '@/components/ui/button';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';

/**
 * One remote person's safety code, under their row in the People panel: the words to read aloud,
 * a mark of verification remembered for their certificate, and a warning when someone of their
 * name comes with another certificate than the one verified.
 */
export function SafetyCode({ peerId, name }: { peerId: string; name: string }) {
  const view = useCallStore((state) => state.safetyCodes.get(peerId));
  const t = useTranslations('safety');
  // Through a media server, which decrypts the media, a code would prove nothing.
  const mediaServer = useCallStore((state) => state.mediaPath === 'media-server');
  const controller = useCallController();
  // An empty name (nothing visible in it) reads as "them".
  const who = name || t('them');
  if (!view || mediaServer) return null;
  const verified = view.status.kind === 'verified';
  const words = view.words.join(' ');

  return (
    <div
      data-testid="safety-code"
      data-peer-name={name}
      data-code={words}
      data-trust={view.status.kind}
      className="mt-2 space-y-2 rounded-lg border border-surface-border p-2 text-xs"
    >
      {view.status.kind === 'changed' && (
        <p role="alert" className="rounded-md bg-danger-soft p-2 text-danger">
          {t('changed', { who, verifiedName: view.status.name })}
        </p>
      )}
      <p className="text-ink-muted">{t('readAloud', { who })}</p>
      <p aria-label={t('codeWith', { who })} className="font-mono text-sm break-words text-ink">
        {words}
      </p>
      <div className="flex items-center gap-2">
        <Button
          size="sm"
          variant={verified ? 'secondary' : 'ghost'}
          aria-pressed={verified}
          onClick={() => controller.setVerified(peerId, !verified)}
        >
          {verified ? t('verified', { who }) : t('markVerified', { who })}
        </Button>
      </div>
    </div>
  );
}

/** Said once, at the top of the People panel, when media goes through a server. */
export function MediaServerNotice() {
  const t = useTranslations('safety');
  const mediaPath = useCallStore((state) => state.mediaPath);
  if (mediaPath !== 'media-server') return null;
  return (
    <p data-testid="media-server-notice" className="px-2 pb-1 text-xs text-ink-muted">
      {t('mediaServer')}
    </p>
  );
}
