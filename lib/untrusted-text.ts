/**
 * Text that came from a client, made safe to show or log. Shared by the server and the browser.
 */

/**
 * A short, escaped prefix of untrusted input, for an error message or a log line: at most `max`
 * characters of it, every character outside printable ASCII written as `\uXXXX` (so that no
 * control, escape sequence, line break or bidirectional override reaches a terminal or a log
 * viewer), and an ellipsis if it was cut. Non-strings are described by their type only.
 */
export function quoteUntrusted(value: unknown, max = 24): string {
  if (typeof value !== 'string') return value === null ? 'null' : typeof value;
  const prefix = value.slice(0, max);
  const escaped = prefix.replace(
    /[^\x20-\x7e]|["\\]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}"${value.length > max ? '…' : ''}`;
}

/** Explicit bidirectional formatting: embeddings, overrides, isolates and marks. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/**
 * Invisible format characters (Unicode category Cf) and controls (Cc), except those a name may
 * need between visible characters: the zero-width joiner and non-joiner (emoji sequences,
 * Persian and Indic scripts) and tag characters (subdivision flags).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}](?<![\u200c\u200d\u{e0020}-\u{e007f}])/gu;
/** Letters and symbols that draw nothing: Hangul fillers and the blank braille pattern. */
const BLANK_LETTERS = /[\u115f\u1160\u3164\uffa0\u2800]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SPACES = /[\p{Z}\s]+/gu;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/**
 * A display name as others should see it: lone surrogates, controls, bidirectional overrides
 * and other invisible formatting removed, composed to NFC, runs of any kind of space made one
 * space, trimmed. Returns '' when nothing visible is left: the caller refuses such a name.
 */
export function normalizeDisplayName(raw: string): string {
  const cleaned = raw
    .replace(LONE_SURROGATE, '')
    .normalize('NFC')
    // Line breaks and tabs are controls too, but they part words: a space, not nothing.
    .replace(SPACES, ' ')
    .replace(BIDI_CONTROLS, '')
    .replace(INVISIBLE, '')
    .replace(BLANK_LETTERS, '')
    .replace(SPACES, ' ')
    .trim();
  return VISIBLE.test(cleaned) ? cleaned : '';
}
