import { expect, test, type Browser, type Page } from '@playwright/test';
import { SfuBroker, type SfuEvent, type SubscriptionOffer } from '../lib/server/sfu/sfu-broker';
import {
  janusExecutable,
  NO_JANUS,
  startJanus,
  type JanusServer,
} from '../tests/support/janus-server';
import { untilStill } from './support/until-still';

/**
 * Real media through a real Janus, driven by the SFU broker from this test process (no signaling
 * server): two Chromium pages publish simulcast and subscribe to each other, each brokered by its
 * own SfuBroker as two signaling processes would.
 */

const ROOM = 'janus-media-e2e';
const ALICE = 'alice0000000';
const BOB = 'bob000000000';
/** Any loopback origin is a secure context (getUserMedia needs one); the page is served by route. */
const PAGE_URL = 'http://127.0.0.1:9/sfu-test';

interface Person {
  page: Page;
  peerId: string;
  broker: SfuBroker;
  events: SfuEvent[];
  /** Subscription offers are answered one at a time, in order. */
  answering: Promise<void>;
  /** The latest subscription layout the page answered. */
  offer: SubscriptionOffer | null;
}

test.skip(janusExecutable() === null, NO_JANUS);

test('two browsers publish simulcast through Janus and see each other', async ({ browser }) => {
  test.setTimeout(90_000);
  const janus = await startJanus();
  const people: Person[] = [];
  try {
    for (const peerId of [ALICE, BOB]) people.push(await join(browser, janus, peerId));
    const [alice, bob] = people as [Person, Person];

    const publishedAt = Date.now();
    for (const person of people) {
      const offer = await person.page.evaluate(startPublishing);
      const answer = await person.broker.publish(ROOM, person.peerId, offer.sdp, [
        { mid: offer.audioMid, source: 'microphone' },
        { mid: offer.videoMid, source: 'camera' },
      ]);
      await person.page.evaluate(acceptPublishAnswer, answer);
    }
    for (const person of people) {
      const offer = await person.broker.subscribe(ROOM, person.peerId);
      if (offer) answerOffer(person, offer);
    }

    // Frames decode on each side, from the other person's camera.
    for (const [viewer, sender] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      await expect
        .poll(async () => (await videoFrom(viewer, sender.peerId))?.framesDecoded ?? 0, {
          timeout: 30_000,
        })
        .toBeGreaterThan(0);
    }
    const firstFrameMs = Date.now() - publishedAt;

    // Media comes from Janus's ports, not from the other page.
    const alicePairs = await alice.page.evaluate(selectedPairs);
    const bobPairs = await bob.page.evaluate(selectedPairs);
    for (const [pairs, others] of [
      [alicePairs, bobPairs],
      [bobPairs, alicePairs],
    ] as const) {
      expect(pairs).toHaveLength(2);
      for (const pair of pairs) {
        expect(pair.remotePort).toBeGreaterThanOrEqual(janus.rtpPorts.min);
        expect(pair.remotePort).toBeLessThanOrEqual(janus.rtpPorts.max);
        expect(others.map((other) => other.local)).not.toContain(pair.remote);
      }
    }

    // Bob asks for a smaller layer of Alice's camera: the frames he decodes shrink. (At 640x360
    // Chromium sends two of the three layers, 'h' and 'm', so 'medium' is the smallest here.)
    // Until Alice's link has the bandwidth for 'h', Janus relays 'm': wait for the top layer.
    await expect.poll(async () => receivesTopLayer(bob, alice), { timeout: 20_000 }).toBe(true);
    const fullWidth = (await videoFrom(bob, ALICE))!.frameWidth;
    const aliceVideoMid = bob.offer!.tracks.find(
      (track) => track.peerId === ALICE && track.kind === 'video',
    )!.mid;
    expect(await bob.broker.chooseLayer(ROOM, BOB, aliceVideoMid, 'medium')).toBe(true);
    await expect
      .poll(async () => (await videoFrom(bob, ALICE))?.frameWidth ?? 0, { timeout: 20_000 })
      .toBeLessThanOrEqual(fullWidth / 2);
    const lowWidth = (await videoFrom(bob, ALICE))!.frameWidth;
    expect(await bob.broker.chooseLayer(ROOM, BOB, aliceVideoMid, 'high')).toBe(true);
    await expect.poll(async () => receivesTopLayer(bob, alice), { timeout: 20_000 }).toBe(true);

    // Bob's tile of Alice is hidden: Janus stops relaying her video to him, and relays it again
    // (from a keyframe it asks her for) once he chooses a layer.
    await bob.broker.pauseVideo(ROOM, BOB, aliceVideoMid);
    const pausedAt = await untilStill(
      async () => (await videoFrom(bob, ALICE))!.framesDecoded,
      'Bob decodes no frame of Alice while paused',
    );
    expect(await bob.broker.chooseLayer(ROOM, BOB, aliceVideoMid, 'high')).toBe(true);
    await expect
      .poll(async () => (await videoFrom(bob, ALICE))!.framesDecoded, { timeout: 20_000 })
      .toBeGreaterThan(pausedAt + 5);

    // An ICE restart of Bob's subscription (as after a network change) keeps his video coming.
    const restart = await bob.broker.restartSubscription(ROOM, BOB);
    expect(restart?.sdp).toBeDefined();
    answerOffer(bob, restart!);
    await bob.answering;
    const framesAfterRestart = (await videoFrom(bob, ALICE))!.framesDecoded;
    await expect
      .poll(async () => (await videoFrom(bob, ALICE))?.framesDecoded ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(framesAfterRestart + 10);

    // Each broker heard Janus say both of its person's links are up.
    for (const person of people) {
      const up = person.events.flatMap((event) =>
        event.type === 'media-up' && event.peerId === person.peerId ? [event.link] : [],
      );
      expect(up.sort()).toEqual(['publisher', 'subscriber']);
    }
    // Janus dies: both brokers say so, promptly.
    const killedAt = Date.now();
    await janus.kill();
    for (const person of people) {
      await expect
        .poll(() => person.events.some((event) => event.type === 'janus-lost'), { timeout: 5_000 })
        .toBe(true);
    }
    const lostMs = Date.now() - killedAt;
    expect(people[0]!.events.find((event) => event.type === 'janus-lost')).toMatchObject({
      roomIds: [ROOM],
    });
    test.info().annotations.push({
      type: 'measured',
      description: `publish offers to first decoded frames on both sides: ${firstFrameMs} ms; substream widths high ${fullWidth}, medium ${lowWidth}; Janus killed to janus-lost on both brokers: ${lostMs} ms`,
    });
    console.log(test.info().annotations.at(-1)?.description);
  } catch (error) {
    // Janus's own log, for the report (JANUS_DEBUG_LEVEL=5 makes it say why it switched layers).
    await test.info().attach('janus.log', { body: janus.output(), contentType: 'text/plain' });
    throw error;
  } finally {
    for (const person of people) {
      await person.page.context().close();
      await person.broker.close();
    }
    await janus.stop();
  }
});

async function join(browser: Browser, janus: JanusServer, peerId: string): Promise<Person> {
  const context = await browser.newContext();
  await context.grantPermissions(['camera', 'microphone']);
  const page = await context.newPage();
  await page.route(PAGE_URL, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>sfu</title>' }),
  );
  await page.goto(PAGE_URL);
  const broker = new SfuBroker({ janusUrl: janus.url, apiSecret: janus.apiSecret });
  const person: Person = {
    page,
    peerId,
    broker,
    events: [],
    answering: Promise.resolve(),
    offer: null,
  };
  broker.onEvent((event) => {
    person.events.push(event);
    if (event.type === 'subscription-offer' && event.peerId === peerId) {
      answerOffer(person, event.offer);
    }
  });
  await broker.connect();
  await broker.openRoom(ROOM);
  return person;
}

function answerOffer(person: Person, offer: SubscriptionOffer): void {
  person.answering = person.answering.then(async () => {
    const answer = await person.page.evaluate(answerSubscription, offer.sdp);
    await person.broker.answerSubscription(ROOM, person.peerId, answer);
    person.offer = offer;
  });
}

/** The video this person receives from `peerId`, by the mid the broker said carries it. */
async function videoFrom(person: Person, peerId: string) {
  const mid = person.offer?.tracks.find(
    (track) => track.peerId === peerId && track.kind === 'video',
  )?.mid;
  if (mid === undefined) return null;
  return person.page.evaluate(inboundVideo, mid);
}

/**
 * Whether the viewer decodes the sender's camera at the width of the sender's top simulcast
 * layer, while a smaller layer is being sent too (so the top one is not just the only one).
 */
async function receivesTopLayer(viewer: Person, sender: Person): Promise<boolean> {
  const received = (await videoFrom(viewer, sender.peerId))?.frameWidth ?? 0;
  const sent = await sender.page.evaluate(sentLayerWidths);
  const top = sent.h ?? 0;
  return top > 0 && received === top && (sent.m ?? top) < top;
}

// --- In the page (each function is serialised into it: self-contained) ------------------------

interface SfuWindow {
  sfuPublisher?: RTCPeerConnection;
  sfuSubscriber?: RTCPeerConnection;
}

/** Publishes a small camera in three simulcast layers (rids high to low, as Janus expects). */
async function startPublishing(): Promise<{ sdp: string; audioMid: string; videoMid: string }> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: 640, height: 360, frameRate: 15 },
  });
  const pc = new RTCPeerConnection();
  (window as SfuWindow).sfuPublisher = pc;
  const audio = pc.addTransceiver(stream.getAudioTracks()[0]!, { direction: 'sendonly' });
  const video = pc.addTransceiver(stream.getVideoTracks()[0]!, {
    direction: 'sendonly',
    sendEncodings: [
      { rid: 'h', maxBitrate: 500_000 },
      { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: 150_000 },
      { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 60_000 },
    ],
  });
  await pc.setLocalDescription();
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolve();
      });
    });
  }
  return { sdp: pc.localDescription!.sdp, audioMid: audio.mid!, videoMid: video.mid! };
}

