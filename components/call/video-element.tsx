'use client';

import { useEffect, useRef, type VideoHTMLAttributes } from 'react';

/** A muted, inline `<video>` showing `stream`. Sound plays through <RemoteAudio>, never here. */
export function VideoElement({
  stream,
  ...props
}: { stream: MediaStream | null } & VideoHTMLAttributes<HTMLVideoElement>) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video || video.srcObject === stream) return;
    video.srcObject = stream;
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted {...props} />;
}
