'use client';

import { useTranslations } from 'next-intl';
import { useId, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DeviceOption } from '@/lib/media/local-media';
import { VIDEO_QUALITIES, isVideoQuality } from '@/lib/media/video-quality';
import { saveVideoFill } from '@/lib/preferences';
import { useCallControllerIfLoaded } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { useDeviceAccessText } from './device-access';
import { BackgroundBlurOption, MicrophoneProcessingOptions } from './media-effects-settings';

/**
 * Pickers for camera, microphone, speaker and what to send; the same in the lobby and the call.
 * One per line, so that long device names show whole.
 */
export function DeviceSettings({ withDisplayOptions = false }: { withDisplayOptions?: boolean }) {
  const t = useTranslations('devices');
  const { unavailableReason } = useDeviceAccessText();
  const controller = useCallControllerIfLoaded();
  const devices = useCallStore((state) => state.devices);
  const selected = useCallStore(useShallow((state) => state.selectedDevices));
  const quality = useCallStore((state) => state.quality);
  const cameraAccess = useCallStore((state) => state.cameraAccess);
  const microphoneAccess = useCallStore((state) => state.microphoneAccess);

  return (
    <div className="grid gap-3">
      <DeviceSelect
        label={t('name.camera')}
        options={devices.cameras}
        unnamed={(number) => t('unnamed.camera', { number })}
        value={selected.camera}
        empty={unavailableReason('camera', cameraAccess) ?? t('missing.camera')}
        blocked={cameraAccess === 'denied'}
        onChange={(deviceId) => void controller?.selectCamera(deviceId)}
      />
      <DeviceSelect
        label={t('name.microphone')}
        options={devices.microphones}
        unnamed={(number) => t('unnamed.microphone', { number })}
        value={selected.microphone}
        empty={unavailableReason('microphone', microphoneAccess) ?? t('missing.microphone')}
        blocked={microphoneAccess === 'denied'}
        onChange={(deviceId) => void controller?.selectMicrophone(deviceId)}
      />
      {devices.speakers.length > 0 && (
        <DeviceSelect
          label={t('name.speaker')}
          options={devices.speakers}
          unnamed={(number) => t('unnamed.speaker', { number })}
          value={selected.speaker}
          empty={t('missing.speaker')}
          onChange={(deviceId) => controller?.selectSpeaker(deviceId)}
        />
      )}
      <Field label={t('video')}>
        {(id) => (
          <select
            id={id}
            value={quality}
            onChange={(event) => {
              if (isVideoQuality(event.target.value))
                void controller?.setQuality(event.target.value);
            }}
            className={SELECT_CLASS}
          >
            {VIDEO_QUALITIES.map((option) => (
              <option key={option} value={option}>
                {t(`quality.${option}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <BackgroundBlurOption />
      <MicrophoneProcessingOptions />
      {withDisplayOptions && <FillOption />}
    </div>
  );
}

/** Whole pictures (the default) or pictures cropped to fill their tiles. */
function FillOption() {
  const t = useTranslations('devices');
  const id = useId();
  const fill = useCallStore((state) => state.videoFit === 'fill');
  const setVideoFit = useCallStore((state) => state.actions.setVideoFit);
  return (
    <div className="flex items-start gap-3 pt-1">
      <input
        id={id}
        type="checkbox"
        checked={fill}
        onChange={(event) => {
          setVideoFit(event.target.checked ? 'fill' : 'fit');
          saveVideoFill(event.target.checked);
        }}
        className="mt-1 size-4 accent-accent"
      />
      <label htmlFor={id} className="text-sm">
        <span className="font-medium">{t('fill')}</span>
        <span className="block text-ink-faint">{t('fillHint')}</span>
      </label>
    </div>
  );
}

const SELECT_CLASS =
  'bg-surface-raised border-surface-border focus:border-accent h-10 w-full min-w-0 rounded-lg border px-2 text-sm disabled:opacity-70';

function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-ink-muted">
        {label}
      </label>
      {children(id)}
    </div>
  );
}

function DeviceSelect({
  label,
  options: listed,
  unnamed,
  value,
  empty,
  blocked = false,
  onChange,
}: {
  label: string;
  options: DeviceOption[];
  /** What a device whose name the browser hides is called: its place in the list. */
  unnamed: (number: number) => string;
  value: string | null;
  /** What the picker says when there is nothing to pick, and why. */
  empty: string;
  /** The browser refuses this kind of device: there is nothing to pick until it allows it. */
  blocked?: boolean;
  onChange: (deviceId: string) => void;
}) {
  const options = (blocked ? [] : listed).map((option, index) => ({
    deviceId: option.deviceId,
    label: option.label || unnamed(index + 1),
  }));
  const current = options.some((option) => option.deviceId === value)
    ? value
    : (options[0]?.deviceId ?? '');
  const currentLabel = options.find((option) => option.deviceId === current)?.label ?? empty;
  return (
    <Field label={label}>
      {(id) => (
        <select
          id={id}
          value={current ?? ''}
          disabled={options.length === 0}
          // A name too long for the box still shows whole on hover.
          title={currentLabel}
          onChange={(event) => onChange(event.target.value)}
          className={SELECT_CLASS}
        >
          {options.length === 0 && <option value="">{empty}</option>}
          {options.map((option) => (
            <option key={option.deviceId} value={option.deviceId}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
