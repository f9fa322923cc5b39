/**
 * Calls across server processes that share rooms through a real redis-server, behind a real
 * nginx. Bob's page is served by process 3 directly; Alice's and Carol's go through nginx, whose
 * upstream is processes 1 and 2, so that killing the process Alice is on leaves one to resume on.
 */
import { startAppServer, type AppServer } from './support/app-server';
import { expect, test, type Person } from './support/fixtures';
import { freePort, startNginx, type Nginx } from '../tests/support/nginx';
import { startRedisServer, type RedisServer } from '../tests/support/redis-server';
import { TestClient } from '../tests/support/signaling-test-client';

let redis: RedisServer;
let servers: AppServer[];
let nginx: Nginx;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  redis = await startRedisServer();
  const proxyPort = await freePort();
  const env = {
    REDIS_URL: redis.url,
    // Pages reach processes 1 and 2 through nginx, whose origin is not their own.
    ALLOWED_ORIGINS: `http://127.0.0.1:${proxyPort}`,
    HEARTBEAT_INTERVAL_MS: '2000',
    // Small, so that the last-seat race needs only two pages.
    ROOM_CAPACITY: '3',
    LOG_LEVEL: 'warn',
  };
  servers = [];
  for (let i = 0; i < 3; i++) servers.push(await startAppServer({ env }));
  nginx = await startNginx([servers[0]!.port, servers[1]!.port], proxyPort);
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return;
  // What each process saw of Redis (outages, failed requests, relays lost) and logged.
  for (const [index, server] of servers.entries()) {
    const metrics = await fetch(`${server.url}/metrics`).then(
      async (response) =>
        (await response.text())
          .split('\n')
          .filter((line) => /^meshcall_(room_state|relays_lost|joins|resumes|leaves)/.test(line))
          .join('\n'),
      (error: unknown) => String(error),
    );
    await testInfo.attach(`process ${index + 1}`, {
      body: `${metrics}\n\n${server.output()}`,
      contentType: 'text/plain',
    });
  }
});

test.afterAll(async () => {
  await nginx?.stop();
  for (const server of servers ?? []) await server.stop('SIGKILL');
  await redis?.stop();
});

/** Joins so far on each of processes 1 and 2, from their `/metrics`. */
async function joinsPerProcess(): Promise<number[]> {
  return Promise.all(
    servers.slice(0, 2).map(async (server) => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return Number(/^meshcall_joins_total (\d+)/m.exec(text)?.[1] ?? 0);
    }),
  );
}

/** Records every tile count the page shows, so that a tile that blinks out is caught. */
async function watchTiles(person: Person): Promise<() => Promise<number[]>> {
  await person.page.evaluate(() => {
    const counts: number[] = [];
    (window as unknown as { __tileCounts: number[] }).__tileCounts = counts;
    const count = () =>
      document.querySelectorAll(
        'figure[data-testid="participant-tile"]:not([data-peer-id="local"])',
      ).length;
    new MutationObserver(() => counts.push(count())).observe(document.body, {
      childList: true,
      subtree: true,
    });
  });
  return () =>
    person.page.evaluate(() => (window as unknown as { __tileCounts: number[] }).__tileCounts);
}

test('two people on different processes hold a call; mute, camera, screen share and chat cross', async ({
  alice,
  bob,
  roomId,
}) => {
  test.setTimeout(120_000);
  await bob.join(roomId, servers[2]!.url);
  await alice.join(roomId, nginx.url);
  await alice.expectMediaFrom('Bob');
  await bob.expectMediaFrom('Alice');

  await alice.press('Microphone');
  await expect(bob.tile('Alice')).toHaveAttribute('data-audio', 'off');
  await bob.press('Camera');
  await expect(alice.tile('Bob')).toHaveAttribute('data-video', 'off');
  // A screen share is a renegotiation: its offer and answer cross processes through Redis.
  const share = alice.page.getByRole('button', { name: 'Share screen' });
  await share.click();
  await bob.expectScreenFrom('Alice');
  await share.click();
  await expect(bob.screenTile('Alice')).toHaveCount(0);
  await bob.press('Chat');
  await alice.sendChat('hello across processes');
  await expect.poll(() => bob.chatMessages()).toContainEqual('Alice: hello across processes');
});

