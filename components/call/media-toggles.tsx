'use client';

import { useTranslations } from 'next-intl';
import { Button } from '@/components/ui/button';
import { CameraIcon, CameraOffIcon, MicIcon, MicOffIcon } from '@/components/ui/icons';
import type { DeviceAccess } from '@/lib/call/call-store';
import { useCallControllerIfLoaded } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';
import {
  DeviceAccessHelp,
  showDeviceHelp,
  usable,
  useDeviceAccessText,
  type DeviceKind,
} from './device-access';

/**
 * Microphone and camera switches, shared by the lobby and the call. A device the browser blocked
 * (or that is missing) keeps its button: pressing it explains why, instead of doing nothing.
 */
export function MediaToggles({ withShortcuts = false }: { withShortcuts?: boolean }) {
  const controller = useCallControllerIfLoaded();
  const microphoneOn = useCallStore(
    (state) => state.microphoneOn && usable(state.microphoneAccess),
  );
  const cameraOn = useCallStore((state) => state.cameraOn && usable(state.cameraAccess));
  const microphoneAccess = useCallStore((state) => state.microphoneAccess);
  const cameraAccess = useCallStore((state) => state.cameraAccess);

  return (
    <>
      <DeviceToggle
        kind="microphone"
        on={microphoneOn}
        access={microphoneAccess}
        shortcut={withShortcuts ? 'M' : null}
        onToggle={() => controller?.toggleMicrophone()}
      />
      <DeviceToggle
        kind="camera"
        on={cameraOn}
        access={cameraAccess}
        shortcut={withShortcuts ? 'V' : null}
        onToggle={() => void controller?.toggleCamera()}
      />
      <DeviceAccessHelp />
    </>
  );
}

function DeviceToggle({
  kind,
  on,
  access,
  shortcut,
  onToggle,
}: {
  kind: DeviceKind;
  on: boolean;
  access: DeviceAccess;
  shortcut: string | null;
  onToggle(): void;
}) {
  const t = useTranslations('devices');
  const problem = useDeviceAccessText().unavailableReason(kind, access);
  const action = t(`${on ? 'turnOff' : 'turnOn'}.${kind}`);
  const title = problem ?? (shortcut ? t('withShortcut', { action, shortcut }) : action);
  const Icon = kind === 'camera' ? (on ? CameraIcon : CameraOffIcon) : on ? MicIcon : MicOffIcon;
  return (
    <Button
      size="icon"
      variant={on ? 'secondary' : 'off'}
      aria-pressed={on}
      aria-label={t(`name.${kind}`)}
      title={title}
      data-access={access}
      onClick={problem ? showDeviceHelp : onToggle}
      className="relative"
    >
      <Icon />
      {problem && (
        <span
          aria-hidden="true"
          className="absolute -top-0.5 -right-0.5 flex size-5 items-center justify-center rounded-full bg-warning text-xs font-bold text-black"
        >
          !
        </span>
      )}
    </Button>
  );
}
