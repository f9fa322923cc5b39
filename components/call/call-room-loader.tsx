'use client';

import dynamic from 'next/dynamic';
import { SpinnerIcon } from '@/components/ui/icons';
import type { RelaySettings } from './call-provider';

// The call page uses browser APIs from its first render (camera, WebSocket, localStorage), so it
// is rendered only in the browser.
const CallRoom = dynamic(() => import('./call-room').then((module) => module.CallRoom), {
  ssr: false,
  loading: () => (
    <main className="flex min-h-dvh items-center justify-center gap-2 text-ink-muted">
      <SpinnerIcon /> Loading the call…
    </main>
  ),
});

export function CallRoomLoader({
  roomId,
  relay,
  signalingPort,
}: {
  roomId: string;
  relay: RelaySettings;
  /** Where signaling listens when not on the page's own origin (beside plain `next dev`). */
  signalingPort: number | null;
}) {
  return <CallRoom roomId={roomId} relay={relay} signalingPort={signalingPort} />;
}
