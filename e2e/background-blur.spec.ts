import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromiumExecutable,
  FAKE_MEDIA_ARGS,
  firefoxExecutable,
  NO_FIREFOX,
} from './support/browser';
import { expect, test } from './support/firefox-person';
import { createRoomId } from '../lib/room-id';
import { readCspViolations, tileSelector } from './support/in-page';
import type { Person } from './support/fixtures';

/**
 * The camera shows ffmpeg's test pattern (colour bars, a gradient, moving text): fine detail
 * everywhere, unlike Chromium's default fake camera, a flat green picture with a small disc. Two
 * seconds at 640×360, looped by Chromium.
 */
const CAMERA_FILE = join(tmpdir(), 'meshcall-blur-camera.y4m');
execFileSync('ffmpeg', [
  ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
  ...['-i', 'testsrc2=size=640x360:rate=15', '-t', '2', '-pix_fmt', 'yuv420p', CAMERA_FILE],
]);
test.use({
  launchOptions: {
    executablePath: chromiumExecutable(),
    args: [...FAKE_MEDIA_ARGS, `--use-file-for-fake-video-capture=${CAMERA_FILE}`],
  },
});

/**
 * Runs in the page: how sharp the picture in `selector`'s video is, as the share (in %) of
 * horizontally neighbouring pixels of a small copy of it that differ sharply. Blur spreads every
 * edge over many pixels, each step small, so the share falls many times over. Null until the
 * video shows a picture with contrast (the test pattern's colour bars survive any blur).
 */
function sharpness(selector: string): number | null {
  const video = document.querySelector<HTMLVideoElement>(`${selector} video`);
  if (!video || video.readyState < 2 || video.videoWidth === 0) return null;
  const width = 160;
  const height = 90;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return null;
  context.drawImage(video, 0, 0, width, height);
  const pixels = context.getImageData(0, 0, width, height).data;
  // A blank or black picture has no sharp edges either: it does not count as blurred.
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const luma = ((pixels[i] ?? 0) + (pixels[i + 1] ?? 0) + (pixels[i + 2] ?? 0)) / 3;
    sum += luma;
    squares += luma * luma;
  }
  const count = width * height;
  if (Math.sqrt(squares / count - (sum / count) ** 2) < 20) return null;
  let sharp = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width - 1; x++) {
      const i = (y * width + x) * 4;
      let step = 0;
      for (let channel = 0; channel < 3; channel++)
        step = Math.max(
          step,
          Math.abs((pixels[i + channel] ?? 0) - (pixels[i + 4 + channel] ?? 0)),
        );
      if (step > 48) sharp++;
    }
  }
  return (100 * sharp) / (width * height);
}

const LOCAL_TILE = '[data-testid="participant-tile"][data-peer-id="local"]';

/** Polls until `viewer`'s picture in `selector` is sharper (or less sharp) than `bound`. */
async function expectSharpness(
  viewer: Person,
  selector: string,
  comparison: 'above' | 'below',
  bound: number,
  message: string,
): Promise<number> {
  let last = 0;
  const seen: number[] = [];
  await expect
    .poll(
      async () => {
        last = (await viewer.page.evaluate(sharpness, selector)) ?? -1;
        seen.push(Math.round(last * 10) / 10);
        return last >= 0 && (comparison === 'above' ? last > bound : last < bound);
      },
      { message, timeout: 40_000 },
    )
    .toBe(true)
    .catch((error: Error) => {
      throw new Error(`${error.message}\nsharpness seen: ${seen.join(' ')}; bound ${bound}`);
    });
  return last;
}

async function setBlur(person: Person, on: boolean): Promise<void> {
  const option = person.page.getByRole('checkbox', { name: /Blur my background/ });
  if (on) await option.check();
  else await option.uncheck();
}

test('blur from the lobby and mid-call changes what the other side receives, with no new offer', async ({
  alice,
  bob,
  roomId,
}) => {
  test.slow();
  // Alice turns blur on in the lobby, camera on at 360p, microphone off; Bob only watches.
  await alice.open(roomId);
  await alice.press('Microphone');
  await alice.page.getByText('Camera, microphone and speaker').click();
  await alice.page.getByLabel('Video', { exact: true }).selectOption('360p');
  await setBlur(alice, true);
  await alice.enter();
  await bob.open(roomId);
  await bob.press('Camera');
  await bob.press('Microphone');
  await bob.enter();
  await bob.expectMediaFrom('Alice', { audio: false });
  const aliceAtBob = tileSelector('Alice');
  const descriptionsBefore = await Promise.all([alice, bob].map((p) => p.descriptionsSent()));

  // Bob receives a blurred picture, and Alice sees the same in her self-view.
  const blurred = await expectSharpness(bob, aliceAtBob, 'above', -1, 'Bob sees Alice');
  const blurredSelf = (await alice.page.evaluate(sharpness, LOCAL_TILE)) ?? 0;

  // Mid-call, off: the sharp camera comes back, at several times the detail.
  await alice.openSettings();
  await setBlur(alice, false);
  const sharp = await expectSharpness(
    bob,
    aliceAtBob,
    'above',
    blurred * 3 + 1,
    'Bob sees Alice sharp again after blur is off',
  );
  await expectSharpness(
    alice,
    LOCAL_TILE,
    'above',
    blurredSelf * 3 + 1,
    'Alice sees herself sharp',
  );

  // And on again, mid-call.
  await setBlur(alice, true);
  await expectSharpness(bob, aliceAtBob, 'below', (sharp - 1) / 3, 'Bob sees Alice blurred again');
  await expectSharpness(alice, LOCAL_TILE, 'below', (sharp - 1) / 3, 'Alice sees herself blurred');
  console.log(`sharp edges at Bob: blurred ${blurred.toFixed(1)}%, unblurred ${sharp.toFixed(1)}%`);

  // All of it through replaceTrack: no offer or answer was sent, and the policy held.
  expect(await Promise.all([alice, bob].map((p) => p.descriptionsSent()))).toEqual(
    descriptionsBefore,
  );
  expect(await alice.page.evaluate(readCspViolations)).toEqual([]);
});

