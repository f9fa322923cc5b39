'use client';

import { lazy, Suspense, useSyncExternalStore } from 'react';
import type { CallRoomProps } from './call-room';
import { LoadingCall } from './loading-call';

// React's own lazy, not next/dynamic: that one's loader adds 1.5 kB gzipped before the lobby.
const CallRoom = lazy(() => import('./call-room').then((module) => ({ default: module.CallRoom })));

const noSubscription = () => () => {};

/**
 * The call page uses browser APIs from its first render (camera, WebSocket, localStorage), so it
 * is rendered only in the browser: the server and the hydrating render show the spinner.
 */
export function CallRoomLoader(props: CallRoomProps) {
  const inBrowser = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  if (!inBrowser) return <LoadingCall />;
  return (
    <Suspense fallback={<LoadingCall />}>
      <CallRoom {...props} />
    </Suspense>
  );
}
