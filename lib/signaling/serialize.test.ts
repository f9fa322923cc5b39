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
  const relayed: ServerMessage = {
    type: 'description',
    from: FROM,
    description: parsed.message.description,
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

describe('serializeServerMessage', () => {
  it('writes exactly what JSON.stringify writes for a relayed description, in either key order', () => {
    fc.assert(
      fc.property(sdp, descriptionType, fc.boolean(), (text, type, toFirst) => {
        const description = { type, sdp: text };
        const frame = toFirst
          ? JSON.stringify({ type: 'description', to: PEER, description })
          : JSON.stringify({ type: 'description', description, to: PEER });
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
    ]);
    fc.assert(
      fc.property(frames, (candidates) => {
        for (const frame of candidates) {
          const parsed = parseClientMessage(frame);
          if (!parsed.ok) continue;
          const { relayed, wire } = relay(frame);
          // Whatever the wire says, it is the validated message and nothing more.
          expect(JSON.parse(wire)).toEqual(relayed);
          expect(Object.keys(JSON.parse(wire) as object)).toEqual(['type', 'from', 'description']);
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
    ];
    for (const message of messages)
      expect(serializeServerMessage(message)).toBe(JSON.stringify(message));
  });
});
