import { execFileSync } from 'node:child_process';
import { expect, test } from './support/fixtures';

/** What ffprobe (Debian's ffmpeg) reads in a file: its streams, and how long it runs. */
function probe(path: string): { streams: string[]; seconds: number } {
  const streams = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', path],
    { encoding: 'utf8' },
  )
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  // MediaRecorder's WebM has no duration in its header: the last packet's time is its length.
  const times = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', path],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  )
    .split('\n')
    .map(Number)
    .filter((time) => Number.isFinite(time) && time > 0);
  return { streams: streams.sort(), seconds: Math.max(0, ...times) };
}

test('a 10-second recording downloads as a WebM with one video and one audio stream, and the other person sees the mark while it lasts', async ({
  alice,
  bob,
  roomId,
}, testInfo) => {
  await alice.join(roomId);
  // Bob's camera stays off: Alice's recording needs one picture, and two cores are shared.
  await bob.open(roomId);
  await bob.page.getByRole('button', { name: 'Camera' }).click();
  await bob.enter();
  await bob.expectMediaFrom('Alice');
  const mark = bob.tile('Alice').getByRole('img', { name: 'Alice is recording' });
  await expect(mark).toHaveCount(0);

  const record = alice.page.getByRole('button', { name: 'Record the call' });
  await record.click();
  await expect(record).toHaveAttribute('aria-pressed', 'true');
  await expect(mark).toBeVisible();
  // The recording's own clock, not a sleep: stop once it shows ten seconds.
  await expect(alice.page.getByTestId('recording-elapsed')).toHaveText('0:10', {
    timeout: 20_000,
  });
  await record.click();
  await expect(mark).toHaveCount(0);

  const [download] = await Promise.all([
    alice.page.waitForEvent('download'),
    alice.page.getByRole('link', { name: 'Save the recording' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^meshcall-.*\.webm$/);
  const path = testInfo.outputPath('recording.webm');
  await download.saveAs(path);
  const { streams, seconds } = probe(path);
  expect(streams).toEqual(['audio', 'video']);
  // As long as it ran from Record to Stop (which a loaded machine may click late), give or take
  // the encoder's last second.
  const [minutes, rest] = (await alice.page.getByTestId('recording-length').innerText()).split(':');
  const ran = Number(minutes) * 60 + Number(rest);
  expect(ran).toBeGreaterThanOrEqual(10);
  expect(seconds).toBeGreaterThan(9.5);
  expect(Math.abs(seconds - ran)).toBeLessThan(1.6);
  console.log(`recording: ran ${ran} s, file ${seconds.toFixed(2)} s, ${streams.join(' + ')}`);
});

test('someone who joins mid-recording sees the mark', async ({ alice, bob, roomId }) => {
  await alice.join(roomId);
  await alice.page.getByRole('button', { name: 'Record the call' }).click();
  await expect(
    alice
      .tile('You')
      .getByRole('img', { name: 'You are recording' })
      .or(alice.page.getByRole('img', { name: 'You are recording' })),
  ).toBeVisible();
  await bob.open(roomId);
  await bob.page.getByRole('button', { name: 'Camera' }).click();
  await bob.enter();
  await expect(bob.tile('Alice').getByRole('img', { name: 'Alice is recording' })).toBeVisible();
  await alice.page.getByRole('button', { name: 'Record the call' }).click();
  await expect(bob.tile('Alice').getByRole('img', { name: 'Alice is recording' })).toHaveCount(0);
});
