/**
 * The signaling protocol, shared by the server (`server.ts`) and the browser.
 *
 * Every frame is one JSON object with a `type`. Both ends validate every frame they receive with
 * the schemas below and switch over `type` exhaustively (see `assertNever`), so adding a message
 * without handling it is a type error. `docs/protocol.md` documents each message for other clients.
 */
import * as v from 'valibot';
import { ROOM_ID_PATTERN } from '../room-id';
import { normalizeDisplayName, quoteUntrusted } from '../untrusted-text';
import { LIMITS, REACTIONS } from './protocol-values';

/**
 * The WebSocket subprotocol naming this version of the protocol. A client offers it when it opens
 * the socket; a server that does not speak the version offered closes the socket at once with
 * `CLOSE_CODES.unsupportedVersion`, so a page and a server of different versions fail clearly.
 */
export const SIGNALING_SUBPROTOCOL = 'meshcall.v1';

export { LIMITS, REACTIONS, type Reaction } from './protocol-values';

export const PEER_ID_PATTERN = /^[A-Za-z0-9_-]{12}$/;
/** A `MediaStream` id: Chromium and Safari use a UUID, Firefox a UUID in braces. */
export const MEDIA_STREAM_ID_PATTERN = /^[A-Za-z0-9{}_-]{1,64}$/;
export const RESUME_TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;
/** A host key: 32 random bytes in base64url, made by the browser that starts a call. */
export const HOST_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** A chat message's id, chosen by its sender (a UUID in our pages). */
export const CHAT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const peerId = v.pipe(v.string(), v.regex(PEER_ID_PATTERN));
const hostKey = v.pipe(v.string(), v.regex(HOST_KEY_PATTERN));
const password = v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.maxPasswordLength));
const roomId = v.pipe(v.string(), v.regex(ROOM_ID_PATTERN));
const chatId = v.pipe(v.string(), v.regex(CHAT_ID_PATTERN));
const chatText = v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.maxChatLength));
/**
 * A name as others see it: normalised (NFC, no controls, bidirectional overrides or invisible
 * formatting, spaces collapsed and trimmed), and refused if nothing visible is left.
 */
const displayName = v.pipe(
  v.string(),
  v.maxLength(LIMITS.maxNameLength),
  v.transform(normalizeDisplayName),
  v.check((name) => name.length > 0, 'a name needs something visible in it'),
);

export const mediaStateSchema = v.object({
  audio: v.boolean(),
  video: v.boolean(),
  /** The `MediaStream` id of a screen share being sent, or null. Receivers use it to tell a
   * screen-share track from a camera track. */
  screen: v.nullable(v.pipe(v.string(), v.regex(MEDIA_STREAM_ID_PATTERN))),
});
export type MediaState = v.InferOutput<typeof mediaStateSchema>;

export const sessionDescriptionSchema = v.object({
  type: v.picklist(['offer', 'answer']),
  sdp: v.pipe(v.string(), v.maxLength(LIMITS.maxSdpLength)),
});
export type SessionDescription = v.InferOutput<typeof sessionDescriptionSchema>;

export const iceCandidateSchema = v.object({
  candidate: v.pipe(v.string(), v.maxLength(LIMITS.maxCandidateLength)),
  sdpMid: v.nullable(v.pipe(v.string(), v.maxLength(32))),
  sdpMLineIndex: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(255))),
  usernameFragment: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256)))),
});
export type IceCandidate = v.InferOutput<typeof iceCandidateSchema>;

/**
 * Which peer connection of a pair a description or candidate belongs to. It starts at 0 and goes
 * up each time the pair replaces a dead connection with a new one (lib/webrtc/connection-epoch.ts);
 * the server relays it untouched. Absent means 0.
 */
const epoch = v.optional(
  v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(LIMITS.maxEpoch)),
);

/** How a room carries media: a link between every pair, or everyone through the SFU (Janus). */
export const ROOM_MODES = ['mesh', 'sfu'] as const;
export type RoomMode = (typeof ROOM_MODES)[number];

/** Why a room changed mode: it grew past the mesh, lost its SFU, or shrank back. */
export const ROOM_MODE_REASONS = ['grew', 'sfu-lost', 'shrank'] as const;

/** What a track published to the SFU carries. */
export const MEDIA_SOURCES = ['microphone', 'camera', 'screen', 'screen-audio'] as const;
export type MediaSource = (typeof MEDIA_SOURCES)[number];

