'use client';

import { useTranslations } from 'next-intl';
import { useCallback, useState, type CSSProperties, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { bestTileGrid, commonAspect, fitInside } from '@/lib/call/tile-grid';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { useElementSize } from '@/lib/hooks/use-element-size';
import { useMediaStream } from '@/lib/hooks/use-media-stream';
import { cn } from '@/lib/utils';
import { CopyLinkButton } from './copy-link-button';
import { LinkQualityButton } from './link-quality-button';
import { RecordingMark } from './recording-controls';
import { ScreenTile, VideoTile } from './video-tile';

/** Space between tiles, in CSS pixels: set as pixels, since each row's width is counted with it. */
const GAP = 12;

/** Each tile's picture shape (width / height), by tile key, while it shows video. */
function usePictureAspects() {
  const [aspects, setAspects] = useState<ReadonlyMap<string, number>>(() => new Map());
  const report = useCallback((key: string, aspect: number | null) => {
    setAspects((current) => {
      if ((current.get(key) ?? null) === aspect) return current;
      const next = new Map(current);
      if (aspect === null) next.delete(key);
      else next.set(key, aspect);
      return next;
    });
  }, []);
  return [aspects, report] as const;
}

/**
 * Everyone's tiles. In a plain call, a grid whose column count shows the most picture for this
 * window and this many people, each tile the shape of its video so that nothing is cropped
 * (unless the person chose to fill the tiles). While someone shares a screen, the shares take
 * the stage and the cameras move to a strip beside (or below, on a phone) it.
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
    return <SpotlightStage screenOwners={screenOwners} peerIds={peerIds} />;
  }
  return <GridStage peerIds={peerIds} />;
}

function GridStage({ peerIds }: { peerIds: string[] }) {
  const [ref, size] = useElementSize<HTMLDivElement>();
  const [aspects, reportAspect] = usePictureAspects();
  const fill = useCallStore((state) => state.videoFit === 'fill');
  const alone = peerIds.length === 0;
  const keys = ['local', ...(alone ? ['waiting'] : peerIds)];
  const aspect = commonAspect(keys.flatMap((key) => aspects.get(key) ?? []));
  const grid = bestTileGrid(keys.length, size.width, size.height, { aspect, gap: GAP, fill });
  const cell = { width: Math.floor(grid.cellWidth), height: Math.floor(grid.cellHeight) };
  /** A tile's own size inside its cell: its picture's shape, or the cell's when it has none. */
  const tileStyle = (key: string): CSSProperties =>
    fill ? cell : fitInside(cell.width, cell.height, aspects.get(key) ?? aspect);

  const tile = (key: string): ReactNode => {
    if (key === 'local') {
      return (
        <LocalTile
          style={tileStyle(key)}
          onAspect={(value) => reportAspect('local', value)}
          fill={fill}
        />
      );
    }
    if (key === 'waiting') return <WaitingCard style={cell} />;
    return (
      <RemoteTile
        peerId={key}
        style={tileStyle(key)}
        onAspect={(value) => reportAspect(key, value)}
        fill={fill}
      />
    );
  };

  // One flat list keyed by tile, wrapped into rows by its width: a tile keeps its element (and
  // its video's player) when the column count changes, as it does once the first picture's shape
  // is known. Rows keyed by their members would mount every tile anew, and each picture would
  // blank until its new player had a frame.
  const rowWidth = grid.columns * cell.width + (grid.columns - 1) * GAP;
  return (
    <div
      ref={ref}
      data-testid="call-stage"
      data-layout="grid"
      data-columns={grid.columns}
      // The padding keeps a speaking tile's ring inside the stage, which clips nothing else.
      className="flex size-full items-center justify-center overflow-hidden p-1"
    >
      <div style={{ width: rowWidth, gap: GAP }} className="flex shrink-0 flex-wrap justify-center">
        {keys.map((key) => (
          <div key={key} style={cell} className="flex items-center justify-center">
            {tile(key)}
          </div>
        ))}
      </div>
    </div>
  );
}

function SpotlightStage({ screenOwners, peerIds }: { screenOwners: string[]; peerIds: string[] }) {
  const fill = useCallStore((state) => state.videoFit === 'fill');
  const thumbnails = peerIds.length + 1;
  // Below the share on a phone, the cameras take as many columns as fit without scrolling
  // sideways; beside it on a wide screen, they stack.
  const columns = {
    '--thumbnail-columns': Math.min(thumbnails, 3),
    '--thumbnail-columns-sm': Math.min(thumbnails, 4),
  } as CSSProperties;
  const thumbnailClass = 'aspect-video w-full';
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
      <div
        data-testid="camera-strip"
        style={columns}
        className="grid shrink-0 grid-cols-[repeat(var(--thumbnail-columns),minmax(0,14rem))] justify-center gap-2 sm:grid-cols-[repeat(var(--thumbnail-columns-sm),minmax(0,14rem))] lg:flex lg:w-64 lg:flex-col lg:justify-start lg:overflow-y-auto"
      >
        <LocalTile className={thumbnailClass} fill={fill} />
        {peerIds.map((peerId) => (
          <RemoteTile key={peerId} peerId={peerId} className={thumbnailClass} fill={fill} />
        ))}
      </div>
    </div>
  );
}

interface TilePlacement {
  className?: string;
  style?: CSSProperties;
  fill: boolean;
  onAspect?: (aspect: number | null) => void;
}

function LocalTile({ className, style, fill, onAspect }: TilePlacement) {
  const t = useTranslations('tile');
  const name = useCallStore((state) => state.displayName);
  const videoOn = useCallStore((state) => state.cameraOn && state.cameraAccess === 'granted');
  const audioOn = useCallStore(
    (state) => state.microphoneOn && state.microphoneAccess === 'granted',
  );
  const speaking = useCallStore((state) => state.localSpeaking && state.microphoneOn);
  const stream = useMediaStream('local');
  const recording = useCallStore((state) => state.recording);
  return (
    <VideoTile
      badges={recording ? <RecordingMark label={t('youAreRecording')} /> : undefined}
      name={name}
      stream={stream}
      videoOn={videoOn}
      audioOn={audioOn}
      speaking={speaking}
      fit={fill ? 'fill' : 'fit'}
      onAspect={onAspect}
      className={className}
      style={style}
    />
  );
}

function RemoteTile({
  peerId,
  className,
  style,
  fill,
  onAspect,
}: TilePlacement & { peerId: string }) {
  const t = useTranslations('tile');
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
      badges={
        <>
          <LinkQualityButton peerId={peerId} name={participant.name} />
          {participant.recording && (
            <RecordingMark label={t('isRecording', { name: participant.name })} />
          )}
        </>
      }
      fit={fill ? 'fill' : 'fit'}
      onAspect={onAspect}
      className={className}
      style={style}
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

function WaitingCard({ style }: { style?: CSSProperties }) {
  const t = useTranslations('stage');
  return (
    <section
      aria-label={t('waitingLabel')}
      style={style}
      className="flex flex-col items-center justify-center gap-3 overflow-auto rounded-2xl border border-dashed border-surface-border p-4 text-center"
    >
      <div>
        <h2 className="text-lg font-semibold">{t('waitingTitle')}</h2>
        <p className="mt-1 text-sm text-ink-muted">{t('waitingHint')}</p>
      </div>
      <CopyLinkButton size="lg" />
    </section>
  );
}
