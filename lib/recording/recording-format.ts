/** WebM containers with Opus audio, best first: VP9 is smaller for the same picture than VP8. */
export const RECORDING_TYPES = [
  'video/webm;codecs=vp9,opus',
  'video/webm;codecs=vp8,opus',
  'video/webm',
] as const;

/** The first recording type the browser supports, or null if it can record none of them. */
export function pickRecordingType(isTypeSupported: (type: string) => boolean): string | null {
  return RECORDING_TYPES.find((type) => isTypeSupported(type)) ?? null;
}

/** Columns and rows for `count` tiles in a 16:9 frame: as square a grid as fits them. */
export function recordingGrid(count: number): { columns: number; rows: number } {
  const tiles = Math.max(1, count);
  const columns = Math.ceil(Math.sqrt(tiles));
  return { columns, rows: Math.ceil(tiles / columns) };
}

/** "meshcall-abc-defg-hij-2026-11-28T15-04-05.webm": the room and when it was started. */
export function recordingFileName(roomId: string, startedAt: Date): string {
  const stamp = startedAt.toISOString().slice(0, 19).replace(/:/g, '-');
  return `meshcall-${roomId}-${stamp}.webm`;
}
