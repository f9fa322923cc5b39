import { firefoxExecutable, NO_FIREFOX } from './support/browser';
import { expect, test } from './support/firefox-person';
import type { Participant } from './support/participant';

// Chromium ↔ Firefox: every case has at least one person in each engine.
test.skip(!firefoxExecutable(), NO_FIREFOX);

/** Both join (in this order) and each sees and hears the other. */
async function startCall(first: Participant, second: Participant, roomId: string): Promise<void> {
  await first.join(roomId);
  await second.join(roomId);
  await first.expectMediaFrom(second.name);
  await second.expectMediaFrom(first.name);
}

test('Chromium starts the call, Firefox joins: video and audio flow both ways', async ({
  alice,
  firefox,
  roomId,
}) => {
  const fiona = await firefox('Fiona');
  await startCall(alice, fiona, roomId);
  expect(await alice.remoteTileCount()).toBe(1);
  expect(await fiona.remoteTileCount()).toBe(1);
  await fiona.screenshot('in a call with Alice');
});

test('Firefox starts the call, Chromium joins: video and audio flow both ways', async ({
  alice,
  firefox,
  roomId,
}) => {
  const fiona = await firefox('Fiona');
  await startCall(fiona, alice, roomId);
  await alice.screenshot('in a call with Fiona');
});
