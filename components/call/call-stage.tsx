'use client';

import { useShallow } from 'zustand/react/shallow';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { useMediaStream } from '@/lib/hooks/use-media-stream';
import { cn } from '@/lib/utils';
import { CopyLinkButton } from './copy-link-button';
import { ScreenTile, VideoTile } from './video-tile';

/** Columns for n tiles: stacked on a phone, up to three across on a wide screen. */
function gridColumns(count: number): string {
  if (count <= 1) return 'grid-cols-1';
  if (count === 2) return 'grid-cols-1 sm:grid-cols-2';
  if (count <= 4) return 'grid-cols-1 min-[480px]:grid-cols-2';
  return 'grid-cols-2 lg:grid-cols-3';
}

/**
 * Everyone's tiles. In a plain call, an even grid; while someone shares a screen, the shares
 * take the stage and the cameras move to a strip beside (or below, on a phone) it.
 */
export function CallStage() {
  const peerIds = useCallStore(useShallow((state) => [...state.participants.keys()]));
  const sharingLocally = useMediaStream('screen:local') !== null;
  const remoteScreenOwners = useCallStore(
    useShallow((state) =>
      [...state.participants.values()]
        .filter((participant) => participant.media.screen)
        .map((participant) => participant.peerId),
    ),
  );
  const screenOwners = sharingLocally ? ['local', ...remoteScreenOwners] : remoteScreenOwners;

  if (screenOwners.length > 0) {
    return (
      <div
        data-testid="call-stage"
        data-layout="spotlight"
        className="flex size-full min-h-0 flex-col gap-3 lg:flex-row"
      >
        <div
          className={cn(
            'grid min-h-0 flex-1 auto-rows-fr gap-3',
            screenOwners.length > 1 && 'lg:grid-cols-2',
          )}
        >
          {screenOwners.map((owner) => (
            <ScreenFor key={owner} owner={owner} />
          ))}
        </div>
        <div className="flex h-28 shrink-0 gap-3 overflow-x-auto sm:h-36 lg:h-auto lg:w-64 lg:flex-col lg:overflow-y-auto">
          <LocalTile className="aspect-video h-full shrink-0 lg:h-auto lg:w-full" />
          {peerIds.map((peerId) => (
            <RemoteTile
              key={peerId}
              peerId={peerId}
              className="aspect-video h-full shrink-0 lg:h-auto lg:w-full"
            />
          ))}
        </div>
      </div>
    );
  }

  const alone = peerIds.length === 0;
  return (
    <div
      data-testid="call-stage"
      data-layout="grid"
      className={cn(
        'grid size-full auto-rows-fr gap-3',
        gridColumns(alone ? 2 : peerIds.length + 1),
      )}
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

function LocalTile({ className }: { className?: string }) {
  const name = useCallStore((state) => state.displayName);
  const videoOn = useCallStore((state) => state.cameraOn && state.cameraAccess === 'granted');
  const audioOn = useCallStore(
    (state) => state.microphoneOn && state.microphoneAccess === 'granted',
  );
  const speaking = useCallStore((state) => state.localSpeaking && state.microphoneOn);
  const stream = useMediaStream('local');
  return (
    <VideoTile
      name={name}
      stream={stream}
      videoOn={videoOn}
      audioOn={audioOn}
      speaking={speaking}
      className={className}
    />
  );
}

function RemoteTile({ peerId, className }: { peerId: string; className?: string }) {
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
      problem={participant.problem}
      speaking={participant.speaking}
      className={className}
    />
  );
}

function ScreenFor({ owner }: { owner: string }) {
  const local = owner === 'local';
  const name = useCallStore((state) =>
    local ? state.displayName : (state.participants.get(owner)?.name ?? ''),
  );
  const stream = useMediaStream(`screen:${owner}`);
  return <ScreenTile name={name} stream={stream} local={local} />;
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
