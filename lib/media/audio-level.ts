/**
 * Loudness of a local audio track, from a Web Audio analyser. Used for the lobby's level meter and
 * for whether the person is speaking. Remote loudness comes from RTCRtpReceiver instead, which
 * costs nothing extra.
 */
export class AudioLevelMeter {
  private readonly source: MediaStreamAudioSourceNode;
  private readonly analyser: AnalyserNode;
  private readonly samples: Float32Array<ArrayBuffer>;

  constructor(track: MediaStreamTrack, context: AudioContext) {
    this.source = context.createMediaStreamSource(new MediaStream([track]));
    this.analyser = context.createAnalyser();
    this.analyser.fftSize = 512;
    this.samples = new Float32Array(this.analyser.fftSize);
    this.source.connect(this.analyser);
  }

  /** Root-mean-square amplitude of the latest samples, 0 (silence) to about 1 (full scale). */
  level(): number {
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const sample of this.samples) sum += sample * sample;
    return Math.sqrt(sum / this.samples.length);
  }

  dispose(): void {
    this.source.disconnect();
    this.analyser.disconnect();
  }
}

/** Level above which a voice counts as speaking, on the 0..1 amplitude scale of both sources. */
export const SPEAKING_THRESHOLD = 0.03;
/** Speaking stays on this long after the last loud sample, so the highlight does not flicker between words. */
export const SPEAKING_HOLD_MS = 700;

/** Turns a stream of loudness readings into a steady speaking / not speaking signal. */
export class SpeakingDetector {
  private lastLoudAt = -Infinity;

  update(level: number, now: number): boolean {
    if (level >= SPEAKING_THRESHOLD) this.lastLoudAt = now;
    return now - this.lastLoudAt < SPEAKING_HOLD_MS;
  }
}
