'use client';

import { useTranslations } from 'next-intl';
import type { RefObject } from 'react';
import { FullscreenIcon, PictureInPictureIcon } from '@/components/ui/icons';

/** Picture-in-picture and full screen for one tile, shown where the browser supports them. */
export function TileActions({
  label,
  frameRef,
  videoRef,
  hasVideo,
}: {
  label: string;
  frameRef: RefObject<HTMLElement | null>;
  videoRef: RefObject<HTMLVideoElement | null>;
  hasVideo: boolean;
}) {
  const t = useTranslations('tile');
  const canPictureInPicture =
    hasVideo && typeof document !== 'undefined' && document.pictureInPictureEnabled;
  const canFullscreen = typeof document !== 'undefined' && document.fullscreenEnabled;

  async function togglePictureInPicture() {
    const video = videoRef.current;
    if (!video) return;
    if (document.pictureInPictureElement === video) await document.exitPictureInPicture();
    else await video.requestPictureInPicture().catch(() => undefined);
  }

  async function toggleFullscreen() {
    const frame = frameRef.current;
    if (!frame) return;
    if (document.fullscreenElement === frame) await document.exitFullscreen();
    else await frame.requestFullscreen().catch(() => undefined);
  }

  if (!canPictureInPicture && !canFullscreen) return null;
  return (
    <div className="absolute top-2 right-2 flex gap-1 opacity-0 transition-opacity group-focus-within:opacity-100 group-hover:opacity-100 motion-reduce:transition-none">
      {canPictureInPicture && (
        <button
          type="button"
          aria-label={t('pictureInPictureOf', { label })}
          title={t('pictureInPicture')}
          onClick={togglePictureInPicture}
          className="flex size-8 items-center justify-center rounded-lg bg-black/55 backdrop-blur-sm hover:bg-black/75"
        >
          <PictureInPictureIcon width={16} height={16} />
        </button>
      )}
      {canFullscreen && (
        <button
          type="button"
          aria-label={t('fullscreenOf', { label })}
          title={t('fullscreen')}
          onClick={toggleFullscreen}
          className="flex size-8 items-center justify-center rounded-lg bg-black/55 backdrop-blur-sm hover:bg-black/75"
        >
          <FullscreenIcon width={16} height={16} />
        </button>
      )}
    </div>
  );
}