test('a third person, on another process, joins a cross-process call and sees both', async ({
  alice,
  bob,
  carol,
  roomId,
}) => {
  test.setTimeout(120_000);
  await bob.join(roomId, servers[2]!.url);
  await alice.join(roomId, nginx.url);
  await bob.expectMediaFrom('Alice', { video: false });
  await alice.press('Microphone');
  // Carol, with her camera off to spare the CPU, sees both.
  await carol.page.goto(`${nginx.url}/call/${roomId}`);
  await carol.page.getByRole('button', { name: 'Camera' }).click();
  await carol.enter();
  await expect(carol.remoteTiles()).toHaveCount(2);
  await expect(carol.tile('Alice')).toHaveAttribute('data-audio', 'off');
  await expect(bob.remoteTiles()).toHaveCount(2);
});

/** Joins `url` with the camera off: for people whose video a case does not check. */
async function joinWithoutCamera(person: Person, roomId: string, url: string): Promise<void> {
  await person.open(roomId, url);
  await person.page.getByRole('button', { name: 'Camera' }).click();
  await person.enter();
}

/** Whether every process says its rooms are reachable. */
async function allHealthy(): Promise<boolean> {
  const states = await Promise.all(
    servers.map((server) =>
      fetch(`${server.url}/healthz`).then(
        async (response) => ((await response.json()) as { status: string }).status,
        () => 'down',
      ),
    ),
  );
  return states.every((state) => state === 'ok');
}

for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
  test(`a process ${signal === 'SIGKILL' ? 'killed' : 'stopped for a deploy'} mid-call: its person resumes on another, media never stops, nobody leaves`, async ({
    alice,
    bob,
    roomId,
  }) => {
    test.setTimeout(120_000);
    await joinWithoutCamera(bob, roomId, servers[2]!.url);
    const before = await joinsPerProcess();
    await alice.join(roomId, nginx.url);
    const after = await joinsPerProcess();
    const doomed = servers[after[0]! > before[0]! ? 0 : 1]!;
    await bob.expectMediaFrom('Alice');
    const aliceId = await bob.tile('Alice').getAttribute('data-peer-id');
    const tileCounts = await watchTiles(bob);

    await doomed.stop(signal);
    // Media is peer to peer: it keeps flowing while Alice's page reconnects through nginx.
    await bob.expectMediaFrom('Alice');
    await expect(alice.page.getByTestId('signaling-status')).toHaveCount(0, { timeout: 30_000 });
    expect(await bob.tile('Alice').getAttribute('data-peer-id')).toBe(aliceId);
    // Signaling works again across processes: a mute travels from the new process to Bob's.
    await alice.press('Microphone');
    await expect(bob.tile('Alice')).toHaveAttribute('data-audio', 'off');
    expect(await tileCounts()).not.toContain(0);
    await alice.expectMediaFrom('Bob', { video: false });
    // Back on its port, as after a deploy, for the cases that follow.
    await doomed.restart();
  });
}

test('Redis restarted mid-call: the call goes on, and a newcomer joins afterwards', async ({
  alice,
  bob,
  carol,
  roomId,
}) => {
  test.setTimeout(120_000);
  await joinWithoutCamera(bob, roomId, servers[2]!.url);
  await alice.join(roomId, nginx.url);
  await bob.expectMediaFrom('Alice');
  const tileCounts = await watchTiles(bob);

  await redis.restart();
  await bob.expectMediaFrom('Alice');
  // Each process writes back what it holds; then signaling crosses again and a newcomer gets in.
  await expect.poll(allHealthy, { timeout: 30_000 }).toBe(true);
  await alice.press('Microphone');
  await expect(bob.tile('Alice')).toHaveAttribute('data-audio', 'off');
  await joinWithoutCamera(carol, roomId, nginx.url);
  await expect(carol.remoteTiles()).toHaveCount(2);
  await expect(carol.tile('Alice')).toHaveAttribute('data-audio', 'off');
  await expect(bob.remoteTiles()).toHaveCount(2);
  expect(await tileCounts()).not.toContain(0);
});

