import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../tests/support/signaling-test-client';
import { startTestServer, waitFor, type TestServer } from '../../tests/support/test-server';
import { CLOSE_CODES } from '../signaling/protocol';
import { clientAddress } from './signaling-endpoint';

const ROOM = '7k3mq-x9tbd-4rw8h';
const MEDIA = { audio: true, video: true, screen: null };

let server: TestServer | null = null;
const clients: TestClient[] = [];

async function start(env: Record<string, string> = {}): Promise<string> {
  server = await startTestServer(env);
  return server.url;
}

async function open(url: string, options = {}, protocols?: string[]): Promise<TestClient> {
  const client = await TestClient.open(url, options, protocols);
  clients.push(client);
  return client;
}

async function joined(url: string, name: string, roomId = ROOM) {
  const client = await open(url);
  client.send({ type: 'join', roomId, name, media: MEDIA });
  return { client, joined: await client.next('joined') };
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.terminate();
  await server?.stop();
  server = null;
});

describe('signaling endpoint', () => {
  it('relays between two browsers in a room over real sockets', async () => {
    const url = await start();
    const alice = await joined(url, 'Alice');
    const bob = await joined(url, 'Bob');
    expect(bob.joined.peers.map((peer) => peer.name)).toEqual(['Alice']);
    expect((await alice.client.next('peer-joined')).peer.peerId).toBe(bob.joined.peerId);

    bob.client.send({
      type: 'description',
      to: alice.joined.peerId,
      description: { type: 'offer', sdp: 'v=0' },
    });
    expect(await alice.client.next('description')).toEqual({
      type: 'description',
      from: bob.joined.peerId,
      description: { type: 'offer', sdp: 'v=0' },
    });
  });

  it('refuses upgrades from foreign origins, and accepts listed ones', async () => {
    const url = await start({ ALLOWED_ORIGINS: 'https://app.example.com' });
    await expect(open(url, { origin: 'https://evil.example' })).rejects.toThrow('403');
    await expect(open(url, { origin: 'https://app.example.com' })).resolves.toBeDefined();
    expect(server?.http.signaling.counters.upgradesRefused['foreign-origin']).toBe(1);
  });

  it('refuses a DNS-rebinding page whose Host matches its Origin, and a wrong scheme', async () => {
    const url = await start();
    const { host } = new URL(url);
    const rebound = `rebind.attacker.example:${new URL(url).port}`;
    await expect(
      open(url, { origin: `http://${rebound}`, headers: { host: rebound } }),
    ).rejects.toThrow('403');
    await expect(open(url, { origin: `https://${host}` })).rejects.toThrow('403');
    await expect(open(url, { origin: `http://${host}` })).resolves.toBeDefined();
    expect(server?.http.signaling.counters.upgradesRefused['foreign-origin']).toBe(2);
  });

  it('accepts only PUBLIC_ORIGIN and ALLOWED_ORIGINS in production, not its own address', async () => {
    const url = await start({
      NODE_ENV: 'production',
      PUBLIC_ORIGIN: 'https://call.example.com',
      ALLOWED_ORIGINS: 'https://other.example.com',
    });
    await expect(open(url)).rejects.toThrow('403');
    await expect(open(url, { origin: 'http://call.example.com' })).rejects.toThrow('403');
    await expect(open(url, { origin: 'https://call.example.com' })).resolves.toBeDefined();
    await expect(open(url, { origin: 'https://other.example.com' })).resolves.toBeDefined();
  });

  it('closes a socket of an older, newer or unversioned client with 4426, saying which it speaks', async () => {
    const url = await start();
    for (const offered of [['meshcall.v0'], ['meshcall.v2'], []]) {
      const client = await open(url, {}, offered);
      expect(await client.closed, `offered ${offered.join() || 'nothing'}`).toBe(
        CLOSE_CODES.unsupportedVersion,
      );
      expect(client.closeReason).toBe('This server speaks meshcall.v1');
      expect(client.received).toEqual([]);
    }
    expect(server?.http.signaling.counters.upgradesRefused['unsupported-version']).toBe(3);
    expect(server?.http.signaling.hub.counts().connections).toBe(0);
    // A client that also speaks this version gets it.
    const current = await open(url, {}, ['meshcall.v2', 'meshcall.v1']);
    expect(current.socket.protocol).toBe('meshcall.v1');
    current.send({ type: 'ping' });
    expect(await current.next('pong')).toEqual({ type: 'pong' });
  });

  it('answers a malformed frame with an error and keeps the socket open', async () => {
    const url = await start();
    const client = await open(url);
    client.send('{"type":"join"');
    expect(await client.next('error')).toMatchObject({ code: 'invalid-message' });
    client.send({ type: 'ping' });
    expect(await client.next('pong')).toEqual({ type: 'pong' });
  });

  it('refuses each limit of the protocol with an error naming the problem', async () => {
    const url = await start();
    const client = await open(url);
    const violations = [
      { type: 'join', roomId: 'not-a-room', name: 'A', media: MEDIA },
      { type: 'join', roomId: ROOM, name: 'x'.repeat(65), media: MEDIA },
      { type: 'join', roomId: ROOM, name: '', media: MEDIA },
      {
        type: 'description',
        to: 'AbCdEfGhIjKl',
        description: { type: 'offer', sdp: 'x'.repeat(49 * 1024) },
      },
      {
        type: 'candidate',
        to: 'AbCdEfGhIjKl',
        candidate: { candidate: 'x'.repeat(1025), sdpMid: '0', sdpMLineIndex: 0 },
      },
      { type: 'description', to: '../../etc', description: { type: 'offer', sdp: 'v=0' } },
    ];
    for (const violation of violations) {
      client.send(JSON.stringify(violation));
      expect(await client.next('error')).toMatchObject({ code: 'invalid-message' });
    }
    const lines = server?.logs().filter((line) => line.msg === 'invalid frame') ?? [];
    expect(lines).toHaveLength(violations.length);
  });

  it('closes a socket that sends binary (1003), oversized (1009) or non-UTF-8 (1007) frames', async () => {
    const url = await start();
    const binary = await open(url);
    binary.socket.send(Buffer.from([1, 2, 3]));
    expect(await binary.closed).toBe(CLOSE_CODES.unsupportedData);

    const big = await open(url);
    big.send('x'.repeat(70 * 1024));
    expect(await big.closed).toBe(CLOSE_CODES.messageTooBig);

    const garbled = await open(url);
    garbled.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await garbled.closed).toBe(CLOSE_CODES.invalidPayload);

    const rejected = server?.http.signaling.counters.rejected;
    await waitFor(() => rejected?.['invalid-utf8'] === 1, { what: 'the UTF-8 error to count' });
    expect(rejected).toMatchObject({ binary: 1, 'too-large': 1, 'invalid-utf8': 1 });
  });

  it('closes a socket that keeps sending invalid frames (1008), leaving others alone', async () => {
    const url = await start({ RATE_LIMIT_STRIKES: '5' });
    const bystander = await joined(url, 'Bystander');
    const noisy = await open(url);
    for (let i = 0; i < 10; i++) noisy.send('nonsense');
    expect(await noisy.closed).toBe(CLOSE_CODES.policyViolation);
    bystander.client.send({ type: 'ping' });
    await bystander.client.next('pong');
    expect(server?.http.signaling.counters.serverClosed.abuse).toBe(1);
  });

  it('rate-limits a socket: refuses with rate-limited, then closes with 4008', async () => {
    const url = await start({
      RATE_LIMIT_BURST: '10',
      RATE_LIMIT_MESSAGES_PER_SECOND: '1',
      RATE_LIMIT_STRIKES: '3',
    });
    const flooder = await open(url);
    const calm = await open(url);
    for (let i = 0; i < 30; i++) flooder.send({ type: 'ping' });
    expect(await flooder.closed).toBe(CLOSE_CODES.rateLimited);
    const pongs = flooder.received.filter((message) => message.type === 'pong');
    const limited = flooder.received.filter(
      (message) => message.type === 'error' && message.code === 'rate-limited',
    );
    expect(pongs.length).toBeGreaterThanOrEqual(10);
    expect(pongs.length).toBeLessThan(13);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    // Another socket has its own allowance.
    calm.send({ type: 'ping' });
    expect(await calm.next('pong')).toEqual({ type: 'pong' });
    expect(server?.http.signaling.counters.rejected['rate-limited']).toBeGreaterThanOrEqual(4);
  });

  it('lets a 6-person call set up, restart ICE and share a screen within the default limits', async () => {
    const url = await start();
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await joined(url, `P${i}`));
    const newcomer = people[5];
    if (!newcomer) throw new Error('no newcomer');
    // Setup, then an ICE restart, then a screen share, all at once: 3 × (offer + 30 candidates) per peer.
    let sent = 0;
    for (let round = 0; round < 3; round++) {
      for (const other of people.slice(0, 5)) {
        newcomer.client.send({
          type: 'description',
          to: other.joined.peerId,
          description: { type: 'offer', sdp: 'v=0\r\n'.padEnd(6_000, 'a') },
        });
        sent++;
        for (let c = 0; c < 30; c++) {
          newcomer.client.send({
            type: 'candidate',
            to: other.joined.peerId,
            candidate: {
              candidate: `candidate:${c} 1 udp 1 127.0.0.1 ${5000 + c} typ host`,
              sdpMid: '0',
              sdpMLineIndex: 0,
            },
          });
          sent++;
        }
      }
    }
    newcomer.client.send({ type: 'ping' });
    await newcomer.client.next('pong');
    expect(newcomer.client.received.filter((message) => message.type === 'error')).toEqual([]);
    expect(server?.http.signaling.hub.counters.relayed).toBe(sent);
  });

  it('limits concurrent sockets per client address with HTTP 429, other addresses unaffected', async () => {
    const url = await start({ MAX_CONNECTIONS_PER_IP: '2' });
    const first = await open(url, { localAddress: '127.0.0.2' });
    await open(url, { localAddress: '127.0.0.2' });
    await expect(open(url, { localAddress: '127.0.0.2' })).rejects.toThrow('429');
    await expect(open(url, { localAddress: '127.0.0.3' })).resolves.toBeDefined();
    // A closed socket frees its place.
    first.close();
    await first.closed;
    await waitFor(() => server?.http.signaling.openSockets === 2, { what: 'the socket to close' });
    await expect(open(url, { localAddress: '127.0.0.2' })).resolves.toBeDefined();
    expect(server?.http.signaling.counters.upgradesRefused['per-ip-limit']).toBe(1);
    expect(server?.logs().some((line) => line.reason === 'per-ip-limit')).toBe(true);
  });

  it('limits sockets in all with HTTP 503', async () => {
    const url = await start({ MAX_CONNECTIONS: '2' });
    await open(url, { localAddress: '127.0.0.2' });
    await open(url, { localAddress: '127.0.0.3' });
    await expect(open(url, { localAddress: '127.0.0.4' })).rejects.toThrow('503');
    expect(server?.http.signaling.counters.upgradesRefused['server-full']).toBe(1);
  });

  it('counts the forwarded client address only with TRUST_PROXY', async () => {
    const url = await start({ MAX_CONNECTIONS_PER_IP: '1', TRUST_PROXY: '1' });
    const viaProxy = (client: string) => ({ headers: { 'x-forwarded-for': `spoofed, ${client}` } });
    await open(url, viaProxy('203.0.113.1'));
    await expect(open(url, viaProxy('203.0.113.1'))).rejects.toThrow('429');
    await expect(open(url, viaProxy('203.0.113.2'))).resolves.toBeDefined();
  });

  it('drops a socket that stops reading while its room keeps writing', async () => {
    const url = await start({
      MAX_BUFFERED_BYTES: String(64 * 1024),
      RATE_LIMIT_BURST: '100000',
      RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
    });
    const stalled = await joined(url, 'Stalled');
    const writer = await joined(url, 'Writer');
    // Stop reading: the server's send buffer toward it fills up.
    const tcp = (stalled.client.socket as unknown as { _socket: { pause(): void } })._socket;
    tcp.pause();
    const sdp = 'v=0\r\n'.padEnd(40_000, 'a');
    const counters = server?.http.signaling.counters;
    for (let sent = 0; sent < 2_000 && counters?.serverClosed['slow-consumer'] === 0; sent++) {
      writer.client.send({
        type: 'description',
        to: stalled.joined.peerId,
        description: { type: 'offer', sdp },
      });
      if (sent % 50 === 49) {
        writer.client.send({ type: 'ping' });
        await writer.client.next('pong');
      }
    }
    expect(counters?.serverClosed['slow-consumer']).toBe(1);
    // The writer is unaffected.
    writer.client.send({ type: 'ping' });
    await writer.client.next('pong');
  });

  it('holds the place of a page that closed its socket while unloading for the reload grace only', async () => {
    const url = await start({ RESUME_GRACE_MS: '60000', RELOAD_GRACE_MS: '300' });
    const leaving = await joined(url, 'Reloading');
    const watcher = await joined(url, 'Watcher');
    await leaving.client.next('peer-joined');

    // A reload: the page comes back within the grace and resumes its place, unnoticed.
    leaving.client.socket.close(CLOSE_CODES.pageUnloading, 'Page unloading');
    await leaving.client.closed;
    const reloaded = await open(url);
    reloaded.send({
      type: 'join',
      roomId: ROOM,
      name: 'Reloading',
      media: MEDIA,
      resumeToken: leaving.joined.resumeToken,
    });
    const resumed = await reloaded.next('joined');
    expect(resumed).toMatchObject({ resumed: true, peerId: leaving.joined.peerId });

    // The tab closes for good: the others are told once the short grace is over.
    const started = Date.now();
    reloaded.socket.close(CLOSE_CODES.pageUnloading, 'Page unloading');
    expect(await watcher.client.next('peer-left', 3_000)).toEqual({
      type: 'peer-left',
      peerId: leaving.joined.peerId,
      reason: 'disconnected',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(watcher.client.received.filter((message) => message.type === 'peer-left')).toEqual([]);
  });

  it('removes a peer whose socket stops answering pings, and tells the room', async () => {
    const url = await start({ HEARTBEAT_INTERVAL_MS: '100', RESUME_GRACE_MS: '200' });
    const silent = await open(url, { autoPong: false });
    silent.send({ type: 'join', roomId: ROOM, name: 'Gone', media: MEDIA });
    const gone = await silent.next('joined');
    const watcher = await joined(url, 'Watcher');

    const started = Date.now();
    expect(await watcher.client.next('peer-left', 3_000)).toEqual({
      type: 'peer-left',
      peerId: gone.peerId,
      reason: 'disconnected',
    });
    // At most two heartbeat intervals to notice, then the grace period.
    expect(Date.now() - started).toBeLessThan(2 * 100 + 200 + 250);
    expect(server?.http.signaling.hub.counts()).toMatchObject({ peers: 1 });
    expect(
      server
        ?.logs()
        .some(
          (line) =>
            line.msg === 'heartbeat missed, terminating socket' && line.peerId === gone.peerId,
        ),
    ).toBe(true);
  });

  it('removes at once a joined peer whose page went silent though its socket still answers pings', async () => {
    // A crashed tab: the browser's network stack keeps answering pings, the page sends nothing.
    const url = await start({
      HEARTBEAT_INTERVAL_MS: '100',
      PAGE_SILENCE_LIMIT_MS: '300',
      RESUME_GRACE_MS: '60000',
    });
    const crashed = await joined(url, 'Crashed');
    const watcher = await joined(url, 'Watcher');
    // The watcher keeps its page alive, as the app does every 5 s.
    const pinging = setInterval(() => watcher.client.send({ type: 'ping' }), 100);
    try {
      const started = Date.now();
      expect(await watcher.client.next('peer-left', 3_000)).toEqual({
        type: 'peer-left',
        peerId: crashed.joined.peerId,
        reason: 'disconnected',
      });
      // No resume grace: the limit plus at most one heartbeat, not the 60 s grace.
      expect(Date.now() - started).toBeLessThan(300 + 2 * 100 + 250);
      expect(server?.http.signaling.counters.serverClosed['page-silent']).toBe(1);
      expect(server?.http.signaling.hub.counts()).toMatchObject({ peers: 1 });
    } finally {
      clearInterval(pinging);
    }
  });

  it('logs joins and leaves with room and peer ids, never SDP, candidates or resume tokens', async () => {
    const url = await start({ LOG_LEVEL: 'debug' });
    const alice = await joined(url, 'Alice');
    const bob = await joined(url, 'Bob');
    const sdp = 'v=0\r\no=- SECRET-SDP-MARKER 2 IN IP4 127.0.0.1\r\n';
    const candidate = 'candidate:SECRET-CANDIDATE-MARKER 1 udp 1 192.0.2.1 5000 typ host';
    bob.client.send({
      type: 'description',
      to: alice.joined.peerId,
      description: { type: 'offer', sdp },
    });
    bob.client.send({
      type: 'candidate',
      to: alice.joined.peerId,
      candidate: { candidate, sdpMid: '0', sdpMLineIndex: 0 },
    });
    bob.client.send({
      type: 'description',
      to: 'AbCdEfGhIjKl',
      description: { type: 'offer', sdp },
    });
    await alice.client.next('candidate');
    await bob.client.next('error');
    bob.client.close();
    await alice.client.next('peer-left');

    const logs = server?.logs() ?? [];
    const text = JSON.stringify(logs);
    expect(text).not.toContain('SECRET-SDP-MARKER');
    expect(text).not.toContain('SECRET-CANDIDATE-MARKER');
    expect(text).not.toContain(alice.joined.resumeToken);
    expect(text).not.toContain(bob.joined.resumeToken);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'peer joined', roomId: ROOM, peerId: bob.joined.peerId }),
    );
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'peer left', roomId: ROOM, peerId: bob.joined.peerId }),
    );
  });

  it('on shutdown, closes every open socket with 1012, forgets them all, and stops listening', async () => {
    const url = await start();
    const alice = await joined(url, 'Alice');
    const bob = await joined(url, 'Bob');
    const stopping = server?.stop();
    expect(await alice.client.closed).toBe(CLOSE_CODES.serviceRestart);
    expect(await bob.client.closed).toBe(CLOSE_CODES.serviceRestart);
    await stopping;
    await expect(open(url)).rejects.toThrow();
    expect(server?.http.signaling.hub.counts()).toEqual({
      rooms: 0,
      peers: 0,
      connections: 0,
      awaitingResume: 0,
      heldBytes: 0,
    });
  });
});

