'use client';

import { Button } from '@/components/ui/button';
import { CameraIcon, CameraOffIcon, MicIcon, MicOffIcon } from '@/components/ui/icons';
import type { DeviceAccess } from '@/lib/call/call-store';
import { useCallController } from '@/lib/hooks/use-call-controller';
import { useCallStore } from '@/lib/hooks/use-call-store';

const usable = (access: DeviceAccess) => access === 'granted' || access === 'pending';

/** Microphone and camera switches, shared by the lobby and the call. */
export function MediaToggles() {
  const controller = useCallController();
  const microphoneOn = useCallStore(
    (state) => state.microphoneOn && usable(state.microphoneAccess),
  );
  const cameraOn = useCallStore((state) => state.cameraOn && usable(state.cameraAccess));
  const microphoneUsable = useCallStore((state) => usable(state.microphoneAccess));
  const cameraUsable = useCallStore((state) => usable(state.cameraAccess));

  return (
    <>
      <Button
        size="icon"
        variant={microphoneOn ? 'secondary' : 'off'}
        aria-pressed={microphoneOn}
        aria-label="Microphone"
        title={microphoneOn ? 'Turn off microphone' : 'Turn on microphone'}
        disabled={!microphoneUsable}
        onClick={() => controller.toggleMicrophone()}
      >
        {microphoneOn ? <MicIcon /> : <MicOffIcon />}
      </Button>
      <Button
        size="icon"
        variant={cameraOn ? 'secondary' : 'off'}
        aria-pressed={cameraOn}
        aria-label="Camera"
        title={cameraOn ? 'Turn off camera' : 'Turn on camera'}
        disabled={!cameraUsable}
        onClick={() => void controller.toggleCamera()}
      >
        {cameraOn ? <CameraIcon /> : <CameraOffIcon />}
      </Button>
    </>
  );
}
