/**
 * The signaling protocol, shared by the server (`server.ts`) and the browser.
 *
 * Every frame is one JSON object with a `type`. Both ends validate every frame they receive with
 * the schemas below and switch over `type` exhaustively (see `assertNever`), so adding a message
 * without handling it is a type error. The README documents each message in one line.
 */
import * as z from 'zod/mini';
import { ROOM_ID_PATTERN } from '../room-id';

/** Limits that both ends agree on. The server enforces them; the client never exceeds them. */
export const LIMITS = {
  /** Largest frame the server accepts (ws `maxPayload`). A Chromium SDP with screen share is ~10 KB. */
  maxFrameBytes: 64 * 1024,
  maxSdpLength: 48 * 1024,
  maxCandidateLength: 1024,
  maxNameLength: 64,
  maxIceServers: 8,
} as const;

export const PEER_ID_PATTERN = /^[A-Za-z0-9_-]{12}$/;
const RESUME_TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

const peerId = z.string().check(z.regex(PEER_ID_PATTERN));
const roomId = z.string().check(z.regex(ROOM_ID_PATTERN));
const displayName = z.string().check(z.minLength(1), z.maxLength(LIMITS.maxNameLength));

export const mediaStateSchema = z.object({
  audio: z.boolean(),
  video: z.boolean(),
  /** The `MediaStream` id of a screen share being sent, or null. Receivers use it to tell a
   * screen-share track from a camera track. */
  screen: z.nullable(z.string().check(z.maxLength(64))),
});
export type MediaState = z.infer<typeof mediaStateSchema>;

export const sessionDescriptionSchema = z.object({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().check(z.maxLength(LIMITS.maxSdpLength)),
});
export type SessionDescription = z.infer<typeof sessionDescriptionSchema>;

export const iceCandidateSchema = z.object({
  candidate: z.string().check(z.maxLength(LIMITS.maxCandidateLength)),
  sdpMid: z.nullable(z.string().check(z.maxLength(32))),
  sdpMLineIndex: z.nullable(z.number().check(z.int(), z.gte(0), z.lte(255))),
  usernameFragment: z.optional(z.nullable(z.string().check(z.maxLength(256)))),
});
export type IceCandidate = z.infer<typeof iceCandidateSchema>;

// ---------------------------------------------------------------------------------------------
// Browser -> server
// ---------------------------------------------------------------------------------------------

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('join'),
    roomId,
    name: displayName,
    media: mediaStateSchema,
    /** From an earlier `joined`: reclaims that peer id and slot if the server still holds it. */
    resumeToken: z.optional(z.string().check(z.regex(RESUME_TOKEN_PATTERN))),
  }),
  z.object({ type: z.literal('leave') }),
  z.object({ type: z.literal('description'), to: peerId, description: sessionDescriptionSchema }),
  /** `candidate: null` means the sender has finished gathering. */
  z.object({ type: z.literal('candidate'), to: peerId, candidate: z.nullable(iceCandidateSchema) }),
  z.object({ type: z.literal('media'), media: mediaStateSchema }),
  z.object({ type: z.literal('ping') }),
  /** For the connection self-test (/check): the ICE servers a joining peer would get. */
  z.object({ type: z.literal('get-ice-servers') }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

// ---------------------------------------------------------------------------------------------
// Server -> browser
// ---------------------------------------------------------------------------------------------

export const peerInfoSchema = z.object({
  peerId,
  name: displayName,
  media: mediaStateSchema,
  /** How the receiver should behave toward this peer in perfect negotiation. The later joiner of
   * a pair is polite, and it also makes the first offer. */
  polite: z.boolean(),
});
export type PeerInfo = z.infer<typeof peerInfoSchema>;

export const iceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.optional(z.string()),
  credential: z.optional(z.string()),
});
export type IceServer = z.infer<typeof iceServerSchema>;

export const ERROR_CODES = [
  'invalid-message',
  'room-full',
  'not-joined',
  'already-joined',
  'unknown-peer',
  'rate-limited',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const PEER_LEFT_REASONS = ['left', 'disconnected'] as const;

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('joined'),
    roomId,
    peerId,
    /** Keep it for this call only: presenting it in a later `join` resumes this peer's slot. */
    resumeToken: z.string().check(z.regex(RESUME_TOKEN_PATTERN)),
    /** True when this `join` reclaimed an earlier slot: existing peer connections stay valid. */
    resumed: z.boolean(),
    peers: z.array(peerInfoSchema),
    iceServers: z.array(iceServerSchema).check(z.maxLength(LIMITS.maxIceServers)),
    iceTransportPolicy: z.enum(['all', 'relay']),
  }),
  z.object({
    type: z.literal('ice-servers'),
    iceServers: z.array(iceServerSchema).check(z.maxLength(LIMITS.maxIceServers)),
    iceTransportPolicy: z.enum(['all', 'relay']),
  }),
  z.object({ type: z.literal('peer-joined'), peer: peerInfoSchema }),
  z.object({ type: z.literal('peer-left'), peerId, reason: z.enum(PEER_LEFT_REASONS) }),
  z.object({ type: z.literal('peer-updated'), peerId, media: mediaStateSchema }),
  z.object({ type: z.literal('description'), from: peerId, description: sessionDescriptionSchema }),
  z.object({
    type: z.literal('candidate'),
    from: peerId,
    candidate: z.nullable(iceCandidateSchema),
  }),
  z.object({
    type: z.literal('error'),
    code: z.enum(ERROR_CODES),
    message: z.string(),
  }),
  z.object({ type: z.literal('pong') }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Close codes the server uses, beyond the standard ones (1001 going away, 1008 policy, 1009 too big). */
export const CLOSE_CODES = {
  goingAway: 1001,
  unsupportedData: 1003,
  /** A text frame that is not valid UTF-8. */
  invalidPayload: 1007,
  /** The client kept sending frames that fail validation. */
  policyViolation: 1008,
  messageTooBig: 1009,
  /** The server is restarting: reconnect (perhaps to another instance) and resume. */
  serviceRestart: 1012,
  tryAgainLater: 1013,
  /** Another connection resumed this peer's slot. */
  replaced: 4000,
  /** The client broke the rate limit repeatedly. */
  rateLimited: 4008,
} as const;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function parseFrame<T>(schema: z.ZodMiniType<T>, frame: string): ParseResult<T> {
  let data: unknown;
  try {
    data = JSON.parse(frame);
  } catch {
    return { ok: false, error: 'Frame is not valid JSON.' };
  }
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return { ok: false, error: `Invalid message${where}: ${issue?.message ?? 'unknown problem'}.` };
}

export function parseClientMessage(frame: string): ParseResult<ClientMessage> {
  return parseFrame(clientMessageSchema, frame);
}

export function parseServerMessage(frame: string): ParseResult<ServerMessage> {
  return parseFrame(serverMessageSchema, frame);
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
