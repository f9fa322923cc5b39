import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../lib/signaling/protocol';
import { TestClient } from '../support/signaling-test-client';
import { startTestServer, type TestServer } from '../support/test-server';

const ROOMS = ['aaaaa-aaaaa-aaaaa', 'bbbbb-bbbbb-bbbbb', 'ccccc-ccccc-ccccc'];
const MEDIA = { audio: true, video: false, screen: null };
const PER_ROOM = 3;

interface Peer {
  client: TestClient;
  roomId: string;
  peerId: string;
}

let server: TestServer | null = null;
let peers: Peer[] = [];

afterEach(async () => {
  for (const peer of peers) peer.client.socket.terminate();
  peers = [];
  await server?.stop();
  server = null;
});

async function joinAll(url: string): Promise<Peer[]> {
  const joined: Peer[] = [];
  for (const roomId of ROOMS) {
    for (let i = 0; i < PER_ROOM; i++) {
      const client = await TestClient.open(url);
      client.send({ type: 'join', roomId, name: `${roomId}/${i}`, media: MEDIA });
      const { peerId } = await client.next('joined');
      joined.push({ client, roomId, peerId });
    }
  }
  return joined;
}

/**
 * Waits until the server has handled everything sent so far. Each socket's frames are handled in
 * order, and whatever the server sends a socket travels on one TCP stream, so once every peer has
 * its `pong`, anything the server relayed to it before has arrived too.
 */
async function settle(all: Peer[]): Promise<void> {
  for (const peer of all) peer.client.send({ type: 'ping' });
  for (const peer of all) await peer.client.next('pong');
}

/** Everything the peer received so far, of the given types; the rest is discarded. */
function take(peer: Peer, types: readonly ServerMessage['type'][]): ServerMessage[] {
  return peer.client.received.splice(0).filter((message) => types.includes(message.type));
}

describe('room isolation over real sockets', () => {
  it('delivers signals only to the named peer in the sender’s room; every other id is refused', async () => {
    server = await startTestServer({ LOG_LEVEL: 'silent' });
    peers = await joinAll(server.url);
    await settle(peers);
    for (const peer of peers) peer.client.received.splice(0);

    // Every peer addresses every id there is, in every room, plus its own and one never issued.
    const targets = [...peers.map((peer) => peer.peerId), 'NeverIssued0'];
    for (const sender of peers) {
      for (const to of targets) {
        const tag = `${sender.peerId}->${to}`;
        sender.client.send({ type: 'description', to, description: { type: 'offer', sdp: tag } });
        sender.client.send({
          type: 'candidate',
          to,
          candidate: { candidate: tag, sdpMid: '0', sdpMLineIndex: 0 },
        });
      }
    }
    await settle(peers);

    for (const peer of peers) {
      const roommates = peers.filter((other) => other.roomId === peer.roomId && other !== peer);
      const received = peer.client.received.splice(0);
      const signals = received.filter((m) => m.type === 'description' || m.type === 'candidate');
      const errors = received.filter((m) => m.type === 'error');
      // One description and one candidate from each roommate, addressed to this peer, and nothing else.
      expect(signals).toHaveLength(2 * roommates.length);
      for (const signal of signals) {
        if (signal.type !== 'description' && signal.type !== 'candidate') continue;
        expect(roommates.map((other) => other.peerId)).toContain(signal.from);
        const tag =
          signal.type === 'description' ? signal.description.sdp : signal.candidate?.candidate;
        expect(tag).toBe(`${signal.from}->${peer.peerId}`);
      }
      // Refused: the peers of other rooms, itself and the unknown id, for both messages.
      const refusedTargets = targets.length - roommates.length;
      expect(errors).toHaveLength(2 * refusedTargets);
      for (const error of errors) expect(error).toMatchObject({ code: 'unknown-peer' });
      expect(
        received.filter(
          (m) =>
            m.type !== 'error' &&
            m.type !== 'description' &&
            m.type !== 'candidate' &&
            m.type !== 'pong',
        ),
      ).toEqual([]);
    }
    expect(server.http.signaling.hub.counters.relayed).toBe(
      ROOMS.length * PER_ROOM * (PER_ROOM - 1) * 2,
    );
  });

  it('keeps joins, departures and media changes inside the room, and forgets a departed id', async () => {
    server = await startTestServer({ LOG_LEVEL: 'silent' });
    peers = await joinAll(server.url);
    await settle(peers);
    for (const peer of peers) peer.client.received.splice(0);

    const [leaver, stayer] = peers.filter((peer) => peer.roomId === ROOMS[0]);
    const outsider = peers.find((peer) => peer.roomId === ROOMS[1]);
    if (!leaver || !stayer || !outsider) throw new Error('rooms not set up');
    leaver.client.send({ type: 'media', media: { audio: false, video: false, screen: null } });
    leaver.client.send({ type: 'leave' });
    await settle(peers);

    for (const peer of peers) {
      const received = take(peer, ['peer-left', 'peer-updated', 'peer-joined']);
      if (peer === leaver) continue;
      if (peer.roomId === leaver.roomId) {
        expect(received.map((message) => message.type)).toEqual(['peer-updated', 'peer-left']);
      } else expect(received).toEqual([]);
    }
    await settle(peers);

    // The departed id is nobody's now, and the socket that left may not send as it.
    stayer.client.send({ type: 'candidate', to: leaver.peerId, candidate: null });
    expect(await stayer.client.next('error')).toMatchObject({ code: 'unknown-peer' });
    leaver.client.send({ type: 'candidate', to: stayer.peerId, candidate: null });
    expect(await leaver.client.next('error')).toMatchObject({ code: 'not-joined' });

    // A newcomer to another room hears of nobody from the first.
    const newcomer = await TestClient.open(server.url);
    newcomer.send({ type: 'join', roomId: ROOMS[2] ?? '', name: 'New', media: MEDIA });
    const joined = await newcomer.next('joined');
    const inThird = peers.filter((peer) => peer.roomId === ROOMS[2]).map((peer) => peer.peerId);
    expect(joined.peers.map((peer) => peer.peerId).sort()).toEqual(inThird.sort());
    newcomer.send({ type: 'candidate', to: outsider.peerId, candidate: null });
    expect(await newcomer.next('error')).toMatchObject({ code: 'unknown-peer' });
    newcomer.socket.terminate();
  });
});
