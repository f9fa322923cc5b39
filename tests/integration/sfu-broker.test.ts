import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SfuBroker, SfuError, type SfuEvent } from '../../lib/server/sfu/sfu-broker';
import type { PublishedTrack } from '../../lib/server/sfu/sfu-room-state';
import { fakePublisherOffer } from '../support/fake-sdp';
import { janusExecutable, NO_JANUS, startJanus, type JanusServer } from '../support/janus-server';
import { waitFor } from '../support/test-server';

const hasJanus = janusExecutable() !== null;
if (!hasJanus) console.warn(NO_JANUS);

const ALICE = 'alice0000000';
const BOB = 'bob000000000';
const CAROL = 'carol0000000';
const TRACKS: PublishedTrack[] = [
  { mid: '0', source: 'microphone' },
  { mid: '1', source: 'camera' },
];

describe.skipIf(!hasJanus)('SFU broker against a real Janus', () => {
  let janus: JanusServer;
  const brokers: SfuBroker[] = [];

  beforeAll(async () => {
    janus = await startJanus();
  });
  afterAll(async () => {
    await janus?.stop();
  });
  afterEach(async () => {
    await Promise.all(brokers.splice(0).map((broker) => broker.close()));
  });

  async function broker(roomKey?: string): Promise<{ broker: SfuBroker; events: SfuEvent[] }> {
    const created = new SfuBroker({
      janusUrl: janus.url,
      apiSecret: janus.apiSecret,
      roomKey,
      requestTimeoutMs: 3_000,
    });
    const events: SfuEvent[] = [];
    created.onEvent((event) => events.push(event));
    await created.connect();
    brokers.push(created);
    return { broker: created, events };
  }

  const roomId = () => `room-${Math.random().toString(36).slice(2, 10)}`;

  it('opens a room idempotently, from two processes, and refuses one made with another key', async () => {
    const room = roomId();
    const first = await broker();
    const second = await broker();
    await Promise.all([first.broker.openRoom(room), first.broker.openRoom(room)]);
    await second.broker.openRoom(room);

    const stranger = await broker('another-key');
    const conflict = await stranger.broker.openRoom(room).catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(SfuError);
    expect((conflict as SfuError).code).toBe('room-conflict');

    await first.broker.closeRoom(room);
    await waitFor(() => second.events.some((event) => event.type === 'room-closed'), {
      what: 'the other process to hear the room close',
    });
    const missing = await second.broker.subscribe(room, BOB).catch((error: unknown) => error);
    expect((missing as SfuError).code).toBe('no-such-room');
  });

  it('publishes with an answer from Janus, and offers no subscription while nobody is live', async () => {
    // A hand-made offer gets an answer, but no media ever flows from it, so Janus never lists
    // Alice as a live publisher: subscriptions, and offers as feeds come and go, are tested with
    // real browsers in e2e/janus-media.spec.ts.
    const room = roomId();
    const { broker: sfu } = await broker();
    await sfu.openRoom(room);
    const answer = await sfu.publish(room, ALICE, fakePublisherOffer(), TRACKS);
    expect(answer).toMatch(/^v=0/);
    expect(answer).toMatch(/a=mid:0[\s\S]*a=mid:1/);
    expect(await sfu.subscribe(room, BOB)).toBeNull();
    const unknown = await sfu
      .answerSubscription(room, CAROL, 'v=0')
      .catch((error: unknown) => error);
    expect((unknown as SfuError).code).toBe('no-such-room');
    const garbage = await sfu
      .publish(room, CAROL, 'not an sdp', TRACKS)
      .catch((error: unknown) => error);
    expect((garbage as SfuError).code).toBe('janus');
    await sfu.leave(room, ALICE);
    await sfu.leave(room, BOB);
  });

  it('refuses a Janus that takes requests without an API secret', async () => {
    const open = await startJanus({ withoutApiSecret: true });
    try {
      const sfu = new SfuBroker({ janusUrl: open.url, apiSecret: 'anything' });
      const refusal = await sfu.connect().catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(SfuError);
      expect((refusal as SfuError).code).toBe('unavailable');
      expect((refusal as SfuError).message).toMatch(/without an API secret/);
      expect(sfu.available).toBe(false);
    } finally {
      await open.stop();
    }
  });

  it('reports a killed Janus as an event with the rooms it held, and connects again after', async () => {
    const room = roomId();
    const { broker: sfu, events } = await broker();
    await sfu.openRoom(room);
    const started = Date.now();
    await janus.kill();
    await waitFor(() => events.some((event) => event.type === 'janus-lost'), {
      timeoutMs: 5_000,
      what: 'janus-lost',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(events.find((event) => event.type === 'janus-lost')).toMatchObject({ roomIds: [room] });
    const refused = await sfu.openRoom(room).catch((error: unknown) => error);
    expect((refused as SfuError).code).toBe('unavailable');

    await janus.restart();
    await sfu.connect();
    await sfu.openRoom(room);
    expect(sfu.available).toBe(true);
  });
});
