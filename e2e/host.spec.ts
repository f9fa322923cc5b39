/**
 * The host's powers and what everyone can do (issue 14), as people would use them. Nobody's video
 * is looked at here, so everyone joins with the camera off.
 */
import type { Page } from '@playwright/test';
import { expect, test, type Person } from './support/fixtures';
import { tileSelector } from './support/in-page';

async function cameraOff(...people: Person[]): Promise<void> {
  for (const person of people) {
    await person.preferQuality('audio-only');
  }
}

/** Opens the host's menu; the caller presses what it needs, then Escape. */
async function hostMenu(host: Page) {
  await host.getByRole('button', { name: 'Host controls' }).click();
  return host.getByRole('heading', { name: 'Host controls' }).locator('..');
}

const refusal = (person: Person) => person.page.getByTestId('join-refusal');

test('Start a call makes a host whose key, not seniority, brings the role back; it locks the call and sets a password', async ({
  alice,
  carol,
}) => {
  // Three pages, on a machine that may be busy.
  test.setTimeout(120_000);
  await cameraOff(alice, carol);
  // Alice starts the call from the home page, so her browser holds the host key.
  await alice.page.goto('/');
  await alice.page.getByRole('button', { name: 'Start a call' }).click();
  await alice.page.waitForURL(/\/call\//);
  const callPath = new URL(alice.page.url()).pathname;
  await alice.clickJoin();
  await expect(alice.page.getByTestId('host-name')).toHaveText('Host: You');
  // Carol comes in with no key: she is not the host.
  await carol.join(callPath.split('/').at(-1)!);
  await expect(carol.page.getByTestId('host-name')).toHaveText('Host: Alice');

  // Alice opens the call again in a new tab, as after a crash: a fresh join with no resume token,
  // later than Carol's. Only the key in her browser can make it the host, and it does.
  const tab = await alice.context.newPage();
  await tab.goto(callPath);
  await tab.getByLabel('Your name').fill('Alice');
  await tab.getByRole('button', { name: 'Join' }).click();
  await expect(tab.getByTestId('host-name')).toHaveText('Host: You');
  await expect(alice.page.getByTestId('host-name')).toHaveText('Host: Alice');
  await alice.page.close();
  await carol.leave();

  // Locked: Carol is told so in the lobby.
  let menu = await hostMenu(tab);
  // The switches show the server's state: a click asks, and the box follows the answer.
  await menu.getByLabel('Lock the call').click();
  await expect(menu.getByLabel('Lock the call')).toBeChecked();
  await tab.keyboard.press('Escape');
  await carol.page.goto(callPath);
  await carol.clickJoin();
  await expect(refusal(carol)).toContainText('locked');

  // Unlocked with a password: Carol needs it, and a wrong one does not do.
  menu = await hostMenu(tab);
  await menu.getByLabel('Lock the call').click();
  await expect(menu.getByLabel('Lock the call')).not.toBeChecked();
  await menu.getByLabel('Password to join').fill('blue heron');
  await menu.getByRole('button', { name: 'Set password' }).click();
  await expect(menu.getByTestId('password-state')).toBeVisible();
  await tab.keyboard.press('Escape');
  await carol.page.getByRole('button', { name: 'Join' }).click();
  await expect(refusal(carol)).toContainText('password');
  await carol.page.getByLabel('Call password').fill('red heron');
  await carol.page.getByRole('button', { name: 'Join' }).click();
  await expect(refusal(carol)).toContainText('not right');
  await carol.page.getByLabel('Call password').fill('blue heron');
  await carol.enter();
  await expect(tab.locator(tileSelector('Carol'))).toBeVisible();
});

test('a removed person leaves at once, and must knock to come back; the host declines', async ({
  alice,
  bob,
  roomId,
}) => {
  await cameraOff(alice, bob);
  await alice.join(roomId);
  await bob.join(roomId);
  await expect(alice.tile('Bob')).toBeVisible();

  await alice.page.getByRole('button', { name: /^People/ }).click();
  await alice.page.getByRole('button', { name: 'Remove Bob' }).click();
  await expect(
    bob.page.getByRole('heading', { name: 'The host removed you from the call' }),
  ).toBeVisible();
  await expect(alice.tile('Bob')).toHaveCount(0);
  await bob.page.getByRole('button', { name: 'Ask to join again' }).click();
  await bob.clickJoin();
  await expect(bob.page.getByText('Waiting for the host to let you in')).toBeVisible();
  const knocks = alice.page.getByRole('region', { name: 'Waiting to join' });
  await expect(knocks).toContainText('Bob wants to join');
  await knocks.getByRole('button', { name: 'Decline' }).click();
  await expect(bob.page.getByTestId('join-refusal')).toContainText('did not let you in');
  await expect(knocks).toHaveCount(0);
});

test('waiting room admit, hands, a reaction, a mute request, push-to-talk, and a new host when the host leaves', async ({
  alice,
  bob,
  roomId,
}) => {
  await cameraOff(alice, bob);
  await alice.join(roomId);
  // The first person into an empty call is its host.
  await expect(alice.page.getByTestId('host-name')).toHaveText('Host: You');
  const menu = await hostMenu(alice.page);
  await menu.getByLabel('Waiting room').click();
  await expect(menu.getByLabel('Waiting room')).toBeChecked();
  await alice.page.keyboard.press('Escape');

  await bob.open(roomId);
  await bob.clickJoin();
  await expect(bob.page.getByText('Waiting for the host to let you in')).toBeVisible();
  const knocks = alice.page.getByRole('region', { name: 'Waiting to join' });
  await knocks.getByRole('button', { name: 'Admit' }).click();
  await expect(bob.page.getByRole('navigation', { name: 'Call controls' })).toBeVisible();

  // Bob raises his hand: marked on his tile and listed in Alice's People panel.
  await bob.page.getByRole('button', { name: 'Raise hand' }).click();
  await expect(alice.tile('Bob').getByTestId('tile-hand')).toBeVisible();
  await alice.page.getByRole('button', { name: /^People/ }).click();
  await expect(alice.page.getByRole('region', { name: 'Raised hands' })).toContainText('Bob');
  await bob.page.getByRole('button', { name: 'Raise hand' }).click();
  await expect(alice.tile('Bob').getByTestId('tile-hand')).toHaveCount(0);

  // A reaction floats over Bob's tile on Alice's screen.
  await bob.page.getByRole('button', { name: 'Reactions' }).click();
  await bob.page.getByRole('button', { name: 'React 🎉' }).click();
  await expect(alice.tile('Bob').getByTestId('tile-reaction')).toHaveText('🎉');

  // The host asks Bob to mute: his microphone goes off and he is told why.
  const bobMicrophone = bob.page.getByRole('button', { name: 'Microphone', exact: true });
  await expect(bobMicrophone).toHaveAttribute('aria-pressed', 'true');
  await alice.page.getByRole('button', { name: 'Ask Bob to mute' }).click();
  await expect(bobMicrophone).toHaveAttribute('aria-pressed', 'false');
  await expect(bob.page.getByText('The host turned your microphone off')).toBeVisible();
  await expect(alice.tile('Bob')).toHaveAttribute('data-audio', 'off');

  // Push-to-talk: holding Space speaks, letting go mutes again.
  await bob.page.locator('body').click({ position: { x: 5, y: 5 } });
  await bob.page.keyboard.down('Space');
  await expect(bobMicrophone).toHaveAttribute('aria-pressed', 'true');
  await expect(alice.tile('Bob')).toHaveAttribute('data-audio', 'on');
  await bob.page.keyboard.up('Space');
  await expect(bobMicrophone).toHaveAttribute('aria-pressed', 'false');

  // The host leaves: Bob, there longest, is the host now.
  await alice.leave();
  await expect(bob.page.getByTestId('host-name')).toHaveText('Host: You');
  await expect(bob.page.getByRole('button', { name: 'Host controls' })).toBeVisible();
});
