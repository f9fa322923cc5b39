'use client';

import { useId, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DeviceOption } from '@/lib/media/local-media';
import { VIDEO_QUALITIES, isVideoQuality, qualityLabel } from '@/lib/media/video-quality';
import { saveVideoFill } from '@/lib/preferences';
import { useCallControllerIfLoaded } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { unavailableReason } from './device-access';
import { BackgroundBlurOption, MicrophoneProcessingOptions } from './media-effects-settings';

/**
 * Pickers for camera, microphone, speaker and what to send; the same in the lobby and the call.
 * One per line, so that long device names show whole.
 */
export function DeviceSettings({ withDisplayOptions = false }: { withDisplayOptions?: boolean }) {
  const controller = useCallControllerIfLoaded();
  const devices = useCallStore((state) => state.devices);
  const selected = useCallStore(useShallow((state) => state.selectedDevices));
  const quality = useCallStore((state) => state.quality);
  const cameraAccess = useCallStore((state) => state.cameraAccess);
  const microphoneAccess = useCallStore((state) => state.microphoneAccess);

  return (
    <div className="grid gap-3">
      <DeviceSelect
        label="Camera"
        options={devices.cameras}
        value={selected.camera}
        empty={unavailableReason('camera', cameraAccess) ?? 'No camera found'}
        blocked={cameraAccess === 'denied'}
        onChange={(deviceId) => void controller?.selectCamera(deviceId)}
      />
      <DeviceSelect
        label="Microphone"
        options={devices.microphones}
        value={selected.microphone}
        empty={unavailableReason('microphone', microphoneAccess) ?? 'No microphone found'}
        blocked={microphoneAccess === 'denied'}
        onChange={(deviceId) => void controller?.selectMicrophone(deviceId)}
      />
      {devices.speakers.length > 0 && (
        <DeviceSelect
          label="Speaker"
          options={devices.speakers}
          value={selected.speaker}
          empty="No speaker found"
          onChange={(deviceId) => controller?.selectSpeaker(deviceId)}
        />
      )}
      <Field label="Video">
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
                {qualityLabel(option)}
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
        <span className="font-medium">Fill the tiles</span>
        <span className="block text-ink-faint">Bigger pictures, but the edges are cut off.</span>
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
  value,
  empty,
  blocked = false,
  onChange,
}: {
  label: string;
  options: DeviceOption[];
  value: string | null;
  /** What the picker says when there is nothing to pick, and why. */
  empty: string;
  /** The browser refuses this kind of device: there is nothing to pick until it allows it. */
  blocked?: boolean;
  onChange: (deviceId: string) => void;
}) {
  const options = blocked ? [] : listed;
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
