'use client';

import { useEffect, useRef } from 'react';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { useMediaStream } from '@/lib/hooks/use-media-stream';

/** Plays one remote participant's sound, on the chosen speaker. Apart from the tile, so sound survives camera-off. */
export function RemoteAudio({ peerId }: { peerId: string }) {
  const stream = useMediaStream(`camera:${peerId}`);
  const speakerId = useCallStore((state) => state.selectedDevices.speaker);
  const ref = useRef<HTMLAudioElement>(null);

  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    audio.srcObject = stream;
    if (stream) void audio.play().catch(() => undefined);
  }, [stream]);

  useEffect(() => {
    const audio = ref.current;
    if (!audio || !speakerId || typeof audio.setSinkId !== 'function') return;
    void audio.setSinkId(speakerId).catch(() => undefined);
  }, [speakerId]);

  return <audio ref={ref} autoPlay data-peer-id={peerId} data-testid="remote-audio" />;
}
