import { firefoxExecutable, NO_FIREFOX } from './support/browser';
import { expect, test } from './support/firefox-person';

/** Runs in the page, before the app: keeps every microphone track the page is given. */
function keepMicrophoneTracks(): void {
  const kept: MediaStreamTrack[] = [];
  (window as unknown as { __microphones: MediaStreamTrack[] }).__microphones = kept;
  // Also runs in the blank page a new tab starts with, which has no media devices.
  if (!navigator.mediaDevices) return;
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

test('Firefox: turning noise suppression off is asked of its live microphone too', async ({
  firefox,
  roomId,
}) => {
  test.skip(firefoxExecutable() === undefined, NO_FIREFOX);
  const fiona = await firefox('Fiona');
  await fiona.driver.page.evaluateOnNewDocument(keepMicrophoneTracks);
  await fiona.open(roomId);
  const byText = (text: string) => `::-p-xpath(//*[normalize-space(text())="${text}"])`;
  await fiona.driver.locator(byText('Camera, microphone and speaker')).click();
  // Firefox's fake microphone does no processing, so its settings say false whatever is asked:
  // what the live track was asked for (its constraints) is what can be read here.
  const asked = () => fiona.evaluate(microphoneConstraints, null);
  await expect.poll(asked).toMatchObject({ noiseSuppression: true, echoCancellation: true });

  await fiona.driver
    .locator('::-p-xpath(//input[@id=//label[normalize-space(.)="Noise suppression"]/@for])')
    .click();
  await expect
    .poll(asked)
    .toMatchObject({ noiseSuppression: false, echoCancellation: true, autoGainControl: true });
});

/** Runs in the page: what the live microphone was asked for, as booleans. */
function microphoneConstraints(): Record<string, unknown> | null {
  const kept = (window as unknown as { __microphones: MediaStreamTrack[] }).__microphones;
  const live = kept.filter((track) => track.readyState === 'live').at(-1);
  if (!live) return null;
  const asked = live.getConstraints();
  const flag = (value: unknown) =>
    typeof value === 'object' && value !== null
      ? ((value as { exact?: unknown; ideal?: unknown }).exact ??
        (value as { ideal?: unknown }).ideal)
      : value;
  return {
    noiseSuppression: flag(asked.noiseSuppression),
    echoCancellation: flag(asked.echoCancellation),
    autoGainControl: flag(asked.autoGainControl),
  };
}
