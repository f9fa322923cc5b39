import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalMedia, type LocalMediaEvents } from './local-media';

/** A device track as far as LocalMedia uses it; `stopped` says whether its light went out. */
function fakeTrack(kind: 'audio' | 'video', deviceId: string) {
  const track = {
    kind,
    label: deviceId,
    stopped: false,
    stop: () => {
      track.stopped = true;
    },
    addEventListener: () => {},
    getSettings: () => ({ deviceId }),
  };
  return track;
}
type FakeTrack = ReturnType<typeof fakeTrack>;

function fakeStream(...tracks: FakeTrack[]) {
  return {
    getTracks: () => tracks,
    getAudioTracks: () => tracks.filter((track) => track.kind === 'audio'),
    getVideoTracks: () => tracks.filter((track) => track.kind === 'video'),
  };
}

/** getUserMedia calls that stay pending until the test answers them, as a permission prompt does. */
function pendingRequests() {
  const waiting: ((stream: ReturnType<typeof fakeStream>) => void)[] = [];
  const getUserMedia = vi.fn(
    () => new Promise<ReturnType<typeof fakeStream>>((resolve) => waiting.push(resolve)),
  );
  return {
    getUserMedia,
    /** Answers the oldest pending request with these tracks, and lets LocalMedia react. */
    async answer(...tracks: FakeTrack[]) {
      waiting.shift()!(fakeStream(...tracks));
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

function createLocalMedia() {
  const shown: { kind: string; track: unknown }[] = [];
  const events: LocalMediaEvents = {
    onTrack: (kind, track) => {
      shown.push({ kind, track });
    },
    onAccess: () => {},
    onDevices: () => {},
    onNotice: () => {},
  };
  const media = new LocalMedia({ quality: '720p', cameraId: null, microphoneId: null }, events);
  return { media, shown };
}

describe('LocalMedia camera on and off while the browser is still asking', () => {
  let requests: ReturnType<typeof pendingRequests>;

  beforeEach(() => {
    requests = pendingRequests();
    vi.stubGlobal('navigator', {
      mediaDevices: {
        getUserMedia: requests.getUserMedia,
        enumerateDevices: async () => [],
        addEventListener: () => {},
        removeEventListener: () => {},
      },
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('keeps the camera it asked for when nobody turned it off', async () => {
    const { media } = createLocalMedia();
    const started = media.start({ video: true });
    const camera = fakeTrack('video', 'camera-1');
    await requests.answer(fakeTrack('audio', 'mic-1'), camera);
    await started;
    expect(media.video).toBe(camera);
    expect(camera.stopped).toBe(false);
  });

  it('stops a camera that arrives after the person turned it off, and never shows it', async () => {
    const { media, shown } = createLocalMedia();
    const started = media.start({ video: true });
    media.disableCamera();
    const microphone = fakeTrack('audio', 'mic-1');
    const camera = fakeTrack('video', 'camera-1');
    await requests.answer(microphone, camera);
    await started;
    expect(camera.stopped).toBe(true);
    expect(media.video).toBeNull();
    expect(shown.some(({ track }) => track === camera)).toBe(false);
    expect(media.audio).toBe(microphone);
  });

  it('runs one camera when it is turned off and on again before the first arrives', async () => {
    const { media } = createLocalMedia();
    const started = media.start({ video: true });
    media.disableCamera();
    const enabled = media.enableCamera();
    const first = fakeTrack('video', 'camera-1');
    const second = fakeTrack('video', 'camera-1');
    await requests.answer(fakeTrack('audio', 'mic-1'), first);
    await requests.answer(second);
    await Promise.all([started, enabled]);
    expect(media.video).toBe(second);
    expect(first.stopped).toBe(true);
    expect(second.stopped).toBe(false);
  });

  it('stops a camera turned on and off again before it arrives', async () => {
    const { media } = createLocalMedia();
    const started = media.start({ video: false });
    const enabled = media.enableCamera();
    media.disableCamera();
    await requests.answer(fakeTrack('audio', 'mic-1'));
    const camera = fakeTrack('video', 'camera-1');
    await requests.answer(camera);
    await Promise.all([started, enabled]);
    expect(camera.stopped).toBe(true);
    expect(media.video).toBeNull();
  });
});

describe('LocalMedia asking again for blocked devices', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('starts what the browser refused once it allows it, and leaves what runs alone', async () => {
    let cameraAllowed = false;
    const microphone = fakeTrack('audio', 'mic-1');
    const camera = fakeTrack('video', 'camera-1');
    const getUserMedia = vi.fn(async (constraints: { audio: unknown; video: unknown }) => {
      if (constraints.video && !cameraAllowed)
        throw new DOMException('Permission denied', 'NotAllowedError');
      return constraints.video ? fakeStream(camera) : fakeStream(microphone);
    });
    vi.stubGlobal('navigator', {
      mediaDevices: {
        getUserMedia,
        enumerateDevices: async () => [],
        addEventListener: () => {},
        removeEventListener: () => {},
      },
    });
    const access: Record<string, unknown>[] = [];
    const media = new LocalMedia(
      { quality: '720p', cameraId: null, microphoneId: null },
      {
        onTrack: () => {},
        onAccess: (change) => void access.push(change),
        onDevices: () => {},
        onNotice: () => {},
      },
    );
    await media.start({ video: true });
    expect(media.audio).toBe(microphone);
    expect(media.video).toBeNull();
    expect(access).toContainEqual({ camera: 'denied' });

    cameraAllowed = true;
    const callsBefore = getUserMedia.mock.calls.length;
    await media.askAgain();
    expect(media.video).toBe(camera);
    expect(media.audio).toBe(microphone);
    expect(microphone.stopped).toBe(false);
    // Only the camera was asked for again.
    expect(getUserMedia.mock.calls.slice(callsBefore)).toEqual([
      [expect.objectContaining({ audio: false })],
    ]);
    expect(access.at(-1)).toEqual({ camera: 'granted' });
  });
});
