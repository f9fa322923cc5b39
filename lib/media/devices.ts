/**
 * What the browser gave us for the camera, microphone and speakers. Plain types shared by the
 * local media (which finds out) and the call store (which shows it), so neither imports the other.
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
