import { networkInterfaces } from 'node:os';
import { startAppServer, type AppServer } from './support/app-server';
import { coturnExecutable, startCoturn } from './support/coturn';
import { createPerson, expect, test as base, type Person } from './support/fixtures';
import { tileSelector } from './support/in-page';
import { untilStill } from './support/until-still';
import {
  encodingLayers,
  linkEnds,
  readFrameGaps,
  receivedVideo,
  tileContinuity,
  watchFrames,
  type LinkEnd,
} from '../tests/support/browser/sfu-in-page';
import {
  janusExecutable,
  NO_JANUS,
  startJanus,
  type JanusServer,
} from '../tests/support/janus-server';

/**
 * SFU mode end to end: a real Janus started by the test, the app server brokering it with
 * MESH_MAX=2, so a third person moves the call from peer links to Janus. Only the people whose
 * video a case checks send a camera (at 360p); the others join audio-only, as 2 shared cores
 * cannot run many encoders.
 */

/** Three pages, Janus and the move on two shared cores: waits get more time than elsewhere. */
const WAIT_MS = 45_000;

const test = base.extend<{ alice: Person; bob: Person; carol: Person }>({
  alice: async ({ browser }, use) => usePerson(browser, 'Alice', use),
  bob: async ({ browser }, use) => usePerson(browser, 'Bob', use),
  carol: async ({ browser }, use) => usePerson(browser, 'Carol', use),
});

async function usePerson(
  browser: Parameters<typeof createPerson>[0],
  name: string,
  use: (person: Person) => Promise<void>,
): Promise<void> {
  const person = await createPerson(browser, name, {}, { waitTimeoutMs: WAIT_MS });
  await use(person);
  await person.close();
}

test.skip(janusExecutable() === null, NO_JANUS);

let janus: JanusServer;
let server: AppServer;

test.beforeAll(async () => {
  janus = await startJanus();
  server = await startAppServer({
    env: {
      JANUS_URL: janus.url,
      JANUS_API_SECRET: janus.apiSecret,
      MESH_MAX: '2',
      ROOM_CAPACITY: '8',
    },
  });
});

test.afterAll(async () => {
  await server?.stop();
  await janus?.stop();
});

async function joinWith(
  person: Person,
  roomId: string,
  quality: '360p' | 'audio-only',
  serverUrl: string = server.url,
): Promise<void> {
  await person.preferQuality(quality);
  await person.join(roomId, serverUrl);
}

/** Whether a connection ends at one of the ports Janus takes media on. */
const endsAt = (server: JanusServer) => (end: LinkEnd) =>
  end.remotePort >= server.rtpPorts.min && end.remotePort <= server.rtpPorts.max;
const inJanus = (end: LinkEnd) => endsAt(janus)(end);

