import {
  DEFAULT_AUDIO_PROCESSING,
  applyAudioProcessing,
  type AudioProcessing,
} from './audio-processing';
import type { DeviceAccess, DeviceLists } from './devices';
import { DEFAULT_VIDEO_QUALITY, videoConstraints, type VideoQuality } from './video-quality';
import type { NoticeText } from '../i18n/user-text';

export type { DeviceLists, DeviceOption } from './devices';

export type LocalTrackKind = 'audio' | 'video' | 'screen';

export interface LocalMediaEvents {
  /**
   * A local track started, was replaced, or stopped (null). The track it replaces is stopped
   * only when the returned promise settles: stopping a track while a sender is still switching
   * away from it can leave Chromium's encoder with no frames.
   */
  onTrack(kind: LocalTrackKind, track: MediaStreamTrack | null): void | Promise<void>;
  onAccess(access: { microphone?: DeviceAccess; camera?: DeviceAccess }): void;
  onDevices(devices: DeviceLists): void;
  /** Something the person should know, such as a camera that was unplugged. */
  onNotice(text: NoticeText): void;
}

export interface LocalMediaSettings {
  quality: VideoQuality;
  cameraId: string | null;
  microphoneId: string | null;
  /** Echo cancellation, noise suppression, automatic gain; all on unless the person chose. */
  audioProcessing?: AudioProcessing;
}

/** The microphone's processing a call asks for by default (the benchmark's floor asks the same). */
export const AUDIO_PROCESSING: MediaTrackConstraints = DEFAULT_AUDIO_PROCESSING;

export function supportsSpeakerSelection(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

export function supportsScreenShare(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    typeof navigator.mediaDevices?.getDisplayMedia === 'function'
  );
}

/**
 * The person's own camera, microphone and screen share. It acquires them, switches devices
 * (starting the new one before stopping the old, so there is no gap), falls back to another
 * device when one is unplugged, and reports every change as an event. It knows nothing about
 * peers: the call controller puts the tracks on the wire.
 */
export class LocalMedia {
  audio: MediaStreamTrack | null = null;
  video: MediaStreamTrack | null = null;
  screen: MediaStreamTrack | null = null;
  screenStream: MediaStream | null = null;
  private settings: LocalMediaSettings;
  private disposed = false;
  /**
   * Whether the person wants the camera on. Asking the browser takes a while (a permission
   * prompt, a slow device); a camera that arrives after they turned it off is stopped at once,
   * so its light goes out.
   */
  private cameraWanted = false;
  private readonly onDeviceChange = () => void this.refreshDevices(true);

  constructor(
    settings: LocalMediaSettings,
    private readonly events: LocalMediaEvents,
  ) {
    this.settings = { ...settings };
  }

  get quality(): VideoQuality {
    return this.settings.quality;
  }

  /** Starts the microphone and, if wanted, the camera. Reports what the browser allowed. */
  async start({ video }: { video: boolean }): Promise<void> {
    const mediaDevices = globalThis.navigator?.mediaDevices;
    if (!mediaDevices?.getUserMedia) {
      this.events.onAccess({ microphone: 'failed', camera: 'failed' });
      return;
    }
    mediaDevices.addEventListener?.('devicechange', this.onDeviceChange);
    const wantVideo = video && this.settings.quality !== 'audio-only';
    this.cameraWanted = wantVideo;
    this.events.onAccess({ microphone: 'pending', camera: wantVideo ? 'pending' : undefined });

    const both = await this.request({ audio: true, video: wantVideo });
    if (both.ok) {
      await this.adopt('audio', both.stream.getAudioTracks()[0] ?? null);
      const video = both.stream.getVideoTracks()[0] ?? null;
      if (wantVideo && this.cameraWanted) await this.adopt('video', video);
      else video?.stop();
      this.events.onAccess({
        microphone: this.audio ? 'granted' : 'missing',
        camera: wantVideo ? (video ? 'granted' : 'missing') : undefined,
      });
    } else {
      // One of the two is blocked or missing: ask for each alone to keep what works.
      await Promise.all([this.startKind('audio'), wantVideo ? this.startKind('video') : null]);
    }
    await this.refreshDevices(false);
  }

