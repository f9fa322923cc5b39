'use client';

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
        Background blur is not available here. {support.reason}
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
        <span className="font-medium">Blur my background</span>
        <span className="block text-ink-faint" aria-live="polite">
          {blur === 'starting'
            ? 'Starting blur…'
            : 'Done on this device; it uses more processing power.'}
        </span>
      </label>
    </div>
  );
}

const PROCESSING_LABELS: Record<AudioProcessingKey, string> = {
  echoCancellation: 'Echo cancellation',
  noiseSuppression: 'Noise suppression',
  autoGainControl: 'Automatic volume',
};

/** The browser's own microphone processing, each switch applied to the live microphone. */
export function MicrophoneProcessingOptions() {
  // Shown in the lobby too, which paints before the controller's code has loaded.
  const controller = useCallControllerIfLoaded();
  const processing = useCallStore((state) => state.audioProcessing);
  const change = (key: AudioProcessingKey, on: boolean) => {
    const next: AudioProcessing = { ...processing, [key]: on };
    void controller?.setAudioProcessing(next);
  };
  return (
    <fieldset className="grid gap-1">
      <legend className="mb-1 text-xs font-medium text-ink-muted">Microphone processing</legend>
      {AUDIO_PROCESSING_KEYS.map((key) => (
        <ProcessingSwitch
          key={key}
          label={PROCESSING_LABELS[key]}
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
