/**
 * The microphone's processing: echo cancellation, noise suppression and automatic gain, each the
 * browser's own, each on unless the person turned it off. Changed on the live track with
 * applyConstraints; `LocalMedia` asks for the microphone anew only if the browser refuses.
 */
export interface AudioProcessing {
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
}

export type AudioProcessingKey = keyof AudioProcessing;

export const AUDIO_PROCESSING_KEYS: readonly AudioProcessingKey[] = [
  'echoCancellation',
  'noiseSuppression',
  'autoGainControl',
];

export const DEFAULT_AUDIO_PROCESSING: AudioProcessing = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/** Reads remembered processing (JSON); anything missing or broken counts as on. */
export function parseAudioProcessing(stored: string | null): AudioProcessing {
  let value: unknown = null;
  try {
    value = stored === null ? null : JSON.parse(stored);
  } catch {
    value = null;
  }
  const record =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const processing = { ...DEFAULT_AUDIO_PROCESSING };
  for (const key of AUDIO_PROCESSING_KEYS) {
    if (record[key] === false) processing[key] = false;
  }
  return processing;
}

/** Whether the track runs with the processing asked for, as far as the browser reports it. */
export function trackHasProcessing(
  settings: MediaTrackSettings,
  processing: AudioProcessing,
): boolean {
  return AUDIO_PROCESSING_KEYS.every(
    (key) => settings[key] === undefined || settings[key] === processing[key],
  );
}

/**
 * Applies `processing` to a live microphone track. False when the browser refused or ignored it
 * (then the caller asks for the microphone again with it).
 */
export async function applyAudioProcessing(
  track: MediaStreamTrack,
  processing: AudioProcessing,
): Promise<boolean> {
  try {
    await track.applyConstraints({ ...track.getConstraints(), ...processing });
  } catch {
    return false;
  }
  return trackHasProcessing(track.getSettings(), processing);
}
