import { startAppServer, type AppServer } from './support/app-server';
import { expect, test } from './support/fixtures';

let server: AppServer;

test.beforeAll(async () => {
  server = await startAppServer({ env: { ROOM_CAPACITY: '2' } });
});
test.afterAll(async () => {
  await server.stop();
});

test('a full call refuses the next person, whose page updates live and lets them in with one click when a place frees', async ({
  alice,
  bob,
  carol,
  roomId,
}) => {
  const callUrl = `${server.url}/call/${roomId}`;
  for (const person of [alice, bob]) {
    await person.page.goto(callUrl);
    await person.clickJoin();
  }
  await alice.expectMediaFrom('Bob');

  await carol.page.goto(callUrl);
  // The lobby already says so.
  await expect(carol.page.getByTestId('presence')).toContainText(
    'This call is full: Alice and Bob',
  );
  await carol.clickJoin();
  await expect(carol.page.getByRole('heading', { name: 'This call is full' })).toBeVisible();
  await expect(carol.page.getByTestId('presence')).toContainText(
    'Alice and Bob are in this call. It takes 2 people.',
  );
  await expect(carol.page.getByRole('button', { name: 'Join now' })).toHaveCount(0);
  await expect(alice.remoteTiles()).toHaveCount(1);

  await bob.leave();
  // No click, no reload: the page sees the free place by itself.
  await expect(carol.page.getByRole('heading', { name: 'A place is free now' })).toBeVisible();
  await expect(carol.page.getByTestId('presence')).toContainText('Alice is in this call');
  await carol.screenshot('a place is free now');
  await carol.page.getByRole('button', { name: 'Join now' }).click();
  await carol.expectMediaFrom('Alice');
  await alice.expectMediaFrom('Carol');
});
