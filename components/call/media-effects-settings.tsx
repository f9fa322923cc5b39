'use client';

import { useTranslations } from 'next-intl';
import { useId, useSyncExternalStore } from 'react';
import {
  AUDIO_PROCESSING_KEYS,
  type AudioProcessing,
  type AudioProcessingKey,
} from '@/lib/media/audio-processing';
import { backgroundBlurSupport } from '@/lib/media/blur/blur-support';
import { useCallControllerIfLoaded } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';

const noSubscription = () => () => {};

/** Blur my background: off by default; hidden, with the reason, where the browser cannot. */
export function BackgroundBlurOption() {
  const t = useTranslations('effects');
  const id = useId();
  // Shown in the lobby too, which paints before the controller's code has loaded.
  const controller = useCallControllerIfLoaded();
  const blur = useCallStore((state) => state.backgroundBlur);
  // Known only in the browser; the server renders nothing here.
  const support = useSyncExternalStore(noSubscription, backgroundBlurSupport, () => null);
  if (!support) return null;
  if (!support.supported) {
    return (
      <p className="text-sm text-ink-faint" data-testid="blur-unavailable">
        {t('blurUnavailable')} {t(`blurMissing.${support.reason}`)}
      </p>
    );
  }
  return (
    <div className="flex items-start gap-3 pt-1">
      <input
        id={id}
        type="checkbox"
        checked={blur !== 'off'}
        disabled={!controller}
        onChange={(event) => void controller?.setBackgroundBlur(event.target.checked)}
        className="mt-1 size-4 accent-accent"
      />
      <label htmlFor={id} className="text-sm">
        <span className="font-medium">{t('blur')}</span>
        <span className="block text-ink-faint" aria-live="polite">
          {blur === 'starting' ? t('blurStarting') : t('blurHint')}
        </span>
      </label>
    </div>
  );
}

/** The browser's own microphone processing, each switch applied to the live microphone. */
export function MicrophoneProcessingOptions() {
  const t = useTranslations('effects');
  // Shown in the lobby too, which paints before the controller's code has loaded.
  const controller = useCallControllerIfLoaded();
  const processing = useCallStore((state) => state.audioProcessing);
  const change = (key: AudioProcessingKey, on: boolean) => {
    const next: AudioProcessing = { ...processing, [key]: on };
    void controller?.setAudioProcessing(next);
  };
  return (
    <fieldset className="grid gap-1">
      <legend className="mb-1 text-xs font-medium text-ink-muted">
        {t('microphoneProcessing')}
      </legend>
      {AUDIO_PROCESSING_KEYS.map((key) => (
        <ProcessingSwitch
          key={key}
          label={t(`processing.${key}`)}
          checked={processing[key]}
          onChange={(on) => change(key, on)}
        />
      ))}
    </fieldset>
  );
}

function ProcessingSwitch({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (on: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="flex items-center gap-3">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        className="size-4 accent-accent"
      />
      <label htmlFor={id} className="text-sm">
        {label}
      </label>
    </div>
  );
}
