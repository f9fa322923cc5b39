/**
 * Keeping each side's DTLS role across ICE restarts.
 *
 * Browsers offer `a=setup:actpass` ("either role") in every offer, and an answerer should then keep
 * the role it already has. Firefox does not when the offer is an ICE restart: it answers
 * `a=setup:active` even where it has been the DTLS server, and Chromium rejects that answer
 * ("Failed to set SSL role for the transport"), after which it cannot even roll its offer back.
 * So when a Chromium that answered the first offer restarted ICE toward a Firefox that made it,
 * the link never recovered.
 *
 * The fix needs no knowledge of the other browser: an ICE-restart offer states the role we
 * already have (`a=setup:active` or `a=setup:passive`), which leaves the answerer one choice,
 * the opposite role, so the existing DTLS association carries on.
 */

type DtlsRole = 'active' | 'passive';

/** Our role on the established DTLS transport, from the last completed negotiation, or null. */
export function establishedDtlsRole(
  currentLocalSdp: string | undefined,
  currentRemoteSdp: string | undefined,
): DtlsRole | null {
  const local = setupOf(currentLocalSdp);
  if (local === 'active' || local === 'passive') return local;
  // We offered "either": the answer took one role and left us the other.
  const remote = setupOf(currentRemoteSdp);
  if (remote === 'active') return 'passive';
  if (remote === 'passive') return 'active';
  return null;
}

/**
 * The offer to send for `offerSdp`: unchanged unless it restarts ICE (its ufrag differs from the
 * current local description's) on a transport where our DTLS role is known, in which case its
 * `a=setup:actpass` lines name that role.
 */
export function keepDtlsRoleOnIceRestart(
  offerSdp: string,
  currentLocalSdp: string | undefined,
  currentRemoteSdp: string | undefined,
): string {
  const previousUfrag = iceUfragOf(currentLocalSdp);
  if (!previousUfrag || iceUfragOf(offerSdp) === previousUfrag) return offerSdp;
  const role = establishedDtlsRole(currentLocalSdp, currentRemoteSdp);
  return role ? offerSdp.replace(/^a=setup:actpass(?=\r?$)/gm, `a=setup:${role}`) : offerSdp;
}

function setupOf(sdp: string | undefined): string | null {
  return sdp?.match(/^a=setup:(\w+)/m)?.[1] ?? null;
}

/** The first ICE username fragment in `sdp`, or null. */
export function iceUfragOf(sdp: string | undefined): string | null {
  return sdp?.match(/^a=ice-ufrag:(\S+)/m)?.[1] ?? null;
}
