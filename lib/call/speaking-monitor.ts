import { AudioLevelMeter, SpeakingDetector } from '../media/audio-level';

/** How often loudness is sampled for the speaking highlight. */
export const SPEAKING_POLL_MS = 150;

export interface SpeakingMonitorOptions {
  microphoneOn(): boolean;
  /** Remote people to watch (none outside the call), and whether they announce audio. */
  remotePeople(): Iterable<{ peerId: string; speaking: SpeakingDetector; audible: boolean }>;
  /** Loudness of `peerId`'s microphone as received, 0..1. */
  remoteLevel(peerId: string): number;
  onLocalSpeaking(speaking: boolean): void;
  onRemoteSpeaking(peerId: string, speaking: boolean): void;
  /** A monotonic clock in milliseconds. */
  now?(): number;
}

/**
 * Who is speaking: samples the local microphone (through Web Audio) and each remote person's
 * received audio level, and turns them into steady on/off signals for the highlight.
 */
export class SpeakingMonitor {
  private readonly local = new SpeakingDetector();
  private audioContext: AudioContext | null = null;
  private meter: AudioLevelMeter | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: SpeakingMonitorOptions) {}

  start(): void {
    this.timer ??= setInterval(() => this.sample(), SPEAKING_POLL_MS);
  }

  /** Stops sampling and releases the audio context. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.meterLocal(null);
    void this.audioContext?.close();
    this.audioContext = null;
  }

  /** Meters a new local microphone track, or none. */
  meterLocal(track: MediaStreamTrack | null): void {
    this.meter?.dispose();
    this.meter = null;
    if (!track || typeof AudioContext === 'undefined') return;
    this.audioContext ??= new AudioContext();
    this.meter = new AudioLevelMeter(track, this.audioContext);
  }

  /** Loudness of the local microphone, 0..1, for the lobby's level meter. */
  localLevel(): number {
    return this.meter?.level() ?? 0;
  }

  /** Browsers start audio contexts suspended until the person interacts with the page. */
  resumeAudio(): void {
    void this.audioContext?.resume();
  }

  sample(): void {
    const now = this.options.now?.() ?? performance.now();
    const localLevel = this.options.microphoneOn() ? this.localLevel() : 0;
    this.options.onLocalSpeaking(this.local.update(localLevel, now));
    for (const { peerId, speaking, audible } of this.options.remotePeople()) {
      const level = audible ? this.options.remoteLevel(peerId) : 0;
      this.options.onRemoteSpeaking(peerId, speaking.update(level, now));
    }
  }
}
