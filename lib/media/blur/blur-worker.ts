/**
 * The background blur worker: reads camera frames, finds the person in each with MediaPipe's
 * selfie segmentation (wasm, run on the CPU), and writes frames with everything else blurred. It
 * is bundled on its own into public/blur/worker.js (scripts/build-blur-assets.mjs) and loaded
 * beside the model files it needs, all from our origin.
 */
import type { BlurWorkerToPage, PageToBlurWorker } from './blur-messages';

/** The one part of a worker's global scope we use that the DOM typings lack. */
declare function importScripts(...urls: string[]): void;

interface SegmentationResults {
  segmentationMask: CanvasImageSource & { close?: () => void };
}
interface SelfieSegmentation {
  setOptions(options: {
    modelSelection?: number;
    selfieMode?: boolean;
    useCpuInference?: boolean;
  }): void;
  onResults(listener: (results: SegmentationResults) => void): void;
  initialize(): Promise<void>;
  send(inputs: { image: ImageBitmap }): Promise<void>;
  close(): Promise<void>;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<PageToBlurWorker>) => void) | null;
  postMessage(message: BlurWorkerToPage): void;
  SelfieSegmentation: new (config: { locateFile: (file: string) => string }) => SelfieSegmentation;
  window?: unknown;
  document?: unknown;
};

/**
 * The solution was written for a page: it adds <script> tags for its wasm glue and makes <canvas>
 * elements for WebGL. A worker has importScripts and OffscreenCanvas, which do the same jobs.
 */
function provideWhatTheSolutionExpects(): void {
  scope.window = globalThis;
  scope.document = {
    createElement(tag: string) {
      if (tag === 'canvas') return new OffscreenCanvas(1, 1);
      if (tag === 'script') return scriptStandIn();
      throw new Error(`The blur worker has no <${tag}>.`);
    },
    body: {
      appendChild(script: ScriptStandIn) {
        try {
          importScripts(script.src);
          script.listeners.get('load')?.();
        } catch (error) {
          script.listeners.get('error')?.(error);
        }
      },
    },
    addEventListener() {},
    querySelector: () => null,
    getElementById: () => null,
  };
}

interface ScriptStandIn {
  src: string;
  listeners: Map<string, (detail?: unknown) => void>;
  setAttribute(name: string, value: string): void;
  addEventListener(type: string, listener: (detail?: unknown) => void): void;
}

function scriptStandIn(): ScriptStandIn {
  const listeners = new Map<string, (detail?: unknown) => void>();
  return {
    src: '',
    listeners,
    setAttribute(name, value) {
      if (name === 'src') this.src = value;
    },
    addEventListener: (type, listener) => void listeners.set(type, listener),
  };
}

async function loadSegmentation(): Promise<{
  segmentation: SelfieSegmentation;
  nextMask: () => Promise<SegmentationResults['segmentationMask']>;
}> {
  provideWhatTheSolutionExpects();
  // Relative to this worker's own URL: the files sit beside it.
  importScripts('selfie_segmentation.js');
  const segmentation = new scope.SelfieSegmentation({ locateFile: (file) => file });
  // The landscape model (256×144) suits camera pictures; the CPU path (XNNPACK) is far faster
  // than WebGL where the GPU is a software one, and no slower on a real one for so small a model.
  segmentation.setOptions({ modelSelection: 1, useCpuInference: true, selfieMode: false });
  let pending: ((mask: SegmentationResults['segmentationMask']) => void) | null = null;
  segmentation.onResults((results) => {
    pending?.(results.segmentationMask);
    pending = null;
  });
  await segmentation.initialize();
  return {
    segmentation,
    nextMask: () => new Promise((resolve) => (pending = resolve)),
  };
}

/** The landscape model's input size. */
const MODEL_WIDTH = 256;
const MODEL_HEIGHT = 144;

