import type { AudioProcessing } from '../media/audio-processing';
import type { BlurredCamera } from '../media/blur/background-blur';
import { LocalMedia, type LocalTrackKind } from '../media/local-media';
import type { VideoQuality } from '../media/video-quality';
import { saveAudioProcessing, saveBackgroundBlur, saveMediaPreference } from '../preferences';
import { assertNever, type MediaState } from '../signaling/protocol';
import type { CallStore } from './call-store';
import type { MediaTransport, OutgoingKind, ScreenShare } from './media-transport';
import type { NoticeText } from '../i18n/user-text';
import type { MediaRegistry } from './media-registry';

export interface LocalParticipantOptions {
  store: CallStore;
  /** Where the local preview and screen are shown. */
  registry: MediaRegistry;
  transport: MediaTransport;
  /** What we send changed: tell the room (if we are in it). */
  announce(): void;
  /** The microphone track changed: meter it for the speaking highlight. */
  meterMicrophone(track: MediaStreamTrack | null): void;
  /** False once the page's run has ended: late events are ignored. */
  live(): boolean;
}

/**
 * This person in the call: their camera, microphone and screen (through `LocalMedia`), the choices
 * they make about them, and what the transport sends to everyone as a result. A microphone or
 * camera turned off sends nothing at all; a new device is swapped in without renegotiation.
 */
