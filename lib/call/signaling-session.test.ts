import { describe, expect, it, vi } from 'vitest';
import type { ClientMessage, ServerMessage } from '../signaling/protocol';
import type { SignalingClientOptions } from '../signaling/signaling-client';
import type { MeshSignal, SignalHolding } from './media-transport';
import {
  SignalingSession,
  type JoinedMessage,
  type SignalingSessionEvents,
} from './signaling-session';

const ROOM = 'abc-defg-hij';
const SELF = 'SSSSSSSSSSSS';
const BOB = 'BBBBBBBBBBBB';
const CAROL = 'CCCCCCCCCCCC';
const TOKEN_1 = 'a'.repeat(32);
const TOKEN_2 = 'b'.repeat(32);
const MEDIA = { audio: true, video: false, screen: null };

/** A signaling socket the test opens, drops and speaks for. */
function harness(options: { resumeToken?: string; fetch?: typeof fetch } = {}) {
  let client!: SignalingClientOptions;
  const sent: ClientMessage[] = [];
  const connection = {
    isOpen: false,
    connect: vi.fn(),
    send: (message: ClientMessage) => {
      if (!connection.isOpen) return false;
      sent.push(message);
      return true;
    },
    close: vi.fn(),
    reconnectNow: vi.fn(),
    dropConnection: vi.fn(),
  };
  const events = {
    onStatus: vi.fn(),
    onJoined: vi.fn(),
    onRoomFull: vi.fn(),
    onRefused: vi.fn(),
    onMessage: vi.fn(),
  } satisfies SignalingSessionEvents;
  const session = new SignalingSession({
    url: 'ws://test/ws',
    healthUrl: 'http://test/healthz',
    resumeToken: options.resumeToken,
    joinRequest: () => ({ roomId: ROOM, name: 'Ann', media: MEDIA }),
    events,
    fetch: options.fetch,
    createConnection: (created) => {
      client = created;
      return connection;
    },
  });
  session.start();
  return {
    session,
    events,
    sent,
    connection,
    open() {
      connection.isOpen = true;
      client.onOpen();
    },
    drop(failedAttempts = 1) {
      connection.isOpen = false;
      client.onStateChange('reconnecting', failedAttempts);
    },
    receive(message: ServerMessage) {
      client.onMessage(message);
    },
    refuseVersion(reason: string) {
      connection.isOpen = false;
      client.onUnsupportedVersion?.(reason);
    },
  };
}

function joined(patch: Partial<JoinedMessage> = {}): JoinedMessage {
  return {
    type: 'joined',
    roomId: ROOM,
    peerId: SELF,
    resumeToken: TOKEN_1,
    resumed: false,
    peers: [],
    iceServers: [],
    iceTransportPolicy: 'all',
    mode: 'mesh',
    ...patch,
  };
}

const offerTo = (to: string, sdp = 'o'): MeshSignal => ({
  type: 'description',
  description: { type: 'offer', sdp },
  to,
  epoch: 0,
});
const candidateTo = (to: string): MeshSignal => ({
  type: 'candidate',
  candidate: null,
  to,
  epoch: 0,
});
/** Sends as the mesh does: held under the peer it goes to; an offer starts a negotiation. */
function sendAsMesh(session: SignalingSession, signal: MeshSignal): void {
  const holding: SignalHolding = {
    key: signal.to,
    startsNegotiation: signal.type === 'description' && signal.description.type === 'offer',
  };
  session.sendSignal(signal, holding);
}

