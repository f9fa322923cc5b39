/**
 * What the browser gave us for the camera, microphone and speakers. Plain types shared by the
 * local media (which finds out) and the call store (which shows it), so neither imports the other,
 * and the lobby's wording of them (the lobby shows before the local media's code loads).
 */

/** What the browser gave us for one kind of device. */
export type DeviceAccess = 'pending' | 'granted' | 'denied' | 'missing' | 'failed';

export interface DeviceOption {
  deviceId: string;
  /** Empty while the browser hides device names (before any permission): the picker numbers it. */
  label: string;
}

export interface DeviceLists {
  cameras: DeviceOption[];
  microphones: DeviceOption[];
  /** Empty where the browser cannot choose an output (no `setSinkId`). */
  speakers: DeviceOption[];
}

/** A sentence the lobby says about devices it could not use (the words are the interface's). */
export type DeviceProblem =
  | 'bothBlocked'
  | 'cameraBlocked'
  | 'microphoneBlocked'
  | 'cameraMissing'
  | 'microphoneMissing'
  | 'cameraFailed'
  | 'microphoneFailed'
  | 'howToAllowOne'
  | 'howToAllowBoth';

/** What the lobby says about devices we could not use, in order; empty if all is well. */
export function describeDeviceProblem(
  microphone: DeviceAccess,
  camera: DeviceAccess,
): DeviceProblem[] {
  if (microphone === 'denied' && camera === 'denied') return ['bothBlocked', 'howToAllowBoth'];
  const problems: DeviceProblem[] = [];
  if (camera === 'denied') problems.push('cameraBlocked');
  if (microphone === 'denied') problems.push('microphoneBlocked');
  if (camera === 'missing') problems.push('cameraMissing');
  if (microphone === 'missing') problems.push('microphoneMissing');
  if (camera === 'failed') problems.push('cameraFailed');
  if (microphone === 'failed') problems.push('microphoneFailed');
  if (camera === 'denied' || microphone === 'denied') problems.push('howToAllowOne');
  return problems;
}
