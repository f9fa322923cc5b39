import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { startTestServer, waitFor, type TestServer } from '../../tests/support/test-server';
import { SIGNALING_SUBPROTOCOL } from './protocol';
import { SignalingClient, signalingUrl, type SignalingConnectionState } from './signaling-client';

let server: TestServer | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
});

/** A SignalingClient over a real socket (Node's `ws` standing in for the browser's WebSocket). */
function connect(url: string, offer?: string) {
  vi.stubGlobal('WebSocket', NodeWebSocket);
  const states: SignalingConnectionState[] = [];
  const refusals: string[] = [];
  const origin = new URL(url.replace(/^ws/, 'http')).origin;
  const client = new SignalingClient({
    url,
    initialBackoffMs: 10,
    onOpen: () => undefined,
    onMessage: () => undefined,
    onStateChange: (state) => states.push(state),
    onUnsupportedVersion: (reason) => refusals.push(reason),
    createSocket: (socketUrl, protocol) =>
      new NodeWebSocket(socketUrl, offer ?? protocol, { origin }) as unknown as WebSocket,
  });
  client.connect();
  return { client, states, refusals };
}

describe('SignalingClient', () => {
  it('speaks this version of the protocol, and the server takes it', async () => {
    server = await startTestServer();
    const { client } = connect(server.url);
    await waitFor(() => client.isOpen, { what: 'the socket to open' });
    expect(client.send({ type: 'ping' })).toBe(true);
    client.close();
  });

  it('against a server of another version, stops for good and says why instead of retrying', async () => {
    server = await startTestServer();
    // The server speaks meshcall.v1; a page of another version offers only its own.
    const { client, states, refusals } = connect(server.url, 'meshcall.v2');
    await waitFor(() => refusals.length > 0, { what: 'the refusal' });
    expect(refusals).toEqual([`This server speaks ${SIGNALING_SUBPROTOCOL}`]);
    // Closed, with no reconnect scheduled: a retry would meet the same server.
    expect(client.connectionState).toBe('closed');
    expect(states).not.toContain('reconnecting');
  });
});

describe('signalingUrl', () => {
  it('is /ws on the page’s origin, or on the signaling port of the same host', () => {
    const page = { protocol: 'https:', host: 'call.example.com', hostname: 'call.example.com' };
    expect(signalingUrl(page)).toBe('wss://call.example.com/ws');
    const dev = { protocol: 'http:', host: '[::1]:3000', hostname: '[::1]' };
    expect(signalingUrl(dev, 3001)).toBe('ws://[::1]:3001/ws');
  });
});
