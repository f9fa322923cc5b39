import { expect, test } from './support/fixtures';

test('/check reports camera, microphone, server and network in plain words', async ({ alice }) => {
  await alice.page.goto('/');
  await alice.page.getByRole('link', { name: /Check your camera, microphone and network/ }).click();
  await expect(alice.page.getByRole('heading', { name: 'Check your connection' })).toBeVisible();
  await alice.page.getByRole('button', { name: 'Start the check' }).click();

  const item = (id: string) => alice.page.locator(`li[data-check="${id}"]`);
  // This server has no STUN or relay: the banner says calls work here, not across networks,
  // and takes the warning colour of those rows.
  const summary = alice.page.getByTestId('check-summary');
  await expect(summary).toContainText(
    'Calls work with people on this network. Across networks, they may not connect.',
    { timeout: 30_000 },
  );
  await expect(summary).toHaveAttribute('data-tone', 'warn');
  await expect(summary).not.toContainText('Everything');
  await expect(item('camera')).toHaveAttribute('data-status', 'pass');
  await expect(item('camera')).toContainText('Your camera works');
  await expect(item('camera').locator('video').first()).toBeVisible();
  // The fake microphone beeps: it is heard.
  await expect(item('microphone')).toHaveAttribute('data-status', 'pass');
  await expect(item('server')).toHaveAttribute('data-status', 'pass');
  await expect(item('direct')).toHaveAttribute('data-status', 'pass');
  // This test server configures no STUN or TURN: said plainly, not shown as broken.
  for (const id of ['stun', 'relay', 'relay-call']) {
    await expect(item(id)).toHaveAttribute('data-status', 'skipped');
  }
  await expect(item('relay')).toContainText('No relay server is configured');
  await expect(item('camera').getByRole('img', { name: 'Works' })).toBeVisible();
  await alice.screenshot('connection check');
});

test('/check says so when the camera is blocked', async ({ alice }) => {
  await alice.context.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  await alice.page.goto('/check');
  await alice.page.getByRole('button', { name: 'Start the check' }).click();
  await expect(alice.page.locator('li[data-check="camera"]')).toHaveAttribute(
    'data-status',
    'fail',
  );
  await expect(alice.page.locator('li[data-check="camera"]')).toContainText(
    'Your browser blocked the camera',
  );
  await expect(alice.page.getByTestId('check-summary')).toContainText('need attention', {
    timeout: 30_000,
  });
});
