import { describe, expect, it } from 'vitest';
import { pickRecordingType, recordingFileName, recordingGrid } from './recording-format';

describe('pickRecordingType', () => {
  it('prefers VP9, then VP8, then any WebM', () => {
    expect(pickRecordingType(() => true)).toBe('video/webm;codecs=vp9,opus');
    expect(pickRecordingType((type) => !type.includes('vp9'))).toBe('video/webm;codecs=vp8,opus');
    expect(pickRecordingType((type) => type === 'video/webm')).toBe('video/webm');
    expect(pickRecordingType(() => false)).toBeNull();
  });
});

describe('recordingGrid', () => {
  it('fits every tile in a grid as square as it can be', () => {
    expect(recordingGrid(0)).toEqual({ columns: 1, rows: 1 });
    expect(recordingGrid(1)).toEqual({ columns: 1, rows: 1 });
    expect(recordingGrid(2)).toEqual({ columns: 2, rows: 1 });
    expect(recordingGrid(5)).toEqual({ columns: 3, rows: 2 });
    expect(recordingGrid(9)).toEqual({ columns: 3, rows: 3 });
  });
});

describe('recordingFileName', () => {
  it('names the room and the start time, with no characters a file system refuses', () => {
    expect(recordingFileName('abc-defg-hij', new Date('2026-11-28T15:04:05.123Z'))).toBe(
      'meshcall-abc-defg-hij-2026-11-28T15-04-05.webm',
    );
  });
});
