import * as v from 'valibot';

/**
 * Messages people's browsers send each other on the control data channel of their link: file
 * transfer handshakes, the recording mark, and the end of a move to the media server. They go
 * peer to peer, so the server can neither read nor suppress them. Peers are untrusted: every
 * message is validated here, and handled with an exhaustive switch on `type`.
 */

/** The largest file anyone may send; see docs/files.md for why. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
const MAX_RAW_LENGTH = 4_096;

const transferId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,64}$/));

export const controlMessageSchema = v.variant('type', [
  v.object({
    type: v.literal('file-offer'),
    transferId,
    name: v.pipe(v.string(), v.minLength(1), v.maxLength(1_000)),
    size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_FILE_BYTES)),
  }),
  /** The receiver wants the file: the sender opens the transfer's data channel. */
  v.object({ type: v.literal('file-accept'), transferId }),
  v.object({ type: v.literal('file-decline'), transferId }),
  /** Either side stops a transfer, before or during it. */
  v.object({ type: v.literal('file-cancel'), transferId }),
  /** The receiver has every byte: the sender may call it done. */
  v.object({ type: v.literal('file-received'), transferId }),
  /** The sender is recording the call (or stopped). */
  v.object({ type: v.literal('recording'), on: v.boolean() }),
  /**
   * While a call moves to the media server: the sender now plays us from it, so our peer link
   * may close once we play them from it too (lib/call/media-move.ts).
   */
  v.object({ type: v.literal('media-moved') }),
]);

export type ControlMessage = v.InferOutput<typeof controlMessageSchema>;
export type FileControlMessage = Extract<ControlMessage, { type: `file-${string}` }>;

export function parseControlMessage(raw: unknown): ControlMessage | null {
  if (typeof raw !== 'string' || raw.length > MAX_RAW_LENGTH) return null;
  try {
    const result = v.safeParse(controlMessageSchema, JSON.parse(raw));
    return result.success ? result.output : null;
  } catch {
    return null;
  }
}

export function serializeControlMessage(message: ControlMessage): string {
  return JSON.stringify(message);
}
