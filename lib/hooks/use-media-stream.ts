import { useSyncExternalStore } from 'react';
import type { MediaKey } from '../call/media-registry';
import { useCallController } from './use-call-controller';

/** The stream to render for `key`, or null; re-renders when it changes. */
export function useMediaStream(key: MediaKey): MediaStream | null {
  const { media } = useCallController();
  return useSyncExternalStore(
    media.subscribe,
    () => media.get(key),
    () => null,
  );
}
