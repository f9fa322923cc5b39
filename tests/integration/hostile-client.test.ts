/**
 * The findings of the black-box attack, each against the real HTTP server and signaling endpoint
 * over real sockets (Next is not in the loop; `e2e/hostile.spec.ts` runs the same attacks against
 * the production build). Each test failed before its fix.
 */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HOSTILE_NAMES,
  dropJoinedPeers,
  floodAwayPeers,
  floodLogWithInvalidFrames,
  foreignUpgrade,
  harvestTurnCredentials,
  joinWithHostileNames,
  rawRequests,
  sendBadRequests,
  unfinishedUpgrade,
  openClient,
  attackRoom,
} from '../support/hostile-client';
import { startTestServer, waitFor, type TestServer } from '../support/test-server';

let server: TestServer | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
});

async function start(...args: Parameters<typeof startTestServer>) {
  server = await startTestServer(...args);
  return { server, target: { url: server.httpUrl } };
}

/** Open descriptors of this process: the server's sockets and the test's clients together. */
const openDescriptors = () => readdirSync('/proc/self/fd').length;

describe('finding 1: descriptors held by upgrades and unfinished headers', () => {
  it('answers every upgrade that is not /ws with 404 and closes it; hot reload alone is passed on', async () => {
    const passedOn: string[] = [];
    const { target } = await start(
      { LOG_LEVEL: 'info' },
      // Like Next in production: takes the upgrade and never answers it.
      { handleDevUpgrade: (request) => void passedOn.push(request.url ?? '') },
    );
    const baseline = openDescriptors();
    const outcome = await rawRequests(target, foreignUpgrade(target, '/x'), 200, 2_000);
    expect(outcome.statuses).toEqual({ '404': outcome.answered });
    expect(outcome.closedByServer).toBe(200);
    // Every socket is gone on both ends: no CLOSE-WAIT left behind on the server's side.
    await waitFor(() => openDescriptors() <= baseline + 2, {
      what: () => `descriptors back to ${baseline}, now ${openDescriptors()}`,
    });
    await rawRequests(target, foreignUpgrade(target, '/_next/hmr?id=1'), 1, 200);
    expect(passedOn).toEqual(['/_next/hmr?id=1']);
    // One line about it, however many there were.
    expect(server!.logs().filter((line) => line.msg === 'upgrade to an unknown path')).toHaveLength(
      1,
    );
  });

  it('closes connections that never finish their headers: at once past the per-address limit, else with 408', async () => {
    const { target } = await start({
      HEADERS_TIMEOUT_MS: '1000',
      MAX_PENDING_REQUESTS_PER_IP: '5',
      LOG_LEVEL: 'info',
    });
    const baseline = openDescriptors();
    const started = Date.now();
    const outcome = await rawRequests(target, unfinishedUpgrade(target), 40, 5_000);
    expect(outcome.closedByServer).toBe(40);
    expect(outcome.statuses).toEqual({ '408': 5 });
    expect(Date.now() - started).toBeLessThan(4_000);
    await waitFor(() => openDescriptors() <= baseline + 2, { what: 'descriptors back' });
    // The server still answers.
    expect((await fetch(`${target.url}/healthz`)).ok).toBe(true);
  });
});

