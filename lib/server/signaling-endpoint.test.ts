import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../tests/support/signaling-test-client';
import { loadServerConfig } from './config';
import {
  createSignalingEndpoint,
  isOriginAllowed,
  type SignalingEndpoint,
} from './signaling-endpoint';

const ROOM = '7k3mq-x9tbd-4rw8h';
const MEDIA = { audio: true, video: true, screen: null };

let server: Server | null = null;
let endpoint: SignalingEndpoint | null = null;
const clients: TestClient[] = [];

async function start(env: Record<string, string> = {}): Promise<string> {
  const config = loadServerConfig({ NODE_ENV: 'test', ...env });
  endpoint = createSignalingEndpoint({
    config,
    log: pino({ level: 'silent' }),
    iceConfiguration: () => ({ iceServers: [], iceTransportPolicy: 'all' }),
  });
  const signaling = endpoint;
  server = createServer((_request, response) => response.end());
  server.on('upgrade', (request, socket, head) => signaling.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
}

async function open(url: string, options = {}): Promise<TestClient> {
  const client = await TestClient.open(url, options);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.terminate();
  endpoint?.close();
  endpoint = null;
  const closing = server;
  server = null;
  if (closing) await new Promise((resolve) => closing.close(resolve));
});

describe('signaling endpoint', () => {
  it('relays between two browsers in a room over real sockets', async () => {
    const url = await start();
    const alice = await open(url);
    alice.send({ type: 'join', roomId: ROOM, name: 'Alice', media: MEDIA });
    const aliceJoined = await alice.next('joined');
    const bob = await open(url);
    bob.send({ type: 'join', roomId: ROOM, name: 'Bob', media: MEDIA });
    const bobJoined = await bob.next('joined');
    expect(bobJoined.peers.map((peer) => peer.name)).toEqual(['Alice']);
    expect((await alice.next('peer-joined')).peer.peerId).toBe(bobJoined.peerId);

    bob.send({
      type: 'description',
      to: aliceJoined.peerId,
      description: { type: 'offer', sdp: 'v=0' },
    });
    expect(await alice.next('description')).toEqual({
      type: 'description',
      from: bobJoined.peerId,
      description: { type: 'offer', sdp: 'v=0' },
    });
  });

  it('refuses upgrades from foreign origins, and accepts listed ones', async () => {
    const url = await start({ ALLOWED_ORIGINS: 'https://app.example.com' });
    await expect(open(url, { origin: 'https://evil.example' })).rejects.toThrow('403');
    await expect(open(url, { origin: 'https://app.example.com' })).resolves.toBeDefined();
  });

  it('answers a malformed frame with an error and keeps the socket open', async () => {
    const url = await start();
    const client = await open(url);
    client.send('{"type":"join"');
    expect(await client.next('error')).toMatchObject({ code: 'invalid-message' });
    client.send({ type: 'ping' });
    expect(await client.next('pong')).toEqual({ type: 'pong' });
  });

  it('closes a socket that sends binary frames (1003) or oversized ones (1009)', async () => {
    const url = await start();
    const binary = await open(url);
    binary.socket.send(Buffer.from([1, 2, 3]));
    expect(await binary.closed).toBe(1003);

    const big = await open(url);
    big.send('x'.repeat(70 * 1024));
    expect(await big.closed).toBe(1009);
  });

  it('removes a peer whose socket stops answering pings, and tells the room', async () => {
    const url = await start({ HEARTBEAT_INTERVAL_MS: '100', RESUME_GRACE_MS: '200' });
    const silent = await open(url, { autoPong: false });
    silent.send({ type: 'join', roomId: ROOM, name: 'Gone', media: MEDIA });
    const gone = await silent.next('joined');
    const watcher = await open(url);
    watcher.send({ type: 'join', roomId: ROOM, name: 'Watcher', media: MEDIA });
    await watcher.next('joined');

    const started = Date.now();
    expect(await watcher.next('peer-left', 3_000)).toEqual({
      type: 'peer-left',
      peerId: gone.peerId,
      reason: 'disconnected',
    });
    // At most two heartbeat intervals to notice, then the grace period.
    expect(Date.now() - started).toBeLessThan(2 * 100 + 200 + 250);
    expect(endpoint?.hub.counts()).toMatchObject({ peers: 1 });
  });
});

describe('isOriginAllowed', () => {
  it('accepts the server’s own host and listed origins only', () => {
    const allowed = new Set(['https://app.example.com']);
    expect(isOriginAllowed('http://localhost:3000', 'localhost:3000', allowed)).toBe(true);
    expect(isOriginAllowed('https://app.example.com', 'internal:3000', allowed)).toBe(true);
    expect(isOriginAllowed('http://localhost:3001', 'localhost:3000', allowed)).toBe(false);
    expect(isOriginAllowed(undefined, 'localhost:3000', allowed)).toBe(false);
    expect(isOriginAllowed('null', 'localhost:3000', allowed)).toBe(false);
  });
});
