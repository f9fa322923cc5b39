import type { DeviceAccess } from '../call/call-store';

export interface MediaRequest {
  audio: boolean;
  video: boolean;
}

export interface AcquiredMedia {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  microphoneAccess: DeviceAccess;
  cameraAccess: DeviceAccess;
}

const VIDEO_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30 },
};

const AUDIO_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/**
 * Gets what it can of the microphone and camera. If asking for both fails (one is blocked or
 * missing), it asks for each alone, so a person without a camera still joins with sound.
 */
export async function acquireLocalMedia(request: MediaRequest): Promise<AcquiredMedia> {
  const result: AcquiredMedia = {
    audio: null,
    video: null,
    microphoneAccess: request.audio ? 'pending' : 'granted',
    cameraAccess: request.video ? 'pending' : 'granted',
  };
  if (!request.audio && !request.video) return result;
  const mediaDevices = globalThis.navigator?.mediaDevices;
  if (!mediaDevices?.getUserMedia) {
    return { ...result, microphoneAccess: 'failed', cameraAccess: 'failed' };
  }

  try {
    const stream = await mediaDevices.getUserMedia({
      audio: request.audio ? AUDIO_CONSTRAINTS : false,
      video: request.video ? VIDEO_CONSTRAINTS : false,
    });
    result.audio = stream.getAudioTracks()[0] ?? null;
    result.video = stream.getVideoTracks()[0] ?? null;
    if (request.audio) result.microphoneAccess = result.audio ? 'granted' : 'missing';
    if (request.video) result.cameraAccess = result.video ? 'granted' : 'missing';
    return result;
  } catch (error) {
    if (!(request.audio && request.video)) {
      const access = accessFromError(error);
      if (request.audio) result.microphoneAccess = access;
      if (request.video) result.cameraAccess = access;
      return result;
    }
  }

  const [audio, video] = await Promise.all([
    acquireLocalMedia({ audio: true, video: false }),
    acquireLocalMedia({ audio: false, video: true }),
  ]);
  return {
    audio: audio.audio,
    video: video.video,
    microphoneAccess: audio.microphoneAccess,
    cameraAccess: video.cameraAccess,
  };
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

/** One sentence for the lobby about devices we could not use, or null if all is well. */
export function describeDeviceProblem(
  microphone: DeviceAccess,
  camera: DeviceAccess,
): string | null {
  const problems: string[] = [];
  if (microphone === 'denied' && camera === 'denied') {
    return 'Your browser blocked the camera and microphone. You can still join to see and hear the others, or allow access in the address bar and try again.';
  }
  if (camera === 'denied')
    problems.push('Your browser blocked the camera, so others will not see you.');
  if (microphone === 'denied')
    problems.push('Your browser blocked the microphone, so others will not hear you.');
  if (camera === 'missing') problems.push('No camera was found, so you will join without video.');
  if (microphone === 'missing')
    problems.push('No microphone was found, so you will join without sound.');
  if (camera === 'failed')
    problems.push('The camera could not be started (is another app using it?).');
  if (microphone === 'failed') problems.push('The microphone could not be started.');
  return problems.length > 0 ? problems.join(' ') : null;
}
