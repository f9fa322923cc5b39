'use client';

import { useEffect, useRef, type RefObject, type VideoHTMLAttributes } from 'react';

/** A muted, inline `<video>` showing `stream`. Sound plays through <RemoteAudio>, never here. */
export function VideoElement({
  stream,
  videoRef,
  ...props
}: {
  stream: MediaStream | null;
  /** For callers that need the element too (picture-in-picture). */
  videoRef?: RefObject<HTMLVideoElement | null>;
} & VideoHTMLAttributes<HTMLVideoElement>) {
  const ownRef = useRef<HTMLVideoElement>(null);
  const ref = videoRef ?? ownRef;
  useEffect(() => {
    const video = ref.current;
    if (!video || video.srcObject === stream) return;
    video.srcObject = stream;
  }, [ref, stream]);
  return <video ref={ref} autoPlay playsInline muted {...props} />;
}
