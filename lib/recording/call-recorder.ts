import type { NoticeText } from '../i18n/user-text';
import { pickRecordingType, recordingGrid } from './recording-format';

/** One tile of the call as the recording draws it. */
export interface RecordingTile {
  label: string;
  /** Its camera (or screen) and microphone, or null while there is none. */
  stream: MediaStream | null;
}

export interface CallRecorderOptions {
  /** Every tile to record, asked on every frame, so people who join or leave are followed. */
  tiles(): RecordingTile[];
  /** Extra audio to mix in: this person's own microphone (its tile's stream has no audio). */
  localAudio(): MediaStreamTrack | null;
}

const WIDTH = 1280;
const HEIGHT = 720;
const FRAMES_PER_SECOND = 15;
const GAP = 8;

/** What `stop()` gives: the whole recording, and its type. */
export interface Recording {
  blob: Blob;
  mimeType: string;
}

/** Why recording cannot start here, or null if it can. */
export function recordingUnsupported(): NoticeText | null {
  if (typeof MediaRecorder === 'undefined') return { key: 'cannotRecord' };
  if (typeof AudioContext === 'undefined') return { key: 'cannotMixSound' };
  if (!pickRecordingType((type) => MediaRecorder.isTypeSupported(type)))
    return { key: 'cannotRecordWebm' };
  return null;
}

/**
 * Records the call on this machine: every tile drawn into one canvas, every voice mixed through
 * WebAudio, both encoded by `MediaRecorder` into WebM. Nothing leaves the browser.
 */
export class CallRecorder {
  private readonly canvas = document.createElement('canvas');
  private readonly audio = new AudioContext();
  private readonly mix = this.audio.createMediaStreamDestination();
  private readonly videos = new Map<string, HTMLVideoElement>();
  private readonly voices = new Map<string, MediaStreamAudioSourceNode>();
  private readonly recorder: MediaRecorder;
  private readonly chunks: Blob[] = [];
  private readonly mimeType: string;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly options: CallRecorderOptions) {
    this.mimeType = pickRecordingType((type) => MediaRecorder.isTypeSupported(type)) ?? '';
    this.canvas.width = WIDTH;
    this.canvas.height = HEIGHT;
    const video = this.canvas.captureStream(FRAMES_PER_SECOND).getVideoTracks();
    const stream = new MediaStream([...video, ...this.mix.stream.getAudioTracks()]);
    this.recorder = new MediaRecorder(stream, { mimeType: this.mimeType });
    this.recorder.ondataavailable = ({ data }) => {
      if (data.size > 0) this.chunks.push(data);
    };
    this.draw();
    // A timer, not animation frames: those stop while the tab is hidden, and so would the video.
    this.timer = setInterval(() => this.draw(), 1000 / FRAMES_PER_SECOND);
    void this.audio.resume();
    this.recorder.start(1_000);
  }

  /** Stops, and gives the whole recording once the encoder has flushed it. */
  stop(): Promise<Recording> {
    clearInterval(this.timer);
    return new Promise((resolve) => {
      const finish = () => {
        this.release();
        resolve({ blob: new Blob(this.chunks, { type: this.mimeType }), mimeType: this.mimeType });
      };
      if (this.recorder.state === 'inactive') return finish();
      this.recorder.onstop = finish;
      this.recorder.stop();
    });
  }

  private draw(): void {
    const tiles = this.options.tiles();
    this.followAudio(tiles);
    const context = this.canvas.getContext('2d');
    if (!context) return;
    context.fillStyle = '#0b0e14';
    context.fillRect(0, 0, WIDTH, HEIGHT);
    const { columns, rows } = recordingGrid(tiles.length);
    const width = (WIDTH - GAP * (columns + 1)) / columns;
    const height = (HEIGHT - GAP * (rows + 1)) / rows;
    const seen = new Set<string>();
    tiles.forEach((tile, index) => {
      const x = GAP + (index % columns) * (width + GAP);
      const y = GAP + Math.floor(index / columns) * (height + GAP);
      context.fillStyle = '#1a1f2b';
      context.fillRect(x, y, width, height);
      const video = tile.stream?.getVideoTracks().length ? this.videoFor(tile.stream) : null;
      if (tile.stream) seen.add(tile.stream.id);
      if (video && video.videoWidth > 0) {
        // Whole picture, letterboxed, as the tiles show it.
        const scale = Math.min(width / video.videoWidth, height / video.videoHeight);
        const w = video.videoWidth * scale;
        const h = video.videoHeight * scale;
        context.drawImage(video, x + (width - w) / 2, y + (height - h) / 2, w, h);
      }
      context.fillStyle = 'rgba(0, 0, 0, 0.55)';
      context.font = '20px sans-serif';
      const label = tile.label.slice(0, 60);
      context.fillRect(x + 8, y + height - 38, context.measureText(label).width + 16, 30);
      context.fillStyle = '#ffffff';
      context.fillText(label, x + 16, y + height - 16);
    });
    for (const [id, video] of this.videos) {
      if (!seen.has(id)) {
        video.srcObject = null;
        this.videos.delete(id);
      }
    }
  }

  private videoFor(stream: MediaStream): HTMLVideoElement {
    let video = this.videos.get(stream.id);
    if (!video) {
      video = document.createElement('video');
      video.muted = true;
      video.playsInline = true;
      video.srcObject = stream;
      void video.play().catch(() => undefined);
      this.videos.set(stream.id, video);
    }
    return video;
  }

  /** Mixes every live audio track in, and lets go of the ones that left. */
  private followAudio(tiles: RecordingTile[]): void {
    const tracks = tiles.flatMap((tile) => tile.stream?.getAudioTracks() ?? []);
    const local = this.options.localAudio();
    if (local) tracks.push(local);
    const live = new Set<string>();
    for (const track of tracks) {
      if (track.readyState !== 'live') continue;
      live.add(track.id);
      if (this.voices.has(track.id)) continue;
      const source = this.audio.createMediaStreamSource(new MediaStream([track]));
      source.connect(this.mix);
      this.voices.set(track.id, source);
    }
    for (const [id, source] of this.voices) {
      if (!live.has(id)) {
        source.disconnect();
        this.voices.delete(id);
      }
    }
  }

  private release(): void {
    for (const video of this.videos.values()) video.srcObject = null;
    this.videos.clear();
    for (const source of this.voices.values()) source.disconnect();
    this.voices.clear();
    for (const track of this.recorder.stream.getTracks()) track.stop();
    void this.audio.close();
  }
}
