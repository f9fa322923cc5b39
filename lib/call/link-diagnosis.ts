import type { IceDiagnostics } from '../webrtc/ice-diagnostics';

/** TURN/STUN error codes that mean "your credentials were refused" (RFC 8489, RFC 8656). */
const REFUSED_CREDENTIALS = new Set([401, 403, 437, 441]);

/**
 * Whether a link that has not connected yet can already be known never to: in relay-only mode,
 * gathering ended without a single relay candidate, so there is nothing to try.
 */
export function linkCannotConnect(diagnostics: IceDiagnostics, relayOnly: boolean): boolean {
  return (
    relayOnly && diagnostics.gatheringComplete && !diagnostics.candidateTypes.includes('relay')
  );
}

/** The first error in which a TURN server refused the credentials it was given, if any. */
export function refusedTurnCredentials<T extends { url: string; code: number }>(
  errors: readonly T[],
): T | undefined {
  return errors.find((error) => /^turns?:/i.test(error.url) && REFUSED_CREDENTIALS.has(error.code));
}

/** Why a link to `peerName` could not be made, in words a person (or their admin) can act on. */
export function describeLinkFailure(
  diagnostics: IceDiagnostics,
  relayOnly: boolean,
  peerName: string,
): string {
  if (refusedTurnCredentials(diagnostics.serverErrors)) {
    return 'The relay server (TURN) refused the credentials this app gave it, so the call could not connect. Whoever runs this app should check that TURN_SECRET matches the relay server’s secret.';
  }
  if (relayOnly && !diagnostics.candidateTypes.includes('relay')) {
    const turnFailed = diagnostics.serverErrors.some((error) => /^turns?:/i.test(error.url));
    return turnFailed
      ? 'The relay server (TURN) could not be reached, and “Hide my IP address” allows no other route. Try again, or join without it.'
      : 'This server has no relay (TURN) configured, so “Hide my IP address” leaves no way to connect. Join without it.';
  }
  return `Could not connect to ${peerName}. Something between you, such as a firewall or a strict network, may be blocking calls.`;
}
