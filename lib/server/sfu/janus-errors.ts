/** Errors from talking to Janus, one class per way it can go wrong. */

/** Codes of the Janus core (apierror.h) that we act on. */
export const JANUS_CORE_ERROR = {
  unauthorized: 403,
  sessionNotFound: 458,
  handleNotFound: 459,
  pluginNotFound: 460,
  invalidSdp: 465,
} as const;

/** Codes of the VideoRoom plugin (janus_videoroom.c) that we act on. */
export const VIDEOROOM_ERROR = {
  noSuchRoom: 426,
  roomExists: 427,
  noSuchFeed: 428,
  publishersFull: 432,
  unauthorized: 433,
  alreadyPublished: 434,
  notPublished: 435,
  idExists: 436,
  invalidSdp: 437,
} as const;

/** Janus answered, and said no: `code` is Janus's (core or plugin), `reason` its words. */
export class JanusError extends Error {
  constructor(
    readonly request: string,
    readonly code: number,
    readonly reason: string,
  ) {
    super(`Janus refused "${request}": ${reason || 'no reason given'} (code ${code})`);
    this.name = 'JanusError';
  }
}

/** Janus did not answer in time. */
export class JanusTimeoutError extends Error {
  constructor(
    readonly request: string,
    readonly timeoutMs: number,
  ) {
    super(`Janus did not answer "${request}" within ${timeoutMs} ms`);
    this.name = 'JanusTimeoutError';
  }
}

/** The WebSocket to Janus is closed (or never opened): nothing sent on it can be answered. */
export class JanusConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JanusConnectionError';
  }
}

/** Janus answered something we cannot make sense of. */
export class JanusProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JanusProtocolError';
  }
}

export function isJanusError(error: unknown, code?: number): error is JanusError {
  return error instanceof JanusError && (code === undefined || error.code === code);
}