async function acceptPublishAnswer(sdp: string): Promise<void> {
  await (window as SfuWindow).sfuPublisher!.setRemoteDescription({ type: 'answer', sdp });
}

/** Answers Janus's subscription offer on the page's one subscribing PeerConnection. */
async function answerSubscription(sdp: string): Promise<string> {
  const state = window as SfuWindow;
  state.sfuSubscriber ??= new RTCPeerConnection();
  const pc = state.sfuSubscriber;
  await pc.setRemoteDescription({ type: 'offer', sdp });
  await pc.setLocalDescription();
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolve();
      });
    });
  }
  return pc.localDescription!.sdp;
}

/** Decoded frames and their width on the subscription's `mid`. */
async function inboundVideo(
  mid: string,
): Promise<{ framesDecoded: number; frameWidth: number } | null> {
  const pc = (window as SfuWindow).sfuSubscriber;
  const transceiver = pc?.getTransceivers().find((candidate) => candidate.mid === mid);
  if (!transceiver) return null;
  let result: { framesDecoded: number; frameWidth: number } | null = null;
  (await transceiver.receiver.getStats()).forEach((report: Record<string, unknown>) => {
    if (report.type === 'inbound-rtp' && report.kind === 'video') {
      result = {
        framesDecoded: Number(report.framesDecoded ?? 0),
        frameWidth: Number(report.frameWidth ?? 0),
      };
    }
  });
  return result;
}

