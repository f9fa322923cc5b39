/**
 * Several real server processes sharing rooms through a real redis-server, with a real nginx in
 * front as docs/scaling.md deploys it, over real WebSockets. Where a case needs a person on a
 * given process it connects to that process; reconnections go through nginx, as a browser's do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/servers/server-process';
import { createRoomId } from '../../lib/room-id';
import type { ServerMessage } from '../../lib/signaling/protocol';
import { freePort, startNginx, type Nginx } from '../support/nginx';
import { startRedisServer, type RedisServer } from '../support/redis-server';
import { TestClient } from '../support/signaling-test-client';

const MEDIA = { audio: true, video: true, screen: null };
const HEARTBEAT_MS = 500;
const GRACE_MS = 4_000;
/** How long a request waits on Redis before it fails (`RedisRoomsOptions.requestTimeoutMs`). */
const REQUEST_TIMEOUT_MS = 10_000;

let redis: RedisServer;
let servers: ServerProcess[];
let nginx: Nginx;
let proxyUrl: string;
let proxyPort: number;
/** Sockets that reconnected through nginx, newest last. */
const resumed: TestClient[] = [];

async function startServer(): Promise<ServerProcess> {
  return startServerProcess('meshcall', {
    REDIS_URL: redis.url,
    // Pages reach the processes through nginx too, whose origin is not their own.
    ALLOWED_ORIGINS: `http://127.0.0.1:${proxyPort}`,
    HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
    RESUME_GRACE_MS: String(GRACE_MS),
    PAGE_SILENCE_LIMIT_MS: '0',
    ROOM_CAPACITY: '6',
    LOG_LEVEL: 'warn',
  });
}

beforeAll(async () => {
  redis = await startRedisServer();
  proxyPort = await freePort();
  servers = await Promise.all([startServer(), startServer(), startServer()]);
  nginx = await startNginx(
    servers.map((server) => server.port),
    proxyPort,
  );
  proxyUrl = `ws://127.0.0.1:${nginx.port}/ws`;
}, 60_000);

afterAll(async () => {
  for (const client of resumed) client.close();
  await nginx?.stop();
  await Promise.all((servers ?? []).map((server) => server.kill('SIGKILL')));
  await redis?.stop();
});

type Joined = Extract<ServerMessage, { type: 'joined' }>;

async function join(
  url: string,
  roomId: string,
  name: string,
  resumeToken?: string,
): Promise<{ client: TestClient; joined: Joined }> {
  const client = await TestClient.open(url);
  client.send({ type: 'join', roomId, name, media: MEDIA, resumeToken });
  const joined = await client.next('joined');
  return { client, joined };
}

/** Joins through nginx until the resume is taken: the first tries may reach the dead process. */
async function resumeThroughProxy(roomId: string, name: string, token: string): Promise<Joined> {
  const client = await TestClient.open(proxyUrl);
  client.send({ type: 'join', roomId, name, media: MEDIA, resumeToken: token });
  resumed.push(client);
  return client.next('joined', 10_000);
}

