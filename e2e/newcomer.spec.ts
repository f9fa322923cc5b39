/**
 * What a newcomer trips over (issue 18): each case does what the person did and checks what they
 * should have seen. People whose video a case does not look at join with the camera off.
 */
import type { Page } from '@playwright/test';
import { expect, test, type Person } from './support/fixtures';

/** Joins with the camera off from the start: the lobby never starts it. */
async function cameraOff(...people: Person[]): Promise<void> {
  for (const person of people) {
    await person.preferQuality('audio-only');
  }
}

/** What a stray key could change: the call's switches, the open panel, and being in the call. */
function callState(page: Page) {
  return page.evaluate(() => {
    const pressed = (name: string) =>
      document.querySelector(`button[aria-label="${name}"]`)?.getAttribute('aria-pressed') ?? null;
    return {
      inCall: document.querySelector('nav[aria-label="Call controls"]') !== null,
      microphone: pressed('Microphone'),
      camera: pressed('Camera'),
      screenShare: pressed('Share screen'),
      dialogOpen: document.querySelector('dialog[open]') !== null,
    };
  });
}

const messageBox = (person: Person) => person.page.getByRole('textbox', { name: 'Message' });

test('after C, whole typed sentences go into the chat and change nothing in the call; Shift+L asks first', async ({
  alice,
  bob,
  roomId,
}) => {
  await cameraOff(alice, bob);
  await alice.join(roomId);
  await bob.join(roomId);
  await expect(alice.tile('Bob')).toHaveAttribute('data-link', 'connected');
  const before = await callState(alice.page);

  const sentences = ['my video is stuck', 'Let me try', 'Can you see my screen? Press V, M or S'];
  // Typed at once after C, as a person does: no pause for the chat to appear.
  await alice.page.keyboard.press('c');
  for (const sentence of sentences) {
    await alice.page.keyboard.type(sentence);
    await expect(messageBox(alice)).toHaveValue(sentence);
    await alice.page.keyboard.press('Enter');
    await expect(messageBox(alice)).toHaveValue('');
  }
  expect(await callState(alice.page)).toEqual(before);

  await bob.press('Chat');
  await expect
    .poll(() => bob.chatMessages())
    .toEqual(sentences.map((sentence) => `Alice: ${sentence}`));

  // Esc leaves the chat, and the keyboard goes back to the Chat button.
  await alice.page.keyboard.press('Escape');
  await expect(alice.page.getByRole('complementary', { name: 'Chat' })).toHaveCount(0);
  await expect(alice.page.getByRole('button', { name: 'Chat' })).toBeFocused();

  // Shift+L away from any text field asks before leaving; Stay (or Esc) keeps the call.
  await alice.page.keyboard.press('Shift+L');
  const confirm = alice.page.getByRole('dialog', { name: 'Leave the call?' });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('button', { name: 'Stay' })).toBeFocused();
  // A stray key while it asks does nothing either, and Space presses Stay.
  await alice.page.keyboard.type('m ');
  await expect(confirm).toBeHidden();
  expect(await callState(alice.page)).toEqual(before);
  await alice.page.keyboard.press('Shift+L');
  await alice.page.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  expect(await callState(alice.page)).toEqual(before);

  await alice.page.keyboard.press('Shift+L');
  await confirm.getByRole('button', { name: 'Leave the call' }).click();
  await expect(alice.page.getByRole('heading', { name: 'You left the call' })).toBeVisible();
  await expect(bob.remoteTiles()).toHaveCount(0);
});

test('Esc closes the chat and the people list, from the message box or anywhere, like the dialogs', async ({
  alice,
  roomId,
}) => {
  await cameraOff(alice);
  await alice.join(roomId);
  const chat = alice.page.getByRole('complementary', { name: 'Chat' });
  const people = alice.page.getByRole('complementary', { name: 'People' });

  await alice.page.getByRole('button', { name: 'Chat' }).click();
  await expect(messageBox(alice)).toBeFocused();
  await alice.page.keyboard.press('Escape');
  await expect(chat).toHaveCount(0);

  await alice.page.getByRole('button', { name: /People/ }).click();
  await expect(people).toBeVisible();
  await alice.page.keyboard.press('Escape');
  await expect(people).toHaveCount(0);

  // C opens the chat; a click elsewhere takes the keyboard away; Esc still closes it.
  await alice.page.keyboard.press('c');
  await expect(messageBox(alice)).toBeFocused();
  await alice.page.getByTestId('call-stage').click({ position: { x: 5, y: 5 } });
  await alice.page.keyboard.press('Escape');
  await expect(chat).toHaveCount(0);

  // Settings closes on Esc as before, and the chat behind it stays.
  await alice.page.keyboard.press('c');
  await alice.openSettings();
  await alice.page.keyboard.press('Escape');
  await expect(alice.page.getByRole('heading', { name: 'Settings' })).toBeHidden();
  await expect(chat).toBeVisible();
});

