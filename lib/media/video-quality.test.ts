import { describe, expect, it } from 'vitest';
import { cameraBitrateCap, screenBitrateCap, videoConstraints } from './video-quality';

describe('camera bitrate caps', () => {
  it('set no cap for audio only, where no camera is sent', () => {
    expect(cameraBitrateCap('audio-only', 3)).toBeNull();
  });

  it('let a two-person call use what the resolution needs', () => {
    expect(cameraBitrateCap('720p', 1)).toBe(1_500_000);
    expect(cameraBitrateCap('1080p', 1)).toBe(2_500_000);
    expect(cameraBitrateCap('360p', 1)).toBe(600_000);
  });

  it('shrink as the mesh grows, so total upload stays within budget', () => {
    const caps = [1, 2, 3, 4, 5].map((peers) => cameraBitrateCap('1080p', peers)!);
    for (let i = 1; i < caps.length; i++) expect(caps[i]).toBeLessThanOrEqual(caps[i - 1]!);
    expect(caps[4]! * 5).toBeLessThanOrEqual(3_000_000);
    expect(cameraBitrateCap('720p', 5)).toBe(600_000);
  });

  it('never go below a watchable floor', () => {
    expect(cameraBitrateCap('720p', 49)).toBe(150_000);
  });

  it('cap screen shares modestly', () => {
    expect(screenBitrateCap(1)).toBe(1_500_000);
    expect(screenBitrateCap(5)).toBe(300_000);
  });
});

describe('video constraints', () => {
  it('ask for the chosen camera exactly, at the chosen size', () => {
    expect(videoConstraints('360p', 'cam-2')).toMatchObject({
      deviceId: { exact: 'cam-2' },
      width: { ideal: 640 },
      height: { ideal: 360 },
    });
    expect(videoConstraints('720p', null)).not.toHaveProperty('deviceId');
  });
});
