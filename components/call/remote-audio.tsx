'use client';

import { useEffect, useRef } from 'react';
import { useMediaStream } from '@/lib/hooks/use-media-stream';

/** Plays one remote participant's sound. Kept apart from the tile so sound survives camera-off. */
export function RemoteAudio({ peerId }: { peerId: string }) {
  const stream = useMediaStream(`camera:${peerId}`);
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    audio.srcObject = stream;
    if (stream) void audio.play().catch(() => undefined);
  }, [stream]);
  return <audio ref={ref} autoPlay data-peer-id={peerId} data-testid="remote-audio" />;
}
