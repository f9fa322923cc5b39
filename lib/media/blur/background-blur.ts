import { BlurHealth } from './blur-health';
import type { BlurWorkerToPage, PageToBlurWorker } from './blur-messages';

/**
 * Background blur for a camera track: the camera's frames go to a worker (blur-worker.ts), which
 * writes blurred frames into a new track. That track stands in for the camera everywhere (the
 * self-view and every sender, through replaceTrack). This module is loaded only when blur is
 * turned on; `blur-support.ts` says beforehand whether the browser can do it.
 */
export interface BlurredCamera {
  /** The camera track being blurred; it stays the caller's to stop. */
  readonly source: MediaStreamTrack;
  /** The blurred picture, a live track. */
  readonly track: MediaStreamTrack;
  /** Output frames per second over the last second. */
  readonly outputFps: number;
  /** Stops the worker and the blurred track (not the camera). */
  stop(): void;
}

export interface BlurEvents {
  /** Blur fell well behind the camera for several seconds; the caller should turn it off. */
  onTooSlow(): void;
  /** The worker failed after it had started. */
  onFailed(message: string): void;
}

/** Where scripts/build-blur-assets.mjs puts the worker and the model it loads beside it. */
export const BLUR_WORKER_URL = '/blur/worker.js';
/** Loading the wasm and the model and blurring a first frame; a slow machine takes seconds. */
const START_TIMEOUT_MS = 30_000;
/** The worker reports four times a second; silence for longer means its thread is stuck. */
const WORKER_SILENCE_MS = 1_500;

interface InsertableStreams {
  MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack }) => {
    readable: ReadableStream<VideoFrame>;
  };
  MediaStreamTrackGenerator: new (init: { kind: 'video' }) => MediaStreamTrack & {
    writable: WritableStream<VideoFrame>;
  };
}

/** Starts blurring `source`; resolves once the first blurred frame is out. */
export async function startBackgroundBlur(
  source: MediaStreamTrack,
  events: BlurEvents,
): Promise<BlurredCamera> {
  const { MediaStreamTrackProcessor, MediaStreamTrackGenerator } =
    globalThis as unknown as InsertableStreams;
  const processor = new MediaStreamTrackProcessor({ track: source });
  const generator = new MediaStreamTrackGenerator({ kind: 'video' });
  const worker = new Worker(BLUR_WORKER_URL, { name: 'background-blur' });
  let framesIn = 0;
  let framesOut = 0;
  let lastHeard = 0;
  let started = false;
  let stopped = false;
  const watch: { timer?: ReturnType<typeof setInterval> } = {};
  const blurred: BlurredCamera & { outputFps: number } = {
    source,
    track: generator,
    outputFps: 0,
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(watch.timer);
      worker.terminate();
      generator.stop();
    },
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(
        () => reject(new Error('Background blur took too long to start.')),
        START_TIMEOUT_MS,
      );
      const fail = (message: string) => {
        clearTimeout(timeout);
        if (stopped) return;
        if (started) events.onFailed(message);
        else reject(new Error(message));
      };
      worker.onerror = (event) => fail(event.message || 'The blur worker stopped.');
      worker.onmessage = (event: MessageEvent<BlurWorkerToPage>) => {
        const message = event.data;
        switch (message.type) {
          case 'ready':
            clearTimeout(timeout);
            started = true;
            resolve();
            return;
          case 'progress':
            lastHeard = performance.now();
            framesIn = message.framesIn;
            framesOut = message.framesOut;
            return;
          case 'failed':
            fail(message.message);
            return;
        }
      };
      const start: PageToBlurWorker = {
        type: 'start',
        frames: processor.readable,
        blurred: generator.writable,
      };
      worker.postMessage(start, [processor.readable, generator.writable]);
    });
  } catch (error) {
    blurred.stop();
    throw error;
  }

  const health = new BlurHealth();
  // What the camera gave, counted by the browser where it can: the worker only counts the frames
  // it found time to read, and a busy worker reads few, so its count falls with its output.
  const cameraFrames = () => trackFrameCount(source) ?? framesIn;
  let before = { framesIn: cameraFrames(), framesOut };
  lastHeard = performance.now();
  watch.timer = setInterval(() => {
    const now = { framesIn: cameraFrames(), framesOut };
    const input = now.framesIn - before.framesIn;
    const output = now.framesOut - before.framesOut;
    before = now;
    blurred.outputFps = output;
    const silent = performance.now() - lastHeard > WORKER_SILENCE_MS;
    if (health.record(silent ? null : { inputFps: input, outputFps: output })) {
      clearInterval(watch.timer);
      console.warn(
        silent
          ? 'Background blur stopped: its worker has not reported for seconds.'
          : `Background blur fell behind: ${output} of ${input} camera frames a second.`,
      );
      events.onTooSlow();
    }
  }, 1000);
  return blurred;
}

/** Frames the track's source produced so far (MediaStreamTrack.stats), where the browser counts. */
function trackFrameCount(track: MediaStreamTrack): number | undefined {
  return (track as { stats?: { totalFrames?: number } }).stats?.totalFrames;
}
