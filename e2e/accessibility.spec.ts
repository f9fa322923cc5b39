/**
 * Accessibility (issue 15, item 7): axe finds nothing on every page a person sees, the call works
 * from the keyboard alone with a visible focus, joins, leaves and hands are announced, reduced
 * motion is honoured, and the lobby explains the browser's permission prompt while it is open.
 *
 * The app has one theme (dark, `color-scheme: dark` in app/globals.css, no `prefers-color-scheme`
 * rules), so every page is checked once. Cameras are off wherever no picture is looked at.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { createPerson, expect, test, type Person } from './support/fixtures';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe on the page as it is now; fails (softly, so every page is reported) on any violation. */
async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const found = violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
  expect.soft(found, `axe violations on ${where}`).toEqual([]);
}

async function cameraOff(person: Person): Promise<void> {
  await person.preferQuality('audio-only');
}

/** The polite live region that announces who joined, left or raised a hand. */
const announcer = (page: Page) => page.getByTestId('call-announcer');

test('home, connection check and 404 pages have no axe violations', async ({ alice }) => {
  const { page } = alice;
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Start a call' })).toBeVisible();
  await expectNoAxeViolations(page, 'the home page');

  await page.goto('/check');
  await expectNoAxeViolations(page, '/check before it runs');
  await page.getByRole('button', { name: 'Start the check' }).click();
  await expect(page.getByRole('button', { name: 'Check again' })).toBeVisible({ timeout: 45_000 });
  await expectNoAxeViolations(page, '/check with its results');

  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expectNoAxeViolations(page, 'the 404 page');
});

test('lobby and a call of two with chat and People open have no axe violations; joins, hands and leaves are announced', async ({
  alice,
  bob,
  roomId,
}) => {
  // Three axe runs over a live call of two: more than one short case's time on a busy machine.
  test.slow();
  await cameraOff(bob);
  await alice.open(roomId);
  await expectNoAxeViolations(alice.page, 'the lobby');

  await alice.page.getByRole('button', { name: 'Camera' }).click();
  await alice.enter();
  await bob.join(roomId);
  await expect(announcer(alice.page)).toContainText('Bob joined the call.');
  // The chat goes over the peer link: wait until it is up both ways.
  await expect(alice.tile('Bob')).toHaveAttribute('data-link', 'connected');
  await expect(bob.tile('Alice')).toHaveAttribute('data-link', 'connected');

  await bob.sendChat('Hello from Bob');
  await alice.press('Chat');
  await expect(alice.page.getByTestId('chat-message')).toContainText('Hello from Bob');
  await expectNoAxeViolations(alice.page, 'the call with the chat open');

  await bob.page.getByRole('button', { name: 'Raise hand' }).click();
  await expect(announcer(alice.page)).toContainText('Bob raised their hand.');
  await alice.page.getByRole('button', { name: /^People/ }).click();
  await expect(alice.page.getByRole('region', { name: 'Raised hands' })).toContainText('Bob');
  await expectNoAxeViolations(alice.page, 'the call with People open');

  await bob.leave();
  await expect(announcer(alice.page)).toContainText('Bob left the call.');
});

/** Presses Tab (or Shift+Tab) until `target` has the focus; fails if it never does. */
async function tabTo(page: Page, target: Locator, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
  for (let presses = 0; presses < 40; presses++) {
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false))
      break;
    await page.keyboard.press(key);
  }
  await expect(target).toBeFocused();
  await expectFocusVisible(target);
}

/** The focused element matches :focus-visible and draws an outline a person can see. */
async function expectFocusVisible(target: Locator): Promise<void> {
  const focus = await target.evaluate((element) => {
    const style = getComputedStyle(element);
    return {
      focusVisible: element.matches(':focus-visible'),
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
    };
  });
  expect(focus.focusVisible).toBe(true);
  expect(focus.outlineStyle).not.toBe('none');
  expect(focus.outlineWidth).toBeGreaterThan(0);
}

test('keyboard only: start a call, join, chat, People, a reaction without motion, the leave dialog, leave', async ({
  browser,
}) => {
  const alice = await createPerson(browser, 'Alice', { reducedMotion: 'reduce' });
  try {
    await cameraOff(alice);
    const { page } = alice;
    await page.goto('/');
    await tabTo(page, page.getByRole('button', { name: 'Start a call' }));
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/call\//);

    const name = page.getByLabel('Your name');
    await expect(page.getByRole('button', { name: 'Join' })).toBeEnabled();
    await tabTo(page, name);
    await page.keyboard.type('Alice');
    await tabTo(page, page.getByRole('button', { name: 'Join' }));
    await page.keyboard.press('Enter');
    const controls = page.getByRole('navigation', { name: 'Call controls' });
    await expect(controls).toBeVisible();

    await tabTo(page, controls.getByRole('button', { name: 'Chat' }));
    await page.keyboard.press('Enter');
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
    await page.keyboard.type('Typed, not clicked');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('chat-message')).toContainText('Typed, not clicked');

    await tabTo(page, page.getByRole('button', { name: /^People/ }), 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('complementary', { name: 'People' })).toBeVisible();

    // A reaction, sent from the keyboard, does not move when motion is reduced.
    const reactions = controls.getByRole('button', { name: 'Reactions' });
    await tabTo(page, reactions);
    await page.keyboard.press('Enter');
    const firstReaction = page.getByRole('button', { name: /^React / }).first();
    await tabTo(page, firstReaction);
    await page.keyboard.press('Enter');
    const reaction = page.getByTestId('tile-reaction').first();
    await expect(reaction).toBeVisible();
    expect(await reaction.evaluate((element) => getComputedStyle(element).animationName)).toBe(
      'none',
    );
    // Escape closes the reactions and gives the focus back to their button.
    await page.keyboard.press('Escape');
    await expect(firstReaction).toBeHidden();
    await expect(reactions).toBeFocused();

    // Shift+L asks first, in a modal dialog that holds the focus; Escape closes it and gives the
    // focus back.
    await page.keyboard.press('Shift+L');
    const dialog = page.getByRole('dialog', { name: 'Leave the call?' });
    await expect(dialog).toBeVisible();
    const stay = dialog.getByRole('button', { name: 'Stay' });
    await expect(stay).toBeFocused();
    await expectFocusVisible(stay);
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: 'Leave the call' })).toBeFocused();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(reactions).toBeFocused();

    await tabTo(page, controls.getByRole('button', { name: 'Leave' }));
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'You left the call' })).toBeVisible();
  } finally {
    await alice.close();
  }
});

test('while the browser asks for the camera and microphone, the lobby says what to do', async ({
  alice,
  roomId,
}) => {
  // The browser's prompt, held open: permission is still to be asked, and getUserMedia neither
  // resolves nor fails.
  await alice.page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => new Promise<MediaStream>(() => {});
    const query = navigator.permissions.query.bind(navigator.permissions);
    navigator.permissions.query = async (descriptor) =>
      descriptor.name === 'camera' || descriptor.name === ('microphone' as PermissionName)
        ? ({ state: 'prompt' } as PermissionStatus)
        : query(descriptor);
  });
  await alice.page.goto(`/call/${roomId}`);
  const guidance = alice.page.getByTestId('permission-prompt-help');
  await expect(guidance).toContainText('Your browser is asking to use your camera and microphone');
  await expect(guidance).toContainText('Allow');
  await expectNoAxeViolations(alice.page, 'the lobby while the browser asks');
});
