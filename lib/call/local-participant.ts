import { LocalMedia, type LocalTrackKind } from '../media/local-media';
import type { VideoQuality } from '../media/video-quality';
import { saveMediaPreference } from '../preferences';
import { assertNever, type MediaState } from '../signaling/protocol';
import type { CallStore } from './call-store';
import type { MediaTransport, OutgoingKind, ScreenShare } from './media-transport';
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

  constructor(private readonly options: LocalParticipantOptions) {
    const { store, live } = options;
    const actions = () => store.getState().actions;
    const state = store.getState();
    this.media = new LocalMedia(
      {
        quality: state.quality,
        cameraId: state.selectedDevices.camera,
        microphoneId: state.selectedDevices.microphone,
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
    this.media.dispose();
  }

  /** What we send, as announced to the room. */
  mediaState(): MediaState {
    return {
      audio: this.outgoingTrack('audio') !== null,
      video: this.outgoingTrack('video') !== null,
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
        this.options.registry.set('local', track ? [track] : null);
        if (track) this.actions.setSelectedDevice('camera', track.getSettings().deviceId ?? null);
        this.options.announce();
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

  /** The camera or microphone track others should get now: none while it is turned off. */
  private outgoingTrack(kind: OutgoingKind): MediaStreamTrack | null {
    if (kind === 'audio') return this.state.microphoneOn ? this.media.audio : null;
    return this.state.cameraOn ? this.media.video : null;
  }

  private async sendOutgoingTrack(kind: OutgoingKind): Promise<void> {
    await this.options.transport.setOutgoingTrack(kind, this.outgoingTrack(kind));
  }

  private screenShare(): ScreenShare | null {
    const { screen: track, screenStream: stream } = this.media;
    return track && stream ? { track, stream } : null;
  }
}
