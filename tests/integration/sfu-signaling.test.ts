import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRoomId as roomId } from '../../lib/room-id';
import { fakePublisherOffer } from '../support/fake-sdp';
import { janusExecutable, NO_JANUS, startJanus, type JanusServer } from '../support/janus-server';
import { TestClient } from '../support/signaling-test-client';
import { startTestServer, type TestServer } from '../support/test-server';

const hasJanus = janusExecutable() !== null;
if (!hasJanus) console.warn(NO_JANUS);

const MEDIA = { audio: true, video: true, screen: null };
const TRACKS = [
  { mid: '0', source: 'microphone' },
  { mid: '1', source: 'camera' },
] as const;

describe.skipIf(!hasJanus)('a signaling server brokering a real Janus', () => {
  let janus: JanusServer;
  let server: TestServer | null = null;
  let clients: TestClient[] = [];

  beforeAll(async () => {
    janus = await startJanus();
  });
  afterAll(async () => {
    await janus?.stop();
  });
  afterEach(async () => {
    for (const client of clients) client.socket.terminate();
    clients = [];
    await server?.stop();
    server = null;
  });

  async function start(): Promise<TestServer> {
    server = await startTestServer({
      LOG_LEVEL: 'silent',
      JANUS_URL: janus.url,
      JANUS_API_SECRET: janus.apiSecret,
      MESH_MAX: '2',
    });
    return server;
  }

  async function join(url: string, room: string, name: string) {
    const client = await TestClient.open(url);
    clients.push(client);
    client.send({ type: 'join', roomId: room, name, media: MEDIA });
    return { client, joined: await client.next('joined') };
  }

  it('moves a room to Janus when a third joins, and relays a publish to it', async () => {
    const { url } = await start();
    const room = roomId();
    const ann = await join(url, room, 'Ann');
    const ben = await join(url, room, 'Ben');
    expect(ann.joined.mode).toBe('mesh');
    expect(ben.joined.mode).toBe('mesh');
    // Before the move, SFU requests are refused plainly.
    ann.client.send({ type: 'sfu-subscribe' });
    expect(await ann.client.next('error')).toMatchObject({ code: 'sfu-unavailable' });

    const cat = await join(url, room, 'Cat');
    expect(cat.joined.mode).toBe('sfu');
    for (const { client } of [ann, ben]) {
      expect(await client.next('room-mode')).toEqual({
        type: 'room-mode',
        mode: 'sfu',
        reason: 'grew',
      });
    }

    // Janus answers Cat's offer, through our server.
    cat.client.send({ type: 'sfu-publish', sdp: fakePublisherOffer(), tracks: [...TRACKS] });
    const answer = await cat.client.next('sfu-publish-answer');
    expect(answer.sdp).toMatch(/^v=0/);
    expect(answer.sdp).toMatch(/a=mid:0[\s\S]*a=mid:1/);
    // A bad offer is Janus's refusal, told to that socket only.
    cat.client.send({ type: 'sfu-publish', sdp: 'v=0\r\n', tracks: [...TRACKS] });
    expect(await cat.client.next('error')).toMatchObject({ code: 'sfu-refused' });
  }, 30_000);

  it('falls back to a mesh and tells everyone when Janus dies, and moves again once it is back', async () => {
    const { url } = await start();
    const room = roomId();
    const ann = await join(url, room, 'Ann');
    const ben = await join(url, room, 'Ben');
    const cat = await join(url, room, 'Cat');
    expect(cat.joined.mode).toBe('sfu');
    await ann.client.next('room-mode');
    await ben.client.next('room-mode');

    await janus.kill();
    for (const { client } of [ann, ben, cat]) {
      expect(await client.next('room-mode', 15_000)).toEqual({
        type: 'room-mode',
        mode: 'mesh',
        reason: 'sfu-lost',
      });
    }
    cat.client.send({ type: 'sfu-subscribe' });
    expect(await cat.client.next('error')).toMatchObject({ code: 'sfu-unavailable' });

    await janus.restart();
    // The server reconnects in the background; the next newcomer moves the room again.
    let dan: Awaited<ReturnType<typeof join>> | null = null;
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      dan = await join(url, room, 'Dan');
      if (dan.joined.mode === 'sfu') break;
      dan.client.send({ type: 'leave' });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(dan?.joined.mode).toBe('sfu');
    expect(await ann.client.next('room-mode')).toMatchObject({ mode: 'sfu', reason: 'grew' });
  }, 90_000);
});
