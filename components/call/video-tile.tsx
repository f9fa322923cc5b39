'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import type { LinkStatus, VideoFit } from '@/lib/call/call-store';
import type { LinkProblem } from '@/lib/call/link-diagnosis';
import { useTileDisplay } from '@/lib/hooks/use-tile-display';
import { cn, initialsOf } from '@/lib/utils';
import { AlertIcon, MicOffIcon, SpinnerIcon } from '@/components/ui/icons';
import { TileActions } from './tile-actions';
import { VideoElement } from './video-element';
import { HandMark, TileReactions } from './hands-and-reactions';
import { YouBadge } from './you-badge';

export interface VideoTileProps {
  name: string;
  stream: MediaStream | null;
  videoOn: boolean;
  audioOn: boolean;
  /** Absent for the local tile. */
  peerId?: string;
  link?: LinkStatus;
  /** Why the link failed, shown on the tile. */
  problem?: LinkProblem | null;
  speaking?: boolean;
  /** Picture-in-picture and full-screen buttons; off in the lobby preview. */
  actions?: boolean;
  /** Whole picture (the default), or cropped to fill the tile. */
  fit?: VideoFit;
  /** Told the picture's width / height once frames arrive, and null while none is shown. */
  onAspect?: (aspect: number | null) => void;
  /** Marks and buttons at the tile's top left: connection quality, recording. */
  badges?: ReactNode;
  className?: string;
  style?: CSSProperties;
}

/** One person in the call: their video, or their initials when the camera is off. */
export function VideoTile({
  name,
  stream,
  videoOn,
  audioOn,
  peerId,
  link,
  problem = null,
  speaking = false,
  actions = true,
  fit = 'fit',
  onAspect,
  badges,
  className,
  style,
}: VideoTileProps) {
  const t = useTranslations('tile');
  const frameRef = useRef<HTMLElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const local = peerId === undefined;
  // The shape of the picture shown; null until there is one, and the tile shows initials.
  const [aspect, setAspect] = useState<number | null>(null);
  useTileDisplay(frameRef, peerId);
  const showVideo = videoOn && aspect !== null && (stream?.getVideoTracks().length ?? 0) > 0;
  // The own tile is labelled "You", never with the name: a name is whatever its owner typed.
  const label = local ? t('you') : name;
  const shownAspect = showVideo ? aspect : null;
  useEffect(() => onAspect?.(shownAspect), [onAspect, shownAspect]);

  return (
    <figure
      ref={frameRef}
      aria-label={label}
      data-testid="participant-tile"
      data-peer-id={peerId ?? 'local'}
      data-link={link ?? 'local'}
      data-audio={audioOn ? 'on' : 'off'}
      data-video={showVideo ? 'on' : 'off'}
      data-speaking={speaking ? 'true' : 'false'}
      style={style}
      className={cn(
        'group @container-[size] relative isolate flex min-h-0 items-center justify-center overflow-hidden rounded-2xl bg-surface-raised',
        // A steady ring, not a pulsing one: an endless box-shadow animation repaints each speaking
        // tile every frame, which a phone in a six-person call can ill afford.
        'transition-shadow motion-reduce:transition-none',
        speaking ? 'ring-3 ring-success' : 'ring-1 ring-surface-border',
        className,
      )}
    >
      <VideoElement
        stream={stream}
        videoRef={videoRef}
        onAspect={setAspect}
        data-testid="tile-video"
        className={cn(
          'size-full',
          fit === 'fill' ? 'object-cover' : 'object-contain',
          local && '-scale-x-100',
          !showVideo && 'hidden',
        )}
      />
      {!showVideo && (
        <div
          aria-hidden="true"
          // Sized by the tile, so that initials fit a thumbnail as well as a full tile.
          className="flex aspect-square h-[min(6rem,40cqh)] items-center justify-center rounded-full bg-accent-soft text-[min(1.875rem,14cqh)] font-semibold text-accent-ink"
        >
          {initialsOf(name || t('you'))}
        </div>
      )}

      <figcaption className="absolute bottom-2 left-2 flex max-w-[calc(100%-1rem)] items-center gap-1.5 rounded-lg bg-black/55 px-2 py-1 text-sm backdrop-blur-sm">
        {!audioOn && (
          <span role="img" aria-label={t('microphoneOff')} className="shrink-0 text-danger">
            <MicOffIcon width={16} height={16} />
          </span>
        )}
        {name && <span className="truncate">{name}</span>}
        {local && <YouBadge />}
      </figcaption>

      <div className="absolute top-2 left-2 z-10 flex items-center gap-1">
        <HandMark peerId={peerId} />
        {badges}
      </div>
      <TileReactions peerId={peerId} />

      {actions && (
        <TileActions label={label} frameRef={frameRef} videoRef={videoRef} hasVideo={showVideo} />
      )}

      {link && link !== 'connected' && (
        <div
          role={link === 'failed' ? 'alert' : 'status'}
          className="absolute inset-x-0 top-0 flex flex-col items-center gap-1 bg-black/65 px-3 py-1.5 text-center text-sm backdrop-blur-sm"
        >
          <span className="flex items-center gap-2">
            {link === 'failed' ? (
              <AlertIcon width={16} height={16} className="text-danger" />
            ) : (
              <SpinnerIcon width={16} height={16} />
            )}
            {t(`link.${link}`)}
          </span>
          {link === 'failed' && problem && (
            <span data-testid="link-problem" className="max-w-md text-xs text-ink-muted">
              {t(`problem.${problem}`, { name })}
            </span>
          )}
        </div>
      )}
    </figure>
  );
}

/** A shared screen, shown whole (not cropped) in its own large tile. */
export function ScreenTile({
  name,
  stream,
  local,
}: {
  name: string;
  stream: MediaStream | null;
  local: boolean;
}) {
  const t = useTranslations('tile');
  const frameRef = useRef<HTMLElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const label = local ? t('yourScreen') : t('screenOf', { name });
  return (
    <figure
      ref={frameRef}
      aria-label={label}
      data-testid="screen-tile"
      className="group relative isolate flex min-h-0 items-center justify-center overflow-hidden rounded-2xl bg-black ring-1 ring-surface-border"
    >
      <VideoElement
        stream={stream}
        videoRef={videoRef}
        data-testid="screen-video"
        className="size-full object-contain"
      />
      <figcaption className="absolute bottom-2 left-2 flex max-w-[calc(100%-1rem)] items-center gap-1.5 rounded-lg bg-black/55 px-2 py-1 text-sm backdrop-blur-sm">
        {local ? (
          <>
            <YouBadge />
            <span>{t('screen')}</span>
          </>
        ) : (
          <span className="truncate">{label}</span>
        )}
      </figcaption>
      <TileActions
        label={label}
        frameRef={frameRef}
        videoRef={videoRef}
        hasVideo={stream !== null}
      />
    </figure>
  );
}
