/**
 * What Janus sends us over its WebSocket API, as valibot schemas. Janus is an external process, so
 * every frame is validated here before anything else reads it; fields we do not use are allowed
 * (loose objects) but never read. The shapes follow the Janus API (janus.c, ice.c) and the
 * VideoRoom plugin's documentation (janus_videoroom.c) of Janus 1.1.
 */
import * as v from 'valibot';

const id = v.pipe(v.number(), v.integer(), v.minValue(0));

export const jsepSchema = v.looseObject({
  type: v.picklist(['offer', 'answer']),
  sdp: v.string(),
});
export type Jsep = v.InferOutput<typeof jsepSchema>;

const errorBody = v.looseObject({ code: v.number(), reason: v.optional(v.string(), '') });

const pluginData = v.looseObject({
  plugin: v.string(),
  data: v.record(v.string(), v.unknown()),
});

/** Every frame from the Janus core, on `janus`. */
export const janusFrameSchema = v.variant('janus', [
  v.looseObject({
    janus: v.literal('success'),
    transaction: v.optional(v.string()),
    session_id: v.optional(id),
    sender: v.optional(id),
    data: v.optional(v.looseObject({ id: v.optional(id) })),
    plugindata: v.optional(pluginData),
  }),
  v.looseObject({
    janus: v.literal('error'),
    transaction: v.optional(v.string()),
    session_id: v.optional(id),
    error: errorBody,
  }),
  v.looseObject({ janus: v.literal('ack'), transaction: v.optional(v.string()) }),
  v.looseObject({
    janus: v.literal('server_info'),
    transaction: v.optional(v.string()),
    version: v.optional(v.number()),
    version_string: v.optional(v.string()),
    api_secret: v.optional(v.boolean()),
    plugins: v.optional(v.record(v.string(), v.unknown())),
  }),
  v.looseObject({
    janus: v.literal('event'),
    transaction: v.optional(v.string()),
    session_id: id,
    sender: id,
    plugindata: pluginData,
    jsep: v.optional(jsepSchema),
  }),
  v.looseObject({ janus: v.literal('webrtcup'), session_id: id, sender: id }),
  v.looseObject({
    janus: v.literal('media'),
    session_id: id,
    sender: id,
    mid: v.optional(v.string()),
    type: v.picklist(['audio', 'video']),
    receiving: v.boolean(),
    substream: v.optional(v.number()),
  }),
  v.looseObject({
    janus: v.literal('slowlink'),
    session_id: id,
    sender: id,
    mid: v.optional(v.string()),
    media: v.picklist(['audio', 'video']),
    uplink: v.boolean(),
    lost: v.number(),
  }),
  v.looseObject({
    janus: v.literal('hangup'),
    session_id: id,
    sender: id,
    reason: v.optional(v.string(), ''),
  }),
  v.looseObject({ janus: v.literal('detached'), session_id: id, sender: id }),
  v.looseObject({ janus: v.literal('timeout'), session_id: id }),
  v.looseObject({
    janus: v.literal('trickle'),
    session_id: id,
    sender: id,
    candidate: v.unknown(),
  }),
]);
export type JanusFrame = v.InferOutput<typeof janusFrameSchema>;

// ---------------------------------------------------------------------------------------------
// VideoRoom plugin data (plugindata.data)
// ---------------------------------------------------------------------------------------------

export const publishedStreamSchema = v.looseObject({
  type: v.picklist(['audio', 'video', 'data']),
  mindex: v.number(),
  mid: v.string(),
  disabled: v.optional(v.boolean(), false),
  codec: v.optional(v.string()),
  description: v.optional(v.string()),
  simulcast: v.optional(v.boolean(), false),
  talking: v.optional(v.boolean()),
});
export type PublishedStream = v.InferOutput<typeof publishedStreamSchema>;

export const publisherSchema = v.looseObject({
  id,
  display: v.optional(v.string()),
  dummy: v.optional(v.boolean(), false),
  streams: v.optional(v.array(publishedStreamSchema), []),
  talking: v.optional(v.boolean()),
});
export type Publisher = v.InferOutput<typeof publisherSchema>;

export const subscriptionStreamSchema = v.looseObject({
  mindex: v.number(),
  mid: v.string(),
  type: v.picklist(['audio', 'video', 'data']),
  active: v.optional(v.boolean(), true),
  feed_id: v.optional(id),
  feed_mid: v.optional(v.string()),
  feed_display: v.optional(v.string()),
  feed_description: v.optional(v.string()),
  send: v.optional(v.boolean()),
  ready: v.optional(v.boolean()),
});
export type SubscriptionStream = v.InferOutput<typeof subscriptionStreamSchema>;

export const participantSchema = v.looseObject({
  id,
  display: v.optional(v.string()),
  publisher: v.optional(v.boolean(), false),
  talking: v.optional(v.boolean()),
});
export type Participant = v.InferOutput<typeof participantSchema>;

/** The fields of a VideoRoom reply or event that we act on; everything is optional because one
 * `event` carries one of many different things. */
export const videoRoomDataSchema = v.looseObject({
  videoroom: v.string(),
  room: v.optional(v.union([id, v.string()])),
  error_code: v.optional(v.number()),
  error: v.optional(v.string()),
  // joined (publisher)
  id: v.optional(id),
  private_id: v.optional(id),
  publishers: v.optional(v.array(publisherSchema)),
  // attached / updated (subscriber)
  streams: v.optional(v.array(subscriptionStreamSchema)),
  // exists
  exists: v.optional(v.boolean()),
  // listparticipants
  participants: v.optional(v.array(participantSchema)),
  // event variants
  configured: v.optional(v.literal('ok')),
  started: v.optional(v.literal('ok')),
  paused: v.optional(v.literal('ok')),
  left: v.optional(v.literal('ok')),
  unpublished: v.optional(v.union([v.literal('ok'), id])),
  leaving: v.optional(v.union([v.literal('ok'), id])),
  kicked: v.optional(id),
  joining: v.optional(v.looseObject({ id, display: v.optional(v.string()) })),
  reason: v.optional(v.string()),
  // a subscription's simulcast substream changed
  mid: v.optional(v.string()),
  substream: v.optional(v.number()),
  // talking / stopped-talking
  'audio-level-dBov-avg': v.optional(v.number()),
});
export type VideoRoomData = v.InferOutput<typeof videoRoomDataSchema>;
