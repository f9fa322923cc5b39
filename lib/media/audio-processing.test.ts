import { describe, expect, it } from 'vitest';
import {
  DEFAULT_AUDIO_PROCESSING,
  applyAudioProcessing,
  parseAudioProcessing,
  trackHasProcessing,
} from './audio-processing';

describe('parseAudioProcessing', () => {
  it('is all on when nothing was remembered or it cannot be read', () => {
    expect(parseAudioProcessing(null)).toEqual(DEFAULT_AUDIO_PROCESSING);
    expect(parseAudioProcessing('{not json')).toEqual(DEFAULT_AUDIO_PROCESSING);
    expect(parseAudioProcessing('"off"')).toEqual(DEFAULT_AUDIO_PROCESSING);
    expect(parseAudioProcessing('null')).toEqual(DEFAULT_AUDIO_PROCESSING);
  });

  it('turns off only what was remembered as off', () => {
    expect(parseAudioProcessing('{"noiseSuppression":false,"echoCancellation":"no"}')).toEqual({
      echoCancellation: true,
      noiseSuppression: false,
      autoGainControl: true,
    });
  });

  it('reads back what was written', () => {
    const chosen = { echoCancellation: false, noiseSuppression: true, autoGainControl: false };
    expect(parseAudioProcessing(JSON.stringify(chosen))).toEqual(chosen);
  });
});

describe('trackHasProcessing', () => {
  const wanted = { echoCancellation: true, noiseSuppression: false, autoGainControl: true };

  it('compares what the browser reports', () => {
    expect(
      trackHasProcessing(
        { echoCancellation: true, noiseSuppression: false, autoGainControl: true },
        wanted,
      ),
    ).toBe(true);
    expect(trackHasProcessing({ echoCancellation: true, noiseSuppression: true }, wanted)).toBe(
      false,
    );
  });

  it('does not hold against a browser what it does not report', () => {
    expect(trackHasProcessing({ echoCancellation: true }, wanted)).toBe(true);
  });
});

describe('applyAudioProcessing', () => {
  function fakeTrack(behaviour: 'applies' | 'ignores' | 'refuses') {
    let settings: MediaTrackSettings = { ...DEFAULT_AUDIO_PROCESSING, deviceId: 'mic' };
    const asked: MediaTrackConstraints[] = [];
    const track = {
      getConstraints: () => ({ deviceId: { exact: 'mic' } }),
      getSettings: () => settings,
      applyConstraints: async (constraints: MediaTrackConstraints) => {
        asked.push(constraints);
        if (behaviour === 'refuses') throw new DOMException('no', 'OverconstrainedError');
        if (behaviour === 'applies')
          settings = { ...settings, ...constraints } as MediaTrackSettings;
      },
    };
    return { track: track as unknown as MediaStreamTrack, asked };
  }
  const off = { ...DEFAULT_AUDIO_PROCESSING, noiseSuppression: false };

  it('keeps the track’s other constraints (its device) and reports success', async () => {
    const { track, asked } = fakeTrack('applies');
    expect(await applyAudioProcessing(track, off)).toBe(true);
    expect(asked[0]).toEqual({ deviceId: { exact: 'mic' }, ...off });
  });

  it('reports failure when the browser refuses or silently ignores the change', async () => {
    expect(await applyAudioProcessing(fakeTrack('refuses').track, off)).toBe(false);
    expect(await applyAudioProcessing(fakeTrack('ignores').track, off)).toBe(false);
  });
});