  /**
   * Asks the browser again for the devices it refused or could not start, e.g. once the person
   * has allowed them in the browser's site settings. Devices already running are left alone.
   */
  async askAgain(): Promise<void> {
    await Promise.all([
      this.audio ? null : this.startKind('audio'),
      this.video || !this.cameraWanted ? null : this.startKind('video'),
    ]);
    await this.refreshDevices(false);
  }

  /** Turns the camera on with the current camera and quality. */
  async enableCamera(): Promise<void> {
    this.cameraWanted = true;
    if (this.video) return;
    if (this.settings.quality === 'audio-only') this.settings.quality = DEFAULT_VIDEO_QUALITY;
    await this.startKind('video');
  }

  /** Turns the camera off: the device itself stops, its light goes out. */
  disableCamera(): void {
    this.cameraWanted = false;
    this.release('video');
  }

  async switchCamera(deviceId: string): Promise<void> {
    this.settings.cameraId = deviceId;
    if (this.video) await this.startKind('video');
  }

  async switchMicrophone(deviceId: string): Promise<void> {
    this.settings.microphoneId = deviceId;
    await this.startKind('audio');
  }

  /**
   * Changes the microphone's processing on the live track; asks for the microphone anew only if
   * the browser refuses to change it in place.
   */
  async setAudioProcessing(processing: AudioProcessing): Promise<void> {
    this.settings.audioProcessing = { ...processing };
    const track = this.audio;
    if (!track) return;
    if (await applyAudioProcessing(track, processing)) return;
    if (this.audio !== track || this.disposed) return;
    // Chromium accepts the change but keeps the processing a device was opened with, and a second
    // request for the device while this track runs shares it: this track stops first.
    track.stop();
    const replacement = await this.startKind('audio');
    if (!replacement && this.audio === track) {
      this.audio = null;
      this.events.onTrack('audio', null);
    }
  }

  /** Changes resolution in place when possible, so peers see no renegotiation. */
  async setQuality(quality: Exclude<VideoQuality, 'audio-only'>): Promise<void> {
    this.settings.quality = quality;
    if (!this.video) return;
    try {
      await this.video.applyConstraints(videoConstraints(quality, null));
    } catch {
      await this.startKind('video');
    }
  }

