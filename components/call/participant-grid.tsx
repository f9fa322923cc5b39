'use client';

import { useShallow } from 'zustand/react/shallow';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { useMediaStream } from '@/lib/hooks/use-media-stream';
import { cn } from '@/lib/utils';
import { CopyLinkButton } from './copy-link-button';
import { VideoTile } from './video-tile';

/** Columns for n tiles: stacked on a phone, up to three across on a wide screen. */
function gridColumns(count: number): string {
  if (count <= 1) return 'grid-cols-1';
  if (count === 2) return 'grid-cols-1 sm:grid-cols-2';
  if (count <= 4) return 'grid-cols-1 min-[480px]:grid-cols-2';
  return 'grid-cols-2 lg:grid-cols-3';
}

export function ParticipantGrid() {
  const peerIds = useCallStore(useShallow((state) => [...state.participants.keys()]));
  const alone = peerIds.length === 0;
  const tileCount = alone ? 2 : peerIds.length + 1;

  return (
    <div
      data-testid="participant-grid"
      className={cn('grid size-full auto-rows-fr gap-3', gridColumns(tileCount))}
    >
      <LocalTile />
      {alone ? (
        <WaitingCard />
      ) : (
        peerIds.map((peerId) => <RemoteTile key={peerId} peerId={peerId} />)
      )}
    </div>
  );
}

function LocalTile() {
  const name = useCallStore((state) => state.displayName);
  const videoOn = useCallStore((state) => state.cameraOn && state.cameraAccess === 'granted');
  const audioOn = useCallStore(
    (state) => state.microphoneOn && state.microphoneAccess === 'granted',
  );
  const stream = useMediaStream('local');
  return <VideoTile name={name} stream={stream} videoOn={videoOn} audioOn={audioOn} />;
}

function RemoteTile({ peerId }: { peerId: string }) {
  const participant = useCallStore((state) => state.participants.get(peerId));
  const stream = useMediaStream(`camera:${peerId}`);
  if (!participant) return null;
  return (
    <VideoTile
      peerId={peerId}
      name={participant.name}
      stream={stream}
      videoOn={participant.media.video}
      audioOn={participant.media.audio}
      link={participant.link}
      speaking={participant.speaking}
    />
  );
}

function WaitingCard() {
  return (
    <section
      aria-label="Waiting for others"
      className="flex flex-col items-center justify-center gap-4 rounded-2xl border border-dashed border-surface-border p-6 text-center"
    >
      <div>
        <h2 className="text-lg font-semibold">Waiting for others to join</h2>
        <p className="mt-1 text-sm text-ink-muted">
          Send this call&apos;s link to the people you want to talk to.
        </p>
      </div>
      <CopyLinkButton size="lg" />
    </section>
  );
}