describe('finding 2: peers away, and what is held for them', () => {
  it('counts peers held for resume against their address’s socket limit', async () => {
    const { server, target } = await start({
      MAX_CONNECTIONS_PER_IP: '10',
      RESUME_GRACE_MS: '60000',
    });
    const outcome = await dropJoinedPeers(target, 30, 5);
    expect(outcome).toEqual({ held: 10, refused: 20 });
    expect(server.http.signaling.hub.counts().awaitingResume).toBe(10);
    await expect(openClient(target)).rejects.toThrow('429');
  });

  it('releases an address’s count when its held peer resumes, or when it is removed', async () => {
    const { server, target } = await start({
      MAX_CONNECTIONS_PER_IP: '2',
      RESUME_GRACE_MS: '1000',
    });
    const counts = () => server.http.signaling.hub.counts();
    const first = await openClient(target);
    first.socket.send(
      JSON.stringify({ type: 'join', roomId: attackRoom(6), name: 'A', media: MEDIA }),
    );
    const { resumeToken } = await first.next('joined');
    first.socket.terminate();
    await waitFor(() => counts().awaitingResume === 1, { what: 'the peer to be held' });
    // One held peer and one socket fill the allowance of 2.
    const second = await openClient(target);
    await expect(openClient(target)).rejects.toThrow('429');
    // The held peer resumes on the second socket: one socket, no held peer.
    second.socket.send(
      JSON.stringify({ type: 'join', roomId: attackRoom(6), name: 'A', media: MEDIA, resumeToken }),
    );
    expect(await second.next('joined')).toMatchObject({ resumed: true });
    const third = await openClient(target);
    await expect(openClient(target)).rejects.toThrow('429');
    // The peer drops again and the spare socket closes; once its grace ends the address is free.
    second.socket.terminate();
    third.socket.terminate();
    await waitFor(() => counts().awaitingResume === 1 && counts().connections === 0, {
      what: 'one held peer, no socket',
    });
    await waitFor(() => counts().awaitingResume === 0, { what: 'the grace to end' });
    const clients = [await openClient(target), await openClient(target)];
    for (const client of clients) client.socket.close(1000);
  });

  it('holds one answer per sender for a flood of answers, and far less memory than before', async () => {
    const { server, target } = await start({ RESUME_GRACE_MS: '60000', LOG_LEVEL: 'info' });
    const flood = await floodAwayPeers(target, 150);
    const counts = server.http.signaling.hub.counts();
    // Three away peers, each holding the latest 48 KiB answer and the peers who joined after it.
    expect(counts.awaitingResume).toBe(3);
    expect(counts.heldBytes).toBeLessThan(3 * 49 * 1024 + 1024);
    expect(flood.sent).toBe(150);
    await flood.stop();
  });

  it('treats an away peer as gone once its held bytes pass the cap, and says so', async () => {
    const { server, target } = await start({
      RESUME_GRACE_MS: '60000',
      MAX_HELD_BYTES_PER_PEER: '65536',
      LOG_LEVEL: 'info',
    });
    const roomId = attackRoom(7);
    const away = await openClient(target);
    away.socket.send(JSON.stringify({ type: 'join', roomId, name: 'Away', media: MEDIA }));
    const { peerId } = await away.next('joined');
    away.socket.terminate();
    await waitFor(() => server.http.signaling.hub.counts().awaitingResume === 1, { what: 'held' });
    const sender = await openClient(target);
    sender.socket.send(JSON.stringify({ type: 'join', roomId, name: 'Sender', media: MEDIA }));
    await sender.next('joined');
    const candidate = { candidate: 'x'.repeat(1000), sdpMid: '0', sdpMLineIndex: 0 };
    for (let i = 0; i < 80; i++) {
      sender.socket.send(JSON.stringify({ type: 'candidate', to: peerId, candidate }));
    }
    expect(await sender.next('peer-left')).toMatchObject({ peerId, reason: 'disconnected' });
    expect(server.http.signaling.hub.counts()).toMatchObject({ awaitingResume: 0, heldBytes: 0 });
    expect(server.logs()).toContainEqual(
      expect.objectContaining({
        msg: 'too much held for a peer away, treating it as gone',
        peerId,
        limit: 'peer-limit',
      }),
    );
    sender.socket.close(1000);
  });
});

describe('finding 3: client input in the log', () => {
  it('logs and echoes at most a short, escaped prefix, and few lines per address however many sockets', async () => {
    const { server, target } = await start({ LOG_LEVEL: 'info' });
    const flood = await floodLogWithInvalidFrames(target, 10);
    expect(flood.framesSent).toBeGreaterThanOrEqual(200);
    expect(flood.longestError).toBeLessThan(200);
    const lines = server.logs();
    expect(Math.max(...lines.map((line) => JSON.stringify(line).length))).toBeLessThan(1_000);
    // 20 lines a minute per address (LOG_REFUSALS_PER_MINUTE), plus socket opens and closes.
    expect(server.logBytes()).toBeLessThan(20 * 1024);
    const refusals = lines.filter((line) => line.address !== undefined && line.level !== 20);
    expect(refusals.length).toBeLessThanOrEqual(21);
    // What the client sent is quoted escaped: no control, line break or bidi override in any field.
    for (const line of lines) {
      for (const value of Object.values(line)) {
        if (typeof value === 'string')
          expect(value).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
      }
    }
  });
});

