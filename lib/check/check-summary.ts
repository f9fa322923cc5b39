import type { CheckSummaryText } from '../i18n/user-text';
import type { CheckId, CheckResult } from './connection-check';

export interface CheckSummary {
  /** The colour of the worst row: nothing is called fine while a row below warns. */
  tone: 'pass' | 'warn' | 'fail';
  headline: CheckSummaryText;
  /** What the headline leaves out, in a sentence or two; empty when there is nothing to add. */
  details: CheckSummaryText[];
}

/**
 * The banner above /check's rows. It tells apart calls that work here (with people on the same
 * network: our server and direct connections) from calls that work across networks (which need
 * STUN, and for strict firewalls a relay), and never says more than the worst row allows.
 */
export function summarizeCheck(results: Partial<Record<CheckId, CheckResult>>): CheckSummary {
  const status = (id: CheckId) => results[id]?.status;
  const failed = (Object.keys(results) as CheckId[]).filter((id) => status(id) === 'fail');
  if (failed.length > 0) {
    return {
      tone: 'fail',
      headline: { key: 'failures', values: { count: failed.length } },
      details: [],
    };
  }

  let tone: CheckSummary['tone'] = 'pass';
  let headline: CheckSummaryText;
  const details: CheckSummaryText[] = [];
  if (status('relay-call') === 'pass') {
    headline = { key: 'everywhere' };
  } else if (status('stun') === 'pass') {
    tone = 'warn';
    headline = { key: 'mostNetworks' };
    details.push({ key: 'noWorkingRelay' });
  } else if (status('direct') === 'pass') {
    tone = 'warn';
    headline = { key: 'thisNetwork' };
    details.push({ key: status('stun') === 'warn' ? 'noPublicAddressNoRelay' : 'noStunOrRelay' });
  } else {
    tone = 'warn';
    headline = { key: 'mayNotConnect' };
    details.push({ key: 'noDirectNoRelay' });
  }

  const camera = status('camera') === 'warn';
  const microphone = status('microphone') === 'warn';
  if (camera || microphone) {
    tone = 'warn';
    details.push({
      key: 'devicesNeedALook',
      values: { devices: camera && microphone ? 'both' : camera ? 'camera' : 'microphone' },
    });
  }
  return { tone, headline, details };
}
