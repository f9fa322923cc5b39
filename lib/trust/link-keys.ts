import { fingerprintOfSdp } from './safety-code';

/** The two certificates a peer-to-peer link's DTLS runs between, as this end sees them. */
export interface LinkKeys {
  /** Ours, from our local description (normalized fingerprint, see safety-code.ts). */
  local: string;
  /** Theirs, from the remote description: the browser refused DTLS with any other. */
  remote: string;
}

/**
 * Reports `connection`'s keys each time it becomes connected: the DTLS handshake has then proved
 * the other end holds the certificate of the remote description's fingerprint.
 */
export function watchLinkKeys(
  connection: RTCPeerConnection,
  report: (keys: LinkKeys) => void,
): void {
  connection.addEventListener('connectionstatechange', () => {
    if (connection.connectionState !== 'connected') return;
    const local = fingerprintOfSdp(connection.currentLocalDescription?.sdp);
    const remote = fingerprintOfSdp(connection.currentRemoteDescription?.sdp);
    if (local && remote) report({ local, remote });
  });
}
