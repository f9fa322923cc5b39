'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';
import { useCallControllerIfLoaded } from '@/lib/hooks/use-call-controller';

const METER_DECAY_PER_FRAME = 0.95;

/**
 * A live bar for the microphone's loudness, so people can check they are heard before joining.
 * It redraws on animation frames by writing a style directly: no React render per frame.
 */
export function MicrophoneMeter() {
  const t = useTranslations('lobby');
  const controller = useCallControllerIfLoaded();
  const meterRef = useRef<HTMLDivElement>(null);
  const barRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let frame = 0;
    let shown = -1;
    let smoothed = 0;
    const draw = () => {
      // Speech sits around 0.01–0.3 RMS: a square root spreads that over the bar. It rises at
      // once and falls slowly, as level meters do, so short syllables stay readable.
      const level = Math.min(1, Math.sqrt((controller?.localAudioLevel() ?? 0) * 4));
      smoothed = Math.max(level, smoothed * METER_DECAY_PER_FRAME);
      const percent = Math.round(smoothed * 100);
      if (percent !== shown && barRef.current && meterRef.current) {
        shown = percent;
        barRef.current.style.width = `${percent}%`;
        meterRef.current.setAttribute('aria-valuenow', String(percent));
      }
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, [controller]);

  return (
    <div
      ref={meterRef}
      role="meter"
      aria-label={t('microphoneLevel')}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={0}
      className="h-1.5 w-full overflow-hidden rounded-full bg-surface-overlay"
    >
      <div ref={barRef} className="h-full w-0 rounded-full bg-success" />
    </div>
  );
}