  /** Asks the browser to share a screen or window. Returns false if the person cancelled. */
  async startScreenShare(): Promise<boolean> {
    if (this.screen || !supportsScreenShare()) return Boolean(this.screen);
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({
        video: { frameRate: { ideal: 15, max: 30 } },
        audio: false,
      });
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'NotAllowedError')) {
        this.events.onNotice({ key: 'screenShareFailed' });
      }
      return false;
    }
    const track = stream.getVideoTracks()[0];
    if (!track || this.disposed) {
      for (const t of stream.getTracks()) t.stop();
      return false;
    }
    // Text on a screen should stay sharp; frames can drop instead.
    track.contentHint = 'detail';
    this.screenStream = stream;
    this.screen = track;
    // The browser's own "Stop sharing" bar ends the track.
    track.addEventListener('ended', () => {
      if (this.screen === track) this.stopScreenShare();
    });
    this.events.onTrack('screen', track);
    return true;
  }

  stopScreenShare(): void {
    if (!this.screen) return;
    this.screen.stop();
    this.screen = null;
    this.screenStream = null;
    this.events.onTrack('screen', null);
  }

  dispose(): void {
    this.disposed = true;
    globalThis.navigator?.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
    for (const track of [this.audio, this.video, this.screen]) track?.stop();
    this.audio = null;
    this.video = null;
    this.screen = null;
    this.screenStream = null;
  }

  /** (Re)starts one device with the current settings, replacing any running track of that kind. */
  private async startKind(kind: 'audio' | 'video'): Promise<MediaStreamTrack | null> {
    const result = await this.request(
      kind === 'audio' ? { audio: true, video: false } : { audio: false, video: true },
    );
    const accessKey = kind === 'audio' ? 'microphone' : 'camera';
    if (!result.ok) {
      this.events.onAccess({ [accessKey]: result.access });
      return null;
    }
    const track =
      (kind === 'audio' ? result.stream.getAudioTracks() : result.stream.getVideoTracks())[0] ??
      null;
    if (kind === 'video' && !this.cameraWanted) {
      track?.stop();
      this.events.onAccess({ camera: track ? 'granted' : 'missing' });
      return null;
    }
    this.adopt(kind, track);
    this.events.onAccess({ [accessKey]: track ? 'granted' : 'missing' });
    return track;
  }

  private async request(want: {
    audio: boolean;
    video: boolean;
  }): Promise<{ ok: true; stream: MediaStream } | { ok: false; access: DeviceAccess }> {
    const { cameraId, microphoneId, quality, audioProcessing } = this.settings;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: want.audio
          ? {
              ...(audioProcessing ?? DEFAULT_AUDIO_PROCESSING),
              ...(microphoneId ? { deviceId: { exact: microphoneId } } : {}),
            }
          : false,
        video: want.video && quality !== 'audio-only' ? videoConstraints(quality, cameraId) : false,
      });
      if (this.disposed) {
        for (const track of stream.getTracks()) track.stop();
        return { ok: false, access: 'failed' };
      }
      return { ok: true, stream };
    } catch (error) {
      // A remembered device that is gone: forget it and take the default one.
      if (
        accessFromError(error) === 'missing' &&
        ((want.video && cameraId) || (want.audio && microphoneId))
      ) {
        if (want.video) this.settings.cameraId = null;
        if (want.audio) this.settings.microphoneId = null;
        return this.request(want);
      }
      return { ok: false, access: accessFromError(error) };
    }
  }

  /** Makes `track` the current one of its kind, then stops the one it replaces. */
  private async adopt(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const previous = this[kind];
    this[kind] = track;
    if (track) track.addEventListener('ended', () => void this.recoverFromEnded(kind, track));
    try {
      await this.events.onTrack(kind, track);
    } finally {
      if (previous && previous !== track) previous.stop();
    }
  }

  private release(kind: 'audio' | 'video'): void {
    const track = this[kind];
    if (!track) return;
    this[kind] = null;
    track.stop();
    this.events.onTrack(kind, null);
  }

  /** A track ended without us stopping it: the device was unplugged or revoked. */
  private async recoverFromEnded(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    if (this.disposed || this[kind] !== track) return;
    const device = kind === 'audio' ? 'microphone' : 'camera';
    this[kind] = null;
    if (kind === 'audio') this.settings.microphoneId = null;
    else this.settings.cameraId = null;
    this.events.onTrack(kind, null);
    const replacement = await this.startKind(kind);
    this.events.onNotice(
      replacement
        ? replacement.label
          ? { key: 'deviceReplaced', values: { device, label: replacement.label } }
          : { key: 'deviceReplacedUnnamed', values: { device } }
        : { key: 'deviceLost', values: { device } },
    );
    await this.refreshDevices(false);
  }

  private async refreshDevices(checkCurrent: boolean): Promise<void> {
    const mediaDevices = globalThis.navigator?.mediaDevices;
    if (!mediaDevices?.enumerateDevices || this.disposed) return;
    const all = await mediaDevices.enumerateDevices();
    const pick = (kind: MediaDeviceKind) =>
      all
        .filter((device) => device.kind === kind && device.deviceId)
        .map(({ deviceId, label }) => ({ deviceId, label }));
    const lists: DeviceLists = {
      cameras: pick('videoinput'),
      microphones: pick('audioinput'),
      speakers: supportsSpeakerSelection() ? pick('audiooutput') : [],
    };
    this.events.onDevices(lists);
    if (!checkCurrent) return;
    // Some browsers only report an unplugged device through `devicechange`, never `ended`.
    for (const [kind, list] of [
      ['audio', lists.microphones],
      ['video', lists.cameras],
    ] as const) {
      const track = this[kind];
      const deviceId = track?.getSettings().deviceId;
      if (track && deviceId && !list.some((device) => device.deviceId === deviceId)) {
        void this.recoverFromEnded(kind, track);
      }
    }
  }
}

export function accessFromError(error: unknown): DeviceAccess {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    default:
      return 'failed';
  }
}