test('two people race for the last seat through different processes: exactly one gets in', async ({
  alice,
  bob,
  roomId,
}) => {
  test.setTimeout(120_000);
  // Two of the three seats taken by plain sockets on process 2, which ping as a page does (a
  // silent one is taken for a frozen page and removed).
  const seated: TestClient[] = [];
  const pings = setInterval(() => {
    for (const client of seated) client.send({ type: 'ping' });
  }, 2_000);
  for (const name of ['Seated one', 'Seated two']) {
    const client = await TestClient.open(`${servers[1]!.url.replace(/^http/, 'ws')}/ws`);
    client.send({
      type: 'join',
      roomId,
      name,
      media: { audio: false, video: false, screen: null },
    });
    await client.next('joined');
    seated.push(client);
  }
  try {
    for (const [person, server] of [
      [alice, servers[0]!],
      [bob, servers[2]!],
    ] as const) {
      await person.open(roomId, server.url);
      await person.page.getByRole('button', { name: 'Camera' }).click();
      await person.page.getByLabel('Your name').fill(person.name);
    }
    const joinButtons = [alice, bob].map((person) =>
      person.page.getByRole('button', { name: 'Join' }),
    );
    await Promise.all(joinButtons.map((button) => button.click()));
    const outcome = async (person: Person) =>
      (await person.page.getByRole('navigation', { name: 'Call controls' }).count()) > 0
        ? 'in'
        : (await person.page.getByRole('heading', { name: 'This call is full' }).count()) > 0
          ? 'full'
          : 'waiting';
    await expect
      .poll(async () => [await outcome(alice), await outcome(bob)].sort(), { timeout: 30_000 })
      .toEqual(['full', 'in']);
    // Nobody was removed meanwhile: the two seated are still there.
    const winner = (await alice.page.getByRole('navigation', { name: 'Call controls' }).count())
      ? alice
      : bob;
    await expect(winner.remoteTiles()).toHaveCount(2);
  } finally {
    clearInterval(pings);
    for (const client of seated) client.close();
  }
});

test('the host on one process lets in someone knocking on another, through the waiting room', async ({
  alice,
  bob,
  roomId,
}) => {
  test.setTimeout(120_000);
  // Alice is on process 3; Bob comes through nginx, to process 1 or 2: never Alice's.
  await joinWithoutCamera(alice, roomId, servers[2]!.url);
  await expect(alice.page.getByTestId('host-name')).toHaveText('Host: You');
  await alice.page.getByRole('button', { name: 'Host controls' }).click();
  const menu = alice.page.getByRole('heading', { name: 'Host controls' }).locator('..');
  await menu.getByLabel('Waiting room').click();
  await expect(menu.getByLabel('Waiting room')).toBeChecked();
  await alice.page.keyboard.press('Escape');

  await bob.open(roomId, nginx.url);
  await bob.page.getByRole('button', { name: 'Camera' }).click();
  await bob.clickJoin();
  await expect(bob.page.getByText('Waiting for the host to let you in')).toBeVisible();
  const knocks = alice.page.getByRole('region', { name: 'Waiting to join' });
  await expect(knocks).toContainText('Bob');
  await knocks.getByRole('button', { name: 'Admit' }).click();
  await expect(bob.page.getByRole('navigation', { name: 'Call controls' })).toBeVisible();
  await expect(alice.tile('Bob')).toBeVisible();
  await expect(knocks).toHaveCount(0);
});
