import { describe, expect, it } from 'vitest';
import { PeerVerification, type SafetyView } from './peer-verification';
import { safetyCode } from './safety-code';
import { VerifiedPeople } from './verified-people';

const MINE = 'sha-256 AA';
const BENS = 'sha-256 BB';
const RELAYS = 'sha-256 CC';

function setup() {
  const shown = new Map<string, SafetyView | null>();
  const people = new VerifiedPeople(null);
  const names = new Map([['ben-1', 'Ben']]);
  const verification = new PeerVerification({
    people,
    nameOf: (peerId) => names.get(peerId) ?? '',
    publish: (peerId, view) => shown.set(peerId, view),
  });
  return { shown, people, names, verification };
}

describe('PeerVerification', () => {
  it('shows the code of a connected link, unverified at first', async () => {
    const { shown, verification } = setup();
    await verification.linkKeys('ben-1', { local: MINE, remote: BENS });
    expect(shown.get('ben-1')).toEqual({
      words: await safetyCode(MINE, BENS),
      remoteFingerprint: BENS,
      status: { kind: 'unverified' },
    });
  });

  it('remembers a verified certificate, and warns when the same name comes with another', async () => {
    const { shown, verification, names } = setup();
    await verification.linkKeys('ben-1', { local: MINE, remote: BENS });
    verification.setVerified('ben-1', true);
    expect(shown.get('ben-1')?.status).toEqual({ kind: 'verified', name: 'Ben' });

    // Ben in a later call, through someone who substitutes certificates.
    names.set('ben-2', 'Ben');
    await verification.linkKeys('ben-2', { local: MINE, remote: RELAYS });
    expect(shown.get('ben-2')?.status).toEqual({ kind: 'changed', name: 'Ben' });
    expect(shown.get('ben-2')?.words).not.toEqual(shown.get('ben-1')?.words);

    verification.setVerified('ben-1', false);
    expect(shown.get('ben-1')?.status).toEqual({ kind: 'unverified' });
  });

  it('clears a code when the person leaves, and ignores a code computed after', async () => {
    const { shown, verification } = setup();
    const pending = verification.linkKeys('ben-1', { local: MINE, remote: BENS });
    verification.forget('ben-1');
    await pending;
    expect(shown.get('ben-1')).toBeNull();
    await verification.linkKeys('ben-1', { local: MINE, remote: BENS });
    verification.clear();
    expect(shown.get('ben-1')).toBeNull();
  });
});
