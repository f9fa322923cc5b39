import { describe, expect, it } from 'vitest';
import { describeLinkFailure, linkCannotConnect, refusedTurnCredentials } from './link-diagnosis';

const base = {
  gatheringComplete: true,
  candidateTypes: [] as string[],
  serverErrors: [] as { url: string; code: number; text: string }[],
};
const error = (url: string, code: number) => ({ url, code, text: '' });

describe('link diagnosis', () => {
  it('blames refused TURN credentials when the relay said 401', () => {
    const diagnostics = {
      ...base,
      serverErrors: [{ url: 'turn:127.0.0.1:3478?transport=udp', code: 401, text: 'Unauthorized' }],
    };
    expect(linkCannotConnect(diagnostics, true)).toBe(true);
    expect(describeLinkFailure(diagnostics, true)).toBe('turn-refused');
    // Whether or not the person asked for relay-only.
    expect(describeLinkFailure(diagnostics, false)).toBe('turn-refused');
  });

  it('counts only TURN refusals of credentials as refused credentials', () => {
    for (const code of [401, 403, 437, 441])
      expect(refusedTurnCredentials([error('turns:relay.example:5349', code)])).toBeDefined();
    expect(refusedTurnCredentials([error('TURN:relay.example:3478', 401)])).toBeDefined();
    // A STUN server's 401, or a TURN server's other errors, say nothing about our credentials.
    expect(refusedTurnCredentials([error('stun:stun.example:3478', 401)])).toBeUndefined();
    expect(refusedTurnCredentials([error('turn:relay.example:3478', 701)])).toBeUndefined();
    expect(refusedTurnCredentials([])).toBeUndefined();
    const first = error('turn:a:3478', 403);
    expect(
      refusedTurnCredentials([error('turn:b:3478', 701), first, error('turn:c:3478', 401)]),
    ).toBe(first);
  });

  it('knows early that relay-only without relay candidates cannot work', () => {
    expect(linkCannotConnect({ ...base, candidateTypes: ['host'] }, true)).toBe(true);
    expect(linkCannotConnect({ ...base, candidateTypes: ['relay'] }, true)).toBe(false);
    expect(linkCannotConnect({ ...base, gatheringComplete: false }, true)).toBe(false);
    expect(linkCannotConnect({ ...base, candidateTypes: ['host'] }, false)).toBe(false);
    expect(describeLinkFailure({ ...base, candidateTypes: ['host'] }, true)).toBe('no-relay');
  });

  it('tells an unreachable relay from a missing one in relay-only mode', () => {
    const unreachable = { ...base, serverErrors: [error('turn:relay.example:3478', 701)] };
    expect(describeLinkFailure(unreachable, true)).toBe('relay-unreachable');
    // A STUN error is no sign of a relay.
    const stunOnly = { ...base, serverErrors: [error('stun:stun.example:3478', 701)] };
    expect(describeLinkFailure(stunOnly, true)).toBe('no-relay');
  });

  it('otherwise points at the network between the two people', () => {
    expect(describeLinkFailure({ ...base, candidateTypes: ['host', 'srflx'] }, false)).toBe(
      'blocked',
    );
    // Relay-only with relay candidates that still did not connect: the network again.
    expect(describeLinkFailure({ ...base, candidateTypes: ['relay'] }, true)).toBe('blocked');
  });
});
