import { startAppServer, type AppServer } from './support/app-server';
import { expect, test } from './support/fixtures';

let server: AppServer;

test.beforeAll(async () => {
  server = await startAppServer({ env: { ROOM_CAPACITY: '2' } });
});
test.afterAll(async () => {
  await server.stop();
});

test('a full room refuses the next person, who gets in once someone leaves', async ({
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
  await carol.clickJoin();
  await expect(carol.page.getByRole('heading', { name: 'This call is full' })).toBeVisible();
  await expect(
    carol.page.getByRole('alert').filter({ hasText: 'already has 2 people' }),
  ).toBeVisible();
  await expect(alice.remoteTiles()).toHaveCount(1);

  await bob.leave();
  await carol.page.getByRole('button', { name: 'Try again' }).click();
  await carol.expectMediaFrom('Alice');
  await alice.expectMediaFrom('Carol');
});