/** Draws the frame into `canvas`: the person sharp, the rest blurred. */
class Compositor {
  private readonly canvas = new OffscreenCanvas(1, 1);
  private readonly context = this.canvas.getContext('2d')!;
  /** The background is blurred small and scaled up: far cheaper, and just as blurred. */
  private readonly small = new OffscreenCanvas(1, 1);
  private readonly smallContext = this.small.getContext('2d')!;

  compose(picture: VideoFrame, mask: CanvasImageSource): OffscreenCanvas {
    const { displayWidth: width, displayHeight: height } = picture;
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.small.width = Math.max(1, Math.round(width / 4));
      this.small.height = Math.max(1, Math.round(height / 4));
    }
    const context = this.context;
    // The mask's alpha is how sure the model is that a pixel is the person.
    context.globalCompositeOperation = 'copy';
    context.drawImage(mask, 0, 0, width, height);
    context.globalCompositeOperation = 'source-in';
    context.drawImage(picture, 0, 0, width, height);
    // Behind the person: the picture, blurred.
    this.smallContext.filter = `blur(${Math.max(2, Math.round(this.small.width / 40))}px)`;
    this.smallContext.drawImage(picture, 0, 0, this.small.width, this.small.height);
    context.globalCompositeOperation = 'destination-over';
    context.drawImage(this.small, 0, 0, width, height);
    context.globalCompositeOperation = 'source-over';
    return this.canvas;
  }
}

/**
 * The camera's frames, read as fast as they come so that every one is counted; only the newest is
 * kept for blurring, older ones are dropped (a slow blur shows fewer frames, never late ones).
 */
class LatestFrame {
  framesIn = 0;
  private latest: VideoFrame | null = null;
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(private readonly reader: ReadableStreamDefaultReader<VideoFrame>) {
    void this.readAll();
  }

  /** The newest frame not yet taken, waiting for one if needed; null once the camera ended. */
  async take(): Promise<VideoFrame | null> {
    while (!this.latest && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    const frame = this.latest;
    this.latest = null;
    return frame;
  }

  private async readAll(): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await this.reader.read();
        if (done) break;
        this.framesIn++;
        this.latest?.close();
        this.latest = value;
        this.wake?.();
      }
    } finally {
      this.ended = true;
      this.wake?.();
    }
  }
}

const PROGRESS_INTERVAL_MS = 250;

async function run({ frames, blurred }: PageToBlurWorker): Promise<void> {
  const { nextMask, segmentation } = await loadSegmentation();
  const camera = new LatestFrame(frames.getReader());
  const writer = blurred.getWriter();
  const compositor = new Compositor();
  let framesOut = 0;
  const report = setInterval(
    () => scope.postMessage({ type: 'progress', framesIn: camera.framesIn, framesOut }),
    PROGRESS_INTERVAL_MS,
  );
  for (;;) {
    const frame = await camera.take();
    if (!frame) break;
    let output: VideoFrame;
    try {
      // The model sees 256×144 anyway: scaling down first spares uploading the full picture.
      const modelInput = await createImageBitmap(frame, {
        resizeWidth: MODEL_WIDTH,
        resizeHeight: MODEL_HEIGHT,
        resizeQuality: 'low',
      });
      const mask = nextMask();
      await segmentation.send({ image: modelInput });
      const maskImage = await mask;
      const canvas = compositor.compose(frame, maskImage);
      output = new VideoFrame(canvas, { timestamp: frame.timestamp, alpha: 'discard' });
      modelInput.close();
      maskImage.close?.();
    } finally {
      frame.close();
    }
    // The generator's sink takes ownership of the frame and closes it.
    await writer.write(output);
    framesOut++;
    if (framesOut === 1) scope.postMessage({ type: 'ready' });
  }
  clearInterval(report);
  await segmentation.close();
}

scope.onmessage = (event) => {
  if (event.data.type !== 'start') return;
  run(event.data).catch((error: unknown) =>
    scope.postMessage({
      type: 'failed',
      message: error instanceof Error ? error.message : String(error),
    }),
  );
};
