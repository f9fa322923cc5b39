import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  LIMITS,
  clientMessageSchema,
  parseClientMessage,
  parseServerMessage,
  serverMessageSchema,
  type ParseResult,
} from './protocol';

const ROOM = '7k3mq-x9tbd-4rw8h';
const PEER = 'AbCdEfGhIjKl';
const MEDIA = { audio: true, video: false, screen: null };

const frame = (value: unknown) => JSON.stringify(value);
const joinAs = (name: string) => frame({ type: 'join', roomId: ROOM, name, media: MEDIA });

describe('client messages', () => {
  it('accept each well-formed message', () => {
    const messages = [
      { type: 'join', roomId: ROOM, name: 'Ada', media: MEDIA },
      { type: 'leave' },
      { type: 'description', to: PEER, description: { type: 'offer', sdp: 'v=0\r\n' } },
      {
        type: 'candidate',
        to: PEER,
        candidate: {
          candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      },
      { type: 'candidate', to: PEER, candidate: null },
      // The connection epoch: absent (pages from before epochs), 0, or any count up to the limit.
      { type: 'description', to: PEER, epoch: 0, description: { type: 'answer', sdp: 'v=0\r\n' } },
      { type: 'candidate', to: PEER, epoch: LIMITS.maxEpoch, candidate: null },
      { type: 'media', media: MEDIA },
      { type: 'ping' },
      { type: 'presence', roomId: ROOM },
      { type: 'chat', id: '0b7c3d4e-1f2a-4b5c-8d9e-0a1b2c3d4e5f', text: 'hello <b>there</b>' },
      { type: 'chat', id: 'x', text: '\u{1f600}'.repeat(LIMITS.maxChatLength / 2) },
    ];
    for (const message of messages) {
      const parsed = parseClientMessage(frame(message));
      expect(parsed, JSON.stringify(message)).toMatchObject({ ok: true, message });
    }
  });

  it('drop unknown fields rather than pass them on', () => {
    const parsed = parseClientMessage(
      frame({ type: 'leave', __proto__: { admin: true }, extra: 1 }),
    );
    expect(parsed).toEqual({ ok: true, message: { type: 'leave' } });
  });

  it.each<[string, string]>([
    ['not JSON', '{'],
    ['not an object', '42'],
    ['an unknown type', frame({ type: 'shout' })],
    ['a bad room id', frame({ type: 'join', roomId: '../x', name: 'Ada', media: MEDIA })],
    ['an empty name', frame({ type: 'join', roomId: ROOM, name: '', media: MEDIA })],
    [
      'a long name',
      frame({
        type: 'join',
        roomId: ROOM,
        name: 'x'.repeat(LIMITS.maxNameLength + 1),
        media: MEDIA,
      }),
    ],
    [
      'a bad peer id',
      frame({ type: 'description', to: 'nobody', description: { type: 'offer', sdp: '' } }),
    ],
    [
      'a rollback description',
      frame({ type: 'description', to: PEER, description: { type: 'rollback', sdp: '' } }),
    ],
    [
      'an oversized SDP',
      frame({
        type: 'description',
        to: PEER,
        description: { type: 'offer', sdp: 'a'.repeat(LIMITS.maxSdpLength + 1) },
      }),
    ],
    [
      'an oversized candidate',
      frame({
        type: 'candidate',
        to: PEER,
        candidate: {
          candidate: 'c'.repeat(LIMITS.maxCandidateLength + 1),
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      }),
    ],
    ...[-1, 1.5, '1', LIMITS.maxEpoch + 1].map((epoch): [string, string] => [
      `a connection epoch of ${JSON.stringify(epoch)}`,
      frame({ type: 'candidate', to: PEER, epoch, candidate: null }),
    ]),
    ['an empty chat message', frame({ type: 'chat', id: 'm', text: '' })],
    [
      'a chat message over the length limit',
      frame({ type: 'chat', id: 'm', text: 'x'.repeat(LIMITS.maxChatLength + 1) }),
    ],
    ['a chat message without an id', frame({ type: 'chat', text: 'hi' })],
    ['a chat id with markup in it', frame({ type: 'chat', id: '<img>', text: 'hi' })],
    ['a chat id too long', frame({ type: 'chat', id: 'i'.repeat(65), text: 'hi' })],
    ['a chat text that is not a string', frame({ type: 'chat', id: 'm', text: 1 })],
    ['a presence query for a bad room id', frame({ type: 'presence', roomId: 'nope' })],
    ['a presence query without a room id', frame({ type: 'presence' })],
    [
      'a string where a boolean belongs',
      frame({ type: 'media', media: { ...MEDIA, audio: 'yes' } }),
    ],
    [
      'a screen share that is not a stream id',
      frame({ type: 'media', media: { ...MEDIA, screen: 'Look at me <b>now</b>' } }),
    ],
    ...['\u200b\u200b', '   ', '\u202e\u2066', '\u0000\u0007', '\ud800', '\u3164'].map(
      (name): [string, string] => [
        `a name with nothing visible: ${JSON.stringify(name)}`,
        joinAs(name),
      ],
    ),
  ])('refuse %s with a reason', (_label, input) => {
    const parsed = parseClientMessage(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.length).toBeGreaterThan(5);
  });
});

describe('chat', () => {
  it('fits the longest chat message in a frame, however its text escapes in JSON', () => {
    // A lone surrogate or a control character takes six bytes in JSON, the most any unit takes.
    const text = '\u0001'.repeat(LIMITS.maxChatLength);
    const relayed = frame({ type: 'chat', from: PEER, id: 'i'.repeat(64), text });
    expect(new TextEncoder().encode(relayed).length).toBeLessThan(LIMITS.maxFrameBytes);
    expect(parseServerMessage(relayed).ok).toBe(true);
  });

  it('takes the sender from the server, never from the client', () => {
    const parsed = parseClientMessage(frame({ type: 'chat', id: 'm', text: 'hi', from: PEER }));
    expect(parsed).toEqual({ ok: true, message: { type: 'chat', id: 'm', text: 'hi' } });
  });
});

describe('display names', () => {
  it.each([
    ['Bob\u0000\u0007\u001b[2J', 'Bob[2J'],
    ['\u202eevil\u202c', 'evil'],
    ['x\u2066admin\u2069', 'xadmin'],
    ['  Ada \n Lovelace\t', 'Ada Lovelace'],
    ['\ud800Ada', 'Ada'],
    ['e\u0301', '\u00e9'],
    // Joiners that emoji and some scripts need between visible characters stay.
    ['\u{1f468}\u200d\u{1f469}\u200d\u{1f467}', '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}'],
    [
      '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645',
      '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645',
    ],
  ])('normalise %j to %j, for everyone who sees it', (sent, seen) => {
    expect(parseClientMessage(joinAs(sent))).toMatchObject({ ok: true, message: { name: seen } });
    // The browser applies the same rule to names it is told.
    const peer = { peerId: PEER, name: sent, media: MEDIA, polite: false };
    expect(parseServerMessage(frame({ type: 'peer-joined', peer }))).toMatchObject({
      ok: true,
      message: { peer: { name: seen } },
    });
  });

  it('accept a browser stream id as the screen share, from Chromium or Firefox', () => {
    for (const screen of [
      '9b2f4c1e-7a3d-4e8f-b1c2-3d4e5f6a7b8c',
      '{9b2f4c1e-7a3d-4e8f-b1c2-3d4e5f6a7b8c}',
    ]) {
      expect(parseClientMessage(frame({ type: 'media', media: { ...MEDIA, screen } })).ok).toBe(
        true,
      );
    }
  });
});

describe('errors', () => {
  it('name an unknown message type, and a frame that is not a message at all', () => {
    expect(parseClientMessage(frame({ type: 'teleport' }))).toEqual({
      ok: false,
      error: 'Invalid message at type: no message has type "teleport".',
    });
    expect(parseClientMessage('{}')).toEqual({
      ok: false,
      error: 'Invalid message at type: the message has no type.',
    });
    expect(parseClientMessage('42')).toEqual({
      ok: false,
      error: 'Invalid message: expected an object with a type, got number.',
    });
  });

  it('name a type no message has, even one that is a property of every object', () => {
    expect(parseClientMessage(frame({ type: '__proto__' }))).toEqual({
      ok: false,
      error: 'Invalid message at type: no message has type "__proto__".',
    });
  });

  it('quote at most a short, escaped prefix of what the client sent', () => {
    const hostile = `"\u001b[31mFAKE LOG LINE\n\u202e${'x'.repeat(60_000)}`;
    const frames = [
      frame({ type: 'description', to: hostile, description: { type: 'offer', sdp: '' } }),
      frame({ type: hostile }),
      frame({ type: 'join', roomId: hostile, name: 'Ada', media: MEDIA }),
      frame({ type: 'media', media: { ...MEDIA, screen: hostile } }),
    ];
    for (const input of frames) {
      const parsed = parseClientMessage(input);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.error.length).toBeLessThan(200);
      // Printable ASCII only: no control, escape sequence, line break or bidi override.
      expect(parsed.error).toMatch(/^[\x20-\x7e…]*$/);
      expect(parsed.error).toContain('\\u001b[31mFAKE');
    }
  });
});

describe('server messages', () => {
  it('accept a joined reply and refuse a malformed one', () => {
    const joined = {
      type: 'joined',
      roomId: ROOM,
      peerId: PEER,
      resumeToken: 'a'.repeat(32),
      resumed: false,
      peers: [{ peerId: 'ZyXwVuTsRqPo', name: 'Bob', media: MEDIA, polite: true }],
      iceServers: [{ urls: 'stun:stun.example.org' }],
      iceTransportPolicy: 'all',
      mode: 'mesh',
    };
    expect(parseServerMessage(frame(joined)).ok).toBe(true);
    expect(parseServerMessage(frame({ ...joined, mode: 'p2p' })).ok).toBe(false);
    expect(parseServerMessage(frame({ ...joined, peers: [{ peerId: 'x' }] })).ok).toBe(false);
  });
});

describe('presence answers', () => {
  const answer = { type: 'presence', roomId: ROOM, count: 2, capacity: 6, names: ['Ann', 'Ben'] };

  it('accept a well-formed answer', () => {
    expect(parseServerMessage(frame(answer))).toEqual({ ok: true, message: answer });
  });

  it.each([
    ['too many names', { ...answer, names: Array.from({ length: 9 }, () => 'Ann') }],
    ['an empty name', { ...answer, names: [''] }],
    ['a negative count', { ...answer, count: -1 }],
    ['a fractional count', { ...answer, count: 1.5 }],
    ['a bad room id', { ...answer, roomId: 'x' }],
  ])('refuse one with %s', (_label, value) => {
    expect(parseServerMessage(frame(value)).ok).toBe(false);
  });
});

describe('SFU messages', () => {
  const offer = 'v=0\r\n';
  const candidate = {
    candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host',
    sdpMid: '0',
    sdpMLineIndex: 0,
  };

  it.each([
    {
      type: 'sfu-publish',
      sdp: offer,
      tracks: [
        { mid: '0', source: 'microphone' },
        { mid: '1', source: 'camera' },
      ],
    },
    { type: 'sfu-unpublish' },
    { type: 'sfu-subscribe' },
    { type: 'sfu-subscription-answer', sdp: offer },
    { type: 'sfu-layer', mid: '3', layer: 'low' },
    { type: 'sfu-candidate', link: 'subscriber', candidate },
    { type: 'sfu-candidate', link: 'publisher', candidate: null },
    { type: 'sfu-ice-restart' },
  ])('accept $type from a browser', (message) => {
    expect(parseClientMessage(frame(message))).toEqual({ ok: true, message });
  });

  it.each([
    ['a publish with nothing in it', { type: 'sfu-publish', sdp: offer, tracks: [] }],
    [
      'a publish of five tracks',
      {
        type: 'sfu-publish',
        sdp: offer,
        tracks: Array.from({ length: 5 }, (_, i) => ({ mid: String(i), source: 'camera' })),
      },
    ],
    ['an unknown source', { type: 'sfu-publish', sdp: offer, tracks: [{ mid: '0', source: 'x' }] }],
    ['an oversized SDP', { type: 'sfu-subscription-answer', sdp: 'a'.repeat(48 * 1024 + 1) }],
    ['an unknown layer', { type: 'sfu-layer', mid: '1', layer: 'huge' }],
    ['a long mid', { type: 'sfu-layer', mid: 'm'.repeat(33), layer: 'low' }],
    ['an unknown link', { type: 'sfu-candidate', link: 'mesh', candidate: null }],
  ])('refuse %s', (_label, message) => {
    expect(parseClientMessage(frame(message)).ok).toBe(false);
  });

  it('accept what the server sends in SFU mode, and refuse tracks of strangers', () => {
    const messages = [
      { type: 'room-mode', mode: 'sfu', reason: 'grew' },
      { type: 'room-mode', mode: 'mesh', reason: 'sfu-lost' },
      { type: 'sfu-publish-answer', sdp: offer },
      {
        type: 'sfu-subscription-offer',
        sdp: offer,
        tracks: [{ mid: '0', peerId: PEER, source: 'camera', kind: 'video' }],
      },
      { type: 'sfu-layer-set', mid: '0', layer: 'high', ok: false },
    ];
    for (const message of messages) {
      expect(parseServerMessage(frame(message))).toEqual({ ok: true, message });
    }
    const stranger = {
      type: 'sfu-subscription-offer',
      sdp: offer,
      tracks: [{ mid: '0', peerId: '../../etc', source: 'camera', kind: 'video' }],
    };
    expect(parseServerMessage(frame(stranger)).ok).toBe(false);
    expect(
      parseServerMessage(frame({ type: 'room-mode', mode: 'sfu', reason: 'because' })).ok,
    ).toBe(false);
  });
});

describe('parsing by type', () => {
  // Frames are checked against their type's own schema, picked from a map; what is accepted, and
  // what it becomes, must be exactly what the whole variant makes of it.
  const agreesWithVariant = (
    schema: v.GenericSchema,
    parse: (frame: string) => ParseResult<unknown>,
    types: readonly string[],
  ) => {
    const messages = fc.record(
      {
        type: fc.oneof(fc.constantFrom(...types), fc.string(), fc.integer()),
        to: fc.oneof(fc.constant(PEER), fc.string()),
        from: fc.oneof(fc.constant(PEER), fc.string()),
        peerId: fc.oneof(fc.constant(PEER), fc.string()),
        roomId: fc.oneof(fc.constant(ROOM), fc.string()),
        media: fc.oneof(fc.constant(MEDIA), fc.anything()),
        candidate: fc.oneof(fc.constant(null), fc.anything()),
        locked: fc.anything(),
      },
      { requiredKeys: [] },
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(messages, fc.anything()), (value) => {
        const text = JSON.stringify(value);
        if (text === undefined) return;
        const whole = v.safeParse(schema, JSON.parse(text));
        const parsed = parse(text);
        expect(parsed.ok).toBe(whole.success);
        if (parsed.ok && whole.success) {
          accepted++;
          expect(parsed.message).toEqual(whole.output);
        }
      }),
      { numRuns: 2_000 },
    );
    // Some of the frames were messages, so acceptance was compared too, not only refusal.
    expect(accepted).toBeGreaterThan(0);
  };

  const typesOf = (schema: typeof clientMessageSchema | typeof serverMessageSchema) =>
    schema.options.map(
      (option: { entries: { type: { literal: string } } }) => option.entries.type.literal,
    );

  it('accepts and refuses client frames as the whole variant does', () =>
    agreesWithVariant(clientMessageSchema, parseClientMessage, typesOf(clientMessageSchema)));
  it('accepts and refuses server frames as the whole variant does', () =>
    agreesWithVariant(serverMessageSchema, parseServerMessage, typesOf(serverMessageSchema)));
});
