import { describe, expect, it } from 'vitest';
import { InMemoryRooms } from './in-memory-rooms';
import type { ClientMessage, ServerMessage, SubscribedTrack } from './protocol';
import type { SfuService, SfuServiceEvent } from './sfu-coordinator';
import { SignalingHub, type HubEvent } from './signaling-hub';

const ROOM = '7k3mq-x9tbd-4rw8h';
const MEDIA = { audio: true, video: false, screen: null };
const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n';

/**
 * Records the broker calls the hub makes, and lets a test emit broker events. The broker itself is
 * tested against a real Janus (tests/integration/sfu-broker.test.ts, sfu-signaling.test.ts).
 */
class RecordingSfu implements SfuService {
  available = true;
  connectFails = false;
  readonly calls: string[] = [];
  private listener: ((event: SfuServiceEvent) => void) | null = null;

  async connect(): Promise<void> {
    this.calls.push('connect');
    if (this.connectFails) throw Object.assign(new Error('refused'), { code: 'unavailable' });
    this.available = true;
  }
  onEvent(listener: (event: SfuServiceEvent) => void): () => void {
    this.listener = listener;
    return () => (this.listener = null);
  }
  emit(event: SfuServiceEvent): void {
    this.listener?.(event);
  }
  async openRoom(roomId: string): Promise<void> {
    this.calls.push(`open ${roomId}`);
  }
  async closeRoom(roomId: string): Promise<void> {
    this.calls.push(`close ${roomId}`);
  }
  async publish(_roomId: string, peerId: string, offer: string): Promise<string> {
    this.calls.push(`publish ${peerId}`);
    if (offer === 'bad') throw Object.assign(new Error('Janus said no'), { code: 'janus' });
    return 'answer';
  }
  async unpublish(_roomId: string, peerId: string): Promise<void> {
    this.calls.push(`unpublish ${peerId}`);
  }
  async subscribe(_roomId: string, peerId: string, fresh?: boolean) {
    this.calls.push(`subscribe ${peerId}${fresh ? ' fresh' : ''}`);
    return null;
  }
  async answerSubscription(_roomId: string, peerId: string): Promise<void> {
    this.calls.push(`answer ${peerId}`);
  }
  async chooseLayer(_roomId: string, peerId: string, mid: string, layer: string) {
    this.calls.push(`layer ${peerId} ${mid} ${layer}`);
    return layer !== 'high';
  }
  async pauseVideo(_roomId: string, peerId: string, mid: string): Promise<void> {
    this.calls.push(`pause ${peerId} ${mid}`);
  }
  /** What each subscriber's mids carry, by `${subscriber} ${mid}`. */
  readonly tracks = new Map<string, SubscribedTrack>();
  subscribedTrack(_roomId: string, peerId: string, mid: string): SubscribedTrack | null {
    return this.tracks.get(`${peerId} ${mid}`) ?? null;
  }
  async restartSubscription(_roomId: string, peerId: string) {
    this.calls.push(`restart ${peerId}`);
    return { sdp: OFFER, tracks: [] };
  }
  async addIceCandidate(_roomId: string, peerId: string, link: string): Promise<void> {
    this.calls.push(`candidate ${peerId} ${link}`);
  }
  async leave(_roomId: string, peerId: string): Promise<void> {
    this.calls.push(`leave ${peerId}`);
  }
}

