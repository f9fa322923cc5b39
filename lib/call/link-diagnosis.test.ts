import { describe, expect, it } from 'vitest';
import { describeLinkFailure, linkCannotConnect } from './link-diagnosis';

const base = {
  gatheringComplete: true,
  candidateTypes: [] as string[],
  serverErrors: [] as { url: string; code: number; text: string }[],
};

describe('link diagnosis', () => {
  it('blames refused TURN credentials when the relay said 401', () => {
    const diagnostics = {
      ...base,
      serverErrors: [{ url: 'turn:127.0.0.1:3478?transport=udp', code: 401, text: 'Unauthorized' }],
    };
    expect(linkCannotConnect(diagnostics, true)).toBe(true);
    expect(describeLinkFailure(diagnostics, true, 'Bob')).toMatch(
      /refused the credentials.*TURN_SECRET/,
    );
  });

  it('knows early that relay-only without relay candidates cannot work', () => {
    expect(linkCannotConnect({ ...base, candidateTypes: ['host'] }, true)).toBe(true);
    expect(linkCannotConnect({ ...base, candidateTypes: ['relay'] }, true)).toBe(false);
    expect(linkCannotConnect({ ...base, gatheringComplete: false }, true)).toBe(false);
    expect(linkCannotConnect({ ...base, candidateTypes: ['host'] }, false)).toBe(false);
    expect(describeLinkFailure({ ...base, candidateTypes: ['host'] }, true, 'Bob')).toMatch(
      /no relay/,
    );
  });

  it('otherwise points at the network between the two people', () => {
    expect(
      describeLinkFailure({ ...base, candidateTypes: ['host', 'srflx'] }, false, 'Bob'),
    ).toMatch(/connect to Bob.*firewall/);
  });
});
