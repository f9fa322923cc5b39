import type { CheckId, CheckResult } from './connection-check';

export interface CheckSummary {
  /** The colour of the worst row: nothing is called fine while a row below warns. */
  tone: 'pass' | 'warn' | 'fail';
  headline: string;
  /** What the headline leaves out, in a sentence or two; null when there is nothing to add. */
  detail: string | null;
}

const DEVICE_NAMES: Partial<Record<CheckId, string>> = {
  camera: 'camera',
  microphone: 'microphone',
};

/**
 * The banner above /check's rows. It tells apart calls that work here (with people on the same
 * network: our server and direct connections) from calls that work across networks (which need
 * STUN, and for strict firewalls a relay), and never says more than the worst row allows.
 */
export function summarizeCheck(results: Partial<Record<CheckId, CheckResult>>): CheckSummary {
  const status = (id: CheckId) => results[id]?.status;
  const failed = (Object.keys(results) as CheckId[]).filter((id) => status(id) === 'fail');
  if (failed.length > 0) {
    const n = failed.length;
    return {
      tone: 'fail',
      headline: `${n} ${n === 1 ? 'thing needs' : 'things need'} attention: see the red items below.`,
      detail: null,
    };
  }

  let tone: CheckSummary['tone'] = 'pass';
  let headline: string;
  const details: string[] = [];
  if (status('relay-call') === 'pass') {
    headline = 'Calls work here and across networks, even through strict firewalls.';
  } else if (status('stun') === 'pass') {
    tone = 'warn';
    headline = 'Calls work here and across most networks.';
    details.push(
      'This server has no working relay, so people behind strict firewalls may not be able to connect.',
    );
  } else if (status('direct') === 'pass') {
    tone = 'warn';
    headline = 'Calls work with people on this network. Across networks, they may not connect.';
    details.push(
      status('stun') === 'warn'
        ? 'No public address was found for this device, and this server has no relay.'
        : 'This server has no STUN or relay server set up, which calls between different networks need.',
    );
  } else {
    tone = 'warn';
    headline = 'Calls may not connect from this device.';
    details.push('Your browser offered no direct connection, and this server has no relay.');
  }

  const devices = Object.entries(DEVICE_NAMES)
    .filter(([id]) => status(id as CheckId) === 'warn')
    .map(([, name]) => name);
  if (devices.length > 0) {
    tone = 'warn';
    details.push(
      `Your ${devices.join(' and ')} ${devices.length === 1 ? 'needs' : 'need'} a look: see the yellow ${devices.length === 1 ? 'item' : 'items'} below.`,
    );
  }
  return { tone, headline, detail: details.length > 0 ? details.join(' ') : null };
}
