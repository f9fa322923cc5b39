import { describe, expect, it } from 'vitest';
import { establishedDtlsRole, keepDtlsRoleOnIceRestart } from './dtls-role';

/** A two-section bundled description, as browsers write them. */
function sdp(ufrag: string, setup: string): string {
  return [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    `a=ice-ufrag:${ufrag}`,
    `a=setup:${setup}`,
    'a=mid:0',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    `a=ice-ufrag:${ufrag}`,
    `a=setup:${setup}`,
    'a=mid:1',
    '',
  ].join('\r\n');
}

describe('establishedDtlsRole', () => {
  it('is our own setup value when we answered', () => {
    expect(establishedDtlsRole(sdp('a', 'active'), sdp('b', 'actpass'))).toBe('active');
    expect(establishedDtlsRole(sdp('a', 'passive'), sdp('b', 'actpass'))).toBe('passive');
  });

  it('is the other role from the answer when we offered', () => {
    expect(establishedDtlsRole(sdp('a', 'actpass'), sdp('b', 'active'))).toBe('passive');
    expect(establishedDtlsRole(sdp('a', 'actpass'), sdp('b', 'passive'))).toBe('active');
  });

  it('is unknown before the first negotiation completes', () => {
    expect(establishedDtlsRole(undefined, undefined)).toBeNull();
  });
});

describe('keepDtlsRoleOnIceRestart', () => {
  const weOffered = sdp('old', 'actpass');
  const theyAnsweredActive = sdp('theirs', 'active');

  it('names our role in every m-section of an ICE-restart offer', () => {
    const restart = sdp('new', 'actpass');
    const sent = keepDtlsRoleOnIceRestart(restart, weOffered, theyAnsweredActive);
    expect(sent.match(/a=setup:\w+/g)).toEqual(['a=setup:passive', 'a=setup:passive']);
    expect(sent.replaceAll('a=setup:passive', 'a=setup:actpass')).toBe(restart);
  });

  it('leaves offers that keep the ICE credentials alone', () => {
    const renegotiation = sdp('old', 'actpass');
    expect(keepDtlsRoleOnIceRestart(renegotiation, weOffered, theyAnsweredActive)).toBe(
      renegotiation,
    );
  });

  it('leaves the first offer alone', () => {
    const first = sdp('new', 'actpass');
    expect(keepDtlsRoleOnIceRestart(first, undefined, undefined)).toBe(first);
  });
});
