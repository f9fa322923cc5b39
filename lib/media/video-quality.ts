/** What a person chooses to send: sound only, or video at a resolution. */
export const VIDEO_QUALITIES = ['audio-only', '360p', '720p', '1080p'] as const;
export type VideoQuality = (typeof VIDEO_QUALITIES)[number];

export const DEFAULT_VIDEO_QUALITY: VideoQuality = '720p';

interface QualityPreset {
  label: string;
  width: number;
  height: number;
  /** Bits per second worth spending on this resolution when the uplink is not shared. */
  maxBitrate: number;
}

const PRESETS: Record<Exclude<VideoQuality, 'audio-only'>, QualityPreset> = {
  '360p': { label: '360p (saves data)', width: 640, height: 360, maxBitrate: 600_000 },
  '720p': { label: '720p HD', width: 1280, height: 720, maxBitrate: 1_500_000 },
  '1080p': { label: '1080p Full HD', width: 1920, height: 1080, maxBitrate: 2_500_000 },
};

export function qualityLabel(quality: VideoQuality): string {
  return quality === 'audio-only' ? 'Audio only' : PRESETS[quality].label;
}

export function isVideoQuality(value: unknown): value is VideoQuality {
  return (VIDEO_QUALITIES as readonly unknown[]).includes(value);
}

/** getUserMedia constraints for a quality, on a chosen camera if any. */
export function videoConstraints(
  quality: Exclude<VideoQuality, 'audio-only'>,
  deviceId: string | null,
): MediaTrackConstraints {
  const preset = PRESETS[quality];
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    width: { ideal: preset.width },
    height: { ideal: preset.height },
    frameRate: { ideal: 30, max: 30 },
  };
}

/** Lowest per-peer video bitrate we will cap to: below this video is not worth watching. */
const FLOOR_BITRATE = 150_000;
/** Upload most home connections sustain for video, shared by every peer in a mesh. */
const UPLINK_BUDGET = 3_000_000;

/**
 * The cap for each camera sender in a mesh of `remotePeers` others. Every peer gets its own copy of
 * our video, so the uplink budget is split between them, and never above what the chosen
 * resolution needs. Two people at 720p: 1.5 Mbps each; six people (five copies): 600 kbps each.
 */
export function cameraBitrateCap(quality: VideoQuality, remotePeers: number): number | null {
  if (quality === 'audio-only') return null;
  const share = UPLINK_BUDGET / Math.max(1, remotePeers);
  return Math.round(Math.max(FLOOR_BITRATE, Math.min(PRESETS[quality].maxBitrate, share)));
}

/** Screen content is mostly still text: a fixed, modest cap keeps it sharp without starving video. */
export function screenBitrateCap(remotePeers: number): number {
  return Math.round(
    Math.max(300_000, Math.min(1_500_000, UPLINK_BUDGET / 2 / Math.max(1, remotePeers))),
  );
}
