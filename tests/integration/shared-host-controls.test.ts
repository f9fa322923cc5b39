/**
 * The host's powers when rooms are shared: two real server processes and one real redis-server,
 * with the host on one process and the people it acts on connected to the other. Every client
 * comes from 127.0.0.1, so each case uses a room of its own (pauses and removals go by address).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/servers/server-process';
import { createRoomId } from '../../lib/room-id';
import { CLOSE_CODES, type ServerMessage } from '../../lib/signaling/protocol';
import { PASSWORD_GUESS_BUDGET } from '../../lib/signaling/keyed-rate-limit';
import { KNOCK_COOLDOWN_MS } from '../../lib/signaling/room-controls';
import { startRedisServer, type RedisServer } from '../support/redis-server';
import { TestClient } from '../support/signaling-test-client';

const MEDIA = { audio: false, video: false, screen: null };

let redis: RedisServer;
/** The host's process, and the other one. */
let hostSide: ServerProcess;
let otherSide: ServerProcess;
const clients: TestClient[] = [];

function startServer(): Promise<ServerProcess> {
  return startServerProcess('meshcall', {
    REDIS_URL: redis.url,
    HEARTBEAT_INTERVAL_MS: '500',
    RESUME_GRACE_MS: '4000',
    PAGE_SILENCE_LIMIT_MS: '0',
    LOG_LEVEL: 'warn',
  });
}

beforeAll(async () => {
  redis = await startRedisServer();
  [hostSide, otherSide] = await Promise.all([startServer(), startServer()]);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.close();
  await Promise.all([hostSide, otherSide].map((server) => server?.kill('SIGKILL')));
  await redis?.stop();
});

type JoinExtra = { password?: string; resumeToken?: string };

/** Opens a socket to `server` and asks to join; the caller waits for what it expects. */
async function ask(
  server: ServerProcess,
  roomId: string,
  name: string,
  extra: JoinExtra = {},
): Promise<TestClient> {
  const client = await TestClient.open(server.url);
  clients.push(client);
  client.send({ type: 'join', roomId, name, media: MEDIA, ...extra });
  return client;
}

/** The first person into a room: its host. */
async function host(roomId: string) {
  const client = await ask(hostSide, roomId, 'Ann');
  const joined = await client.next('joined');
  await client.next('room-controls');
  return { client, joined };
}

/** Waits for the room's controls to say what the host just set. */
async function controlsWhere(
  client: TestClient,
  holds: (controls: Extract<ServerMessage, { type: 'room-controls' }>['controls']) => boolean,
) {
  for (;;) {
    const { controls } = await client.next('room-controls');
    if (holds(controls)) return controls;
  }
}

/** The host's waiting list once it has `count` people on it. */
async function knocksOf(client: TestClient, count: number) {
  for (;;) {
    const { knocks } = await client.next('knocks');
    if (knocks.length === count) return knocks;
  }
}

