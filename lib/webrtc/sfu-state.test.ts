import { describe, expect, it } from 'vitest';
import { cameraBitrateCap } from '../media/video-quality';
import {
  decodedCount,
  personLinkState,
  screenEncoding,
  simulcastEncodings,
  tileSourceOf,
} from './sfu-state';

describe('simulcast encodings', () => {
  it('sends three layers, highest first as Janus expects, each with its own cap', () => {
    const encodings = simulcastEncodings('720p');
    expect(encodings.map((encoding) => encoding.rid)).toEqual(['h', 'm', 'l']);
    expect(encodings.map((encoding) => encoding.scaleResolutionDownBy ?? 1)).toEqual([1, 2, 4]);
    const caps = encodings.map((encoding) => encoding.maxBitrate ?? 0);
    expect(caps[0]).toBe(cameraBitrateCap('720p', 1));
    expect(caps[0]).toBeGreaterThan(caps[1]!);
    expect(caps[1]).toBeGreaterThan(caps[2]!);
  });

  it('caps by the chosen quality, never by the size of the room', () => {
    const top = (quality: '360p' | '1080p') => simulcastEncodings(quality)[0]?.maxBitrate ?? 0;
    expect(top('360p')).toBeLessThan(top('1080p'));
    // The mesh splits an uplink between links; one copy to the media server needs no split.
    expect(top('1080p')).toBeGreaterThan(cameraBitrateCap('1080p', 5) ?? 0);
    for (const encoding of simulcastEncodings('audio-only'))
      expect(encoding.maxBitrate).toBeGreaterThanOrEqual(50_000);
  });

  it('sends only the layers asked for, keeping the others configured', () => {
    expect(simulcastEncodings('720p').map((encoding) => encoding.active)).toEqual([
      true,
      true,
      true,
    ]);
    const encodings = simulcastEncodings('720p', ['medium']);
    expect(encodings.map((encoding) => [encoding.rid, encoding.active])).toEqual([
      ['h', false],
      ['m', true],
      ['l', false],
    ]);
  });

  it('sends the screen once, with a fixed cap', () => {
    expect(screenEncoding().maxBitrate).toBeGreaterThan(0);
  });
});

describe('personLinkState', () => {
  it('follows the subscribing connection once it carries the person', () => {
    expect(personLinkState(true, 'connected', 'connecting')).toBe('connecting');
    expect(personLinkState(true, 'connected', null)).toBe('new');
    expect(personLinkState(true, 'failed', 'connected')).toBe('connected');
  });

  it('follows our own way to the media server until then, and waits for nothing without one', () => {
    expect(personLinkState(false, 'connecting', 'connected')).toBe('connecting');
    expect(personLinkState(false, null, 'connected')).toBe('connected');
    expect(personLinkState(false, null, null)).toBe('connected');
  });
});

describe('tileSourceOf and decodedCount', () => {
  it('plays a microphone in the camera tile and screen audio with the screen', () => {
    expect(
      ['microphone', 'camera', 'screen', 'screen-audio'].map((s) => tileSourceOf(s as never)),
    ).toEqual(['camera', 'camera', 'screen', 'screen']);
  });

  it('counts decoded frames for video and packets for audio, from inbound-rtp only', () => {
    const stats = [
      { type: 'inbound-rtp', framesDecoded: 7, packetsReceived: 90 },
      { type: 'outbound-rtp', framesDecoded: 99, packetsReceived: 99 },
      { type: 'transport' },
    ];
    expect(decodedCount('video', stats)).toBe(7);
    expect(decodedCount('audio', stats)).toBe(90);
    expect(decodedCount('video', [])).toBe(0);
  });
});