/** The width each simulcast layer of the published camera is encoded at now, by rid. */
async function sentLayerWidths(): Promise<Record<string, number>> {
  const widths: Record<string, number> = {};
  const stats = await (window as SfuWindow).sfuPublisher!.getStats();
  stats.forEach((report: Record<string, unknown>) => {
    if (
      report.type === 'outbound-rtp' &&
      report.kind === 'video' &&
      typeof report.rid === 'string'
    ) {
      widths[report.rid] = Number(report.frameWidth ?? 0);
    }
  });
  return widths;
}

interface SelectedPair {
  remote: string;
  remotePort: number;
  local: string;
}

/** Both ends of the selected candidate pair of each of the page's PeerConnections. */
async function selectedPairs(): Promise<SelectedPair[]> {
  const state = window as SfuWindow;
  const found: SelectedPair[] = [];
  for (const pc of [state.sfuPublisher, state.sfuSubscriber]) {
    if (!pc) continue;
    const stats = await pc.getStats();
    stats.forEach((report: Record<string, unknown>) => {
      if (report.type !== 'transport' || typeof report.selectedCandidatePairId !== 'string') return;
      const pair = stats.get(report.selectedCandidatePairId) as Record<string, unknown> | undefined;
      const remote = stats.get(String(pair?.remoteCandidateId)) as
        Record<string, unknown> | undefined;
      const local = stats.get(String(pair?.localCandidateId)) as
        Record<string, unknown> | undefined;
      if (remote && local) {
        found.push({
          remote: `${String(remote.address)}:${Number(remote.port)}`,
          remotePort: Number(remote.port),
          local: `${String(local.address)}:${Number(local.port)}`,
        });
      }
    });
  }
  return found;
}
