import { createServer, type AddressInfo } from 'node:net';
import { startAppServer } from './support/app-server';
import { expect, test } from './support/fixtures';

test('"Start a call" opens a new call, and its link can be pasted to join it', async ({
  alice,
  bob,
}) => {
  await alice.page.goto('/');
  await alice.page.getByRole('button', { name: 'Start a call' }).click();
  await expect(alice.page).toHaveURL(/\/call\/[0-9a-z]{5}-[0-9a-z]{5}-[0-9a-z]{5}$/);
  await alice.clickJoin();
  const link = alice.page.url();

  await bob.page.goto('/');
  await bob.page.getByLabel('Call link or code').fill(` ${link} `);
  await bob.page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(bob.page).toHaveURL(link);
  await bob.clickJoin();
  await bob.expectMediaFrom('Alice');
});

test('the home page asks for a code when the box is empty, and keeps the example code whole on a phone', async ({
  alice,
}) => {
  await alice.page.setViewportSize({ width: 390, height: 844 });
  await alice.page.goto('/');
  const join = alice.page.getByRole('button', { name: 'Join', exact: true });
  await join.click();
  await expect(alice.page.getByRole('alert').filter({ hasText: 'Paste the call link' })).toHaveText(
    'Paste the call link you were sent, or type its code.',
  );

  await alice.page.getByLabel('Call link or code').fill('not a code');
  await join.click();
  const error = alice.page.getByRole('alert').filter({ hasText: 'not a call link or code' });
  await expect(error).toBeVisible();
  const example = error.getByText('7k3mq-x9tbd-4rw8h');
  expect(await example.evaluate((element) => element.getClientRects().length)).toBe(1);
});

test('a loosely typed code redirects to its call', async ({ alice, roomId }) => {
  await alice.page.goto(`/call/${roomId.toUpperCase().replaceAll('-', '')}`);
  await expect(alice.page).toHaveURL(new RegExp(`/call/${roomId}$`));
});

test('the lobby shows a live camera preview and remembers the name', async ({ alice, roomId }) => {
  await alice.open(roomId);
  const preview = alice.page
    .getByRole('region', { name: 'Camera preview' })
    .locator('video')
    .first();
  await expect
    .poll(() => preview.evaluate((video: HTMLVideoElement) => video.videoWidth))
    .toBeGreaterThan(0);

  await alice.clickJoin();
  await alice.leave();
  await alice.page.goto(`/call/${roomId}`);
  await expect(alice.page.getByLabel('Your name')).toHaveValue('Alice');
});

test('camera and microphone toggles in the lobby carry into the call', async ({
  alice,
  bob,
  roomId,
}) => {
  await alice.open(roomId);
  await alice.page.getByRole('button', { name: 'Camera' }).click();
  await expect(alice.page.getByRole('button', { name: 'Camera' })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  await alice.clickJoin();
  await bob.join(roomId);
  await expect(bob.tile('Alice')).toHaveAttribute('data-video', 'off');
  await expect(bob.tile('Alice')).toContainText('A');
  await bob.expectMediaFrom('Alice', { video: false });
});

test('with camera and microphone blocked, the page explains it and still lets the person join to watch', async ({
  alice,
  bob,
  roomId,
}) => {
  await bob.context.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  await alice.join(roomId);
  await bob.open(roomId);
  await expect(
    bob.page.getByRole('alert').filter({ hasText: 'blocked the camera and microphone' }),
  ).toBeVisible();
  await expect(bob.page.getByRole('button', { name: 'Camera' })).toHaveAccessibleDescription(
    'Camera blocked by your browser',
  );
  await bob.clickJoin();

  await bob.expectMediaFrom('Alice');
  await expect(alice.tile('Bob')).toHaveAttribute('data-video', 'off');
  await expect(alice.tile('Bob')).toHaveAttribute('data-audio', 'off');
  await expect(alice.tile('Bob')).toHaveAttribute('data-link', 'connected');
});

test('when signaling could not start, the call page says so and the log says why', async ({
  alice,
  roomId,
}) => {
  // Signaling beside `next start` finds its port taken.
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const taken = (squatter.address() as AddressInfo).port;
  const bare = await startAppServer({
    command: 'next-start',
    env: { SIGNALING_PORT: String(taken) },
  });
  try {
    await alice.page.goto(`${bare.url}/call/${roomId}`);
    const problem = alice.page
      .getByRole('alert')
      .filter({ hasText: 'signaling server is not running' });
    await expect(problem).toContainText('server’s log');
    await expect(alice.page.getByRole('button', { name: 'Join' })).toBeDisabled();
    expect(bare.output()).toContain(`port ${taken} is in use`);
  } finally {
    // `next start` stops only once every request in flight has finished: the page goes first.
    await alice.page.goto('about:blank');
    await bare.stop();
    squatter.close();
  }
});
