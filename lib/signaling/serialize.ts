import type { ClientMessage, ServerMessage } from './protocol';

type DescriptionMessage = Extract<ClientMessage, { type: 'description' }>;

/**
 * Serializes a server message for the wire.
 *
 * Relaying a description is most of the server's work per byte: the SDP (~6 KB) was just parsed
 * from the sender's frame, and escaping it again costs three times what parsing it did. So when
 * `message` relays the description of `source` (the client message just parsed from `frame`), and
 * that frame has the exact layout a browser's `JSON.stringify` gives it, the SDP's JSON literal is
 * taken from the frame as it is. The layout check proves that literal is the frame's one and only
 * `sdp` value, which validation has already passed; anything else takes `JSON.stringify`.
 */
export function serializeServerMessage(
  message: ServerMessage,
  frame?: string,
  source?: ClientMessage,
): string {
  if (
    message.type === 'description' &&
    frame !== undefined &&
    source?.type === 'description' &&
    source.description === message.description &&
    source.epoch === message.epoch
  ) {
    const sdpLiteral = sdpLiteralOf(frame, source);
    if (sdpLiteral !== null) {
      return `{"type":"description","from":"${message.from}",${epochMember(message.epoch)}"description":{"type":"${message.description.type}","sdp":${sdpLiteral}}}`;
    }
  }
  return JSON.stringify(message);
}

/** `"epoch":N,` as JSON.stringify writes an integer member, or nothing when there is none. */
function epochMember(epoch: number | undefined): string {
  return epoch === undefined ? '' : `"epoch":${epoch},`;
}

/**
 * The raw JSON literal of the SDP in `frame`, if the frame is exactly one of
 *   {"type":"description","description":{"type":T,"sdp":"…"},"to":TO,"epoch":N}   (our browser's order)
 *   {"type":"description","to":TO,"epoch":N,"description":{"type":T,"sdp":"…"}}
 * (each with or without its epoch) with nothing else in it; otherwise null. Peer ids, types and
 * epochs are validated already, so they need no escaping and the frame's own can be compared as
 * written (an epoch written as `1.0` or `1e0` does not compare equal and takes the slow path).
 */
function sdpLiteralOf(frame: string, message: DescriptionMessage): string | null {
  const type = message.description.type;
  const epochLast = message.epoch === undefined ? '' : `,"epoch":${message.epoch}`;
  const head = `{"type":"description","description":{"type":"${type}","sdp":`;
  const toLast = `},"to":"${message.to}"${epochLast}}`;
  const headToFirst = `{"type":"description","to":"${message.to}",${epochMember(message.epoch)}"description":{"type":"${type}","sdp":`;
  let start: number;
  let end: number;
  if (frame.startsWith(head) && frame.endsWith(toLast)) {
    start = head.length;
    end = frame.length - toLast.length;
  } else if (frame.startsWith(headToFirst) && frame.endsWith('}}')) {
    start = headToFirst.length;
    end = frame.length - 2;
  } else {
    return null;
  }
  // One string literal: it opens at `start`, and its first unescaped-or-not quote after that is
  // its last character, so nothing else (another key, a second "sdp") hides between the two.
  if (end - start < 2 || frame.charCodeAt(start) !== QUOTE || frame.charCodeAt(end - 1) !== QUOTE) {
    return null;
  }
  if (frame.indexOf('"', start + 1) !== end - 1) return null;
  // A backslash right before the closing quote would escape it; SDP ends in CRLF, never in one.
  if (frame.charCodeAt(end - 2) === BACKSLASH) return null;
  return frame.slice(start, end);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