test('a third person moves the call to Janus: every tile plays from the SFU, peer links close, frames keep coming, a thumbnail gets a smaller layer than full screen, and a hidden tile none', async ({
  alice,
  bob,
  carol,
  roomId,
}) => {
  test.setTimeout(120_000);
  await joinWith(alice, roomId, '360p');
  await joinWith(bob, roomId, '360p');
  await alice.expectMediaFrom('Bob');
  await bob.expectMediaFrom('Alice');
  // Two people: a peer link each, no Janus.
  for (const person of [alice, bob]) {
    expect((await person.page.evaluate(linkEnds, null)).map(inJanus)).toEqual([false]);
  }

  // Carol's page loads first: the move starts with her join, and so does the measurement.
  await carol.preferQuality('audio-only');
  await carol.open(roomId, server.url);
  await alice.page.evaluate(watchFrames, tileSelector('Bob'));
  await bob.page.evaluate(watchFrames, tileSelector('Alice'));
  const joinedAt = Date.now();
  await carol.enter();

  // Everyone's media now comes from Janus's ports, and nothing else is open: peer links closed.
  for (const person of [alice, bob, carol]) {
    await expect
      .poll(async () => (await person.page.evaluate(linkEnds, null)).map(inJanus), {
        message: `${person.name} sends and receives through Janus only`,
        timeout: 30_000,
      })
      .toEqual([true, true]);
  }
  const movedMs = Date.now() - joinedAt;
  // The move is over for Alice and Bob: the gap is read now, before the checks below add load.
  const gapsSeen = [
    await alice.page.evaluate(readFrameGaps, tileSelector('Bob')),
    await bob.page.evaluate(readFrameGaps, tileSelector('Alice')),
  ];
  for (const seen of gapsSeen) console.log(seen.detail);
  const gaps = gapsSeen.map((seen) => seen.longest);
  await alice.expectMediaFrom('Bob');
  await bob.expectMediaFrom('Alice');
  await alice.expectMediaFrom('Carol', { video: false });
  await carol.expectMediaFrom('Alice');
  await carol.expectMediaFrom('Bob');
  for (const [viewer, name] of [
    [alice, 'Bob'],
    [bob, 'Alice'],
    [carol, 'Alice'],
  ] as const) {
    const ends = await viewer.page.evaluate(linkEnds, tileSelector(name));
    expect(ends.map(inJanus), `${viewer.name} plays ${name} from Janus`).toEqual([true]);
  }
  console.log(
    `move to Janus: all links through Janus ${movedMs} ms after the third join; longest ` +
      `received-frame gap during the move: Alice sees Bob ${gaps[0]} ms, Bob sees Alice ${gaps[1]} ms`,
  );
  // Never a black tile: each tile always had a live video track, and frames kept coming after it
  // switched to Janus's. (The gap is printed, not asserted: on a loaded machine it measures the
  // load; the goal is < 500 ms.)
  for (const [viewer, name] of [
    [alice, 'Bob'],
    [bob, 'Alice'],
  ] as const) {
    await expect
      .poll(() => viewer.page.evaluate(tileContinuity, tileSelector(name)))
      .toMatchObject({ blank: 0, framesAfterSwitch: expect.any(Number) });
    await expect
      .poll(
        async () =>
          (await viewer.page.evaluate(tileContinuity, tileSelector(name))).framesAfterSwitch,
      )
      .toBeGreaterThan(10);
  }

  // Layers: Bob shows Alice full screen, Carol's small window a thumbnail.
  await carol.page.setViewportSize({ width: 360, height: 320 });
  await bob.tile('Alice').hover();
  await bob.page.getByRole('button', { name: 'Full screen: Alice' }).click();
  let thumbnail = 0;
  let fullScreen = 0;
  await expect
    .poll(
      async () => {
        thumbnail = (await carol.page.evaluate(receivedVideo, tileSelector('Alice'))).width;
        fullScreen = (await bob.page.evaluate(receivedVideo, tileSelector('Alice'))).width;
        return thumbnail > 0 && fullScreen > thumbnail;
      },
      {
        message: 'the thumbnail receives a smaller layer than the full-screen tile',
        timeout: 30_000,
      },
    )
    .toBe(true);
  console.log(`layers: thumbnail ${thumbnail} px wide, full screen ${fullScreen} px wide`);

  // Alice encodes the large layer for Bob and the middle one for Carol (a 360p camera has no small
  // layer: Chromium does not encode 160 pixels, so Carol asked for the next one up). These are
  // also the two a 360p camera encodes with every layer on; what shows the pausing is the next
  // step, where a layer nobody watches stops.
  const encoding = (person: Person) => person.page.evaluate(encodingLayers);
  await expect
    .poll(() => encoding(alice), { message: 'Alice encodes the layers asked for', timeout: 30_000 })
    .toEqual(['h', 'm']);
  // Bob leaves full screen for a window as small as Carol's: he asks what she asks, and the large
  // layer stops.
  await bob.page.evaluate(() => document.exitFullscreen());
  await bob.page.setViewportSize({ width: 360, height: 320 });
  await expect
    .poll(() => encoding(alice), { message: 'Alice stops the large layer', timeout: 30_000 })
    .toEqual(['m']);
  await expect
    .poll(async () => (await bob.page.evaluate(receivedVideo, tileSelector('Alice'))).width)
    .toBe(thumbnail);

  // Carol shows Bob full screen, which hides her tile of Alice: she receives no video of Alice,
  // while Alice still encodes for Bob. Once Bob's full screen hides her too, Alice encodes
  // nothing. Back from full screen, both receive her again.
  const framesOfAlice = (viewer: Person) => async () =>
    (await viewer.page.evaluate(receivedVideo, tileSelector('Alice'))).framesDecoded;
  const showFullScreen = async (viewer: Person, name: string) => {
    await viewer.tile(name).hover();
    await viewer.page.getByRole('button', { name: `Full screen: ${name}` }).click();
  };
  await showFullScreen(carol, 'Bob');
  const carolStopped = await untilStill(
    framesOfAlice(carol),
    'Carol receives no video of Alice',
    30_000,
  );
  await expect
    .poll(() => encoding(alice), { message: 'Alice still encodes for Bob' })
    .toEqual(['m']);
  await showFullScreen(bob, 'Carol');
  const bobStopped = await untilStill(framesOfAlice(bob), 'Bob receives no video of Alice', 30_000);
  // Layers seen encoding, summed over readings: still once no layer encodes.
  let layersSeenEncoding = 0;
  await untilStill(
    async () => (layersSeenEncoding += (await encoding(alice)).length),
    'Alice encodes nothing while nobody shows her',
    30_000,
  );
  for (const viewer of [carol, bob]) await viewer.page.evaluate(() => document.exitFullscreen());
  for (const [viewer, stopped] of [
    [carol, carolStopped],
    [bob, bobStopped],
  ] as const) {
    await expect
      .poll(framesOfAlice(viewer), {
        message: `${viewer.name} receives Alice again`,
        timeout: 30_000,
      })
      .toBeGreaterThan(stopped + 5);
  }
});

