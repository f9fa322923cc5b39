import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClientMessage, type ServerMessage } from './protocol';
import { serializeServerMessage } from './serialize';

const PEER = 'AbCdEfGhIjKl';
const FROM = 'ZyXwVuTsRqPo';

/** What the hub makes of a parsed description, keeping the very same description object. */
function relay(frame: string): { relayed: ServerMessage; wire: string } {
  const parsed = parseClientMessage(frame);
  if (!parsed.ok || parsed.message.type !== 'description')
    throw new Error(`not a description: ${frame}`);
  const { epoch, description } = parsed.message;
  const relayed: ServerMessage = {
    type: 'description',
    from: FROM,
    ...(epoch === undefined ? {} : { epoch }),
    description,
  };
  return { relayed, wire: serializeServerMessage(relayed, frame, parsed.message) };
}

const sdp = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc
    .array(fc.string({ maxLength: 70 }), { maxLength: 40 })
    .map((lines) => lines.join('\r\n') + '\r\n'),
  fc.constantFrom('', '\\', 'a\\', '"', '\\"', '\u2028', '\ud800', 'v=0\r\n'),
);
const descriptionType = fc.constantFrom('offer' as const, 'answer' as const);
const epoch = fc.option(fc.oneof(fc.constantFrom(0, 1, 2 ** 31 - 1), fc.nat()), {
  nil: undefined,
});

describe('serializeServerMessage', () => {
  it('writes exactly what JSON.stringify writes for a relayed description, in either key order', () => {
    fc.assert(
      fc.property(sdp, descriptionType, fc.boolean(), epoch, (text, type, toFirst, epoch) => {
        const description = { type, sdp: text };
        const frame = toFirst
          ? JSON.stringify({ type: 'description', to: PEER, epoch, description })
          : JSON.stringify({ type: 'description', description, to: PEER, epoch });
        const { relayed, wire } = relay(frame);
        expect(wire).toBe(JSON.stringify(relayed));
      }),
      { numRuns: 2_000 },
    );
  });

  it('forwards only the validated description from frames laid out to deceive', () => {
    const body = (text: string) => JSON.stringify(text);
    const frames = fc.tuple(sdp, sdp, descriptionType).map(([real, decoy, type]) => [
      // A second "sdp" key: JSON.parse keeps the last.
      `{"type":"description","description":{"type":"${type}","sdp":${body(decoy)},"sdp":${body(real)}},"to":"${PEER}"}`,
      // Extra keys, hidden inside what looks like the literal's span.
      `{"type":"description","description":{"type":"${type}","sdp":${body(real)},"x":${body(decoy)}},"to":"${PEER}"}`,
      `{"type":"description","to":"${PEER}","description":{"type":"${type}","sdp":${body(real)}},"to":"${PEER}"}`,
      `{"type":"description","to":"${PEER}","description":{"type":"${type}","sdp":${body(real)}},"__proto__":{"sdp":${body(decoy)}}}`,
      // Whitespace and escapes a browser would not write.
      `{"type":"description","to":"${PEER}","description":{"type":"${type}","sdp":${body(real)} }}`,
      `{"type":"description","to":"${PEER}","description":{"type":"${type}","sdp":"\\u0041${body(real).slice(1)}}}`,
      // An epoch written as no browser writes it, or twice.
      `{"type":"description","to":"${PEER}","epoch":1.0,"description":{"type":"${type}","sdp":${body(real)}}}`,
      `{"type":"description","description":{"type":"${type}","sdp":${body(real)}},"to":"${PEER}","epoch":1,"epoch":2}`,
      `{"type":"description","epoch":7,"description":{"type":"${type}","sdp":${body(real)}},"to":"${PEER}","epoch":1}`,
    ]);
    fc.assert(
      fc.property(frames, (candidates) => {
        for (const frame of candidates) {
          const parsed = parseClientMessage(frame);
          if (!parsed.ok) continue;
          const { relayed, wire } = relay(frame);
          // Whatever the wire says, it is the validated message and nothing more.
          expect(JSON.parse(wire)).toEqual(relayed);
          expect(Object.keys(JSON.parse(wire) as object)).toEqual(Object.keys(relayed as object));
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('is JSON.stringify for every other message', () => {
    const messages: ServerMessage[] = [
      { type: 'pong' },
      { type: 'peer-left', peerId: PEER, reason: 'left' },
      { type: 'candidate', from: FROM, candidate: null },
      { type: 'error', code: 'unknown-peer', message: 'No "such" peer\n' },
      { type: 'description', from: FROM, description: { type: 'offer', sdp: 'v=0\r\n' } },
      {
        type: 'description',
        from: FROM,
        epoch: 3,
        description: { type: 'answer', sdp: 'v=0\r\n' },
      },
      { type: 'candidate', from: FROM, epoch: 3, candidate: null },
    ];
    for (const message of messages)
      expect(serializeServerMessage(message)).toBe(JSON.stringify(message));
  });
});
