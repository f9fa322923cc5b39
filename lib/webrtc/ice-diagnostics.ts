/** What ICE gathering found on one link, for telling a person why it could not be made. */
export interface IceDiagnostics {
  gatheringComplete: boolean;
  /** Types of local candidates gathered: host, srflx, relay, prflx. */
  candidateTypes: string[];
  /** Errors from STUN/TURN servers, e.g. 401 for refused TURN credentials. */
  serverErrors: { url: string; code: number; text: string }[];
}
