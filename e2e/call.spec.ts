import { expect, test } from './support/fixtures';

test('two people see and hear each other', async ({ alice, bob, roomId }) => {
  await alice.join(roomId);
  await expect(
    alice.page.getByRole('heading', { name: 'Waiting for others to join' }),
  ).toBeVisible();

  await bob.join(roomId);
  const joinToFirstFrameMs = await bob.joinToFirstFrameMs('Alice');
  test.info().annotations.push({
    type: 'join-to-first-frame-ms',
    description: joinToFirstFrameMs.toFixed(0),
  });
  console.log(`Bob: Join click to Alice's first frame: ${joinToFirstFrameMs.toFixed(0)} ms`);

  await bob.expectMediaFrom('Alice');
  await alice.expectMediaFrom('Bob');
  await expect(
    alice.page.getByRole('heading', { name: 'Waiting for others to join' }),
  ).toBeHidden();
});