describe('host controls across two processes sharing rooms through Redis', () => {
  it('someone knocks on one process; the host on the other admits one and declines another', async () => {
    const roomId = createRoomId();
    const ann = await host(roomId);
    ann.client.send({ type: 'waiting-room', enabled: true });
    await controlsWhere(ann.client, (controls) => controls.waitingRoom);

    const ben = await ask(otherSide, roomId, 'Ben');
    await ben.next('waiting');
    const [benKnock] = await knocksOf(ann.client, 1);
    expect(benKnock).toMatchObject({ name: 'Ben' });
    ann.client.send({ type: 'admit', knockId: benKnock!.knockId });
    const benJoined = await ben.next('joined');
    expect(benJoined.peers.map((peer) => peer.name)).toEqual(['Ann']);
    expect((await ann.client.next('peer-joined')).peer.name).toBe('Ben');
    expect(await knocksOf(ann.client, 0)).toEqual([]);

    const eve = await ask(otherSide, roomId, 'Eve');
    await eve.next('waiting');
    const [eveKnock] = await knocksOf(ann.client, 1);
    ann.client.send({ type: 'decline', knockId: eveKnock!.knockId });
    expect(await eve.next('declined')).toEqual({
      type: 'declined',
      retryAfterMs: KNOCK_COOLDOWN_MS,
    });
    expect(eve.received.filter((message) => message.type === 'joined')).toEqual([]);
    expect(await knocksOf(ann.client, 0)).toEqual([]);

    // The pause holds on every process: knocking again through the host's own is refused.
    const again = await ask(hostSide, roomId, 'Eve');
    expect(await again.next('error')).toMatchObject({ code: 'knock-too-soon' });
    // ...and the host never saw that knock.
    expect(ann.client.received.filter((message) => message.type === 'knocks')).toEqual([]);
  }, 30_000);

  it('a knocker whose socket closes leaves the host’s list on the other process', async () => {
    const roomId = createRoomId();
    const ann = await host(roomId);
    ann.client.send({ type: 'waiting-room', enabled: true });
    await controlsWhere(ann.client, (controls) => controls.waitingRoom);
    const cat = await ask(otherSide, roomId, 'Cat');
    await cat.next('waiting');
    await knocksOf(ann.client, 1);
    cat.close();
    expect(await knocksOf(ann.client, 0)).toEqual([]);
  }, 30_000);

  it('the host removes someone on the other process: their socket closes, their token is void, they must knock', async () => {
    const roomId = createRoomId();
    const ann = await host(roomId);
    const ben = await ask(otherSide, roomId, 'Ben');
    const benJoined = await ben.next('joined');
    await ann.client.next('peer-joined');

    ann.client.send({ type: 'remove', peerId: benJoined.peerId });
    expect(await ben.next('removed')).toEqual({ type: 'removed' });
    expect(await ben.closed).toBe(CLOSE_CODES.removed);
    expect(await ann.client.next('peer-left')).toEqual({
      type: 'peer-left',
      peerId: benJoined.peerId,
      reason: 'removed',
    });

    // Ben's page tries to resume, through either process: the token is void, so the join is a
    // fresh one, and a fresh join from his address knocks.
    for (const server of [otherSide, hostSide]) {
      const back = await ask(server, roomId, 'Ben', { resumeToken: benJoined.resumeToken });
      await back.next('waiting');
      expect(back.received.filter((message) => message.type === 'joined')).toEqual([]);
      back.close();
    }
    expect((await knocksOf(ann.client, 0)).length).toBe(0);
  }, 30_000);

  it('Redis restarted while someone knocks: the knock is written back, and the host admits it', async () => {
    const roomId = createRoomId();
    const ann = await host(roomId);
    ann.client.send({ type: 'waiting-room', enabled: true });
    await controlsWhere(ann.client, (controls) => controls.waitingRoom);
    const dan = await ask(otherSide, roomId, 'Dan');
    await dan.next('waiting');
    const [before] = await knocksOf(ann.client, 1);

    await redis.restart();
    // Empty now; each process writes back what it holds: Ann, then Dan's knock.
    const [after] = await knocksOf(ann.client, 1);
    expect(after).toEqual(before);
    ann.client.send({ type: 'admit', knockId: after!.knockId });
    expect((await dan.next('joined', 15_000)).peers.map((peer) => peer.name)).toEqual(['Ann']);
  }, 60_000);

  it('password guesses from one address are limited across both processes', async () => {
    const roomId = createRoomId();
    const ann = await host(roomId);
    ann.client.send({ type: 'set-password', password: 'blue heron' });
    await controlsWhere(ann.client, (controls) => controls.hasPassword);

    // Alternating processes: with a budget per process, neither would ever run out.
    const sides = [otherSide, hostSide];
    for (let i = 0; i < PASSWORD_GUESS_BUDGET.burst; i++) {
      const guess = await ask(sides[i % 2]!, roomId, 'Eve', { password: `guess ${i}` });
      expect(await guess.next('error')).toMatchObject({ code: 'wrong-password' });
      guess.close();
    }
    for (const side of sides) {
      // Even the right password waits now.
      const late = await ask(side, roomId, 'Eve', { password: 'blue heron' });
      expect(await late.next('error')).toMatchObject({ code: 'rate-limited' });
      late.close();
    }
  }, 30_000);
});
