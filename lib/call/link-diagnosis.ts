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

/**
 * Why a link could not be made: the relay refused our credentials, the relay could not be reached
 * (or there is none) while only relayed routes are allowed, or something on the way blocks calls.
 * The tile says it in words a person (or their admin) can act on.
 */
export type LinkProblem = 'turn-refused' | 'relay-unreachable' | 'no-relay' | 'blocked';

export function describeLinkFailure(diagnostics: IceDiagnostics, relayOnly: boolean): LinkProblem {
  if (refusedTurnCredentials(diagnostics.serverErrors)) return 'turn-refused';
  if (relayOnly && !diagnostics.candidateTypes.includes('relay')) {
    const turnFailed = diagnostics.serverErrors.some((error) => /^turns?:/i.test(error.url));
    return turnFailed ? 'relay-unreachable' : 'no-relay';
  }
  return 'blocked';
}
