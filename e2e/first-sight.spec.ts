/**
 * What a person sees first (issue 17): whole faces in tiles laid out for the most video, and a
 * phone lobby whose Join button is on the first screen. Screenshots of both go in the report.
 */
import type { Locator } from '@playwright/test';
import { expect, test } from './support/fixtures';

/**
 * Runs in the page: for one tile's <video>, the share of the camera's picture that is on screen
 * (1 when nothing is cropped) and the area of picture shown, in CSS pixels.
 */
function pictureShown(video: HTMLVideoElement): { visible: number; area: number } {
  const box = video.getBoundingClientRect();
  const { videoWidth, videoHeight } = video;
  if (!videoWidth || !videoHeight || !box.width || !box.height) return { visible: 0, area: 0 };
  const cover = getComputedStyle(video).objectFit === 'cover';
  const scale = (cover ? Math.max : Math.min)(box.width / videoWidth, box.height / videoHeight);
  const drawnWidth = videoWidth * scale;
  const drawnHeight = videoHeight * scale;
  const shownWidth = Math.min(drawnWidth, box.width);
  const shownHeight = Math.min(drawnHeight, box.height);
  return {
    visible: (shownWidth * shownHeight) / (drawnWidth * drawnHeight),
    area: shownWidth * shownHeight,
  };
}

/**
 * The most picture `count` tiles of `aspect` could show in a `width`×`height` stage with 12 px
 * gaps, trying every column count: what the layout is measured against.
 */
function bestPossibleArea(count: number, width: number, height: number, aspect: number): number {
  let best = 0;
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (width - (columns - 1) * 12) / columns;
    const cellHeight = (height - (rows - 1) * 12) / rows;
    const tileWidth = Math.min(cellWidth, cellHeight * aspect);
    best = Math.max(best, count * tileWidth * (tileWidth / aspect));
  }
  return best;
}

async function shown(tile: Locator) {
  return tile.locator('video').first().evaluate(pictureShown);
}

test('two people on a 1280×800 window see each other whole, in the grid that shows the most video', async ({
  alice,
  bob,
  roomId,
}) => {
  for (const person of [alice, bob])
    await person.page.setViewportSize({ width: 1280, height: 800 });

  // Alone, the own camera is not cropped either.
  await alice.join(roomId);
  await expect(alice.tile('You')).toHaveAttribute('data-video', 'on');
  expect((await shown(alice.tile('You'))).visible).toBeGreaterThan(0.99);
  // A tile keeps its element, and so its picture, when the grid's cells change (here Bob takes
  // the waiting card's): a new element would blank until its player had a frame.
  const ownVideo = alice.tile('You').getByTestId('tile-video');
  await ownVideo.evaluate((video) => (video.dataset.beforeBob = 'yes'));

  await bob.join(roomId);
  await alice.expectMediaFrom('Bob');
  await bob.expectMediaFrom('Alice');
  await expect(ownVideo).toHaveAttribute('data-before-bob', 'yes');
  for (const [viewer, other] of [
    [alice, 'Bob'],
    [bob, 'Alice'],
  ] as const) {
    const stage = viewer.page.getByTestId('call-stage');
    await expect(stage).toHaveAttribute('data-columns', '2');
    const remote = await shown(viewer.tile(other));
    const own = await shown(viewer.tile('You'));
    expect(remote.visible, `${viewer.name} sees all of ${other}'s picture`).toBeGreaterThan(0.99);
    expect(own.visible).toBeGreaterThan(0.99);
    // As much picture as any column count could show on this stage.
    const { width, height, aspect } = await stage.evaluate((element) => {
      const video = document.querySelector<HTMLVideoElement>(
        'figure[data-peer-id]:not([data-peer-id="local"]) video',
      )!;
      return {
        width: element.clientWidth,
        height: element.clientHeight,
        aspect: video.videoWidth / video.videoHeight,
      };
    });
    const best = bestPossibleArea(2, width, height, aspect);
    expect(remote.area + own.area).toBeGreaterThan(0.97 * best);
    console.log(
      `${viewer.name}: ${(remote.visible * 100).toFixed(0)}% of ${other}'s picture shown, ` +
        `${(((remote.area + own.area) / (width * height)) * 100).toFixed(0)}% of the stage is video`,
    );
  }
  await alice.screenshot('two people at 1280x800');

  // Cropping is there for whoever chooses it.
  await alice.openSettings();
  await alice.page.getByLabel('Fill the tiles').check();
  await alice.page.keyboard.press('Escape');
  await expect.poll(async () => (await shown(alice.tile('Bob'))).visible).toBeLessThan(0.9);
  await alice.screenshot('two people at 1280x800, filling the tiles');
});

test('on a 390×844 phone, the lobby shows preview, name and Join without scrolling; devices fold away', async ({
  alice,
  roomId,
}) => {
  await alice.page.setViewportSize({ width: 390, height: 844 });
  await alice.open(roomId);
  const preview = alice.page
    .getByRole('region', { name: 'Camera preview' })
    .locator('video')
    .first();
  await expect
    .poll(() => preview.evaluate((video: HTMLVideoElement) => video.videoWidth))
    .toBeGreaterThan(0);

  expect(await alice.page.evaluate(() => window.scrollY)).toBe(0);
  for (const target of [
    alice.page.getByRole('button', { name: 'Join' }),
    alice.page.getByLabel('Your name'),
    preview,
  ]) {
    await expect(target).toBeInViewport({ ratio: 1 });
  }
  // The pickers are one tap away, not in the way.
  const cameraPicker = alice.page.getByRole('combobox', { name: 'Camera' });
  await expect(cameraPicker).toBeHidden();
  await alice.screenshot('phone lobby');
  await alice.page.getByText('Camera, microphone and speaker').click();
  await expect(cameraPicker).toBeVisible();
  await alice.screenshot('phone lobby with the device pickers open');
});