test('with camera and microphone blocked, the call says why, how to allow them, and asks again', async ({
  alice,
  bob,
  roomId,
}) => {
  // Blocked as a browser blocks them, until the person allows them (the test's switch).
  await bob.context.addInitScript(() => {
    const state = window as unknown as { __blocked: boolean };
    state.__blocked = true;
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) =>
      state.__blocked
        ? Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))
        : real(constraints);
  });
  await cameraOff(alice);
  await alice.join(roomId);
  await bob.open(roomId);

  const lobbyNotice = bob.page.getByRole('alert').filter({ hasText: 'blocked the camera' });
  await expect(lobbyNotice).toContainText('address bar');
  await expect(lobbyNotice.getByRole('button', { name: 'Ask again' })).toBeVisible();
  await bob.page.getByText('Camera, microphone and speaker').click();
  // The pickers agree with the notice: blocked, not "none found".
  for (const device of ['Camera', 'Microphone']) {
    await expect(bob.page.getByRole('combobox', { name: device })).toHaveText(
      `${device} blocked by your browser`,
    );
  }
  await bob.clickJoin();
  await expect(bob.page.getByRole('navigation', { name: 'Call controls' })).toBeVisible();

  const microphone = bob.page.getByRole('button', { name: 'Microphone' });
  await expect(microphone).toHaveAccessibleDescription('Microphone blocked by your browser');
  await expect(bob.page.getByRole('button', { name: 'Camera' })).toHaveAccessibleDescription(
    'Camera blocked by your browser',
  );
  // M no longer does nothing: it explains.
  await bob.page.keyboard.press('m');
  const help = bob.page.getByRole('dialog', { name: 'Camera and microphone' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Microphone blocked by your browser');
  await expect(help).toContainText('address bar');
  await bob.screenshot('blocked devices explained in the call');
  await bob.page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  // The person allows them in the browser, and asks again from the call.
  await bob.page.evaluate(() => {
    (window as unknown as { __blocked: boolean }).__blocked = false;
  });
  await microphone.click();
  await help.getByRole('button', { name: 'Ask again' }).click();
  await expect(help).toBeHidden();
  await expect(microphone).toHaveAttribute('aria-pressed', 'true');
  await expect(microphone).toHaveAccessibleDescription('Turn off microphone (M)');
  await alice.expectMediaFrom('Bob');
});

test('the lobby says who is in the call, so a mistyped code shows as an empty call, and it updates', async ({
  alice,
  bob,
  carol,
  roomId,
}) => {
  await cameraOff(alice, bob, carol);
  await alice.join(roomId);

  await bob.open(roomId);
  const presence = bob.page.getByTestId('presence');
  await expect(presence).toHaveText('Alice is in this call');

  // One letter changed: a different, empty call, and the lobby says so.
  const last = roomId.at(-1) === 'x' ? 'y' : 'x';
  await carol.open(`${roomId.slice(0, -1)}${last}`);
  await expect(carol.page.getByTestId('presence')).toContainText('Nobody is here yet');
  await expect(carol.page.getByTestId('presence')).toContainText('Check that the call code');
  await carol.screenshot('lobby of a mistyped code');

  // Bob's lobby follows the call while he waits.
  await carol.join(roomId);
  await expect(presence).toHaveText('Alice and Carol are in this call');
  await bob.screenshot('lobby says who is in the call');
});

test('"(you)" typed into a name never marks that person as you, nor leaks into initials', async ({
  alice,
  people,
  roomId,
}) => {
  const impostor = await people('Bob (you)');
  await cameraOff(alice, impostor);
  await alice.join(roomId);
  await impostor.join(roomId);
  await expect(alice.tile('Bob (you)')).toHaveAttribute('data-link', 'connected');

  // Tiles: only Alice's own carries the You badge.
  await expect(alice.page.getByTestId('participant-tile').getByTestId('you-badge')).toHaveCount(1);
  await expect(alice.tile('You').getByTestId('you-badge')).toBeVisible();
  await expect(alice.tile('Bob (you)').getByTestId('you-badge')).toHaveCount(0);
  await expect(alice.tile('Bob (you)')).toContainText('Bob (you)');

  // The people list: initials from letters only, and one badge, on Alice's own row.
  await alice.page.getByRole('button', { name: /People/ }).click();
  const rows = alice.page.getByRole('list', { name: 'People in the call' }).getByRole('listitem');
  await expect(rows.getByTestId('initials')).toHaveText(['A', 'BY']);
  await expect(rows.nth(0).getByTestId('you-badge')).toBeVisible();
  await expect(rows.nth(1).getByTestId('you-badge')).toHaveCount(0);
  await expect(rows.nth(1)).toContainText('Bob (you)');
  await alice.screenshot('an impostor named Bob (you)');

  // The chat: their message is theirs, with their name as typed; only Alice's own has the badge.
  await impostor.sendChat('hello');
  await alice.sendChat('hi');
  const messages = alice.page.getByTestId('chat-message');
  await expect(messages).toHaveCount(2);
  await expect(messages.nth(0).getByTestId('you-badge')).toHaveCount(0);
  await expect(messages.nth(0)).toContainText('Bob (you)');
  await expect(messages.nth(1).getByTestId('you-badge')).toBeVisible();

  // Their own view: their name as typed, plus the badge, and initials without the bracket.
  await impostor.page.getByRole('button', { name: /People/ }).click();
  const ownRow = impostor.page
    .getByRole('list', { name: 'People in the call' })
    .getByRole('listitem')
    .first();
  await expect(ownRow.getByTestId('initials')).toHaveText('BY');
  await expect(ownRow.getByTestId('you-badge')).toBeVisible();
});

