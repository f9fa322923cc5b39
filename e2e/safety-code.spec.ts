import { NO_FIREFOX, firefoxExecutable } from './support/browser';
import { expect, test } from './support/firefox-person';
import { KeySubstitutingRelay } from './support/key-substituting-relay';
import type { Participant } from './support/participant';

// Cameras stay off throughout: these cases look at certificates, not pictures.
test.describe.configure({ timeout: 90_000 });

/** Opens the call, turns the camera off in the lobby, and joins; resolves once in the call. */
async function joinWithCameraOff(person: Participant, roomId: string): Promise<void> {
  await person.open(roomId);
  await person.press('Camera');
  await person.clickJoin();
  await expect
    .poll(() => person.evaluate(inCall, null), { message: `${person.name} is in the call` })
    .toBe(true);
}

function inCall(): boolean {
  return document.querySelector('nav[aria-label="Call controls"]') !== null;
}

/** In the page: opens the People panel if needed and reads the safety code shown for `name`. */
function safetyCodeFor(name: string): { code: string; trust: string } | null {
  document
    .querySelector<HTMLButtonElement>('button[aria-label^="People:"][aria-pressed="false"]')
    ?.click();
  const shown = document.querySelector(`[data-testid="safety-code"][data-peer-name="${name}"]`);
  const code = shown?.getAttribute('data-code');
  return code ? { code, trust: shown?.getAttribute('data-trust') ?? '' } : null;
}

/** Waits until `viewer` shows a safety code for `name`, and returns it. */
async function codeSeenBy(
  viewer: Participant,
  name: string,
  trust?: string,
): Promise<{ code: string; trust: string }> {
  let seen: { code: string; trust: string } | null = null;
  await expect
    .poll(
      async () => {
        seen = await viewer.evaluate(safetyCodeFor, name);
        return seen !== null && (trust === undefined || seen.trust === trust);
      },
      { message: `${viewer.name} shows a safety code for ${name}` },
    )
    .toBe(true);
  return seen as unknown as { code: string; trust: string };
}

test('both sides read the same six words; a mark of verification and the code outlive a reload; a new certificate warns', async ({
  alice,
  bob,
  roomId,
}) => {
  await joinWithCameraOff(alice, roomId);
  await joinWithCameraOff(bob, roomId);
  const aliceSees = await codeSeenBy(alice, 'Bob');
  const bobSees = await codeSeenBy(bob, 'Alice');
  expect(aliceSees.code).toMatch(/^[a-z]+( [a-z]+){5}$/);
  expect(bobSees.code).toBe(aliceSees.code);
  expect(aliceSees.trust).toBe('unverified');
  await expect(
    alice.page.getByText(
      'Read this aloud to Bob. If Bob sees the same words, nobody is listening in between.',
    ),
  ).toBeVisible();

  await alice.page.getByRole('button', { name: 'Mark Bob as verified' }).click();
  await expect(alice.page.getByRole('button', { name: 'Bob is verified' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await alice.screenshot('Bob verified');

  // Bob reloads: his browser kept its certificate, so the code is the same and still verified.
  await bob.page.reload();
  await expect(bob.page.getByRole('navigation', { name: 'Call controls' })).toBeVisible();
  expect((await codeSeenBy(bob, 'Alice')).code).toBe(aliceSees.code);
  await expect
    .poll(() => alice.evaluate(safetyCodeFor, 'Bob'))
    .toEqual({ code: aliceSees.code, trust: 'verified' });

  // Bob's browser loses its certificate (a new device would have another): Alice is warned.
  await bob.page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase('meshcall-trust');
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
      }),
  );
  await bob.page.reload();
  const changed = await codeSeenBy(alice, 'Bob', 'changed');
  expect(changed.code).not.toBe(aliceSees.code);
  expect((await codeSeenBy(bob, 'Alice')).code).toBe(changed.code);
  await expect(
    alice.page.getByRole('alert').filter({ hasText: 'not the one you verified' }),
  ).toBeVisible();
  await alice.screenshot('Bob came back with another certificate');
});

test('Chromium and Firefox read the same words, and Firefox keeps its certificate', async ({
  alice,
  firefox,
  roomId,
}) => {
  test.skip(firefoxExecutable() === undefined, NO_FIREFOX);
  test.setTimeout(120_000);
  const fiona = await firefox('Fiona');
  await joinWithCameraOff(alice, roomId);
  await joinWithCameraOff(fiona, roomId);
  const aliceSees = await codeSeenBy(alice, 'Fiona');
  const fionaSees = await codeSeenBy(fiona, 'Alice');
  expect(fionaSees.code).toBe(aliceSees.code);
  // Firefox stored its RTCCertificate in IndexedDB (structured clone), for the next call.
  expect(
    await fiona.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const open = indexedDB.open('meshcall-trust');
          open.onerror = () => resolve(false);
          open.onsuccess = () => {
            const read = open.result
              .transaction('certificates')
              .objectStore('certificates')
              .get('dtls');
            read.onsuccess = () => resolve(read.result instanceof RTCCertificate);
            read.onerror = () => resolve(false);
          };
        }),
      null,
    ),
  ).toBe(true);
  await fiona.screenshot('safety code with Alice');
});

test('a relay in the middle that substitutes its own certificates connects the call, but the two codes differ', async ({
  alice,
  bob,
  roomId,
}) => {
  const relay = new KeySubstitutingRelay();
  try {
    await relay.intercept(alice.page, 'earlier');
    await relay.intercept(bob.page, 'later');
    await joinWithCameraOff(alice, roomId);
    await joinWithCameraOff(bob, roomId);
    // Both links are up: each browser finished DTLS with the relay, believing it the other.
    await expect(alice.tile('Bob')).toHaveAttribute('data-link', 'connected');
    await expect(bob.tile('Alice')).toHaveAttribute('data-link', 'connected');
    await bob.sendChat('meet at noon');
    await alice.press('Chat');
    await expect.poll(() => alice.chatMessages()).toEqual(['Bob: meet at noon']);
    expect(relay.chatRead.join('\n')).toContain('meet at noon');

    const aliceSees = await codeSeenBy(alice, 'Bob');
    const bobSees = await codeSeenBy(bob, 'Alice');
    expect(aliceSees.code).not.toBe(bobSees.code);
    await alice.screenshot('the relay is in the middle');
  } finally {
    await relay.close();
  }
});
