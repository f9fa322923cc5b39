/**
 * Room ids: 15 characters of Crockford's base32 (75 random bits), shown in three groups of five,
 * for example `7k3mq-x9tbd-4rw8h`. The alphabet has no i, l, o or u, so an id read aloud or typed
 * from a screen survives the usual confusions; `parseRoomInput` repairs the rest.
 */

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUP_LENGTH = 5;
const GROUP_COUNT = 3;
const SYMBOL_COUNT = GROUP_LENGTH * GROUP_COUNT;

/** The canonical form: lower case, three dash-separated groups. */
export const ROOM_ID_PATTERN =
  /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/;

/** Bits of entropy in a generated id (documented, and checked by a unit test). */
export const ROOM_ID_BITS = SYMBOL_COUNT * Math.log2(ALPHABET.length);

export function createRoomId(): string {
  // 256 is a multiple of 32, so `byte & 31` is uniform over the alphabet.
  const bytes = crypto.getRandomValues(new Uint8Array(SYMBOL_COUNT));
  let symbols = '';
  for (const byte of bytes) symbols += ALPHABET[byte & 31];
  return formatSymbols(symbols);
}

/**
 * The room id whose symbols spell `index` in base 32: distinct and valid for every index below
 * 32^15, and the same on every run. For load tests and benchmarks, which need many known rooms.
 */
export function roomIdFromIndex(index: number): string {
  let symbols = '';
  for (let rest = index, i = 0; i < SYMBOL_COUNT; i++, rest = Math.floor(rest / 32)) {
    symbols = ALPHABET[rest % 32] + symbols;
  }
  return formatSymbols(symbols);
}

export function isRoomId(value: string): boolean {
  return ROOM_ID_PATTERN.test(value);
}

/**
 * Turns what a person pasted or typed (a full link, a code with spaces or capitals, `O` for `0`)
 * into a canonical room id, or returns null when it cannot be one.
 */
export function parseRoomInput(input: string): string | null {
  let text = input.trim();
  const fromLink = /\/call\/([^/?#\s]+)/.exec(text);
  if (fromLink?.[1]) text = decodeURIComponent(fromLink[1]);
  const symbols = text
    .toLowerCase()
    .replace(/[\s\-_.]/g, '')
    .replace(/[il]/g, '1')
    .replace(/o/g, '0');
  if (symbols.length !== SYMBOL_COUNT) return null;
  for (const symbol of symbols) if (!ALPHABET.includes(symbol)) return null;
  return formatSymbols(symbols);
}

function formatSymbols(symbols: string): string {
  const groups: string[] = [];
  for (let start = 0; start < symbols.length; start += GROUP_LENGTH) {
    groups.push(symbols.slice(start, start + GROUP_LENGTH));
  }
  return groups.join('-');
}
