import { useSyncExternalStore } from 'react';
import type { MediaKey } from '../call/media-registry';
import { useCallControllerIfLoaded } from './use-call-controller';

const noSubscription = () => () => {};

/** The stream to render for `key`, or null (none yet, or the call still loading); re-renders when it changes. */
export function useMediaStream(key: MediaKey): MediaStream | null {
  const media = useCallControllerIfLoaded()?.media;
  return useSyncExternalStore(
    media?.subscribe ?? noSubscription,
    () => media?.get(key) ?? null,
    () => null,
  );
}
