/**
 * The protocol's plain values, apart from its schemas (protocol.ts, which re-exports them), so
 * that a page can use them without loading valibot before it needs to validate anything.
 */

/** Limits that both ends agree on. The server enforces them; the client never exceeds them. */
export const LIMITS = {
  /** Largest frame the server accepts (ws `maxPayload`). A Chromium SDP with screen share is ~10 KB. */
  maxFrameBytes: 64 * 1024,
  maxSdpLength: 48 * 1024,
  maxCandidateLength: 1024,
  maxNameLength: 64,
  maxIceServers: 8,
  /** Largest connection epoch; a pair that rebuilds its connection this often has other problems. */
  maxEpoch: 2 ** 31 - 1,
  /** Most names a `presence` answer lists; `count` still says how many are there. */
  maxPresenceNames: 8,
  /** Longest room password, in characters. */
  maxPasswordLength: 128,
  /** Most people knocking on one room at once; later knocks are refused as the room being full. */
  maxKnocks: 16,
  /** An SDP media id (`a=mid:`). */
  maxMidLength: 32,
  /** Tracks one person publishes to the SFU: microphone, camera, screen and its audio. */
  maxPublishedTracks: 4,
  /** Tracks one SFU subscription carries: every other person's published tracks in a full room. */
  maxSubscribedTracks: 50 * 4,
  /** Longest chat message, in UTF-16 code units (as `String.length` counts). */
  maxChatLength: 2_000,
} as const;

/** The reactions anyone may send; a small fixed set, so a reaction is never free text. */
export const REACTIONS = ['👍', '👏', '😂', '😮', '❤️', '🎉'] as const;
export type Reaction = (typeof REACTIONS)[number];