describe('finding 4: TURN credentials', () => {
  const TURN = { TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: 'integration-secret' };

  it('gives a socket that never joined a handful of short-lived credentials, then refuses', async () => {
    const { target } = await start(TURN);
    const harvest = await harvestTurnCredentials(target, 450, 10);
    expect(harvest.distinctCredentials).toBe(5);
    expect(harvest.longestTtlSeconds).toBeLessThanOrEqual(300);
    expect(harvest.refused).toBe(445);
  });

  it('gives a joined peer credentials named after it, for 30 minutes, the same each time it asks', async () => {
    const { target } = await start(TURN);
    const client = await openClient(target);
    client.socket.send(
      JSON.stringify({ type: 'join', roomId: attackRoom(8), name: 'A', media: MEDIA }),
    );
    const joined = await client.next('joined');
    const turn = joined.iceServers.find((server) => server.username);
    expect(turn?.username).toMatch(new RegExp(`^\\d+:${joined.peerId}$`));
    const expiry = Number(turn?.username?.split(':')[0]);
    expect(expiry - Date.now() / 1000).toBeGreaterThan(1_790);
    expect(expiry - Date.now() / 1000).toBeLessThanOrEqual(1_800);
    for (let i = 0; i < 20; i++) client.socket.send(JSON.stringify({ type: 'get-ice-servers' }));
    for (let i = 0; i < 20; i++) {
      const again = await client.next('ice-servers');
      expect(again.iceServers).toEqual(joined.iceServers);
    }
    client.socket.close(1000);
  });

  it(
    'sends a joined peer fresh credentials before its current ones pass half their life',
    {
      timeout: 15_000,
    },
    async () => {
      const { target } = await start({
        ...TURN,
        TURN_TTL_SECONDS: '10',
        HEARTBEAT_INTERVAL_MS: '200',
      });
      const client = await openClient(target);
      client.socket.send(
        JSON.stringify({ type: 'join', roomId: attackRoom(9), name: 'A', media: MEDIA }),
      );
      const joined = await client.next('joined');
      const renewed = await client.next('ice-servers', 8_000);
      const [before, after] = [joined.iceServers[0], renewed.iceServers[0]];
      expect(after?.username).not.toBe(before?.username);
      expect(after?.username?.endsWith(`:${joined.peerId}`)).toBe(true);
      expect(
        Number(after?.username?.split(':')[0]) - Number(before?.username?.split(':')[0]),
      ).toBeGreaterThanOrEqual(5);
      client.socket.close(1000);
    },
  );
});

describe('finding 7: names', () => {
  it('relays names normalised, and refuses those with nothing visible', async () => {
    const { target } = await start();
    const { relayed } = await joinWithHostileNames(target);
    expect(relayed.map(({ seen }) => seen)).toEqual([
      'Bob[2J',
      'evil',
      'xadmin',
      null,
      null,
      'lone',
      '\u00e9',
    ]);
    expect(relayed.map(({ sent }) => sent)).toEqual(HOSTILE_NAMES);
  });
});

describe('finding 8: requests that make Next fail', () => {
  it('answers them 4xx itself, and logs them once a minute per address', async () => {
    let reachedNext = 0;
    const { server, target } = await start(
      { LOG_LEVEL: 'info' },
      {
        // Like Next: it would answer these with a 500 and a stack trace.
        handleRequest: (_request, response) => {
          reachedNext++;
          response.writeHead(500).end();
        },
        serverActionIds: new Set(),
      },
    );
    const statuses = await sendBadRequests(target, 3);
    expect(statuses).toEqual({
      'GET /call/%E0%A4%A': [400, 400, 400],
      'TRACE /': [405, 405, 405],
      'POST /': [404, 404, 404],
    });
    expect(reachedNext).toBe(0);
    expect(server.logs().filter((line) => line.msg === 'bad request')).toHaveLength(1);
    // A good request still gets through.
    expect((await fetch(`${target.url}/call/7k3mq-x9tbd-4rw8h`)).status).toBe(500);
    expect(reachedNext).toBe(1);
  });
});

const MEDIA = { audio: false, video: false, screen: null };