test('an 8-person call through Janus: everyone sees both cameras and hears all seven others', async ({
  browser,
  roomId,
}) => {
  // Eight pages on two shared cores: two send a camera at 360p, six only their microphone.
  test.setTimeout(300_000);
  const names = ['Ann', 'Ben', 'Cat', 'Dan', 'Eve', 'Fay', 'Gus', 'Hal'];
  const cameras = new Set(names.slice(0, 2));
  const people: Person[] = [];
  try {
    const started = Date.now();
    const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    for (const name of names) {
      const person = await createPerson(browser, name, {}, { waitTimeoutMs: WAIT_MS });
      people.push(person);
      await joinWith(person, roomId, cameras.has(name) ? '360p' : 'audio-only');
      console.log(`${name} in the call after ${elapsed()}`);
    }
    // Each page checks its seven others at once.
    await Promise.all(
      people.map(async (person) => {
        // One link to publish and one to subscribe, both with Janus: no peer links are left.
        await expect
          .poll(async () => (await person.page.evaluate(linkEnds, null)).map(inJanus), {
            message: `${person.name} is on Janus only`,
            timeout: WAIT_MS,
          })
          .toEqual([true, true]);
        await Promise.all(
          names
            .filter((other) => other !== person.name)
            .map((other) => person.expectMediaFrom(other, { video: cameras.has(other) })),
        );
      }),
    );
    console.log(`everyone sees and hears everyone after ${elapsed()}`);
    for (const [viewer, name] of [
      [people[7], 'Ann'],
      [people[0], 'Ben'],
    ] as const) {
      const ends = await viewer!.page.evaluate(linkEnds, tileSelector(name));
      expect(ends.map(inJanus), `${viewer!.name} plays ${name} from Janus`).toEqual([true]);
    }
  } finally {
    await Promise.all(people.map((person) => person.close()));
  }
});

test('in SFU mode a screen share, a mute, a dropped socket and a reload all work', async ({
  alice,
  bob,
  carol,
  roomId,
}) => {
  test.setTimeout(150_000);
  await joinWith(alice, roomId, '360p');
  await joinWith(bob, roomId, 'audio-only');
  await joinWith(carol, roomId, 'audio-only');
  for (const person of [alice, bob, carol]) {
    await expect
      .poll(async () => (await person.page.evaluate(linkEnds, null)).map(inJanus), {
        message: `${person.name} is on Janus only`,
        timeout: 30_000,
      })
      .toEqual([true, true]);
  }
  await bob.expectMediaFrom('Alice');

  // Screen share: a renegotiation of Alice's publication.
  await alice.standInCanvasForScreen();
  await alice.press('Share screen');
  await bob.expectScreenFrom('Alice');
  await carol.expectScreenFrom('Alice');

  // Mute: the flag reaches the others, and the tile says so.
  await bob.press('Microphone');
  await expect(alice.tile('Bob')).toHaveAttribute('data-audio', 'off');
  await bob.press('Microphone');
  await expect(alice.tile('Bob')).toHaveAttribute('data-audio', 'on');
  await alice.expectMediaFrom('Bob', { video: false });

  // A dropped signaling socket: media goes on, the page resumes, and signaling works again.
  await alice.context.setOffline(true);
  await alice.page.evaluate(() =>
    (window as unknown as { __probe: { sockets: WebSocket[] } }).__probe.sockets
      .at(-1)
      ?.close(4000, 'network fault'),
  );
  await expect(alice.page.getByTestId('signaling-status')).toContainText('Reconnecting…');
  await bob.expectMediaFrom('Alice');
  await alice.context.setOffline(false);
  await expect(alice.page.getByTestId('signaling-status')).toHaveCount(0);
  await alice.press('Microphone');
  await expect(bob.tile('Alice')).toHaveAttribute('data-audio', 'off');
  await alice.press('Microphone');

  // A reload: the page takes its place back, publishes and subscribes anew.
  await bob.page.reload();
  await expect(bob.tile('Alice')).toBeVisible({ timeout: 30_000 });
  await bob.expectMediaFrom('Alice', { timeout: 30_000 });
  await alice.expectMediaFrom('Bob', { video: false, timeout: 30_000 });
  await carol.expectMediaFrom('Bob', { video: false, timeout: 30_000 });
});