describe('SignalingSession', () => {
  it('joins once the socket opens, with what the call says about us', () => {
    const h = harness();
    h.session.join();
    expect(h.sent).toEqual([]);
    h.open();
    expect(h.events.onStatus).toHaveBeenCalledWith('open', null);
    expect(h.sent).toEqual([
      { type: 'join', roomId: ROOM, name: 'Ann', media: MEDIA, resumeToken: undefined },
    ]);
  });

  it('presents the token a reload left in its first join', () => {
    const h = harness({ resumeToken: TOKEN_1 });
    h.open();
    h.session.join();
    expect(h.sent[0]).toMatchObject({ type: 'join', resumeToken: TOKEN_1 });
  });

  it('holds signals while the socket is down and sends them once the server takes it back', () => {
    const h = harness();
    h.open();
    h.session.join();
    h.receive(joined());
    expect(h.session.canSignal).toBe(true);
    sendAsMesh(h.session, candidateTo(BOB));
    expect(h.sent.at(-1)).toEqual(candidateTo(BOB));

    h.drop();
    expect(h.session.canSignal).toBe(false);
    expect(h.events.onStatus).toHaveBeenLastCalledWith('reconnecting', null);
    sendAsMesh(h.session, offerTo(BOB, 'restart'));
    sendAsMesh(h.session, candidateTo(CAROL));
    h.open();
    // Rejoined with the token from the last `joined`; the socket is open but not yet resumed.
    expect(h.sent.at(-1)).toMatchObject({ type: 'join', resumeToken: TOKEN_1 });
    expect(h.session.canSignal).toBe(false);
    sendAsMesh(h.session, candidateTo(BOB));

    h.sent.length = 0;
    h.receive(joined({ resumed: true, resumeToken: TOKEN_2 }));
    expect(h.sent).toEqual([offerTo(BOB, 'restart'), candidateTo(CAROL), candidateTo(BOB)]);
    expect(h.events.onJoined).toHaveBeenLastCalledWith(
      expect.objectContaining({ resumed: true }),
      new Set([BOB]),
    );
    expect(h.session.resumeToken).toBe(TOKEN_2);
  });

  it('drops held signals when the server forgot us: their peers are gone for us', () => {
    const h = harness();
    h.open();
    h.session.join();
    h.receive(joined());
    h.drop();
    sendAsMesh(h.session, offerTo(BOB));
    h.open();
    h.sent.length = 0;
    h.receive(joined({ resumed: false }));
    expect(h.sent).toEqual([]);
    expect(h.events.onJoined).toHaveBeenLastCalledWith(
      expect.objectContaining({ resumed: false }),
      new Set(),
    );
  });

  it('reports a full room and stops holding anything for it', () => {
    const h = harness();
    h.open();
    h.session.join();
    h.receive({ type: 'error', code: 'room-full', message: 'This call is full.' });
    expect(h.events.onRoomFull).toHaveBeenCalledWith('This call is full.');
    h.drop();
    sendAsMesh(h.session, offerTo(BOB));
    h.open();
    // Outside the room: no rejoin on reconnect, and nothing held.
    expect(h.sent.filter((message) => message.type !== 'join')).toEqual([]);
    expect(h.sent).toHaveLength(1);
  });

  it('passes room messages on only while in the room', () => {
    const h = harness();
    h.open();
    const update: ServerMessage = { type: 'peer-updated', peerId: BOB, media: MEDIA };
    h.receive(update);
    expect(h.events.onMessage).not.toHaveBeenCalled();
    h.session.join();
    h.receive(joined());
    h.receive(update);
    h.receive({ type: 'pong' });
    expect(h.events.onMessage).toHaveBeenCalledTimes(1);
    expect(h.events.onMessage).toHaveBeenCalledWith(update);
  });

  it('passes on who is in the room, asked before joining', () => {
    const h = harness();
    expect(h.session.askPresence({ type: 'presence', roomId: ROOM })).toBe(false);
    h.open();
    expect(h.session.askPresence({ type: 'presence', roomId: ROOM })).toBe(true);
    expect(h.sent).toEqual([{ type: 'presence', roomId: ROOM }]);
    const presence: ServerMessage = {
      type: 'presence',
      roomId: ROOM,
      count: 1,
      capacity: 6,
      names: ['Bob'],
    };
    h.receive(presence);
    expect(h.events.onMessage).toHaveBeenCalledWith(presence);
  });

  it('passes fresh ICE servers on only while in the room', () => {
    const h = harness();
    h.open();
    const renewed: ServerMessage = {
      type: 'ice-servers',
      iceServers: [],
      iceTransportPolicy: 'all',
    };
    h.receive(renewed);
    h.session.join();
    h.receive(joined());
    h.receive(renewed);
    expect(h.events.onMessage).toHaveBeenCalledTimes(1);
    expect(h.events.onMessage).toHaveBeenCalledWith(renewed);
  });

  it('says the versions differ when the server speaks another protocol, and stops there', () => {
    const h = harness();
    h.session.join();
    h.refuseVersion('meshcall.v2 only');
    expect(h.events.onStatus).toHaveBeenLastCalledWith('unavailable', 'version-mismatch');
    h.drop(1);
    expect(h.events.onStatus).toHaveBeenLastCalledWith('unavailable', 'version-mismatch');
  });

  it('sends media announcements only while in the room', () => {
    const h = harness();
    h.open();
    h.session.sendToRoom({ type: 'media', media: MEDIA });
    expect(h.sent).toEqual([]);
    h.session.join();
    h.receive(joined());
    h.session.sendToRoom({ type: 'media', media: MEDIA });
    expect(h.sent.at(-1)).toEqual({ type: 'media', media: MEDIA });
  });

  it('holds chat written while the socket is down, and sends it once the server takes us back', () => {
    const h = harness();
    h.open();
    h.session.sendToRoom({ type: 'chat', id: 'lobby', text: 'not in a room' });
    h.session.join();
    h.receive(joined());
    h.session.sendToRoom({ type: 'chat', id: 'm1', text: 'one' });
    expect(h.sent.at(-1)).toEqual({ type: 'chat', id: 'm1', text: 'one' });

    h.drop();
    h.session.sendToRoom({ type: 'chat', id: 'm2', text: 'two' });
    h.session.sendToRoom({ type: 'media', media: MEDIA });
    h.open();
    h.session.sendToRoom({ type: 'chat', id: 'm3', text: 'three' });
    h.sent.length = 0;
    h.receive(joined({ resumed: true, resumeToken: TOKEN_2 }));
    expect(h.sent).toEqual([
      { type: 'chat', id: 'm2', text: 'two' },
      { type: 'chat', id: 'm3', text: 'three' },
    ]);
  });

  it('forgets held chat when the person leaves', () => {
    const h = harness();
    h.open();
    h.session.join();
    h.receive(joined());
    h.drop();
    h.session.sendToRoom({ type: 'chat', id: 'm1', text: 'bye' });
    h.session.leave();
    h.open();
    expect(h.sent.filter((message) => message.type === 'chat')).toEqual([]);
  });

  it('says leave and closes normally when the person leaves', () => {
    const h = harness();
    h.open();
    h.session.join();
    h.receive(joined());
    h.session.leave();
    expect(h.sent.at(-1)).toEqual({ type: 'leave' });
    expect(h.connection.close).toHaveBeenCalledWith(1000, 'Leaving');
    expect(h.session.resumeToken).toBeUndefined();
  });

  it('closes with the unloading code and no leave when the page goes away', () => {
    const h = harness();
    h.open();
    h.session.join();
    h.receive(joined());
    h.session.unload();
    expect(h.sent.some((message) => message.type === 'leave')).toBe(false);
    expect(h.connection.close).toHaveBeenCalledWith(4002, 'Page unloading');
  });

  it('says signaling is not running when the health check finds no signaling', async () => {
    const fetch = vi.fn(async () => new Response('Not found', { status: 404 }));
    const h = harness({ fetch });
    h.drop(1);
    await vi.waitFor(() =>
      expect(h.events.onStatus).toHaveBeenLastCalledWith('unavailable', 'not-running'),
    );
    expect(fetch).toHaveBeenCalledTimes(1);
    // It stays unavailable through later attempts, until a socket opens.
    h.drop(2);
    expect(h.events.onStatus).toHaveBeenLastCalledWith('unavailable', 'not-running');
    h.open();
    expect(h.events.onStatus).toHaveBeenLastCalledWith('open', null);
  });

  it('says it is retrying when signaling runs but cannot be reached', async () => {
    const fetch = vi.fn(async () => Response.json({ signaling: true }));
    const h = harness({ fetch });
    h.drop(1);
    await vi.waitFor(() =>
      expect(h.events.onStatus).toHaveBeenLastCalledWith('connecting', 'unreachable'),
    );
  });
});
