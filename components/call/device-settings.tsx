'use client';

import { useId, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DeviceOption } from '@/lib/media/local-media';
import { VIDEO_QUALITIES, isVideoQuality, qualityLabel } from '@/lib/media/video-quality';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';

/** Pickers for camera, microphone, speaker and what to send; the same in the lobby and the call. */
export function DeviceSettings() {
  const controller = useCallController();
  const devices = useCallStore((state) => state.devices);
  const selected = useCallStore(useShallow((state) => state.selectedDevices));
  const quality = useCallStore((state) => state.quality);

  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <DeviceSelect
        label="Camera"
        options={devices.cameras}
        value={selected.camera}
        onChange={(deviceId) => void controller.selectCamera(deviceId)}
      />
      <Field label="Video">
        {(id) => (
          <select
            id={id}
            value={quality}
            onChange={(event) => {
              if (isVideoQuality(event.target.value))
                void controller.setQuality(event.target.value);
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
      <DeviceSelect
        label="Microphone"
        options={devices.microphones}
        value={selected.microphone}
        onChange={(deviceId) => void controller.selectMicrophone(deviceId)}
      />
      {devices.speakers.length > 0 && (
        <DeviceSelect
          label="Speaker"
          options={devices.speakers}
          value={selected.speaker}
          onChange={(deviceId) => controller.selectSpeaker(deviceId)}
        />
      )}
    </div>
  );
}

const SELECT_CLASS =
  'bg-surface-raised border-surface-border focus:border-accent h-10 w-full min-w-0 rounded-lg border px-2 text-sm outline-none disabled:opacity-50';

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
  options,
  value,
  onChange,
}: {
  label: string;
  options: DeviceOption[];
  value: string | null;
  onChange: (deviceId: string) => void;
}) {
  const current = options.some((option) => option.deviceId === value)
    ? value
    : (options[0]?.deviceId ?? '');
  return (
    <Field label={label}>
      {(id) => (
        <select
          id={id}
          value={current ?? ''}
          disabled={options.length === 0}
          onChange={(event) => onChange(event.target.value)}
          className={SELECT_CLASS}
        >
          {options.length === 0 && <option value="">None found</option>}
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