test('Janus dies mid-call: the call falls back to peer links and says so', async ({
  alice,
  bob,
  carol,
  roomId,
}) => {
  test.setTimeout(120_000);
  // Its own Janus and server: this case kills Janus.
  const ownJanus = await startJanus();
  const ownServer = await startAppServer({
    env: { JANUS_URL: ownJanus.url, JANUS_API_SECRET: ownJanus.apiSecret, MESH_MAX: '2' },
  });
  try {
    for (const [person, quality] of [
      [alice, '360p'],
      [bob, 'audio-only'],
      [carol, 'audio-only'],
    ] as const)
      await joinWith(person, roomId, quality, ownServer.url);
    const inOwn = endsAt(ownJanus);
    await expect
      .poll(async () => (await bob.page.evaluate(linkEnds, null)).map(inOwn), {
        timeout: 30_000,
      })
      .toEqual([true, true]);
    await bob.expectMediaFrom('Alice');

    await alice.press('Chat');
    await carol.press('Chat');
    await ownJanus.kill();
    for (const person of [alice, bob, carol]) {
      await expect(person.page.getByText('The media server stopped working')).toBeVisible({
        timeout: 20_000,
      });
    }
    // Written at once, while the new peer links are still being made: it reaches everyone.
    await bob.sendChat('Still here?');
    for (const person of [alice, carol]) {
      await expect
        .poll(() => person.chatMessages(), { timeout: 30_000 })
        .toEqual(['Bob: Still here?']);
    }
    // Peer links to everyone, none to Janus, and media flows again.
    await bob.expectMediaFrom('Alice', { timeout: 30_000 });
    await carol.expectMediaFrom('Alice', { timeout: 30_000 });
    await alice.expectMediaFrom('Bob', { video: false, timeout: 30_000 });
    await expect
      .poll(async () => (await alice.page.evaluate(linkEnds, null)).map(inOwn))
      .toEqual([false, false]);
  } finally {
    await ownServer.stop();
    await ownJanus.stop();
  }
});

test.describe('relay-only, through a real TURN relay (coturn)', () => {
  test.skip(
    !coturnExecutable(),
    'Skipped: coturn (turnserver) is not installed; .ci/run installs it.',
  );

  test('a relay-only call moves to Janus and plays through the relay', async ({
    alice,
    bob,
    carol,
    roomId,
  }) => {
    test.setTimeout(120_000);
    const secret = 'relay-only-sfu-test-secret';
    // Janus's candidates are on this machine's first non-loopback address: relays go there.
    const coturn = await startCoturn(secret, { relayIp: outsideAddress() });
    const relayServer = await startAppServer({
      env: {
        JANUS_URL: janus.url,
        JANUS_API_SECRET: janus.apiSecret,
        MESH_MAX: '2',
        TURN_URLS: coturn.url,
        TURN_SECRET: secret,
        ICE_TRANSPORT_POLICY: 'relay',
      },
    });
    try {
      for (const [person, quality] of [
        [alice, '360p'],
        [bob, 'audio-only'],
        [carol, 'audio-only'],
      ] as const)
        await joinWith(person, roomId, quality, relayServer.url);
      // Bob's two connections to Janus, and nothing else, each through the relay.
      await expect
        .poll(async () => (await bob.page.evaluate(linkEnds, null)).map((end) => end.localType), {
          timeout: 30_000,
        })
        .toEqual(['relay', 'relay']);
      await bob.expectMediaFrom('Alice');
      await alice.expectMediaFrom('Carol', { video: false });
    } finally {
      await relayServer.stop();
      await coturn.stop();
    }
  });
});

/** This machine's first IPv4 address that is not loopback, where Janus gathers its candidates. */
function outsideAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((address) => address.family === 'IPv4' && !address.internal);
    if (found) return found.address;
  }
  return '127.0.0.1';
}
