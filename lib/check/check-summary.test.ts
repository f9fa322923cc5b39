import { describe, expect, it } from 'vitest';
import { summarizeCheck } from './check-summary';
import type { CheckId, CheckResult, CheckStatus } from './connection-check';

const results = (statuses: Partial<Record<CheckId, CheckStatus>>) =>
  Object.fromEntries(
    Object.entries(statuses).map(([id, status]) => [
      id,
      { id, status, detail: { key: 'testing' } },
    ]),
  ) as Partial<Record<CheckId, CheckResult>>;

const WORKING_DEVICES = { camera: 'pass', microphone: 'pass', server: 'pass' } as const;

describe('summarizeCheck', () => {
  it('says everything works only when calls get through a relay and no row warns', () => {
    const summary = summarizeCheck(
      results({
        ...WORKING_DEVICES,
        direct: 'pass',
        stun: 'pass',
        relay: 'pass',
        'relay-call': 'pass',
      }),
    );
    expect(summary).toEqual({ tone: 'pass', headline: { key: 'everywhere' }, details: [] });
  });

  it('says "works here" and not "across networks" on a server with no STUN or relay', () => {
    const summary = summarizeCheck(
      results({
        ...WORKING_DEVICES,
        direct: 'pass',
        stun: 'skipped',
        relay: 'skipped',
        'relay-call': 'skipped',
      }),
    );
    expect(summary.tone).toBe('warn');
    expect(summary.headline).toEqual({ key: 'thisNetwork' });
    expect(summary.details).toEqual([{ key: 'noStunOrRelay' }]);
  });

  it('warns about strict firewalls when STUN works but there is no relay', () => {
    const summary = summarizeCheck(
      results({ ...WORKING_DEVICES, direct: 'pass', stun: 'pass', relay: 'skipped' }),
    );
    expect(summary).toEqual({
      tone: 'warn',
      headline: { key: 'mostNetworks' },
      details: [{ key: 'noWorkingRelay' }],
    });
  });

  it('takes the colour of a device that warns, and names it', () => {
    const summary = summarizeCheck(
      results({ ...WORKING_DEVICES, microphone: 'warn', direct: 'pass', 'relay-call': 'pass' }),
    );
    expect(summary.tone).toBe('warn');
    expect(summary.details).toContainEqual({
      key: 'devicesNeedALook',
      values: { devices: 'microphone' },
    });
  });

  it('counts failures first', () => {
    expect(summarizeCheck(results({ ...WORKING_DEVICES, camera: 'fail', relay: 'fail' }))).toEqual({
      tone: 'fail',
      headline: { key: 'failures', values: { count: 2 } },
      details: [],
    });
  });
});
