'use client';

import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type RefObject,
  type VideoHTMLAttributes,
} from 'react';
import { cn } from '@/lib/utils';
import {
  firstShowing,
  frameShown,
  showStream,
  standbyReady,
  STANDBY_PATIENCE_MS,
  type ShownVideo,
} from '@/lib/call/shown-video';

/**
 * A muted, inline `<video>` showing `stream`. Sound plays through <RemoteAudio>, never here.
 *
 * When the stream changes while a picture shows (a call moving to the media server, a link
 * replaced), the new stream first plays in a second, invisible element on top, and takes the old
 * one's place once it has presented a frame: the picture goes from one to the other with no gap.
 * Swapping `srcObject` on one element blanked it until the new stream's first frame, a few hundred
 * milliseconds on a busy machine. The standby covers the element's box (`absolute inset-0`), so
 * the element belongs in a positioned box of its own size, as a tile is. `onAspect` reports the
 * width / height of the picture shown, or null while there is none.
 */
export function VideoElement({
  stream,
  videoRef,
  onAspect,
  className,
  ...props
}: {
  stream: MediaStream | null;
  /** For callers that need the element shown too (picture-in-picture). */
  videoRef?: RefObject<HTMLVideoElement | null>;
  onAspect?: (aspect: number | null) => void;
} & VideoHTMLAttributes<HTMLVideoElement>) {
  const [shown, setShown] = useState<ShownVideo>(() => firstShowing(stream));
  // A new stream: shown at once, or kept on standby while the old picture stays.
  const asked = shown.standby?.stream ?? shown.front.stream;
  if (stream !== asked) setShown(showStream(shown, stream));

  const front = useRef<HTMLVideoElement | null>(null);
  const standby = useRef<HTMLVideoElement | null>(null);
  const setFront = useCallback(
    (element: HTMLVideoElement | null) => {
      front.current = element;
      if (videoRef) videoRef.current = element;
    },
    [videoRef],
  );

  useEffect(() => {
    const element = front.current;
    if (element && element.srcObject !== shown.front.stream) element.srcObject = shown.front.stream;
  }, [shown.front]);

  // An element out of the document (replaced by its standby, or unmounted) lets go of its
  // stream's player. Not on a ref's detach: React detaches refs of content a Suspense boundary
  // hides, and shows it again without running this effect anew.
  const frontKey = shown.front.key;
  useEffect(() => {
    const element = front.current;
    return () => releaseIfRetired(element);
  }, [frontKey]);

  useEffect(() => onAspect?.(shown.aspect), [onAspect, shown.aspect]);

  const waiting = shown.standby;
  useEffect(() => {
    const element = standby.current;
    if (!waiting || !element) return;
    if (element.srcObject !== waiting.stream) element.srcObject = waiting.stream;
    let done = false;
    const promote = () => {
      if (done) return;
      done = true;
      // Picture-in-picture follows its element: that one plays the new stream instead.
      const inPicture = document.pictureInPictureElement === front.current;
      const aspect =
        element.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA ? pictureAspect(element) : null;
      setShown((current) => standbyReady(current, waiting.key, aspect, inPicture));
    };
    const frame =
      'requestVideoFrameCallback' in element ? element.requestVideoFrameCallback(promote) : null;
    if (frame === null) element.addEventListener('loadeddata', promote, { once: true });
    const timer = setTimeout(promote, STANDBY_PATIENCE_MS);
    return () => {
      done = true;
      clearTimeout(timer);
      if (frame !== null) element.cancelVideoFrameCallback(frame);
      element.removeEventListener('loadeddata', promote);
      // Dropped rather than promoted (another stream asked meanwhile, or unmounted).
      releaseIfRetired(element);
    };
  }, [waiting]);

  // On both elements: a standby promoted just before its first frame still reports it.
  const onFrame = (event: { currentTarget: HTMLVideoElement }) => {
    const video = event.currentTarget;
    const playing = video.srcObject instanceof MediaStream ? video.srcObject : null;
    const aspect = pictureAspect(video);
    if (aspect !== null) setShown((current) => frameShown(current, playing, aspect));
  };

  return (
    <>
      <video
        key={shown.front.key}
        ref={setFront}
        autoPlay
        playsInline
        muted
        className={className}
        {...props}
        onLoadedData={onFrame}
        onResize={onFrame}
      />
      {waiting && (
        <video
          key={waiting.key}
          ref={standby}
          autoPlay
          playsInline
          muted
          onLoadedData={onFrame}
          onResize={onFrame}
          aria-hidden="true"
          className={cn(className, 'pointer-events-none absolute inset-0 opacity-0')}
        />
      )}
    </>
  );
}

function releaseIfRetired(element: HTMLVideoElement | null): void {
  if (element && !element.isConnected) element.srcObject = null;
}

/**
 * The width / height of the element's picture, or null if its stream has no video (its data may be
 * audio alone). Some browsers fire `loadeddata` before they know the size: then the common shape.
 */
function pictureAspect(video: HTMLVideoElement): number | null {
  const stream = video.srcObject instanceof MediaStream ? video.srcObject : null;
  if (!stream || stream.getVideoTracks().length === 0) return null;
  const { videoWidth, videoHeight } = video;
  return videoWidth > 0 && videoHeight > 0 ? videoWidth / videoHeight : 16 / 9;
}
