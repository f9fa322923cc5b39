'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { CallController } from '@/lib/call/call-controller';
import { createCallStore } from '@/lib/call/call-store';
import { CallControllerContext, CallStoreContext } from '@/lib/hooks/call-context';
import { backgroundBlurSupport } from '@/lib/media/blur/blur-support';
import {
  loadBackgroundBlur,
  loadDisplayName,
  loadAudioProcessing,
  loadMediaPreferences,
  loadRelayOnly,
  loadVideoFill,
} from '@/lib/preferences';

/** What the server says about TURN, without any secret: whether a relay exists, and if it is required. */
export interface RelaySettings {
  available: boolean;
  forced: boolean;
}

/**
 * The call's code (camera, signaling, media links, chat, files…) is most of the page's script,
 * and the lobby draws from the store alone: it is fetched once the lobby has rendered, so the
 * lobby's first paint does not wait for it. A media transport loaded by the controller itself
 * (the SFU's) stays out of both.
 */
const loadCallController = () => import('@/lib/call/create-call-controller');

/**
 * Creates the call page's store at once, and its controller as soon as the controller's code has
 * loaded; runs the controller while mounted. Until then the controller's context holds null.
 */
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
      backgroundBlur: loadBackgroundBlur() && backgroundBlurSupport().supported,
    });
  });
  const [controller, setController] = useState<CallController | null>(null);
  // One controller for the page's life: strict mode runs the effect twice, and a reload's rejoin
  // ticket is read when the controller is made.
  const made = useRef<CallController | null>(null);
  useEffect(() => {
    let stop: (() => void) | null = null;
    let unmounted = false;
    void loadCallController().then(
      ({ createCallController }) => {
        if (unmounted) return;
        const current = (made.current ??= createCallController(
          store,
          window.location,
          signalingPort,
        ));
        setController(current);
        stop = current.start();
      },
      () => {
        // A deploy replaced the chunks, or the network dropped: only a reload can help.
        if (!unmounted) store.getState().actions.setSignaling('unavailable', 'code-load-failed');
      },
    );
    return () => {
      unmounted = true;
      stop?.();
    };
  }, [store, signalingPort]);

  return (
    <CallStoreContext value={store}>
      <CallControllerContext value={controller}>{children}</CallControllerContext>
    </CallStoreContext>
  );
}
