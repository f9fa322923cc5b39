import { SAFETY_WORDS } from './word-list';

/**
 * A safety code: a few words both ends of a peer-to-peer link compute from the two DTLS
 * certificates the link uses, as each end sees them. Each browser checks during the DTLS handshake
 * that the other end holds the certificate whose fingerprint came in the remote description, so a
 * relay in the middle ("man in the middle") must present its own certificate to each side. Each
 * side then sees a different pair, and the two codes differ.
 */

/** How many words a code has: 6 bytes of the hash, 48 bits. */
export const SAFETY_CODE_LENGTH = 6;

/** Changes if the derivation ever does, so two versions never show equal codes by accident. */
const DERIVATION_LABEL = 'meshcall safety code v1';

const HEX_PAIRS = /^[0-9A-F]{2}(:[0-9A-F]{2})*$/;

/**
 * A certificate fingerprint as `algorithm VALUE`, in one spelling whoever wrote it: algorithm in
 * lower case, hexadecimal in upper case. Null if it is not a fingerprint.
 */
export function normalizeFingerprint(algorithm: string, value: string): string | null {
  const hex = value.trim().toUpperCase();
  const name = algorithm.trim().toLowerCase();
  if (!/^[a-z0-9-]+$/.test(name) || !HEX_PAIRS.test(hex)) return null;
  return `${name} ${hex}`;
}

/**
 * The certificate fingerprint a session description announces (`a=fingerprint`, session or media
 * level), preferring SHA-256. Null when there is none, or when its sections name different
 * certificates of that algorithm, which no browser does: no code is better than an ambiguous one.
 */
export function fingerprintOfSdp(sdp: string | null | undefined): string | null {
  if (!sdp) return null;
  const found = new Map<string, Set<string>>();
  for (const line of sdp.split(/\r?\n/)) {
    const match = /^a=fingerprint:(\S+)\s+(\S+)\s*$/i.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const fingerprint = normalizeFingerprint(match[1], match[2]);
    if (!fingerprint) continue;
    const algorithm = fingerprint.slice(0, fingerprint.indexOf(' '));
    const values = found.get(algorithm) ?? new Set<string>();
    values.add(fingerprint);
    found.set(algorithm, values);
  }
  const chosen = found.get('sha-256') ?? found.values().next().value;
  if (!chosen || chosen.size !== 1) return null;
  return [...chosen][0] ?? null;
}

/**
 * The words for the link between the certificates `mine` and `theirs` (normalized fingerprints).
 * The pair is sorted first, so both ends get the same words; each word is one byte of a SHA-256
 * over the pair.
 */
export async function safetyCode(mine: string, theirs: string): Promise<string[]> {
  const [first, second] = [mine, theirs].sort();
  const input = new TextEncoder().encode(`${DERIVATION_LABEL}\n${first}\n${second}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  return [...digest.subarray(0, SAFETY_CODE_LENGTH)].map((byte) => SAFETY_WORDS[byte] ?? '?');
}
