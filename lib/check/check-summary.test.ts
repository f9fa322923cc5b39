import { describe, expect, it } from 'vitest';
import { summarizeCheck } from './check-summary';
import type { CheckId, CheckResult, CheckStatus } from './connection-check';

const results = (statuses: Partial<Record<CheckId, CheckStatus>>) =>
  Object.fromEntries(
    Object.entries(statuses).map(([id, status]) => [id, { id, status, detail: '' }]),
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
    expect(summary).toEqual({
      tone: 'pass',
      headline: 'Calls work here and across networks, even through strict firewalls.',
      detail: null,
    });
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
    expect(summary.headline).toBe(
      'Calls work with people on this network. Across networks, they may not connect.',
    );
    expect(summary.detail).toContain('no STUN or relay server');
  });

  it('warns about strict firewalls when STUN works but there is no relay', () => {
    const summary = summarizeCheck(
      results({ ...WORKING_DEVICES, direct: 'pass', stun: 'pass', relay: 'skipped' }),
    );
    expect(summary).toMatchObject({
      tone: 'warn',
      headline: 'Calls work here and across most networks.',
    });
    expect(summary.detail).toContain('strict firewalls');
  });

  it('takes the colour of a device that warns, and names it', () => {
    const summary = summarizeCheck(
      results({ ...WORKING_DEVICES, microphone: 'warn', direct: 'pass', 'relay-call': 'pass' }),
    );
    expect(summary.tone).toBe('warn');
    expect(summary.detail).toBe('Your microphone needs a look: see the yellow item below.');
  });

  it('counts failures first', () => {
    expect(summarizeCheck(results({ ...WORKING_DEVICES, camera: 'fail', relay: 'fail' }))).toEqual({
      tone: 'fail',
      headline: '2 things need attention: see the red items below.',
      detail: null,
    });
  });
});