export class LocalParticipant {
  private readonly media: LocalMedia;
  /** The camera, blurred, while blur is on and the camera runs. */
  private blurred: BlurredCamera | null = null;
  /** Blur changes one at a time, in order: each sees the camera and choice as they are then. */
  private blurChanges: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly options: LocalParticipantOptions) {
    const { store, live } = options;
    const actions = () => store.getState().actions;
    const state = store.getState();
    this.media = new LocalMedia(
      {
        quality: state.quality,
        cameraId: state.selectedDevices.camera,
        microphoneId: state.selectedDevices.microphone,
        audioProcessing: state.audioProcessing,
      },
      {
        onTrack: (kind, track) => (live() ? this.onTrack(kind, track) : undefined),
        onAccess: (access) => live() && actions().setDeviceAccess(access),
        onDevices: (devices) => live() && actions().setDevices(devices),
        onNotice: (text) => live() && actions().pushNotice(text),
      },
    );
    options.transport.setVideoQuality(state.quality);
  }

  private get state() {
    return this.options.store.getState();
  }

  private get actions() {
    return this.options.store.getState().actions;
  }

  /** Asks for the microphone and, if it is wanted, the camera. */
  start(): void {
    void this.media.start({ video: this.state.cameraOn });
  }

  /** Stops every device: their lights go out. */
  dispose(): void {
    this.disposed = true;
    this.blurred?.stop();
    this.blurred = null;
    this.media.dispose();
  }

  /** What we send, as announced to the room. */
  mediaState(): MediaState {
    return {
      audio: this.outgoingTrack('audio') !== null,
      // The camera counts as sent while blur starts on it: its blurred picture is on the way.
      video: this.state.cameraOn && this.media.video !== null,
      screen: this.media.screenStream?.id ?? null,
    };
  }

  toggleMicrophone(): void {
    this.actions.setMicrophoneOn(!this.state.microphoneOn);
    void this.sendOutgoingTrack('audio');
    this.options.announce();
  }

  async toggleCamera(): Promise<void> {
    const on = !this.state.cameraOn;
    this.actions.setCameraOn(on);
    if (on) {
      await this.media.enableCamera();
      this.actions.setQuality(this.media.quality);
    } else {
      this.media.disableCamera();
    }
    void this.sendOutgoingTrack('video');
    this.options.announce();
  }

  async selectCamera(deviceId: string): Promise<void> {
    this.actions.setSelectedDevice('camera', deviceId);
    saveMediaPreference('cameraId', deviceId);
    await this.media.switchCamera(deviceId);
  }

  async selectMicrophone(deviceId: string): Promise<void> {
    this.actions.setSelectedDevice('microphone', deviceId);
    saveMediaPreference('microphoneId', deviceId);
    await this.media.switchMicrophone(deviceId);
  }

  async setAudioProcessing(processing: AudioProcessing): Promise<void> {
    this.actions.setAudioProcessing(processing);
    saveAudioProcessing(processing);
    await this.media.setAudioProcessing(processing);
  }

  /** Turns background blur on or off; it follows the camera through switches and restarts. */
  setBackgroundBlur(on: boolean): Promise<void> {
    if (on === (this.state.backgroundBlur !== 'off')) return this.blurChanges;
    saveBackgroundBlur(on);
    this.actions.setBackgroundBlur(on ? 'starting' : 'off');
    return this.updateBlur();
  }

  /** Asks the browser again for a blocked camera or microphone, after the person allowed it. */
  async askDeviceAccessAgain(): Promise<void> {
    await this.media.askAgain();
  }

  async setQuality(quality: VideoQuality): Promise<void> {
    this.actions.setQuality(quality);
    saveMediaPreference('quality', quality);
    if (quality === 'audio-only') {
      this.actions.setCameraOn(false);
      this.media.disableCamera();
    } else {
      await this.media.setQuality(quality);
      if (!this.state.cameraOn) {
        this.actions.setCameraOn(true);
        await this.media.enableCamera();
      }
    }
    void this.sendOutgoingTrack('video');
    this.options.announce();
    this.options.transport.setVideoQuality(quality);
  }

  async toggleScreenShare(): Promise<void> {
    if (this.media.screen) this.media.stopScreenShare();
    else await this.media.startScreenShare();
  }

  /** Puts a new local track on screen and on the wire; resolves once every sender has it. */
  private async onTrack(kind: LocalTrackKind, track: MediaStreamTrack | null): Promise<void> {
    switch (kind) {
      case 'audio':
        this.options.meterMicrophone(track);
        if (track)
          this.actions.setSelectedDevice('microphone', track.getSettings().deviceId ?? null);
        this.options.announce();
        return this.sendOutgoingTrack('audio');
      case 'video':
        if (track) this.actions.setSelectedDevice('camera', track.getSettings().deviceId ?? null);
        this.options.announce();
        if (this.state.backgroundBlur !== 'off') {
          // Until blur runs on the new camera, only this page sees it unblurred.
          this.options.registry.set('local', track ? [track] : null);
          return this.updateBlur();
        }
        this.showCamera();
        return this.sendOutgoingTrack('video');
      case 'screen':
        this.options.registry.set('screen:local', track ? [track] : null);
        // Announce first: peers must know the stream id before its track arrives.
        this.options.announce();
        this.options.transport.setScreenShare(this.screenShare());
        return;
      default:
        return assertNever(kind);
    }
  }

  /** The microphone as others hear it now: none while it is muted. */
  microphoneTrack(): MediaStreamTrack | null {
    return this.outgoingTrack('audio');
  }

  /**
   * The camera or microphone track others should get now: none while it is turned off. With blur
   * on, the blurred camera, and nothing while blur is still starting on the current camera: the
   * background is never sent unblurred.
   */
  private outgoingTrack(kind: OutgoingKind): MediaStreamTrack | null {
    if (kind === 'audio') return this.state.microphoneOn ? this.media.audio : null;
    const camera = this.state.cameraOn ? this.media.video : null;
    if (!camera || this.state.backgroundBlur === 'off') return camera;
    return this.blurred?.source === camera ? this.blurred.track : null;
  }

  /** The self-view: what others see, or the camera itself while blur starts. */
  private showCamera(): void {
    const camera = this.state.cameraOn ? this.media.video : null;
    const shown = this.outgoingTrack('video') ?? camera;
    this.options.registry.set('local', shown ? [shown] : null);
  }

  private updateBlur(): Promise<void> {
    this.blurChanges = this.blurChanges.then(() => this.matchBlur());
    return this.blurChanges;
  }

  /** Starts, moves or stops blur so that it runs on the current camera exactly when wanted. */
  private async matchBlur(): Promise<void> {
    const camera = this.state.cameraOn ? this.media.video : null;
    const wanted = this.state.backgroundBlur !== 'off' && camera !== null && !this.disposed;
    const previous = this.blurred;
    if (wanted && previous?.source === camera && camera.readyState === 'live') {
      this.actions.setBackgroundBlur('on');
      return;
    }
    if (!wanted && !previous) {
      this.showCamera();
      return this.sendOutgoingTrack('video');
    }
    let next: BlurredCamera | null = null;
    if (wanted) {
      if (!previous) this.actions.setBackgroundBlur('starting');
      next = await this.startBlur(camera);
    }
    this.blurred = next;
    if (this.state.backgroundBlur !== 'off')
      this.actions.setBackgroundBlur(next ? 'on' : 'starting');
    this.showCamera();
    try {
      await this.sendOutgoingTrack('video');
    } finally {
      // Only once every sender has the new track: an encoder left with no frames can stall.
      if (previous && previous !== next) previous.stop();
    }
  }

  private async startBlur(camera: MediaStreamTrack): Promise<BlurredCamera | null> {
    try {
      const { startBackgroundBlur } = await import('../media/blur/background-blur');
      const blurred = await startBackgroundBlur(camera, {
        onTooSlow: () => this.turnBlurOff(blurred, { key: 'blurTooSlow' }),
        onFailed: () => this.turnBlurOff(blurred, { key: 'blurFailed' }),
      });
      // The camera changed, or blur was turned off, while it started.
      const stillWanted =
        !this.disposed &&
        this.state.backgroundBlur !== 'off' &&
        this.state.cameraOn &&
        this.media.video === camera;
      if (!stillWanted) {
        blurred.stop();
        return null;
      }
      return blurred;
    } catch {
      if (this.options.live() && this.state.backgroundBlur !== 'off') {
        // What is remembered is what the switch shows: off, after it failed.
        saveBackgroundBlur(false);
        this.actions.setBackgroundBlur('off');
        this.actions.pushNotice({ key: 'blurCouldNotStart' });
      }
      return null;
    }
  }

  private turnBlurOff(blurred: BlurredCamera, notice: NoticeText): void {
    if (this.blurred !== blurred || !this.options.live()) return;
    saveBackgroundBlur(false);
    this.actions.setBackgroundBlur('off');
    this.actions.pushNotice(notice);
    void this.updateBlur();
  }

  private async sendOutgoingTrack(kind: OutgoingKind): Promise<void> {
    await this.options.transport.setOutgoingTrack(kind, this.outgoingTrack(kind));
  }

  private screenShare(): ScreenShare | null {
    const { screen: track, screenStream: stream } = this.media;
    return track && stream ? { track, stream } : null;
  }
}
