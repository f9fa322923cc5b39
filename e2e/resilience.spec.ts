import { startAppServer } from './support/app-server';
import { expect, test, type Person } from './support/fixtures';
import { IsolatedHost } from './support/isolated-host';
import { fuzzSignaling } from '../tests/support/fuzz-signaling';

/** The peer connections a page has open, with their states; new ones mean the call was rebuilt. */
function peerConnections(person: Person) {
  return person.page.evaluate(() =>
    (
      window as unknown as { __probe: { peerConnections: RTCPeerConnection[] } }
    ).__probe.peerConnections.map((pc) => ({
      state: pc.connectionState,
      remoteUfrag: /a=ice-ufrag:(\S+)/.exec(pc.remoteDescription?.sdp ?? '')?.[1],
    })),
  );
}

test('a dropped signaling socket mid-call: media keeps flowing, and signaling resumes', async ({
  alice,
  bob,
  roomId,
}) => {
  await alice.join(roomId);
  await bob.join(roomId);
  await bob.expectMediaFrom('Alice');
  const aliceTile = await bob.tile('Alice').getAttribute('data-peer-id');

  // The network drops Alice's socket, and stays down for it (offline mode blocks new sockets but
  // leaves WebRTC alone).
  await alice.context.setOffline(true);
  await alice.page.evaluate(() =>
    (window as unknown as { __probe: { sockets: WebSocket[] } }).__probe.sockets
      .at(-1)
      ?.close(4000, 'network fault'),
  );
  await expect(alice.page.getByTestId('signaling-status')).toContainText('Reconnecting…');
  await alice.screenshot('signaling down');
  await bob.expectMediaFrom('Alice');
  await alice.expectMediaFrom('Bob');

  await alice.context.setOffline(false);
  await expect(alice.page.getByTestId('signaling-status')).toHaveCount(0);
  // The same peer resumed: same id, same single peer connection, no tile churn.
  expect(await bob.tile('Alice').getAttribute('data-peer-id')).toBe(aliceTile);
  expect(await peerConnections(alice)).toHaveLength(1);
  // And signaling works again: a mute reaches Bob.
  await alice.page.getByRole('button', { name: 'Microphone' }).click();
  await expect(bob.tile('Alice')).toHaveAttribute('data-audio', 'off');
});

test.describe('on a real network link', () => {
  const support = IsolatedHost.available();
  test.skip(!support.ok, `Skipped: ${support.ok ? '' : support.reason}`);

  test('one side goes offline until ICE fails, comes back, and the call recovers by ICE restart', async ({
    bob,
    roomId,
  }) => {
    test.setTimeout(150_000);
    // A long resume grace, so that this outage is healed by an ICE restart rather than a rejoin.
    const server = await startAppServer({ env: { HOST: '0.0.0.0', RESUME_GRACE_MS: '90000' } });
    const network = IsolatedHost.create();
    try {
      const origin = `http://${IsolatedHost.HOST_ADDRESS}:${server.port}`;
      const alice = await network.person('Alice', origin);
      await alice.page.goto(`${origin}/call/${roomId}`);
      await alice.clickJoin();
      await bob.page.goto(`${server.url}/call/${roomId}`);
      await bob.clickJoin();
      await bob.expectMediaFrom('Alice');
      await alice.expectMediaFrom('Bob');
      const [before] = await peerConnections(bob);

      network.goOffline();
      await expect(bob.tile('Alice')).toHaveAttribute('data-link', 'reconnecting');
      // On Alice's side ICE gives up; Bob's side keeps trying restarts, so it stays "disconnected".
      await expect
        .poll(async () => (await peerConnections(alice))[0]?.state, {
          timeout: 60_000,
          message: 'ICE fails',
        })
        .toBe('failed');
      await bob.screenshot('Alice offline, reconnecting');

      network.goOnline();
      await expect(bob.tile('Alice')).toHaveAttribute('data-link', 'connected', {
        timeout: 30_000,
      });
      await bob.expectMediaFrom('Alice');
      await alice.expectMediaFrom('Bob');
      const after = await peerConnections(bob);
      // Recovered on the same connection, with new ICE credentials: an ICE restart.
      expect(after).toHaveLength(1);
      expect(after[0]?.remoteUfrag).not.toBe(before?.remoteUfrag);
      await alice.context.close();
    } finally {
      await network.dispose();
      await server.stop();
    }
  });
});

test('after a server restart, everyone reconnects and the call comes back without a click', async ({
  alice,
  bob,
  roomId,
}) => {
  test.setTimeout(90_000);
  const server = await startAppServer();
  try {
    for (const person of [alice, bob]) await person.join(roomId, server.url);
    await bob.expectMediaFrom('Alice');

    await server.restart();
    await expect(alice.page.getByTestId('signaling-status')).toHaveCount(0, { timeout: 30_000 });
    await expect(bob.page.getByTestId('signaling-status')).toHaveCount(0, { timeout: 30_000 });
    await bob.expectMediaFrom('Alice');
    await alice.expectMediaFrom('Bob');
    await expect(alice.remoteTiles()).toHaveCount(1);
    await expect(bob.remoteTiles()).toHaveCount(1);
    // Media never needed the server; this needs the new one: a mute travels over signaling.
    await alice.press('Microphone');
    await expect(bob.tile('Alice')).toHaveAttribute('data-audio', 'off');
  } finally {
    await server.stop();
  }
});

test('when a tab is killed, the others are told within 30 seconds', async ({
  alice,
  bob,
  roomId,
}) => {
  await alice.join(roomId);
  await bob.join(roomId);
  await alice.expectMediaFrom('Bob');

  const session = await bob.context.newCDPSession(bob.page);
  const killedAt = Date.now();
  // Not awaited: the DevTools call itself only returns long after the renderer is gone.
  void session.send('Page.crash').catch(() => undefined);
  await expect(alice.tile('Bob')).toHaveCount(0, { timeout: 30_000 });
  const toldAfterMs = Date.now() - killedAt;
  console.log(`Tab killed: the other side was told after ${(toldAfterMs / 1000).toFixed(1)} s`);
  expect(toldAfterMs).toBeLessThan(30_000);
});

test('after thousands of hostile frames, the server is alive and a real call still connects', async ({
  alice,
  bob,
  roomId,
}) => {
  test.setTimeout(120_000);
  // A server of its own: the fuzzer's many sockets count against its per-address limit.
  const server = await startAppServer({ env: { LOG_LEVEL: 'warn' } });
  try {
    const report = await fuzzSignaling(`${server.url.replace(/^http/, 'ws')}/ws`, 500);
    console.log(
      `Fuzz: ${report.framesSent} frames over ${report.runs} sockets (seed ${report.seed})`,
    );
    expect(report.framesSent).toBeGreaterThan(2_000);
    expect((await fetch(`${server.url}/healthz`)).ok).toBe(true);

    for (const person of [alice, bob]) await person.join(roomId, server.url);
    await bob.expectMediaFrom('Alice');
    await alice.expectMediaFrom('Bob');
  } finally {
    await server.stop();
  }
});
