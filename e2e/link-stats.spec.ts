import { expect, test } from './support/fixtures';

test('the stats panel shows figures of the link to a person, and they change while media flows', async ({
  alice,
  bob,
  roomId,
}) => {
  await alice.join(roomId);
  // Only Alice's camera is needed: Bob reads the figures of what he receives from her.
  await bob.open(roomId);
  await bob.page.getByRole('button', { name: 'Camera' }).click();
  await expect(bob.page.getByRole('button', { name: 'Camera' })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  await bob.enter();
  await bob.expectMediaFrom('Alice');

  const quality = bob.tile('Alice').getByTestId('link-quality');
  // Measured figures on a loopback link are good.
  await expect(quality).toHaveAttribute('data-quality', 'good', { timeout: 15_000 });
  // Reachable by keyboard: focus the button and press Enter.
  await quality.focus();
  await bob.page.keyboard.press('Enter');
  const panel = bob.page.getByRole('dialog', { name: 'Connection to Alice' });
  await expect(panel).toBeVisible();

  const stat = (key: string) => panel.locator(`[data-stat="${key}"]`);
  await expect(stat('bitrate-in')).toHaveText(/\d+(\.\d+)? (k|M)bit\/s/);
  await expect(stat('rtt')).toHaveText(/^\d+ ms$/);
  await expect(stat('fps')).toHaveText(/^\d+ fps$/);
  await expect(stat('resolution')).toHaveText(/^\d+×\d+$/);
  await expect(stat('codec')).toHaveText(/VP8|VP9|H264|AV1/i);
  await expect(stat('route')).toHaveText(/host|srflx|relay|prflx/);
  await expect(stat('packet-loss')).toHaveText(/%$/);

  const receivedBefore = await stat('received').innerText();
  await expect(stat('received')).not.toHaveText(receivedBefore, { timeout: 10_000 });
  await bob.screenshot('connection stats of Alice');

  await bob.page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
});