describe('rooms shared by three processes behind nginx', () => {
  it('relays between processes in order, and a third process sees everyone', async () => {
    const roomId = createRoomId();
    const alice = await join(servers[0]!.url, roomId, 'Alice');
    const bob = await join(servers[1]!.url, roomId, 'Bob');
    expect(bob.joined.peers.map((peer) => peer.name)).toEqual(['Alice']);
    expect((await alice.client.next('peer-joined')).peer).toMatchObject({
      peerId: bob.joined.peerId,
      polite: false,
    });

    bob.client.send({
      type: 'description',
      to: alice.joined.peerId,
      description: { type: 'offer', sdp: 'v=0\r\n' },
    });
    for (let i = 0; i < 50; i++) {
      bob.client.send({
        type: 'candidate',
        to: alice.joined.peerId,
        candidate: { candidate: `candidate:${i}`, sdpMid: '0', sdpMLineIndex: 0 },
      });
    }
    expect(await alice.client.next('description')).toMatchObject({ from: bob.joined.peerId });
    const candidates: string[] = [];
    for (let i = 0; i < 50; i++) {
      const message = await alice.client.next('candidate');
      candidates.push(message.candidate?.candidate ?? '');
    }
    expect(candidates).toEqual(Array.from({ length: 50 }, (_, i) => `candidate:${i}`));

    alice.client.send({ type: 'media', media: { ...MEDIA, audio: false } });
    expect(await bob.client.next('peer-updated')).toMatchObject({
      peerId: alice.joined.peerId,
      media: { audio: false },
    });

    const carol = await join(servers[2]!.url, roomId, 'Carol');
    expect(carol.joined.peers.map((peer) => peer.name).sort()).toEqual(['Alice', 'Bob']);
    expect(carol.joined.peers.find((peer) => peer.name === 'Alice')?.media.audio).toBe(false);
    await bob.client.next('peer-joined');
    for (const person of [alice, bob, carol]) person.client.close();
  });

  it('relays chat to the room on every process, in order, and to no other room', async () => {
    const roomId = createRoomId();
    const otherRoomId = createRoomId();
    const alice = await join(servers[0]!.url, roomId, 'Alice');
    const bob = await join(servers[1]!.url, roomId, 'Bob');
    const carol = await join(servers[2]!.url, roomId, 'Carol');
    // Another room with people on the same processes.
    const dee = await join(servers[1]!.url, otherRoomId, 'Dee');
    const eve = await join(servers[0]!.url, otherRoomId, 'Eve');

    for (const text of ['one', 'two', 'three']) {
      alice.client.send({ type: 'chat', id: `a-${text}`, text });
    }
    for (const person of [bob, carol]) {
      const texts: string[] = [];
      for (let i = 0; i < 3; i++) {
        const chat = await person.client.next('chat');
        expect(chat.from).toBe(alice.joined.peerId);
        texts.push(chat.text);
      }
      expect(texts).toEqual(['one', 'two', 'three']);
    }
    // Each answer comes after anything the room could have sent before it: Alice was not sent her
    // own messages back, and Dee heard nothing from the other room.
    bob.client.send({ type: 'chat', id: 'b-1', text: 'hi Alice' });
    expect(await alice.client.next('chat')).toEqual({
      type: 'chat',
      from: bob.joined.peerId,
      id: 'b-1',
      text: 'hi Alice',
    });
    eve.client.send({ type: 'chat', id: 'e-1', text: 'other room' });
    expect(await dee.client.next('chat')).toMatchObject({ from: eve.joined.peerId, id: 'e-1' });
    for (const person of [alice, bob, carol, dee, eve]) person.client.close();
  });

  it('lets exactly one of two people on two processes take the last seat, every time', async () => {
    for (let round = 0; round < 10; round++) {
      const roomId = createRoomId();
      const seated: TestClient[] = [];
      for (let i = 0; i < 5; i++)
        seated.push((await join(servers[i % 3]!.url, roomId, `P${i}`)).client);
      const racers = await Promise.all(
        [servers[1]!, servers[2]!].map((server) => TestClient.open(server.url)),
      );
      for (const [i, racer] of racers.entries()) {
        racer.send({ type: 'join', roomId, name: `Racer${i}`, media: MEDIA });
      }
      const outcomes = await Promise.all(
        racers.map((racer) =>
          Promise.race([
            racer.next('joined').then(() => 'joined'),
            racer.next('error').then((error) => error.code),
          ]),
        ),
      );
      expect(outcomes.sort()).toEqual(['joined', 'room-full']);
      for (const client of [...seated, ...racers]) client.close();
    }
  }, 60_000);

  it('a process killed mid-call: its people resume through nginx, and nobody sees them leave', async () => {
    const roomId = createRoomId();
    const bob = await join(servers[1]!.url, roomId, 'Bob');
    const alice = await join(servers[0]!.url, roomId, 'Alice');
    // Dave is on the doomed process too, and never comes back.
    const dave = await join(servers[0]!.url, roomId, 'Dave');
    await bob.client.next('peer-joined');
    await bob.client.next('peer-joined');

    const killedAt = Date.now();
    await servers[0]!.kill('SIGKILL');
    expect(await alice.client.closed).toBe(1006);
    void dave.client.closed;

    const back = await resumeThroughProxy(roomId, 'Alice', alice.joined.resumeToken);
    expect(back).toMatchObject({ resumed: true, peerId: alice.joined.peerId });
    // Signaling works both ways again, across processes.
    bob.client.send({
      type: 'description',
      to: alice.joined.peerId,
      description: { type: 'offer', sdp: 'restart' },
    });
    expect(await resumed.at(-1)!.next('description')).toMatchObject({ from: bob.joined.peerId });

    // Dave's place runs out after the lease and the grace; Alice never left.
    const left = await bob.client.next('peer-left', 20_000);
    expect(left).toEqual({ type: 'peer-left', peerId: dave.joined.peerId, reason: 'disconnected' });
    const toldAfterMs = Date.now() - killedAt;
    expect(toldAfterMs).toBeLessThan(2 * HEARTBEAT_MS + GRACE_MS + 3_000);
    expect(bob.client.received.filter((message) => message.type === 'peer-left')).toEqual([]);

    servers[0] = await startServer();
  }, 60_000);

  it('a process stopped for a deploy: its people resume elsewhere, and nobody sees them leave', async () => {
    const roomId = createRoomId();
    const carol = await join(servers[2]!.url, roomId, 'Carol');
    const bob = await join(servers[1]!.url, roomId, 'Bob');
    await carol.client.next('peer-joined');

    await servers[1]!.stop();
    expect(await bob.client.closed).toBe(1012);
    const back = await resumeThroughProxy(roomId, 'Bob', bob.joined.resumeToken);
    expect(back).toMatchObject({ resumed: true, peerId: bob.joined.peerId });
    carol.client.send({ type: 'media', media: { ...MEDIA, video: false } });
    expect(await resumed.at(-1)!.next('peer-updated')).toMatchObject({
      peerId: carol.joined.peerId,
    });
    expect(carol.client.received.filter((message) => message.type === 'peer-left')).toEqual([]);
    servers[1] = await startServer();
  }, 60_000);

  it('Redis restarted mid-call: the call goes on, and a newcomer sees everyone', async () => {
    const roomId = createRoomId();
    const alice = await join(servers[0]!.url, roomId, 'Alice');
    const bob = await join(servers[2]!.url, roomId, 'Bob');
    await alice.client.next('peer-joined');

    await redis.restart();
    // Each process re-asserts its peers once it is back; joins fail fast until then.
    let newcomer: Joined | null = null;
    const deadline = Date.now() + 20_000;
    while (!newcomer && Date.now() < deadline) {
      const client = await TestClient.open(proxyUrl);
      client.send({ type: 'join', roomId, name: 'Newcomer', media: MEDIA });
      const outcome = await Promise.race([client.next('joined'), client.next('error')]);
      if (outcome.type === 'joined' && outcome.peers.length === 2) newcomer = outcome;
      else {
        expect(outcome.type === 'error' ? outcome.code : 'joined').toMatch(/unavailable|joined/);
        client.close();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    expect(newcomer?.peers.map((peer) => peer.name).sort()).toEqual(['Alice', 'Bob']);
    // And the two still reach each other.
    alice.client.send({ type: 'candidate', to: bob.joined.peerId, candidate: null });
    expect(await bob.client.next('candidate')).toMatchObject({ from: alice.joined.peerId });
    expect(
      alice.client.received.filter(
        (message) => message.type === 'peer-left' && message.peerId === bob.joined.peerId,
      ),
    ).toEqual([]);
  }, 60_000);

  it('Redis frozen mid-call: joins fail with a clear error within a bound, the call goes on after', async () => {
    const roomId = createRoomId();
    const alice = await join(servers[0]!.url, roomId, 'Alice');
    const bob = await join(servers[1]!.url, roomId, 'Bob');
    await alice.client.next('peer-joined');
    const health = async (server: ServerProcess) =>
      (
        (await (await fetch(`http://127.0.0.1:${server.port}/healthz`)).json()) as {
          status: string;
        }
      ).status;

    const metric = async (server: ServerProcess) => {
      const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1]);
      return {
        available: value('meshcall_room_state_available'),
        outages: value('meshcall_room_state_outages_total'),
        errors: value('meshcall_room_state_errors_total'),
      };
    };
    const before = await metric(servers[2]!);
    expect(before.available).toBe(1);

    redis.freeze();
    try {
      // A join already on its way waits for Redis at most the request timeout, then is refused.
      const started = Date.now();
      const early = await TestClient.open(servers[2]!.url);
      early.send({ type: 'join', roomId, name: 'Early', media: MEDIA });
      expect(await early.next('error', 20_000)).toMatchObject({ code: 'unavailable' });
      expect(await early.closed).toBe(1013);
      expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS + 3_000);
      // Once the process has noticed, a join is refused at once, and /healthz and /metrics say so.
      expect(await health(servers[2]!)).toBe('degraded');
      const during = await metric(servers[2]!);
      expect(during.available).toBe(0);
      expect(during.outages).toBeGreaterThan(before.outages);
      expect(during.errors).toBeGreaterThan(before.errors);
      const late = await TestClient.open(servers[2]!.url);
      const lateStarted = Date.now();
      late.send({ type: 'join', roomId, name: 'Late', media: MEDIA });
      expect(await late.next('error')).toMatchObject({ code: 'unavailable' });
      expect(Date.now() - lateStarted).toBeLessThan(1_000);
      // The call's own sockets stay open meanwhile.
      expect(alice.client.closeCode).toBeNull();
      expect(bob.client.closeCode).toBeNull();
    } finally {
      redis.resume();
    }

    // Thawed (its leases ran out meanwhile): nobody is taken for dead, signals cross again, and a
    // newcomer gets in.
    await expect.poll(() => health(servers[0]!), { timeout: 10_000 }).toBe('ok');
    let delivered = false;
    const deadline = Date.now() + 10_000;
    while (!delivered && Date.now() < deadline) {
      alice.client.send({ type: 'candidate', to: bob.joined.peerId, candidate: null });
      delivered = await bob.client.next('candidate', 500).then(
        () => true,
        () => false,
      );
    }
    expect(delivered).toBe(true);
    const newcomer = await join(servers[2]!.url, roomId, 'Newcomer');
    expect(newcomer.joined.peers.map((peer) => peer.name).sort()).toEqual(['Alice', 'Bob']);
    await new Promise((resolve) => setTimeout(resolve, 3 * HEARTBEAT_MS));
    // Nobody in the call is taken for gone. Early's join may have run in Redis after its process
    // gave up on it: once that process notices, the room hears Early left (anyone who joined
    // meanwhile saw it listed; to the others it names nobody they know).
    const inCall = [alice.joined.peerId, bob.joined.peerId, newcomer.joined.peerId];
    for (const person of [alice, bob]) {
      for (const message of person.client.received) {
        if (message.type === 'peer-left') expect(inCall).not.toContain(message.peerId);
      }
      expect(person.client.closeCode).toBeNull();
    }
    for (const person of [alice, bob, newcomer]) person.client.close();
  }, 60_000);
});
