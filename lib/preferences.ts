import { parseAudioProcessing, type AudioProcessing } from './media/audio-processing';
import { DEFAULT_VIDEO_QUALITY, isVideoQuality, type VideoQuality } from './media/video-quality';

/** Choices remembered between visits, in localStorage. Every read tolerates a missing or broken value. */

/** Their localStorage keys (tests set them before a page loads). */
export const PREFERENCE_KEYS = {
  displayName: 'meshcall.displayName',
  quality: 'meshcall.quality',
  cameraId: 'meshcall.cameraId',
  microphoneId: 'meshcall.microphoneId',
  speakerId: 'meshcall.speakerId',
  relayOnly: 'meshcall.relayOnly',
  videoFill: 'meshcall.videoFill',
  audioProcessing: 'meshcall.audioProcessing',
  backgroundBlur: 'meshcall.backgroundBlur',
} as const;

export interface MediaPreferences {
  quality: VideoQuality;
  cameraId: string | null;
  microphoneId: string | null;
  speakerId: string | null;
}

export function loadDisplayName(): string {
  return readString(PREFERENCE_KEYS.displayName) ?? '';
}

export function saveDisplayName(name: string): void {
  writeString(PREFERENCE_KEYS.displayName, name);
}

export function loadRelayOnly(): boolean {
  return readString(PREFERENCE_KEYS.relayOnly) === 'true';
}

export function saveRelayOnly(relayOnly: boolean): void {
  writeString(PREFERENCE_KEYS.relayOnly, String(relayOnly));
}

/** Whether pictures are cropped to fill their tiles; off unless the person chose it. */
export function loadVideoFill(): boolean {
  return readString(PREFERENCE_KEYS.videoFill) === 'true';
}

export function saveVideoFill(fill: boolean): void {
  writeString(PREFERENCE_KEYS.videoFill, String(fill));
}

/** Echo cancellation, noise suppression and automatic gain: each on unless turned off. */
export function loadAudioProcessing(): AudioProcessing {
  return parseAudioProcessing(readString(PREFERENCE_KEYS.audioProcessing));
}

export function saveAudioProcessing(processing: AudioProcessing): void {
  writeString(PREFERENCE_KEYS.audioProcessing, JSON.stringify(processing));
}

/** Whether the person last left background blur on; off unless they turned it on. */
export function loadBackgroundBlur(): boolean {
  return readString(PREFERENCE_KEYS.backgroundBlur) === 'on';
}

export function saveBackgroundBlur(on: boolean): void {
  writeString(PREFERENCE_KEYS.backgroundBlur, on ? 'on' : 'off');
}

export function loadMediaPreferences(): MediaPreferences {
  const quality = readString(PREFERENCE_KEYS.quality);
  return {
    quality: isVideoQuality(quality) ? quality : DEFAULT_VIDEO_QUALITY,
    cameraId: readString(PREFERENCE_KEYS.cameraId),
    microphoneId: readString(PREFERENCE_KEYS.microphoneId),
    speakerId: readString(PREFERENCE_KEYS.speakerId),
  };
}

export function saveMediaPreference<K extends keyof MediaPreferences>(
  key: K,
  value: MediaPreferences[K],
): void {
  const storageKey = PREFERENCE_KEYS[key];
  if (value === null) removeKey(storageKey);
  else writeString(storageKey, value);
}

function readString(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function writeString(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // Private mode or storage full: the choice just is not remembered.
  }
}

function removeKey(key: string): void {
  try {
    globalThis.localStorage?.removeItem(key);
  } catch {
    // As above.
  }
}