test('a 404 has a way home and speaks of any mistyped address', async ({ alice }) => {
  for (const address of ['/nope', '/call/not-a-code']) {
    await alice.page.goto(address);
    await expect(
      alice.page.getByRole('heading', { name: 'There is nothing at this address' }),
    ).toBeVisible();
    await expect(alice.page.getByText('It may have a typo in it.')).toBeVisible();
  }
  await alice.page.getByRole('link', { name: 'Go to the home page' }).click();
  await expect(alice.page).toHaveURL(/\/$/);
  await expect(alice.page.getByRole('button', { name: 'Start a call' })).toBeVisible();
});

test('on a phone, a screen share leaves every camera thumbnail whole, and the call code shows whole', async ({
  alice,
  bob,
  carol,
  roomId,
}) => {
  await cameraOff(alice, bob, carol);
  await alice.page.setViewportSize({ width: 390, height: 844 });
  for (const person of [alice, bob, carol]) await person.join(roomId);
  await bob.press('Share screen');
  await alice.expectScreenFrom('Bob');

  const thumbnails = await alice.page
    .getByTestId('camera-strip')
    .getByTestId('participant-tile')
    .evaluateAll((tiles) => tiles.map((tile) => tile.getBoundingClientRect().toJSON() as DOMRect));
  expect(thumbnails).toHaveLength(3);
  for (const box of thumbnails) {
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(390);
    expect(box.bottom).toBeLessThanOrEqual(844);
    expect(box.width).toBeGreaterThan(80);
  }

  const code = alice.page.getByTestId('call-code');
  await expect(code).toHaveText(roomId);
  const fits = await code.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return element.scrollWidth <= element.clientWidth && box.left >= 0 && box.right <= 390;
  });
  expect(fits).toBe(true);
  await alice.screenshot('phone with a screen share');
});

test('the lobby offers "Hide my IP address" only where the server can relay', async ({
  alice,
  roomId,
}) => {
  await cameraOff(alice);
  await alice.open(roomId);
  // The suite's server has no relay: no option, no greyed-out jargon.
  await expect(alice.page.getByText(/Hide my IP address|TURN|relay/)).toHaveCount(0);
});

test('Settings shows each device name whole', async ({ alice, roomId }) => {
  await cameraOff(alice);
  await alice.join(roomId);
  await alice.openSettings();
  for (const device of ['Camera', 'Microphone']) {
    const picker = alice.page.getByRole('combobox', { name: device });
    const shown = await picker.evaluate((select: HTMLSelectElement) => {
      const style = getComputedStyle(select);
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const text = select.selectedOptions[0]?.text ?? '';
      // What is left for the text: the box, less its padding and the drop-down arrow.
      const room =
        select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;
      return { text, width: context.measureText(text).width, room, title: select.title };
    });
    expect(shown.text.length, device).toBeGreaterThan(0);
    expect(shown.width, `${device}: "${shown.text}"`).toBeLessThanOrEqual(shown.room);
    expect(shown.title).toBe(shown.text);
  }
  await alice.screenshot('settings with whole device names');
});

test('every page has a favicon, and loads with no 404', async ({ alice, roomId }) => {
  const missing: string[] = [];
  alice.page.on('response', (response) => {
    if (response.status() === 404) missing.push(response.url());
  });
  for (const path of ['/', '/check', `/call/${roomId}`]) {
    await alice.page.goto(path, { waitUntil: 'load' });
    const icon = alice.page.locator('link[rel="icon"]');
    await expect(icon).toHaveCount(1);
    const response = await alice.page.request.get((await icon.getAttribute('href'))!);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('image/svg+xml');
  }
  expect(missing).toEqual([]);
});
