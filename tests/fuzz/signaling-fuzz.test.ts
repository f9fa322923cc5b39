import { afterEach, describe, expect, it } from 'vitest';
import { fuzzSignaling } from '../support/fuzz-signaling';
import { mebibytes, memoryAfterGc } from '../support/memory';
import { TestClient } from '../support/signaling-test-client';
import { startTestServer, waitFor, type TestServer } from '../support/test-server';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);
const ROOM = '7k3mq-x9tbd-4rw8h';
const MEDIA = { audio: true, video: true, screen: null };

let server: TestServer | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
});

describe('signaling under fuzzed input', () => {
  it(`survives ${RUNS} sockets of random and mutated frames, leaks nothing, and still connects a call`, async () => {
    server = await startTestServer(
      // A short grace so that sockets the fuzzer dropped give up their slots within the test.
      { RESUME_GRACE_MS: '200', LOG_LEVEL: 'info' },
      { keepLogs: false },
    );
    const before = memoryAfterGc();

    const report = await fuzzSignaling(server.url, {
      runs: RUNS,
      seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined,
    });

    const hub = server.http.signaling.hub;
    await waitFor(() => hub.counts().peers === 0 && hub.counts().connections === 0, {
      what: () => `every fuzzed peer to be gone (${JSON.stringify(hub.counts())})`,
    });
    const after = memoryAfterGc();
    const heapGrowth = after.heapUsed - before.heapUsed;
    console.log(
      `fuzz: seed ${report.seed}, ${report.runs} sockets, ${report.framesSent} frames, ` +
        `${report.messagesReceived} answers; outcomes ${JSON.stringify(report.outcomes)}; ` +
        `errors ${JSON.stringify(report.errorCodes)}; heap ${mebibytes(before.heapUsed)} -> ` +
        `${mebibytes(after.heapUsed)} (${mebibytes(heapGrowth)}), RSS ${mebibytes(before.rss)} -> ` +
        `${mebibytes(after.rss)}`,
    );

    expect(report.runs).toBe(RUNS);
    expect(report.framesSent).toBeGreaterThan(RUNS * 5);
    // Every kind of refusal was exercised, and sockets were both kept and closed.
    expect(report.outcomes.alive).toBeGreaterThan(0);
    expect(Object.keys(report.outcomes).length).toBeGreaterThan(3);
    expect(hub.counts()).toEqual({
      rooms: 0,
      peers: 0,
      connections: 0,
      awaitingResume: 0,
      heldBytes: 0,
    });
    expect(server.http.signaling.openSockets).toBe(0);
    // Frames with __proto__ and constructor keys changed no prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    // Bounded: what the fuzz left behind is small next to what went through.
    expect(heapGrowth).toBeLessThan(32 * 1024 * 1024);

    // A legitimate call still gets through the same server.
    const alice = await TestClient.open(server.url);
    const bob = await TestClient.open(server.url);
    alice.send({ type: 'join', roomId: ROOM, name: 'Alice', media: MEDIA });
    const aliceJoined = await alice.next('joined');
    bob.send({ type: 'join', roomId: ROOM, name: 'Bob', media: MEDIA });
    const bobJoined = await bob.next('joined');
    expect(bobJoined.peers.map((peer) => peer.peerId)).toEqual([aliceJoined.peerId]);
    bob.send({
      type: 'description',
      to: aliceJoined.peerId,
      description: { type: 'offer', sdp: 'v=0 offer' },
    });
    expect((await alice.next('description')).description.sdp).toBe('v=0 offer');
    alice.send({
      type: 'description',
      to: bobJoined.peerId,
      description: { type: 'answer', sdp: 'v=0 answer' },
    });
    expect((await bob.next('description')).description.sdp).toBe('v=0 answer');
    const candidate = {
      candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    };
    alice.send({ type: 'candidate', to: bobJoined.peerId, candidate });
    bob.send({ type: 'candidate', to: aliceJoined.peerId, candidate });
    expect((await bob.next('candidate')).candidate).toEqual(candidate);
    expect((await alice.next('candidate')).candidate).toEqual(candidate);
    alice.close();
    bob.close();
  }, 120_000);
});
