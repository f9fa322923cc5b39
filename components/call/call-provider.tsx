'use client';

import { useEffect, useState, type ReactNode } from 'react';
import { CallController } from '@/lib/call/call-controller';
import { createCallStore } from '@/lib/call/call-store';
import { CallControllerContext, CallStoreContext } from '@/lib/hooks/call-context';
import { loadDisplayName, loadMediaPreferences } from '@/lib/preferences';

/** Creates the call page's store and controller once, and runs the controller while mounted. */
export function CallProvider({ roomId, children }: { roomId: string; children: ReactNode }) {
  const [store] = useState(() => {
    const preferences = loadMediaPreferences();
    return createCallStore(roomId, {
      displayName: loadDisplayName(),
      quality: preferences.quality,
      selectedDevices: {
        camera: preferences.cameraId,
        microphone: preferences.microphoneId,
        speaker: preferences.speakerId,
      },
    });
  });
  const [controller] = useState(
    () =>
      new CallController(store, {
        signalingUrl: signalingUrl(window.location),
        healthUrl: '/healthz',
      }),
  );
  useEffect(() => controller.start(), [controller]);

  return (
    <CallStoreContext value={store}>
      <CallControllerContext value={controller}>{children}</CallControllerContext>
    </CallStoreContext>
  );
}

function signalingUrl(location: Location): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${location.host}/ws`;
}
