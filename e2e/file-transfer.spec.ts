import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { safeFileName } from '../lib/files/file-name';
import { firefoxExecutable, NO_FIREFOX } from './support/browser';
import { expect, test, type Person } from './support/fixtures';
import { test as crossBrowserTest } from './support/firefox-person';

/** Size of the file the hash cases send; FILE_MB raises it to measure a larger one. */
const FILE_BYTES = Number(process.env.FILE_MB ?? 4) * 1024 * 1024;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Joins with the camera off: these cases move files, not pictures. */
async function joinWithoutCamera(person: Person, roomId: string): Promise<void> {
  await person.open(roomId);
  await person.page.getByRole('button', { name: 'Camera' }).click();
  await expect(person.page.getByRole('button', { name: 'Camera' })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  await person.enter();
}

/** Picks `path` in the send dialog, for `to`, and sends it. */
async function sendFile(sender: Person, path: string, to: string): Promise<void> {
  await sender.page.getByRole('button', { name: 'Send a file' }).click();
  const dialog = sender.page.getByRole('dialog', { name: 'Send a file' });
  await expect(dialog).toContainText('Up to 100 MB');
  await dialog.getByLabel('File').setInputFiles(path);
  await dialog.getByLabel('To').selectOption({ label: to });
  await dialog.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(dialog).toBeHidden();
}

function transfer(person: Person, direction: 'incoming' | 'outgoing') {
  return person.page.locator(`[data-testid="file-transfer"][data-direction="${direction}"]`);
}

test('a file goes from Chromium to Chromium with the same hash, under a safe name', async ({
  alice,
  bob,
  roomId,
}, testInfo) => {
  const content = randomBytes(FILE_BYTES);
  const name = 'report <i>1?.bin';
  const path = testInfo.outputPath(name);
  writeFileSync(path, content);
  await joinWithoutCamera(alice, roomId);
  await joinWithoutCamera(bob, roomId);
  await expect(alice.tile('Bob')).toHaveAttribute('data-link', 'connected');

  await sendFile(alice, path, 'Bob');
  const incoming = transfer(bob, 'incoming');
  await expect(incoming).toHaveAttribute('data-status', 'offered');
  // Shown as text, under the same safe name the download gets.
  await expect(incoming).toContainText(safeFileName(name));
  // Nothing flows before Bob accepts.
  await expect(incoming.getByRole('progressbar')).toHaveAttribute('value', '0');

  const started = Date.now();
  await incoming.getByRole('button', { name: 'Accept' }).click();
  await expect(incoming).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const seconds = (Date.now() - started) / 1000;
  await expect(transfer(alice, 'outgoing')).toHaveAttribute('data-status', 'done');
  console.log(
    `file transfer: ${(FILE_BYTES / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(2)} s ` +
      `(${(FILE_BYTES / 1024 / 1024 / seconds).toFixed(1)} MB/s, from Accept to received)`,
  );

  const [download] = await Promise.all([
    bob.page.waitForEvent('download'),
    incoming.getByRole('link', { name: /^Save / }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(safeFileName(name));
  expect(sha256(readFileSync(await download.path()))).toBe(sha256(content));
  await bob.screenshot('file received');
});

test('a declined file is never sent, and a transfer cancelled mid-way stops on both sides', async ({
  alice,
  bob,
  roomId,
}, testInfo) => {
  // The largest file allowed, so that the cancel lands while it is still on its way.
  const path = testInfo.outputPath('large.bin');
  writeFileSync(path, randomBytes(100 * 1024 * 1024));
  await joinWithoutCamera(alice, roomId);
  await joinWithoutCamera(bob, roomId);
  await expect(alice.tile('Bob')).toHaveAttribute('data-link', 'connected');

  await sendFile(alice, path, 'Bob');
  await transfer(bob, 'incoming').getByRole('button', { name: 'Decline' }).click();
  await expect(transfer(alice, 'outgoing')).toHaveAttribute('data-status', 'declined');
  await expect(transfer(alice, 'outgoing')).toContainText('They declined it.');
  await transfer(alice, 'outgoing').getByRole('button', { name: 'Dismiss' }).click();
  await transfer(bob, 'incoming').getByRole('button', { name: 'Dismiss' }).click();

  await sendFile(alice, path, 'Bob');
  const incoming = transfer(bob, 'incoming');
  await incoming.getByRole('button', { name: 'Accept' }).click();
  await expect
    .poll(async () => Number(await incoming.getByRole('progressbar').getAttribute('value')))
    .toBeGreaterThan(0);
  await incoming.getByRole('button', { name: 'Cancel' }).click();
  await expect(incoming).toHaveAttribute('data-status', 'cancelled');
  await expect(transfer(alice, 'outgoing')).toHaveAttribute('data-status', 'cancelled');
  await expect(transfer(alice, 'outgoing')).toContainText('They cancelled it.');
  await expect(incoming.getByRole('link', { name: /^Save / })).toHaveCount(0);
});

crossBrowserTest.describe('Chromium to Firefox', () => {
  crossBrowserTest.skip(firefoxExecutable() === undefined, NO_FIREFOX);
  crossBrowserTest.describe.configure({ timeout: 120_000 });

  crossBrowserTest(
    'a file goes from Chromium to Firefox with the same hash',
    async ({ alice, firefox, roomId }, testInfo) => {
      const fiona = await firefox('Fiona');
      const content = randomBytes(FILE_BYTES);
      const path = testInfo.outputPath('for-fiona.bin');
      writeFileSync(path, content);
      // The page's CSP keeps fetch() off blob: URLs, so the test keeps each Blob the page offers.
      await fiona.page.evaluateOnNewDocument(() => {
        const offered = new Map<string, Blob>();
        Object.assign(window, { __offeredBlobs: offered });
        const createObjectURL = URL.createObjectURL.bind(URL);
        URL.createObjectURL = (object: Blob | MediaSource) => {
          const url = createObjectURL(object);
          if (object instanceof Blob) offered.set(url, object);
          return url;
        };
      });
      await joinWithoutCamera(alice, roomId);
      await fiona.join(roomId);
      await expect(alice.tile('Fiona')).toHaveAttribute('data-link', 'connected');

      await sendFile(alice, path, 'Fiona');
      const clickIn = (label: string) =>
        fiona.evaluate((text) => {
          const button = [
            ...document.querySelectorAll('[data-testid="file-transfer"] button'),
          ].find((candidate) => candidate.textContent?.trim() === text);
          if (button instanceof HTMLButtonElement) button.click();
          return button !== undefined;
        }, label);
      await expect.poll(() => clickIn('Accept')).toBe(true);
      await expect(transfer(alice, 'outgoing')).toHaveAttribute('data-status', 'done', {
        timeout: 60_000,
      });
      // The bytes behind Firefox's download link (its Blob), hashed in the page.
      const received = await fiona.evaluate(async () => {
        const link = document.querySelector<HTMLAnchorElement>(
          '[data-testid="file-transfer"] a[download]',
        );
        if (!link) return null;
        const offered = (window as unknown as { __offeredBlobs: Map<string, Blob> }).__offeredBlobs;
        const data = await offered.get(link.href)?.arrayBuffer();
        if (!data) return null;
        const digest = await crypto.subtle.digest('SHA-256', data);
        return {
          name: link.download,
          hash: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''),
        };
      }, null);
      expect(received).toEqual({ name: 'for-fiona.bin', hash: sha256(content) });
      await fiona.screenshot('file received from Alice');
    },
  );
});
