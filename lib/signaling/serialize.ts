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
    source.description === message.description
  ) {
    const sdpLiteral = sdpLiteralOf(frame, source);
    if (sdpLiteral !== null) {
      return `{"type":"description","from":"${message.from}","description":{"type":"${message.description.type}","sdp":${sdpLiteral}}}`;
    }
  }
  return JSON.stringify(message);
}

/**
 * The raw JSON literal of the SDP in `frame`, if the frame is exactly one of
 *   {"type":"description","description":{"type":T,"sdp":"…"},"to":TO}   (our browser's order)
 *   {"type":"description","to":TO,"description":{"type":T,"sdp":"…"}}
 * with nothing else in it; otherwise null. Peer ids and types are validated already, so they
 * need no escaping and the frame's own can be compared as written.
 */
function sdpLiteralOf(frame: string, message: DescriptionMessage): string | null {
  const head = `{"type":"description","description":{"type":"${message.description.type}","sdp":`;
  const toLast = `},"to":"${message.to}"}`;
  const headToFirst = `{"type":"description","to":"${message.to}","description":{"type":"${message.description.type}","sdp":`;
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
