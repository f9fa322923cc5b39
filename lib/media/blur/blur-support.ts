/**
 * Whether this browser can blur the camera's background, and if not, why. Blur needs insertable
 * streams for video (MediaStreamTrackProcessor and MediaStreamTrackGenerator, to take the camera's
 * frames to a worker and a blurred track back), WebCodecs' VideoFrame, OffscreenCanvas, WebGL
 * (the segmentation model's input goes through it) and WebAssembly. Kept apart from the blur code
 * itself, which is loaded only when blur is turned on.
 */
export type BlurSupport = { supported: true } | { supported: false; reason: BlurMissing };

/** What the browser lacks for blur; the interface words it. */
export type BlurMissing = 'webassembly' | 'insertable-streams' | 'webgl';

let known: BlurSupport | null = null;

export function backgroundBlurSupport(): BlurSupport {
  known ??= detect();
  return known;
}

function detect(): BlurSupport {
  const scope = globalThis as Record<string, unknown>;
  if (typeof scope.Worker !== 'function' || typeof scope.WebAssembly !== 'object') {
    return { supported: false, reason: 'webassembly' };
  }
  if (
    typeof scope.MediaStreamTrackProcessor !== 'function' ||
    typeof scope.MediaStreamTrackGenerator !== 'function' ||
    typeof scope.VideoFrame !== 'function'
  ) {
    return { supported: false, reason: 'insertable-streams' };
  }
  if (typeof OffscreenCanvas !== 'function' || !hasWebGl()) {
    return { supported: false, reason: 'webgl' };
  }
  return { supported: true };
}

function hasWebGl(): boolean {
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const context = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    // Give the context back now: browsers allow only a few at a time.
    context?.getExtension('WEBGL_lose_context')?.loseContext();
    return context !== null;
  } catch {
    return false;
  }
}
