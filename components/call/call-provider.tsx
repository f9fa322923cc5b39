'use client';

import { useEffect, useState, type ReactNode } from 'react';
import { CallController } from '@/lib/call/call-controller';
import { createCallStore } from '@/lib/call/call-store';
import { CallControllerContext, CallStoreContext } from '@/lib/hooks/call-context';
import {
  loadDisplayName,
  loadAudioProcessing,
  loadMediaPreferences,
  loadRelayOnly,
  loadVideoFill,
} from '@/lib/preferences';
import { signalingUrl } from '@/lib/signaling/signaling-client';

/** What the server says about TURN, without any secret: whether a relay exists, and if it is required. */
export interface RelaySettings {
  available: boolean;
  forced: boolean;
}

/** Creates the call page's store and controller once, and runs the controller while mounted. */
export function CallProvider({
  roomId,
  relay,
  signalingPort,
  children,
}: {
  roomId: string;
  relay: RelaySettings;
  signalingPort: number | null;
  children: ReactNode;
}) {
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
      relayOnly: loadRelayOnly(),
      relay,
      videoFit: loadVideoFill() ? 'fill' : 'fit',
      audioProcessing: loadAudioProcessing(),
    });
  });
  const [controller] = useState(
    () =>
      new CallController(store, {
        signalingUrl: signalingUrl(window.location, signalingPort),
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
