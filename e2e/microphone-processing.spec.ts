import { expect, test } from './support/fixtures';

/** Runs in the page, before the app: keeps every microphone track the page is given. */
function keepMicrophoneTracks(): void {
  const kept: MediaStreamTrack[] = [];
  (window as unknown as { __microphones: MediaStreamTrack[] }).__microphones = kept;
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    kept.push(...stream.getAudioTracks());
    return stream;
  };
}

/** Runs in the page: the live microphone's settings, and how many microphones it was given. */
function microphone(): { settings: MediaTrackSettings | null; tracks: number } {
  const kept = (window as unknown as { __microphones: MediaStreamTrack[] }).__microphones;
  const live = kept.filter((track) => track.readyState === 'live');
  return { settings: live.at(-1)?.getSettings() ?? null, tracks: kept.length };
}

test('turning noise suppression off reaches the live microphone and is remembered', async ({
  alice,
  roomId,
}) => {
  await alice.page.addInitScript(keepMicrophoneTracks);
  await alice.open(roomId);
  // The lobby folds the device settings away.
  await alice.page.getByText('Camera, microphone and speaker').click();
  const noiseSuppression = alice.page.getByRole('checkbox', { name: 'Noise suppression' });
  await expect(noiseSuppression).toBeChecked();
  await expect
    .poll(async () => (await alice.page.evaluate(microphone)).settings?.noiseSuppression)
    .toBe(true);
  const { tracks: before } = await alice.page.evaluate(microphone);

  await noiseSuppression.uncheck();
  await expect
    .poll(async () => (await alice.page.evaluate(microphone)).settings)
    .toMatchObject({ noiseSuppression: false, echoCancellation: true, autoGainControl: true });
  const { tracks: after } = await alice.page.evaluate(microphone);
  console.log(
    after === before
      ? 'applied to the live microphone with applyConstraints'
      : 'the browser kept its processing after applyConstraints: the microphone was asked for again',
  );

  // Remembered: after a reload the microphone starts without it.
  await alice.page.reload();
  await alice.page.getByText('Camera, microphone and speaker').click();
  await expect(alice.page.getByRole('checkbox', { name: 'Noise suppression' })).not.toBeChecked();
  await expect(alice.page.getByRole('checkbox', { name: 'Echo cancellation' })).toBeChecked();
  await expect
    .poll(async () => (await alice.page.evaluate(microphone)).settings)
    .toMatchObject({ noiseSuppression: false, echoCancellation: true });
});
