/**
 * The bytes of relays between processes (`redis-rooms.ts`), built and read without turning them
 * into one long string: a batch of a few hundred frames would be joined, measured and encoded
 * again by the Redis client, and the receiving process would decode it only to encode each frame
 * once more for its socket. Frames are written straight into a buffer, and read back as slices
 * of the published buffer that go to the sockets as they are.
 */
import type { Envelope } from './held-messages';
import type { Delivery } from './rooms';

/** Digits of a frame's length in a batch header: written after the frame, at a fixed width. */
const LENGTH_DIGITS = 10;
const NEWLINE = 0x0a;
const TAB = 0x09;
const NOTICE_MARK = 0x21; // '!'
const DIGIT_ZERO = 0x30;
const INITIAL_CAPACITY = 64 * 1024;
/** Buffers of sent batches kept for the next ones, and the largest kept. */
const SPARE_BUFFERS = 4;
const LARGEST_SPARE = 4 * 1024 * 1024;
const spare: Buffer[] = [];

interface Settle {
  resolve(delivery: Delivery): void;
  reject(error: unknown): void;
}

/**
 * Relays for one call of the RELAY script, as it reads them: per frame a line
 * `room \t to \t kind \t subject \t held bytes \t frame length`, then the frame and a newline.
 */
export class RelayBatch {
  /**
   * Per relay, three entries: its room, the envelope's subject (a relay's sender) and recipient;
   * read for the relays nobody awaits.
   */
  readonly routes: string[] = [];
  /** Per relay, how a caller awaits its outcome (`addAwaited`), or null if nobody does. */
  readonly waiting: (Settle | null)[] = [];
  private buffer = spare.pop() ?? Buffer.allocUnsafe(INITIAL_CAPACITY);
  private used = 0;

  /** Adds the relay of `envelope` to peer `to` of room `roomId`, its outcome read from `routes`. */
  add(roomId: string, to: string, envelope: Envelope): void {
    this.write(roomId, to, envelope);
    this.routes.push(roomId, envelope.subject, to);
    this.waiting.push(null);
  }

  /** The same, with a promise settled by Redis's answer. */
  addAwaited(roomId: string, to: string, envelope: Envelope): Promise<Delivery> {
    this.add(roomId, to, envelope);
    const at = this.waiting.length - 1;
    return new Promise<Delivery>((resolve, reject) => (this.waiting[at] = { resolve, reject }));
  }

  get size(): number {
    return this.waiting.length;
  }

  /** The batch's bytes; the batch is not added to afterwards. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  /**
   * Gives the buffer to a later batch. Only once Redis has answered this one: until then the
   * Redis client may still be writing it to its socket.
   */
  release(): void {
    if (spare.length < SPARE_BUFFERS && this.buffer.length <= LARGEST_SPARE)
      spare.push(this.buffer);
    this.buffer = Buffer.alloc(0);
    this.used = 0;
  }

  private write(roomId: string, to: string, envelope: Envelope): void {
    const { frame, kind, subject, bytes } = envelope;
    const line = `${roomId}\t${to}\t${kind}\t${subject}\t${bytes}\t`;
    // UTF-8 takes at most three bytes per UTF-16 unit: room for the worst case, measured after.
    this.reserve(3 * (line.length + frame.length) + LENGTH_DIGITS + 2);
    this.used += this.buffer.write(line, this.used);
    const lengthAt = this.used;
    this.used += LENGTH_DIGITS + 1;
    const frameBytes = this.buffer.write(frame, this.used);
    writeDigits(this.buffer, lengthAt, frameBytes);
    this.buffer[lengthAt + LENGTH_DIGITS] = NEWLINE;
    this.used += frameBytes;
    this.buffer[this.used++] = NEWLINE;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.used + bytes));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}

/** Writes `value` in decimal at `at`, zero-padded to LENGTH_DIGITS, with no string made. */
function writeDigits(buffer: Buffer, at: number, value: number): void {
  for (let i = at + LENGTH_DIGITS - 1; i >= at; i--) {
    buffer[i] = DIGIT_ZERO + (value % 10);
    value = Math.floor(value / 10);
  }
}

/** Whether a publication to a process is a notice (`redis-scripts.ts`) rather than frames. */
export function isNotice(message: Buffer): boolean {
  return message[0] === NOTICE_MARK;
}

/**
 * Each relay of a publication: the recipient, and the frame as a slice of the publication (no
 * copy). A publication carries relays as the RELAY script read them from a batch (header line,
 * then the frame), or, from a process of an earlier release, `peer \n frame \n peer \n frame…`;
 * the first line tells which, as only a header line has tabs. Stops at anything malformed.
 */
export function forEachFrame(
  message: Buffer,
  deliver: (peerId: string, frame: Buffer) => void,
): void {
  const firstLine = message.subarray(0, Math.max(0, message.indexOf(NEWLINE)));
  if (firstLine.includes(TAB)) forEachRelay(message, deliver);
  else forEachPair(message, deliver);
}

function forEachRelay(message: Buffer, deliver: (peerId: string, frame: Buffer) => void): void {
  let start = 0;
  while (start < message.length) {
    const endOfLine = message.indexOf(NEWLINE, start);
    const afterRoom = message.indexOf(TAB, start);
    const afterPeer = message.indexOf(TAB, afterRoom + 1);
    const afterKind = message.indexOf(TAB, afterPeer + 1);
    const afterSubject = message.indexOf(TAB, afterKind + 1);
    const beforeLength = message.indexOf(TAB, afterSubject + 1);
    // Six fields on the line, the last of LENGTH_DIGITS digits (a missing tab reads as -1).
    if (!(start <= afterRoom && afterRoom < afterPeer && afterPeer < afterKind)) return;
    if (!(afterKind < afterSubject && afterSubject < beforeLength)) return;
    if (endOfLine - beforeLength - 1 !== LENGTH_DIGITS) return;
    let length = 0;
    for (let at = beforeLength + 1; at < endOfLine; at++) {
      const digit = message[at]! - DIGIT_ZERO;
      if (digit < 0 || digit > 9) return;
      length = 10 * length + digit;
    }
    const afterFrame = endOfLine + 1 + length;
    if (message[afterFrame] !== NEWLINE) return;
    deliver(
      message.toString('utf8', afterRoom + 1, afterPeer),
      message.subarray(endOfLine + 1, afterFrame),
    );
    start = afterFrame + 1;
  }
}

function forEachPair(message: Buffer, deliver: (peerId: string, frame: Buffer) => void): void {
  let start = 0;
  while (start < message.length) {
    const afterPeer = message.indexOf(NEWLINE, start);
    if (afterPeer < 0) return;
    let afterFrame = message.indexOf(NEWLINE, afterPeer + 1);
    if (afterFrame < 0) afterFrame = message.length;
    deliver(
      message.toString('utf8', start, afterPeer),
      message.subarray(afterPeer + 1, afterFrame),
    );
    start = afterFrame + 1;
  }
}
