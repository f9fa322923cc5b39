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
  console.log(`Bob's Join click to Alice's first frame: ${joinToFirstFrameMs.toFixed(0)} ms`);

  await bob.expectMediaFrom('Alice');
  await alice.expectMediaFrom('Bob');
  await expect(
    alice.page.getByRole('heading', { name: 'Waiting for others to join' }),
  ).toBeHidden();
  await expect(alice.remoteTiles()).toHaveCount(1);
  await expect(bob.remoteTiles()).toHaveCount(1);
});

test('three people all see and hear each other', async ({ alice, bob, carol, roomId }) => {
  await alice.join(roomId);
  await bob.join(roomId);
  await carol.join(roomId);
  for (const [viewer, others] of [
    [alice, ['Bob', 'Carol']],
    [bob, ['Alice', 'Carol']],
    [carol, ['Alice', 'Bob']],
  ] as const) {
    await expect(viewer.remoteTiles()).toHaveCount(2);
    for (const other of others) await viewer.expectMediaFrom(other);
  }
});

for (const round of [1, 2, 3]) {
  test(`two people who click Join at the same moment connect (round ${round})`, async ({
    alice,
    bob,
    roomId,
  }) => {
    await Promise.all([alice.open(roomId), bob.open(roomId)]);
    await Promise.all([
      alice.page.getByLabel('Your name').fill('Alice'),
      bob.page.getByLabel('Your name').fill('Bob'),
    ]);
    await Promise.all([
      alice.page.getByRole('button', { name: 'Join' }).click(),
      bob.page.getByRole('button', { name: 'Join' }).click(),
    ]);
    await alice.expectMediaFrom('Bob');
    await bob.expectMediaFrom('Alice');
  });
}

test('when someone leaves, the others see it', async ({ alice, bob, roomId }) => {
  await alice.join(roomId);
  await bob.join(roomId);
  await expect(alice.tile('Bob')).toBeVisible();

  await bob.leave();
  await expect(alice.tile('Bob')).toHaveCount(0);
  await expect(
    alice.page.getByRole('heading', { name: 'Waiting for others to join' }),
  ).toBeVisible();
});

test('when someone closes the tab, the others see it within the short reload grace', async ({
  alice,
  bob,
  roomId,
}) => {
  await alice.join(roomId);
  await bob.join(roomId);
  await alice.expectMediaFrom('Bob');

  // The page says it is unloading; the server holds its place for RELOAD_GRACE_MS (8 s), far
  // less than the 15 s a dropped socket gets, then tells the others.
  await bob.page.close({ runBeforeUnload: true });
  await expect(alice.tile('Bob')).toHaveCount(0, { timeout: 12_000 });
});

test('someone who reloads is back without a click, and the others never see them leave', async ({
  alice,
  bob,
  roomId,
}) => {
  await alice.join(roomId);
  await bob.join(roomId);
  await alice.expectMediaFrom('Bob');
  await bob.expectMediaFrom('Alice');
  const bobPeerId = await alice.tile('Bob').getAttribute('data-peer-id');

  // Alice's page notes every state Bob's tile is in from now on, and any moment it is gone.
  await alice.page.evaluate(() => {
    const seen = { gone: 0, links: [] as string[] };
    (window as unknown as { __bobTile: typeof seen }).__bobTile = seen;
    const check = () => {
      const tile = document.querySelector<HTMLElement>('figure[aria-label="Bob"]');
      if (!tile) seen.gone++;
      else if (tile.dataset.link && !seen.links.includes(tile.dataset.link))
        seen.links.push(tile.dataset.link);
    };
    new MutationObserver(check).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
    });
  });

  await bob.page.reload();
  await expect(bob.page.getByRole('navigation', { name: 'Call controls' })).toBeVisible();
  await bob.expectMediaFrom('Alice');
  await alice.expectMediaFrom('Bob');

  const seen = await alice.page.evaluate(
    () => (window as unknown as { __bobTile: { gone: number; links: string[] } }).__bobTile,
  );
  expect(seen.gone).toBe(0);
  expect(seen.links.every((link) => link === 'connected' || link === 'reconnecting')).toBe(true);
  // The same person, in the same place: same peer id, one tile, and nobody clicked Join.
  expect(await alice.tile('Bob').getAttribute('data-peer-id')).toBe(bobPeerId);
  await expect(alice.remoteTiles()).toHaveCount(1);
  await expect(bob.remoteTiles()).toHaveCount(1);
  expect(
    await bob.page.evaluate(
      () =>
        (window as unknown as { __probe: { joinClickedAt: number | null } }).__probe.joinClickedAt,
    ),
  ).toBeNull();
});

test('muting the microphone stops sending audio, and unmuting resumes it', async ({
  alice,
  bob,
  roomId,
}) => {
  await alice.join(roomId);
  await bob.join(roomId);
  await bob.expectMediaFrom('Alice');

  const microphone = alice.page.getByRole('button', { name: 'Microphone' });
  await expect(microphone).toHaveAttribute('aria-pressed', 'true');
  await microphone.click();
  await expect(microphone).toHaveAttribute('aria-pressed', 'false');
  await expect(bob.tile('Alice')).toHaveAttribute('data-audio', 'off');
  await expect(bob.tile('Alice').getByRole('img', { name: 'Microphone off' })).toBeVisible();

  // No packet arrives any more: two readings a second apart are equal.
  let previous = -1;
  await expect
    .poll(
      async () => {
        const packets = (await bob.inboundFrom('Alice'))?.audioPacketsReceived ?? -1;
        const stopped = packets === previous;
        previous = packets;
        return stopped;
      },
      { intervals: [1_000], message: 'audio packets from Alice stop arriving' },
    )
    .toBe(true);
  // Video keeps flowing while muted.
  await bob.expectMediaFrom('Alice', { audio: false });

  await microphone.click();
  await expect(bob.tile('Alice')).toHaveAttribute('data-audio', 'on');
  await bob.expectMediaFrom('Alice');
});
