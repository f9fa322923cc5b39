import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SAFETY_CODE_LENGTH,
  fingerprintOfSdp,
  normalizeFingerprint,
  safetyCode,
} from './safety-code';
import { SAFETY_WORDS } from './word-list';

const fingerprintArbitrary = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map(
    (bytes) =>
      `sha-256 ${[...bytes].map((byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':')}`,
  );

describe('the word list', () => {
  it('has 256 distinct short lower-case words, one per byte', () => {
    expect(SAFETY_WORDS).toHaveLength(256);
    expect(new Set(SAFETY_WORDS).size).toBe(256);
    for (const word of SAFETY_WORDS) expect(word).toMatch(/^[a-z]{3,8}$/);
  });
});

describe('safetyCode', () => {
  it('gives both ends the same words, whichever end computes it', async () => {
    await fc.assert(
      fc.asyncProperty(fingerprintArbitrary, fingerprintArbitrary, async (alice, ben) => {
        expect(await safetyCode(alice, ben)).toEqual(await safetyCode(ben, alice));
      }),
    );
  });

  it('has six words from the list', async () => {
    await fc.assert(
      fc.asyncProperty(fingerprintArbitrary, fingerprintArbitrary, async (alice, ben) => {
        const words = await safetyCode(alice, ben);
        expect(words).toHaveLength(SAFETY_CODE_LENGTH);
        for (const word of words) expect(SAFETY_WORDS).toContain(word);
      }),
    );
  });

  it('differs when either certificate is replaced, as a relay in the middle must do', async () => {
    await fc.assert(
      fc.asyncProperty(
        fingerprintArbitrary,
        fingerprintArbitrary,
        fingerprintArbitrary,
        fingerprintArbitrary,
        async (alice, ben, relayToAlice, relayToBen) => {
          fc.pre(new Set([alice, ben, relayToAlice, relayToBen]).size === 4);
          // Alice sees the relay's first certificate, Ben its second.
          const aliceSees = await safetyCode(alice, relayToAlice);
          const benSees = await safetyCode(relayToBen, ben);
          expect(aliceSees).not.toEqual(benSees);
          expect(aliceSees).not.toEqual(await safetyCode(alice, ben));
          expect(benSees).not.toEqual(await safetyCode(alice, ben));
        },
      ),
    );
  });

  it('is fixed for a given pair (a change in derivation would change every code)', async () => {
    const alice = `sha-256 ${Array(32).fill('AA').join(':')}`;
    const ben = `sha-256 ${Array(32).fill('BB').join(':')}`;
    const words = await safetyCode(alice, ben);
    expect(await safetyCode(alice, ben)).toEqual(words);
    expect(words.join(' ')).toMatchInlineSnapshot(`"orbit piano whale jungle crown angel"`);
  });
});

describe('fingerprintOfSdp', () => {
  const value = Array.from({ length: 32 }, (_, index) => index.toString(16).padStart(2, '0'));

  it('reads the SHA-256 fingerprint, in one spelling', () => {
    const sdp = [
      'v=0',
      'o=- 1 2 IN IP4 127.0.0.1',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      `a=fingerprint:SHA-256 ${value.join(':')}`,
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      `a=fingerprint:sha-256 ${value.join(':').toUpperCase()}`,
      '',
    ].join('\r\n');
    expect(fingerprintOfSdp(sdp)).toBe(`sha-256 ${value.join(':').toUpperCase()}`);
  });

  it('prefers SHA-256 over other algorithms, wherever it is', () => {
    const sdp = `a=fingerprint:sha-1 ${value.slice(0, 20).join(':')}\na=fingerprint:sha-256 ${value.join(':')}\n`;
    expect(fingerprintOfSdp(sdp)).toBe(normalizeFingerprint('sha-256', value.join(':')));
  });

  it('gives nothing for no fingerprint, a malformed one, or two different certificates', () => {
    expect(fingerprintOfSdp(undefined)).toBeNull();
    expect(fingerprintOfSdp('v=0\r\n')).toBeNull();
    expect(fingerprintOfSdp('a=fingerprint:sha-256 not-hex\r\n')).toBeNull();
    const other = [...value].reverse().join(':');
    expect(
      fingerprintOfSdp(
        `a=fingerprint:sha-256 ${value.join(':')}\na=fingerprint:sha-256 ${other}\n`,
      ),
    ).toBeNull();
  });
});