/** Simulcast layers a subscriber may ask for, smallest first. */
export const SFU_LAYERS = ['low', 'medium', 'high'] as const;
export type SfuLayer = (typeof SFU_LAYERS)[number];
/** What a subscriber may ask of a camera: a layer, or no video while its tile is hidden. */
export const SFU_LAYER_CHOICES = [...SFU_LAYERS, 'none'] as const;
export type SfuLayerChoice = (typeof SFU_LAYER_CHOICES)[number];

const mid = v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.maxMidLength));
const sdp = v.pipe(v.string(), v.maxLength(LIMITS.maxSdpLength));

export const publishedTrackSchema = v.object({ mid, source: v.picklist(MEDIA_SOURCES) });
export type PublishedTrack = v.InferOutput<typeof publishedTrackSchema>;

export const subscribedTrackSchema = v.object({
  mid,
  peerId,
  source: v.picklist(MEDIA_SOURCES),
  kind: v.picklist(['audio', 'video']),
  /**
   * Which publication of that person's media the track belongs to: it changes when they publish
   * anew (after a reload, say), and the media server may then reuse the mid with its layer choice
   * reset. Absent from servers older than this field.
   */
  publication: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type SubscribedTrack = v.InferOutput<typeof subscribedTrackSchema>;

// ---------------------------------------------------------------------------------------------
// Browser -> server
// ---------------------------------------------------------------------------------------------

export const clientMessageSchema = v.variant('type', [
  v.object({
    type: v.literal('join'),
    roomId,
    name: displayName,
    media: mediaStateSchema,
    /** From an earlier `joined`: reclaims that peer id and slot if the server still holds it. */
    resumeToken: v.optional(v.pipe(v.string(), v.regex(RESUME_TOKEN_PATTERN))),
    /** The host key of the browser that started this call (or was handed it): makes it the host. */
    hostKey: v.optional(hostKey),
    /** The room password, when the room has one. */
    password: v.optional(password),
  }),
  v.object({ type: v.literal('leave') }),
  v.object({
    type: v.literal('description'),
    to: peerId,
    epoch,
    description: sessionDescriptionSchema,
  }),
  /** `candidate: null` means the sender has finished gathering. */
  v.object({
    type: v.literal('candidate'),
    to: peerId,
    epoch,
    candidate: v.nullable(iceCandidateSchema),
  }),
  v.object({ type: v.literal('media'), media: mediaStateSchema }),
  v.object({ type: v.literal('ping') }),
  /** For the connection self-test (/check): the ICE servers a joining peer would get. */
  v.object({ type: v.literal('get-ice-servers') }),
  /** For the lobby, before joining: who is in this room now. */
  v.object({ type: v.literal('presence'), roomId }),
  // Host controls: the server refuses each with `not-host` unless the sender is the host.
  /** Registers a new host key (the host's browser makes one when the role reaches it). */
  v.object({ type: v.literal('host-key'), hostKey }),
  v.object({ type: v.literal('hand-over'), to: peerId }),
  v.object({ type: v.literal('lock'), locked: v.boolean() }),
  /** `null` clears the password. */
  v.object({ type: v.literal('set-password'), password: v.nullable(password) }),
  v.object({ type: v.literal('waiting-room'), enabled: v.boolean() }),
  v.object({ type: v.literal('admit'), knockId: peerId }),
  v.object({ type: v.literal('decline'), knockId: peerId }),
  v.object({ type: v.literal('remove'), peerId }),
  /** `peerId: null` asks everyone but the host. The host can ask, never force, and never unmute. */
  v.object({ type: v.literal('mute-request'), peerId: v.nullable(peerId) }),
  v.object({ type: v.literal('end-call') }),
  // For everyone in the call.
  v.object({ type: v.literal('hand'), raised: v.boolean() }),
  v.object({ type: v.literal('reaction'), reaction: v.picklist(REACTIONS) }),
  /**
   * A chat message to everyone else in the room, relayed by the server. Pages send chat this way
   * while the call's media goes through the SFU (there are no peer links to carry it); in a mesh it
   * goes over the links' data channel instead, never through the server.
   */
  v.object({ type: v.literal('chat'), id: chatId, text: chatText }),
  /** SFU mode: publish my tracks (again with a new offer when they change, or to restart ICE). */
  v.object({
    type: v.literal('sfu-publish'),
    sdp,
    tracks: v.pipe(
      v.array(publishedTrackSchema),
      v.minLength(1),
      v.maxLength(LIMITS.maxPublishedTracks),
    ),
  }),
  v.object({ type: v.literal('sfu-unpublish') }),
  /**
   * SFU mode: I am ready to receive; an `sfu-subscription-offer` follows now or later. `fresh`:
   * my subscribing connection is new (a reloaded page), so any earlier subscription is made anew.
   */
  v.object({ type: v.literal('sfu-subscribe'), fresh: v.optional(v.boolean()) }),
  v.object({ type: v.literal('sfu-subscription-answer'), sdp }),
  /** SFU mode: the layer that fits the tile showing that mid; `none` while the tile is hidden. */
  v.object({ type: v.literal('sfu-layer'), mid, layer: v.picklist(SFU_LAYER_CHOICES) }),
  /** SFU mode: a trickled candidate of my publishing or subscribing connection; null when done. */
  v.object({
    type: v.literal('sfu-candidate'),
    link: v.picklist(['publisher', 'subscriber']),
    candidate: v.nullable(iceCandidateSchema),
  }),
  /** SFU mode: my subscribing connection failed; a restarting offer follows. */
  v.object({ type: v.literal('sfu-ice-restart') }),
]);
export type ClientMessage = v.InferOutput<typeof clientMessageSchema>;

/** The room-control messages: the host's actions, and hands and reactions from anyone. */
export type ControlsMessage = Extract<
  ClientMessage,
  {
    type:
      | 'host-key'
      | 'hand-over'
      | 'lock'
      | 'set-password'
      | 'waiting-room'
      | 'admit'
      | 'decline'
      | 'remove'
      | 'mute-request'
      | 'end-call'
      | 'hand'
      | 'reaction';
  }
>;

// ---------------------------------------------------------------------------------------------
// Server -> browser
// ---------------------------------------------------------------------------------------------

export const peerInfoSchema = v.object({
  peerId,
  name: displayName,
  media: mediaStateSchema,
  /** How the receiver should behave toward this peer in perfect negotiation. The later joiner of
   * a pair is polite, and it also makes the first offer. */
  polite: v.boolean(),
});
export type PeerInfo = v.InferOutput<typeof peerInfoSchema>;

export const iceServerSchema = v.object({
  urls: v.union([v.string(), v.array(v.string())]),
  username: v.optional(v.string()),
  credential: v.optional(v.string()),
});
export type IceServer = v.InferOutput<typeof iceServerSchema>;

export const ERROR_CODES = [
  'invalid-message',
  'room-full',
  'not-joined',
  'already-joined',
  'unknown-peer',
  'rate-limited',
  /** A host action from someone who is not the host. */
  'not-host',
  /** The room is locked: nobody new gets in. */
  'room-locked',
  /** The room has a password and the join had none, or a wrong one. */
  'password-required',
  'wrong-password',
  /** The host declined an earlier knock from this address, and the pause after it is not over. */
  'knock-too-soon',
  /** Shared room state (Redis) cannot be reached: the server closes the socket with 1013, and the
   * client's reconnect retries. */
  'unavailable',
  /** An SFU request while the room is a mesh, or the server has no SFU (or lost it). */
  'sfu-unavailable',
  /** The SFU refused or failed the request (a bad offer, say). */
  'sfu-refused',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const PEER_LEFT_REASONS = ['left', 'disconnected', 'removed'] as const;
export type PeerLeftReason = (typeof PEER_LEFT_REASONS)[number];

/** The room's controls as everyone in it sees them. Never the password or the host key. */
export const roomControlsViewSchema = v.object({
  /** Null only for a moment, while the last person leaves. */
  hostPeerId: v.nullable(peerId),
  locked: v.boolean(),
  hasPassword: v.boolean(),
  waitingRoom: v.boolean(),
  /** Raised hands, earliest first. */
  hands: v.array(peerId),
});
export type RoomControlsView = v.InferOutput<typeof roomControlsViewSchema>;

/** Someone knocking on a room with a waiting room, as the host sees them. */
export const knockSchema = v.object({ knockId: peerId, name: displayName });
export type Knock = v.InferOutput<typeof knockSchema>;

export const serverMessageSchema = v.variant('type', [
  v.object({
    type: v.literal('joined'),
    roomId,
    peerId,
    /** Keep it for this call only: presenting it in a later `join` resumes this peer's slot. */
    resumeToken: v.pipe(v.string(), v.regex(RESUME_TOKEN_PATTERN)),
    /** True when this `join` reclaimed an earlier slot: existing peer connections stay valid. */
    resumed: v.boolean(),
    peers: v.array(peerInfoSchema),
    iceServers: v.pipe(v.array(iceServerSchema), v.maxLength(LIMITS.maxIceServers)),
    iceTransportPolicy: v.picklist(['all', 'relay']),
    /** How the room carries media now. In `sfu`, publish and subscribe; make no peer links. */
    mode: v.picklist(ROOM_MODES),
  }),
  v.object({
    type: v.literal('ice-servers'),
    iceServers: v.pipe(v.array(iceServerSchema), v.maxLength(LIMITS.maxIceServers)),
    iceTransportPolicy: v.picklist(['all', 'relay']),
  }),
  v.object({ type: v.literal('peer-joined'), peer: peerInfoSchema }),
  v.object({ type: v.literal('peer-left'), peerId, reason: v.picklist(PEER_LEFT_REASONS) }),
  v.object({ type: v.literal('peer-updated'), peerId, media: mediaStateSchema }),
  v.object({
    type: v.literal('description'),
    from: peerId,
    epoch,
    description: sessionDescriptionSchema,
  }),
  v.object({
    type: v.literal('candidate'),
    from: peerId,
    epoch,
    candidate: v.nullable(iceCandidateSchema),
  }),
  v.object({
    type: v.literal('error'),
    code: v.picklist(ERROR_CODES),
    message: v.string(),
  }),
  v.object({ type: v.literal('pong') }),
  v.object({
    type: v.literal('presence'),
    roomId,
    /** How many people are in the room now, and how many it takes. */
    count: v.pipe(v.number(), v.integer(), v.minValue(0)),
    capacity: v.pipe(v.number(), v.integer(), v.minValue(1)),
    /** The first of their names, in join order. */
    names: v.pipe(v.array(displayName), v.maxLength(LIMITS.maxPresenceNames)),
  }),
  /** To everyone in a room, after `joined` and whenever the host, a setting or a hand changes. */
  v.object({ type: v.literal('room-controls'), controls: roomControlsViewSchema }),
  /** To a knocker: the host has been asked; `joined` or an `error` with `declined` follows. */
  v.object({ type: v.literal('waiting') }),
  /** To the host: everyone knocking now, earliest first. */
  v.object({
    type: v.literal('knocks'),
    knocks: v.pipe(v.array(knockSchema), v.maxLength(LIMITS.maxKnocks)),
  }),
  /** To a knocker the host declined: a new knock is refused until `retryAfterMs` have passed. */
  v.object({
    type: v.literal('declined'),
    retryAfterMs: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  /** To a person the host removed, before the server closes their socket. */
  v.object({ type: v.literal('removed') }),
  /** The host asks this person to turn the microphone off; their app does, and says so. */
  v.object({ type: v.literal('mute-request') }),
  /** The host ended the call for everyone; the server closes every socket of the room. */
  v.object({ type: v.literal('call-ended') }),
  v.object({ type: v.literal('reaction'), from: peerId, reaction: v.picklist(REACTIONS) }),
  /** A chat message from someone in the room, relayed by the server (see the client's `chat`). */
  v.object({ type: v.literal('chat'), from: peerId, id: chatId, text: chatText }),
  /**
   * The room's media moves. To `sfu`: publish and subscribe, and keep the peer links until SFU
   * media plays for every tile. To `mesh` (`sfu-lost`): connect to everyone as a newcomer would.
   */
  v.object({
    type: v.literal('room-mode'),
    mode: v.picklist(ROOM_MODES),
    reason: v.picklist(ROOM_MODE_REASONS),
  }),
  v.object({ type: v.literal('sfu-publish-answer'), sdp }),
  /** An offer for my one subscribing connection; `tracks` says whose media each mid carries. */
  v.object({
    type: v.literal('sfu-subscription-offer'),
    sdp,
    tracks: v.pipe(v.array(subscribedTrackSchema), v.maxLength(LIMITS.maxSubscribedTracks)),
  }),
  /**
   * Janus relays that layer now, or no video for `none` (`ok: false`: Janus did not switch in
   * time, as when the publisher does not send that layer).
   */
  v.object({
    type: v.literal('sfu-layer-set'),
    mid,
    layer: v.picklist(SFU_LAYER_CHOICES),
    ok: v.boolean(),
  }),
  /**
   * To a publisher: the camera layer `from` now asks for (`none`: it shows no video of it);
   * `switched`: Janus now relays it that layer (until then `from` plays the one before). The
   * publisher sends only the layers someone asks for or plays, so a room of thumbnails does not
   * cost it a 720p encode, and a camera nobody shows costs it none.
   */
  v.object({
    type: v.literal('sfu-layer-demand'),
    from: peerId,
    layer: v.picklist(SFU_LAYER_CHOICES),
    switched: v.boolean(),
  }),
]);
export type ServerMessage = v.InferOutput<typeof serverMessageSchema>;

/** Close codes beyond the standard ones (1001 going away, 1008 policy, 1009 too big): the server's, and two of the client's. */
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
  /** From the client: it gave up on this socket as dead and is connecting again. */
  clientReconnecting: 4001,
  /**
   * From the client: the page is unloading (a reload, or the tab closing). The server holds the
   * peer's place for a short reload grace instead of announcing a departure at once.
   */
  pageUnloading: 4002,
  /** The client broke the rate limit repeatedly. */
  rateLimited: 4008,
  /** The host removed this person, or ended the call. Do not reconnect. */
  removed: 4010,
  callEnded: 4011,
  /** The client offered no version of the protocol that the server speaks (see
   * `SIGNALING_SUBPROTOCOL`); the reason names the versions the server speaks. Do not reconnect. */
  unsupportedVersion: 4426,
} as const;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

/**
 * A parser of frames for one side's messages. Each frame is checked against its type's own
 * schema, found by its `type` in a map: the variant would try its options one by one, and for a
 * relayed candidate that search cost more than validating the candidate did. A type no option has
 * still goes through the variant, which says what is wrong with it.
 */
function frameParser<T>(
  variant: v.VariantSchema<'type', v.VariantOptions<'type'>, undefined>,
): (frame: string) => ParseResult<T> {
  const whole = variant as unknown as v.GenericSchema<unknown, T>;
  const byType = new Map<unknown, v.GenericSchema<unknown, T>>();
  for (const option of variant.options) {
    const type = 'entries' in option ? option.entries.type : undefined;
    if (type?.type !== 'literal') throw new Error('every message schema has a literal type');
    const name = (type as v.LiteralSchema<v.Literal, undefined>).literal;
    // The variant would take the first of two; a map would quietly keep the last.
    if (byType.has(name)) throw new Error(`two message schemas have type ${String(name)}`);
    byType.set(name, option as v.GenericSchema<unknown, T>);
  }
  return (frame) => {
    let data: unknown;
    try {
      data = JSON.parse(frame);
    } catch {
      return { ok: false, error: 'Frame is not valid JSON.' };
    }
    const own =
      typeof data === 'object' && data !== null
        ? byType.get((data as { type?: unknown }).type)
        : undefined;
    const result = v.safeParse(own ?? whole, data);
    if (result.success) return { ok: true, message: result.output };
    return { ok: false, error: describeIssue(result.issues[0]) };
  };
}

/**
 * What was wrong with a frame, for the `error` sent back and the log. Valibot's own message quotes
 * the offending value in full; this quotes at most a short, escaped prefix of it.
 */
function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
  const where =
    path === '' ? '' : ` at ${/^[\w.]{1,64}$/.test(path) ? path : quoteUntrusted(path)}`;
  let problem: string;
  if (issue.type === 'check') {
    // Our own checks' messages name the rule, never the input.
    problem = issue.message;
  } else if (issue.type === 'variant') {
    // Valibot would list every message type the protocol has: the reference has them.
    if (where !== ' at type') {
      problem = `expected an object with a type, got ${quoteUntrusted(issue.input)}`;
    } else if (issue.input === undefined) {
      problem = 'the message has no type';
    } else {
      problem = `no message has type ${quoteUntrusted(issue.input)}`;
    }
  } else if (issue.type === 'min_length' || issue.type === 'max_length') {
    problem = `expected length ${issue.expected}, got ${issue.received}`;
  } else {
    problem = `expected ${issue.expected ?? 'something else'}, got ${quoteUntrusted(issue.input)}`;
  }
  return `Invalid message${where}: ${problem}.`;
}

export const parseClientMessage = frameParser<ClientMessage>(clientMessageSchema);
export const parseServerMessage = frameParser<ServerMessage>(serverMessageSchema);

export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}

/** Who is in a room, as a `presence` answer tells it. */
export type RoomPresence = Omit<Extract<ServerMessage, { type: 'presence' }>, 'type'>;
