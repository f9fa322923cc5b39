/** What the page and the blur worker (blur-worker.ts) tell each other. */

export interface BlurStartMessage {
  type: 'start';
  /** The camera's frames (a MediaStreamTrackProcessor's readable), transferred. */
  frames: ReadableStream<VideoFrame>;
  /** Where blurred frames go (a MediaStreamTrackGenerator's writable), transferred. */
  blurred: WritableStream<VideoFrame>;
}

export type PageToBlurWorker = BlurStartMessage;

export type BlurWorkerToPage =
  /** The model is loaded and the first blurred frame was written. */
  | { type: 'ready' }
  /**
   * Camera frames read and blurred frames written so far; sent four times a second from a timer,
   * frames or not, so that silence means the worker's thread is stuck.
   */
  | { type: 'progress'; framesIn: number; framesOut: number }
  | { type: 'failed'; message: string };
