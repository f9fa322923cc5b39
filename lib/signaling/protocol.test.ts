import { describe, expect, it } from 'vitest';
import { LIMITS, parseClientMessage, parseServerMessage } from './protocol';

const ROOM = '7k3mq-x9tbd-4rw8h';
const PEER = 'AbCdEfGhIjKl';
const MEDIA = { audio: true, video: false, screen: null };

const frame = (value: unknown) => JSON.stringify(value);

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
      { type: 'media', media: MEDIA },
      { type: 'ping' },
      { type: 'presence', roomId: ROOM },
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

  it.each([
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
    ['a presence query for a bad room id', frame({ type: 'presence', roomId: 'nope' })],
    ['a presence query without a room id', frame({ type: 'presence' })],
    [
      'a string where a boolean belongs',
      frame({ type: 'media', media: { ...MEDIA, audio: 'yes' } }),
    ],
  ])('refuse %s with a reason', (_label, input) => {
    const parsed = parseClientMessage(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.length).toBeGreaterThan(5);
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
    };
    expect(parseServerMessage(frame(joined)).ok).toBe(true);
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