describe('/metrics and /healthz', () => {
  it('reports rooms, peers and traffic in Prometheus text format', async () => {
    const url = await start();
    const alice = await joined(url, 'Alice');
    const bob = await joined(url, 'Bob');
    bob.client.send({ type: 'candidate', to: alice.joined.peerId, candidate: null });
    await alice.client.next('candidate');
    bob.client.send('garbage');
    await bob.client.next('error');

    const response = await fetch(`${server?.httpUrl}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    expect(text).toContain('# TYPE meshcall_rooms gauge\nmeshcall_rooms 1\n');
    expect(text).toContain('meshcall_peers 2\n');
    expect(text).toContain('meshcall_connections 2\n');
    expect(text).toContain('meshcall_joins_total 2\n');
    expect(text).toContain('meshcall_messages_received_total 4\n');
    expect(text).toContain('meshcall_messages_relayed_total 1\n');
    expect(text).toContain('meshcall_messages_rejected_total{reason="invalid-message"} 1\n');

    const health = (await (await fetch(`${server?.httpUrl}/healthz`)).json()) as unknown;
    expect(health).toEqual({
      status: 'ok',
      signaling: true,
      roomState: 'memory',
      rooms: 1,
      peers: 2,
    });
  });
});

describe('clientAddress', () => {
  const request = (forwarded?: string) =>
    ({
      socket: { remoteAddress: '10.0.0.9' },
      headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
    }) as unknown as Parameters<typeof clientAddress>[0];

  it('uses the TCP peer unless proxies are trusted', () => {
    expect(clientAddress(request('198.51.100.7'), 0)).toBe('10.0.0.9');
  });

  it('takes the entry our outermost proxy wrote, ignoring what the client wrote before it', () => {
    expect(clientAddress(request('1.1.1.1, 198.51.100.7'), 1)).toBe('198.51.100.7');
    expect(clientAddress(request('1.1.1.1, 198.51.100.7, 10.0.0.2'), 2)).toBe('198.51.100.7');
    expect(clientAddress(request(undefined), 1)).toBe('10.0.0.9');
  });
});
