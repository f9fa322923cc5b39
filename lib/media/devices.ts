/**
 * What the browser gave us for the camera, microphone and speakers. Plain types shared by the
 * local media (which finds out) and the call store (which shows it), so neither imports the other,
 * and the lobby's wording of them (the lobby shows before the local media's code loads).
 */

/** What the browser gave us for one kind of device. */
export type DeviceAccess = 'pending' | 'granted' | 'denied' | 'missing' | 'failed';

export interface DeviceOption {
  deviceId: string;
  label: string;
}

export interface DeviceLists {
  cameras: DeviceOption[];
  microphones: DeviceOption[];
  /** Empty where the browser cannot choose an output (no `setSinkId`). */
  speakers: DeviceOption[];
}

/** What the lobby says about devices we could not use, or null if all is well. */
export function describeDeviceProblem(
  microphone: DeviceAccess,
  camera: DeviceAccess,
): string | null {
  const blocked = camera === 'denied' || microphone === 'denied';
  const both = microphone === 'denied' && camera === 'denied';
  const howToAllow = `To allow ${both ? 'them' : 'it'}, click the icon at the left end of the address bar (a padlock, or a crossed-out camera) and choose Allow, then press Ask again.`;
  if (both) {
    return `Your browser blocked the camera and microphone. You can still join to see and hear the others. ${howToAllow}`;
  }
  const problems: string[] = [];
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
  if (blocked) problems.push(howToAllow);
  return problems.length > 0 ? problems.join(' ') : null;
}
