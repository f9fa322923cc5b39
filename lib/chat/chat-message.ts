import * as v from 'valibot';
import { LIMITS } from '../signaling/protocol';

/**
 * In a mesh, chat travels over an RTCDataChannel straight to each peer, never through the server
 * (in SFU mode it goes through the server, as the protocol's `chat` message). Peers are still
 * untrusted: every payload is validated, and the sender's name comes from signaling, not from the
 * payload.
 */
export const MAX_CHAT_LENGTH = LIMITS.maxChatLength;

export const chatPayloadSchema = v.object({
  type: v.literal('chat'),
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CHAT_LENGTH)),
});
export type ChatPayload = v.InferOutput<typeof chatPayloadSchema>;

export function parseChatPayload(raw: unknown): ChatPayload | null {
  if (typeof raw !== 'string' || raw.length > MAX_CHAT_LENGTH * 8) return null;
  try {
    const result = v.safeParse(chatPayloadSchema, JSON.parse(raw));
    return result.success ? result.output : null;
  } catch {
    return null;
  }
}

export type TextSegment =
  { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
/** Punctuation that usually ends a sentence rather than a link. */
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

/**
 * Splits a message into plain text and links. Only http(s) URLs become links, so `javascript:` and
 * the like stay inert text; React escapes all of it, so no HTML is ever injected.
 */
export function linkify(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    let candidate = match[0];
    const trailing = TRAILING_PUNCTUATION.exec(candidate)?.[0] ?? '';
    // Keep a closing parenthesis that belongs to the URL, as in Wikipedia links.
    if (trailing && !(trailing.startsWith(')') && candidate.includes('('))) {
      candidate = candidate.slice(0, candidate.length - trailing.length);
    }
    const href = safeHref(candidate);
    if (!href) continue;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
