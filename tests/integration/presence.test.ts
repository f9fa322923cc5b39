import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../support/signaling-test-client';
import { startTestServer, type TestServer } from '../support/test-server';

const ROOM = 'aaaaa-aaaaa-aaaaa';
const MISTYPED = 'aaaaa-aaaaa-aaaab';
const MEDIA = { audio: true, video: false, screen: null };

let server: TestServer | null = null;
let clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients) client.socket.terminate();
  clients = [];
  await server?.stop();
  server = null;
});

async function open(url: string): Promise<TestClient> {
  const client = await TestClient.open(url);
  clients.push(client);
  return client;
}

describe('presence over a real socket', () => {
  it('tells a lobby who is in a call, and that a mistyped code is empty, without joining', async () => {
    server = await startTestServer({ LOG_LEVEL: 'silent', ROOM_CAPACITY: '4' });
    const [ann, ben] = [await open(server.url), await open(server.url)];
    for (const [client, name] of [
      [ann, 'Ann'],
      [ben, 'Ben'],
    ] as const) {
      client.send({ type: 'join', roomId: ROOM, name, media: MEDIA });
      await client.next('joined');
    }
    await ann.next('peer-joined');

    const lobby = await open(server.url);
    lobby.send({ type: 'presence', roomId: ROOM });
    expect(await lobby.next('presence')).toEqual({
      type: 'presence',
      roomId: ROOM,
      count: 2,
      capacity: 4,
      names: ['Ann', 'Ben'],
    });
    lobby.send({ type: 'presence', roomId: MISTYPED });
    expect(await lobby.next('presence')).toMatchObject({ roomId: MISTYPED, count: 0, names: [] });

    // Asking joined nobody: the room heard nothing, and still has two people.
    for (const client of [ann, ben]) {
      client.send({ type: 'ping' });
      await client.next('pong');
      // (The room's host controls, sent after each join, are not news of the lobby.)
      const heard = client.received.filter((message) => message.type !== 'room-controls');
      expect(heard.map((message) => message.type)).toEqual([]);
    }
    expect(server.http.signaling.hub.counts()).toMatchObject({ peers: 2 });

    // The answer follows the room as it changes.
    ben.send({ type: 'leave' });
    await ann.next('peer-left');
    lobby.send({ type: 'presence', roomId: ROOM });
    expect(await lobby.next('presence')).toMatchObject({ count: 1, names: ['Ann'] });
  });

  it('refuses a query for an invalid room id, and past its small budget, keeping the socket', async () => {
    server = await startTestServer({ LOG_LEVEL: 'silent' });
    const lobby = await open(server.url);
    lobby.send(JSON.stringify({ type: 'presence', roomId: '../../etc' }));
    expect(await lobby.next('error')).toMatchObject({ code: 'invalid-message' });

    for (let i = 0; i < 5; i++) lobby.send({ type: 'presence', roomId: ROOM });
    for (let i = 0; i < 5; i++) await lobby.next('presence');
    lobby.send({ type: 'presence', roomId: ROOM });
    expect(await lobby.next('error')).toMatchObject({ code: 'rate-limited' });

    lobby.send({ type: 'ping' });
    await lobby.next('pong');
    expect(lobby.closeCode).toBeNull();
  });
});
