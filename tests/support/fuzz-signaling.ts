/**
 * Throws random and mutated frames at a signaling server over real sockets, and checks that it
 * answers each socket sensibly: with valid protocol messages, and either still alive (it answers a
 * ping) or closed with a code that names the fault. Used by the fuzz test, and usable from a
 * Playwright test to fuzz the real server before checking that a call still connects.
 */
import fc from 'fast-check';
import WebSocket from 'ws';
import {
  CLOSE_CODES,
  LIMITS,
  SIGNALING_SUBPROTOCOL,
  parseServerMessage,
} from '../../lib/signaling/protocol';

/** One frame as it goes on the wire. `bytes` are sent as a text frame, valid UTF-8 or not. */
export type FuzzFrame =
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'binary'; bytes: Uint8Array };

export interface FuzzOptions {
  /** Sockets to open, each sending one generated sequence of frames. */
  runs: number;
  seed?: number;
  /** Defaults to the server's own origin, which it always accepts. */
  origin?: string;
  /** Longest time one socket may take to answer before the run fails. */
  answerTimeoutMs?: number;
}

export interface FuzzReport {
  seed: number;
  runs: number;
  framesSent: number;
  /** How each socket ended: `alive` (it answered a ping) or its close code. */
  outcomes: Record<string, number>;
  /** Error codes the server sent back, by code. */
  errorCodes: Record<string, number>;
  messagesReceived: number;
}

/** Close codes that name a client's fault; anything else after a fuzzed frame is a failure. */
export const EXPECTED_FUZZ_CLOSE_CODES: readonly number[] = [
  1002, // protocol error in the framing itself
  CLOSE_CODES.unsupportedData,
  CLOSE_CODES.invalidPayload,
  CLOSE_CODES.policyViolation,
  CLOSE_CODES.messageTooBig,
  CLOSE_CODES.rateLimited,
];

const ROOM_IDS = ['7k3mq-x9tbd-4rw8h', 'zzzzz-zzzzz-zzzzz', '00000-00000-00000'];
const PEER_IDS = ['AbCdEfGhIjKl', 'AAAAAAAAAAAA', '____________'];
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

const media = fc.record({
  audio: fc.boolean(),
  video: fc.boolean(),
  screen: fc.option(fc.string({ maxLength: 64 }), { nil: null }),
});
const description = fc.record({
  type: fc.constantFrom('offer', 'answer'),
  sdp: fc.string({ maxLength: 2_000 }),
});
const candidate = fc.option(
  fc.record(
    {
      candidate: fc.string({ maxLength: 300 }),
      sdpMid: fc.option(fc.string({ maxLength: 32 }), { nil: null }),
      sdpMLineIndex: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }),
      usernameFragment: fc.option(fc.string({ maxLength: 32 }), { nil: null }),
    },
    { requiredKeys: ['candidate', 'sdpMid', 'sdpMLineIndex'] },
  ),
  { nil: null },
);

/** Messages the server accepts, among a few rooms and ids, so that rooms really fill and empty. */
const validMessage: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record(
    {
      type: fc.constant('join'),
      roomId: fc.constantFrom(...ROOM_IDS),
      name: fc.string({ minLength: 1, maxLength: 64 }),
      media,
      resumeToken: fc.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    },
    { requiredKeys: ['type', 'roomId', 'name', 'media'] },
  ),
  fc.constant({ type: 'leave' }),
  fc.record({ type: fc.constant('description'), to: fc.constantFrom(...PEER_IDS), description }),
  fc.record({ type: fc.constant('candidate'), to: fc.constantFrom(...PEER_IDS), candidate }),
  fc.record({ type: fc.constant('media'), media }),
  fc.constant({ type: 'ping' }),
  fc.record({ type: fc.constant('presence'), roomId: fc.constantFrom(...ROOM_IDS) }),
);

const hugeString = fc
  .tuple(
    fc.integer({ min: 1_000, max: LIMITS.maxFrameBytes + 4_096 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  )
  .map(([length, unit]) => unit.repeat(length));

/** A value that nests `depth` arrays or objects deep. */
const deeplyNested = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean())
  .map(([depth, asObjects]) =>
    asObjects
      ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
      : '['.repeat(depth) + ']'.repeat(depth),
  );

const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }),
  fc.jsonValue({ maxDepth: 4 }),
  hugeString,
  fc.constantFrom(null, true, 0, -1, 1e308, '', [], {}, 'offer', ROOM_IDS[0], PEER_IDS[0]),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** A valid message with one thing wrong: a field removed, replaced or added, or the type changed. */
const mutatedMessage: fc.Arbitrary<string> = fc
  .tuple(
    validMessage,
    fc.nat(),
    fc.constantFrom('delete', 'replace', 'add', 'retype', 'nest'),
    oddValue,
  )
  .chain(([message, pick, mutation, value]) => {
    const keys = Object.keys(message);
    const key = keys[pick % keys.length] ?? 'type';
    const copy: Record<string, unknown> = { ...message };
    switch (mutation) {
      case 'delete':
        delete copy[key];
        return fc.constant(JSON.stringify(copy));
      case 'replace':
        copy[key] = value;
        return fc.constant(JSON.stringify(copy));
      case 'retype':
        return fc.string({ maxLength: 20 }).map((type) => JSON.stringify({ ...copy, type }));
      case 'nest':
        // Where an object is expected, an object with hostile keys inside.
        return fc.constantFrom(...HOSTILE_KEYS).map((hostile) => {
          const body = JSON.stringify(copy);
          return `${body.slice(0, -1)},"${hostile}":{"polluted":true,"${hostile}":{"polluted":true}}}`;
        });
      case 'add':
        return fc.constantFrom(...HOSTILE_KEYS, 'extra').map((extra) => {
          // Written by hand: JSON.stringify would not emit an own "__proto__" key.
          const body = JSON.stringify(copy);
          return `${body.slice(0, -1)},"${extra}":${JSON.stringify(value) ?? 'null'}}`;
        });
    }
  });