test('blur that cannot keep up with the camera turns itself off with a notice', async ({
  alice,
  roomId,
}) => {
  // A device too slow for blur: each camera frame costs the worker a third of a second before the
  // model even sees it, so about 3 blurred frames a second come out of the camera's 15.
  await alice.page.route('**/blur/worker.js', async (route) => {
    const response = await route.fetch();
    const slowDevice = `{
      const resize = self.createImageBitmap.bind(self);
      self.createImageBitmap = (...args) => {
        const until = performance.now() + 330;
        while (performance.now() < until);
        return resize(...args);
      };
    }\n`;
    await route.fulfill({ response, body: slowDevice + (await response.text()) });
  });

  await alice.open(roomId);
  await alice.press('Microphone');
  await alice.page.getByText('Camera, microphone and speaker').click();
  await setBlur(alice, true);
  await alice.enter();

  await expect(alice.page.getByTestId('notice')).toContainText(
    'could not keep up with the camera',
    { timeout: 30_000 },
  );
  await alice.openSettings();
  await expect(alice.page.getByRole('checkbox', { name: /Blur my background/ })).not.toBeChecked();
  // The camera itself is back in the self-view, moving at its own pace again. Counted per
  // element: the tile swaps its <video> once the camera's stream has a frame.
  const framesShown = () =>
    alice.page.evaluate((selector) => {
      const video = document.querySelector<HTMLVideoElement>(`${selector} video`);
      if (!video) return 0;
      const page = window as unknown as { __framesFrom?: WeakMap<HTMLVideoElement, number> };
      page.__framesFrom ??= new WeakMap();
      const total = video.getVideoPlaybackQuality().totalVideoFrames;
      if (!page.__framesFrom.has(video)) page.__framesFrom.set(video, total);
      return total - (page.__framesFrom.get(video) ?? total);
    }, LOCAL_TILE);
  await expect.poll(framesShown, { timeout: 10_000 }).toBeGreaterThan(10);
});

test('blur is remembered for the next call, on or off', async ({ alice, roomId }) => {
  const blurOption = alice.page.getByRole('checkbox', { name: /Blur my background/ });
  const openSettings = () => alice.page.getByText('Camera, microphone and speaker').click();
  await alice.open(roomId);
  await alice.press('Microphone');
  await openSettings();
  await expect(blurOption).not.toBeChecked();
  await setBlur(alice, true);
  await expect(alice.page.getByText('Done on this device')).toBeVisible({ timeout: 30_000 });

  // The next call's lobby starts with blur on, and it runs on the camera there.
  await alice.open(createRoomId());
  await openSettings();
  await expect(blurOption).toBeChecked();
  await expect(alice.page.getByText('Done on this device')).toBeVisible({ timeout: 30_000 });
  await setBlur(alice, false);

  await alice.open(createRoomId());
  await openSettings();
  await expect(blurOption).not.toBeChecked();
});

test('Firefox, which lacks what blur needs here, shows why instead of the option', async ({
  firefox,
  roomId,
}) => {
  test.skip(firefoxExecutable() === undefined, NO_FIREFOX);
  test.setTimeout(120_000);
  const fiona = await firefox('Fiona');
  await fiona.open(roomId);
  // The device settings load when unfolded.
  await fiona.driver.locator('::-p-xpath(//details/summary)').click();
  await fiona.driver.locator('[data-testid="blur-unavailable"]').wait();
  const reason = await fiona.evaluate(
    () => document.querySelector('[data-testid="blur-unavailable"]')?.textContent ?? null,
    null,
  );
  expect(reason).toContain('Background blur is not available here.');
  const option = await fiona.evaluate(
    () =>
      [...document.querySelectorAll('label')].some((label) =>
        label.textContent?.includes('Blur my background'),
      ),
    null,
  );
  expect(option).toBe(false);
});

test('the blur worker and model come from our origin under a policy allowing wasm and no eval', async ({
  request,
}) => {
  for (const path of ['/blur/worker.js', '/blur/selfie_segmentation_landscape.tflite']) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    const policy = response.headers()['content-security-policy'] ?? '';
    expect(policy, path).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(policy, path).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);
  }
});
