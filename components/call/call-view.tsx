'use client';

import { useShallow } from 'zustand/react/shallow';
import { UsersIcon } from '@/components/ui/icons';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { CallControls } from './call-controls';
import { CopyLinkButton } from './copy-link-button';
import { ParticipantGrid } from './participant-grid';
import { RemoteAudio } from './remote-audio';
import { SignalingNotice } from './signaling-notice';

/** The call itself: everyone's tiles, the controls, and everyone's sound. */
export function CallView() {
  const roomId = useCallStore((state) => state.roomId);
  const peerIds = useCallStore(useShallow((state) => [...state.participants.keys()]));

  return (
    <div className="flex h-dvh flex-col">
      <header className="flex items-center justify-between gap-3 px-3 pt-3 sm:px-4">
        <div className="flex min-w-0 items-center gap-3">
          <span className="truncate font-mono text-sm text-ink-muted">{roomId}</span>
          <span
            className="flex items-center gap-1 text-sm text-ink-muted"
            aria-label={`${peerIds.length + 1} in the call`}
          >
            <UsersIcon width={16} height={16} />
            {peerIds.length + 1}
          </span>
        </div>
        {peerIds.length > 0 && <CopyLinkButton size="sm" />}
      </header>
      <SignalingNotice className="mx-3 mt-3 sm:mx-4" />
      <main className="min-h-0 flex-1 p-3 sm:px-4">
        <ParticipantGrid />
      </main>
      <CallControls />
      {peerIds.map((peerId) => (
        <RemoteAudio key={peerId} peerId={peerId} />
      ))}
    </div>
  );
}