/** Any frame a hostile or broken client might send. */
export const fuzzFrame: fc.Arbitrary<FuzzFrame> = fc.oneof(
  { weight: 3, arbitrary: mutatedMessage.map((text): FuzzFrame => ({ kind: 'text', text })) },
  {
    weight: 2,
    arbitrary: validMessage.map((m): FuzzFrame => ({ kind: 'text', text: JSON.stringify(m) })),
  },
  {
    weight: 2,
    arbitrary: fc
      .jsonValue({ maxDepth: 5 })
      .map((v): FuzzFrame => ({ kind: 'text', text: JSON.stringify(v) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary', maxLength: 500 })
      .map((text): FuzzFrame => ({ kind: 'text', text })),
  },
  { weight: 1, arbitrary: deeplyNested.map((text): FuzzFrame => ({ kind: 'text', text })) },
  {
    weight: 1,
    arbitrary: hugeString.map((text): FuzzFrame => ({
      kind: 'text',
      text: JSON.stringify({ type: 'join', roomId: ROOM_IDS[0], name: text, media: {} }),
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 300 })
      .map((bytes): FuzzFrame => ({ kind: 'bytes', bytes })),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 300 })
      .map((bytes): FuzzFrame => ({ kind: 'binary', bytes })),
  },
);

/**
 * Runs `runs` sockets' worth of fuzzed frames against `url` (a server's `/ws`), one socket at a
 * time, and throws on a bad answer. Joins use three fixed room ids (`ROOM_IDS` above), and about
 * half the sockets are dropped rather than closed, so their peers hold places there for
 * RESUME_GRACE_MS: a call tested afterwards should use a fresh room id.
 */
export async function fuzzSignaling(
  url: string,
  runsOrOptions: number | FuzzOptions,
): Promise<FuzzReport> {
  const options = typeof runsOrOptions === 'number' ? { runs: runsOrOptions } : runsOrOptions;
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const origin = options.origin ?? new URL(url.replace(/^ws/, 'http')).origin;
  const report: FuzzReport = {
    seed,
    runs: 0,
    framesSent: 0,
    outcomes: {},
    errorCodes: {},
    messagesReceived: 0,
  };

  await fc.assert(
    fc.asyncProperty(
      fc.array(fuzzFrame, { minLength: 1, maxLength: 30 }),
      fc.boolean(),
      async (frames, closeCleanly) => {
        const outcome = await runSocket(
          url,
          origin,
          frames,
          options.answerTimeoutMs ?? 5_000,
          closeCleanly,
          report,
        );
        report.runs++;
        report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
      },
    ),
    { numRuns: options.runs, seed, endOnFailure: true },
  );
  return report;
}

async function runSocket(
  url: string,
  origin: string,
  frames: readonly FuzzFrame[],
  timeoutMs: number,
  closeCleanly: boolean,
  report: FuzzReport,
): Promise<string> {
  const socket = new WebSocket(url, SIGNALING_SUBPROTOCOL, { origin });
  const problems: string[] = [];
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  const alive = new Promise<void>((resolve) => {
    socket.on('message', (data, isBinary) => {
      report.messagesReceived++;
      if (isBinary) return problems.push('server sent a binary frame');
      const parsed = parseServerMessage(data.toString());
      if (!parsed.ok) return problems.push(`server sent an invalid message: ${parsed.error}`);
      const message = parsed.message;
      if (message.type === 'error') {
        report.errorCodes[message.code] = (report.errorCodes[message.code] ?? 0) + 1;
      }
      if (message.type === 'pong') resolve();
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`upgrade refused with HTTP ${response.statusCode}`)),
    );
    socket.once('error', reject);
  });

  for (const frame of frames) {
    if (socket.readyState !== WebSocket.OPEN) break;
    report.framesSent++;
    if (frame.kind === 'text') socket.send(frame.text);
    else socket.send(frame.bytes, { binary: frame.kind === 'binary' });
  }
  if (socket.readyState === WebSocket.OPEN) socket.send('{"type":"ping"}');

  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
  );
  const outcome = await Promise.race([alive.then(() => 'alive' as const), closed, timeout]);
  clearTimeout(timer);

  if (outcome === 'alive') {
    // Leave as a browser would: on purpose, or by dropping (which leaves a resumable slot).
    if (closeCleanly) socket.close(1000);
    else socket.terminate();
    await closed;
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  if (outcome === 'timeout') throw new Error(`the server did not answer within ${timeoutMs} ms`);
  if (outcome !== 'alive' && !EXPECTED_FUZZ_CLOSE_CODES.includes(outcome)) {
    throw new Error(`the server closed the socket with ${outcome}`);
  }
  return String(outcome);
}