async function setup(meshMax = 2) {
  const sfu = new RecordingSfu();
  const sent = new Map<string, ServerMessage[]>();
  const events: HubEvent[] = [];
  const hub = new SignalingHub({
    rooms: new InMemoryRooms(6),
    resumeGraceMs: 1_000,
    observe: (event) => events.push(event),
    iceConfiguration: () => ({ iceServers: [], iceTransportPolicy: 'all' }),
    checkIceConfiguration: () => null,
    transport: {
      send: (connectionId, frame) => {
        const message = JSON.parse(frame.toString()) as ServerMessage;
        // The room's host controls follow every join; their own tests check them.
        if (message.type === 'room-controls') return;
        sent.set(connectionId, [...(sent.get(connectionId) ?? []), message]);
      },
      close: () => undefined,
    },
    sfu: { service: sfu, meshMax, retryMs: { first: 5, max: 5 } },
  });
  await hub.start();
  const take = (connectionId: string) => {
    const messages = sent.get(connectionId) ?? [];
    sent.set(connectionId, []);
    return messages;
  };
  const rx = async (connectionId: string, message: ClientMessage) => {
    await hub.receive(connectionId, message);
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  const join = async (connectionId: string) => {
    hub.connect(connectionId);
    await rx(connectionId, { type: 'join', roomId: ROOM, name: connectionId, media: MEDIA });
    const joined = take(connectionId).find((message) => message.type === 'joined');
    if (joined?.type !== 'joined') throw new Error(`${connectionId} did not join`);
    return joined;
  };
  return { hub, sfu, take, rx, join, events };
}

describe('SFU coordination in the hub', () => {
  it('keeps a mesh up to MESH_MAX, then moves the room once and tells everyone', async () => {
    const { join, take, sfu, hub } = await setup(2);
    expect((await join('c1')).mode).toBe('mesh');
    expect((await join('c2')).mode).toBe('mesh');
    expect(sfu.calls).toEqual(['connect']);
    take('c1');
    take('c2');

    const third = await join('c3');
    expect(third.mode).toBe('sfu');
    expect(third.peers).toHaveLength(2);
    expect(sfu.calls).toContain(`open ${ROOM}`);
    for (const connectionId of ['c1', 'c2']) {
      const messages = take(connectionId);
      expect(messages.map((message) => message.type)).toEqual(['peer-joined', 'room-mode']);
      expect(messages[1]).toEqual({ type: 'room-mode', mode: 'sfu', reason: 'grew' });
    }
    // A fourth joins an SFU room: told so, and nobody is told of a move again.
    expect((await join('c4')).mode).toBe('sfu');
    expect(take('c1').map((message) => message.type)).toEqual(['peer-joined']);
    await hub.dispose();
  });

  it('brokers each request for the peer who sent it, and answers on its socket', async () => {
    const { join, take, rx, sfu, hub } = await setup(1);
    await join('c1');
    const bob = await join('c2');
    take('c1');
    await rx('c2', { type: 'sfu-publish', sdp: OFFER, tracks: [{ mid: '0', source: 'camera' }] });
    expect(take('c2')).toEqual([{ type: 'sfu-publish-answer', sdp: 'answer' }]);
    await rx('c2', { type: 'sfu-candidate', link: 'publisher', candidate: null });
    await rx('c2', { type: 'sfu-subscribe' });
    // A reloaded page's new connection asks for its subscription to be made anew.
    await rx('c2', { type: 'sfu-subscribe', fresh: true });
    await rx('c2', { type: 'sfu-subscription-answer', sdp: OFFER });
    await rx('c2', { type: 'sfu-layer', mid: '1', layer: 'low' });
    await rx('c2', { type: 'sfu-layer', mid: '1', layer: 'high' });
    await rx('c2', { type: 'sfu-ice-restart' });
    expect(take('c2')).toEqual([
      { type: 'sfu-layer-set', mid: '1', layer: 'low', ok: true },
      { type: 'sfu-layer-set', mid: '1', layer: 'high', ok: false },
      { type: 'sfu-subscription-offer', sdp: OFFER, tracks: [] },
    ]);
    expect(sfu.calls).toEqual(
      expect.arrayContaining([
        `publish ${bob.peerId}`,
        `candidate ${bob.peerId} publisher`,
        `subscribe ${bob.peerId}`,
        `subscribe ${bob.peerId} fresh`,
        `answer ${bob.peerId}`,
        `layer ${bob.peerId} 1 low`,
        `restart ${bob.peerId}`,
      ]),
    );

    // A refusal from Janus is an error for that socket, and the hub goes on.
    await rx('c2', { type: 'sfu-publish', sdp: 'bad', tracks: [{ mid: '0', source: 'camera' }] });
    expect(take('c2')).toMatchObject([{ type: 'error', code: 'sfu-refused' }]);

    // The broker's later offers reach their peer.
    sfu.emit({
      type: 'subscription-offer',
      roomId: ROOM,
      peerId: bob.peerId,
      offer: { sdp: OFFER, tracks: [] },
    });
    expect(take('c2')).toEqual([{ type: 'sfu-subscription-offer', sdp: OFFER, tracks: [] }]);
    await hub.dispose();
  });

  it('tells a publisher which camera layer each subscriber asks for, and no one else', async () => {
    const { join, take, rx, sfu, hub } = await setup(1);
    const alice = await join('c1');
    const bob = await join('c2');
    await join('c3');
    for (const connectionId of ['c1', 'c2', 'c3']) take(connectionId);
    sfu.tracks.set(`${bob.peerId} 1`, {
      mid: '1',
      peerId: alice.peerId,
      source: 'camera',
      kind: 'video',
    });
    sfu.tracks.set(`${bob.peerId} 2`, {
      mid: '2',
      peerId: alice.peerId,
      source: 'screen',
      kind: 'video',
    });

    await rx('c2', { type: 'sfu-layer', mid: '1', layer: 'low' });
    expect(take('c1')).toEqual([
      { type: 'sfu-layer-demand', from: bob.peerId, layer: 'low', switched: false },
      { type: 'sfu-layer-demand', from: bob.peerId, layer: 'low', switched: true },
    ]);
    // Janus did not switch (the fake refuses high): the publisher keeps what Bob plays.
    await rx('c2', { type: 'sfu-layer', mid: '1', layer: 'high' });
    expect(take('c1')).toEqual([
      { type: 'sfu-layer-demand', from: bob.peerId, layer: 'high', switched: false },
    ]);
    take('c2');
    // Bob's tile of Alice is hidden: Janus stops relaying it, and Alice may stop encoding for him.
    sfu.calls.length = 0;
    await rx('c2', { type: 'sfu-layer', mid: '1', layer: 'none' });
    expect(sfu.calls).toEqual([`pause ${bob.peerId} 1`]);
    expect(take('c1')).toEqual([
      { type: 'sfu-layer-demand', from: bob.peerId, layer: 'none', switched: true },
    ]);
    expect(take('c2')).toEqual([{ type: 'sfu-layer-set', mid: '1', layer: 'none', ok: true }]);
    // A screen share is sent in one layer; a mid the subscription does not carry names no one.
    await rx('c2', { type: 'sfu-layer', mid: '2', layer: 'high' });
    await rx('c2', { type: 'sfu-layer', mid: '9', layer: 'medium' });
    expect(take('c1')).toEqual([]);
    expect(take('c3')).toEqual([]);
    await hub.dispose();
  });

  it('tells a peer that resumes which mode the room is in', async () => {
    const { hub, join, rx, take } = await setup(1);
    await join('c1');
    const bob = await join('c2');
    expect(bob.mode).toBe('sfu');
    await hub.disconnect('c2', { resumable: true });
    hub.connect('c3');
    await rx('c3', {
      type: 'join',
      roomId: ROOM,
      name: 'c2',
      media: MEDIA,
      resumeToken: bob.resumeToken,
    });
    expect(take('c3')[0]).toMatchObject({ type: 'joined', resumed: true, mode: 'sfu' });
    await hub.dispose();
  });

  it('refuses SFU requests in a mesh room, before joining, and without an SFU', async () => {
    const { join, take, rx, sfu, hub } = await setup(4);
    hub.connect('c0');
    await rx('c0', { type: 'sfu-subscribe' });
    expect(take('c0')).toMatchObject([{ type: 'error', code: 'not-joined' }]);
    await join('c1');
    await rx('c1', { type: 'sfu-subscribe' });
    expect(take('c1')).toMatchObject([{ type: 'error', code: 'sfu-unavailable' }]);
    expect(sfu.calls).toEqual(['connect']);
    await hub.dispose();
  });

  it('stays a mesh when the SFU is down, and lets the last one out close the SFU room', async () => {
    const { join, take, rx, sfu, hub } = await setup(1);
    sfu.available = false;
    expect((await join('c1')).mode).toBe('mesh');
    expect((await join('c2')).mode).toBe('mesh');
    sfu.available = true;
    const carol = await join('c3');
    expect(carol.mode).toBe('sfu');
    take('c1');
    await rx('c3', { type: 'leave' });
    expect(sfu.calls).toContain(`leave ${carol.peerId}`);
    expect(sfu.calls).not.toContain(`close ${ROOM}`);
    await rx('c1', { type: 'leave' });
    await rx('c2', { type: 'leave' });
    expect(sfu.calls.at(-1)).toBe(`close ${ROOM}`);
    await hub.dispose();
  });

  it('moves a room back to a mesh when Janus is lost, tells everyone, and reconnects', async () => {
    const { join, take, sfu, hub, events } = await setup(1);
    await join('c1');
    await join('c2');
    take('c1');
    take('c2');
    sfu.available = false;
    sfu.connectFails = true;
    sfu.emit({ type: 'janus-lost', reason: 'socket closed', roomIds: [ROOM] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const connectionId of ['c1', 'c2']) {
      expect(take(connectionId)).toEqual([{ type: 'room-mode', mode: 'mesh', reason: 'sfu-lost' }]);
    }
    expect(events).toContainEqual({ type: 'sfu-availability', available: false });
    // Retried with backoff until Janus is back.
    expect(sfu.calls.filter((call) => call === 'connect').length).toBeGreaterThan(1);
    sfu.connectFails = false;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const lost = events.findIndex((event) => event.type === 'sfu-availability' && !event.available);
    expect(
      events.slice(lost).some((event) => event.type === 'sfu-availability' && event.available),
    ).toBe(true);
    // A newcomer now moves the room to the SFU again.
    expect((await join('c3')).mode).toBe('sfu');
    expect(take('c1')).toContainEqual({ type: 'room-mode', mode: 'sfu', reason: 'grew' });
    await hub.dispose();
  });
});
