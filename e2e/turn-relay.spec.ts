import { startAppServer } from './support/app-server';
import { coturnExecutable, startCoturn, type Coturn } from './support/coturn';
import { expect, test, type Person } from './support/fixtures';

const SECRET = 'test-secret-that-only-the-server-and-coturn-know';

/** Local and remote candidate types of each connected link's selected pair, from getStats(). */
function selectedPairTypes(person: Person) {
  return person.page.evaluate(async () => {
    const probe = (window as unknown as { __probe: { peerConnections: RTCPeerConnection[] } })
      .__probe;
    const pairs: { local: string; remote: string }[] = [];
    for (const pc of probe.peerConnections) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      const reports = new Map<string, Record<string, unknown>>();
      stats.forEach((report: Record<string, unknown>) => reports.set(report.id as string, report));
      for (const report of reports.values()) {
        if (report.type !== 'transport' || !report.selectedCandidatePairId) continue;
        const pair = reports.get(report.selectedCandidatePairId as string);
        pairs.push({
          local: String(reports.get(pair?.localCandidateId as string)?.candidateType),
          remote: String(reports.get(pair?.remoteCandidateId as string)?.candidateType),
        });
      }
    }
    return pairs;
  });
}

test.describe('through a real TURN relay (coturn)', () => {
  test.skip(
    !coturnExecutable(),
    'Skipped: coturn (turnserver) is not installed; .ci/run installs it.',
  );
  let coturn: Coturn;
  test.beforeAll(async () => {
    coturn = await startCoturn(SECRET);
  });
  test.afterAll(async () => {
    await coturn.stop();
  });

  test('a relay-only call relays on both sides, with frames decoding', async ({
    alice,
    bob,
    roomId,
  }) => {
    const server = await startAppServer({
      env: { TURN_URLS: coturn.url, TURN_SECRET: SECRET, ICE_TRANSPORT_POLICY: 'relay' },
    });
    try {
      // The page never carries TURN URLs or credentials: they come over signaling, per peer.
      const html = await (await fetch(`${server.url}/call/${roomId}`)).text();
      expect(html).not.toContain(SECRET);
      expect(html).not.toContain('turn:');

      for (const person of [alice, bob]) await person.join(roomId, server.url);
      await bob.expectMediaFrom('Alice');
      await alice.expectMediaFrom('Bob');
      for (const person of [alice, bob]) {
        expect(await selectedPairTypes(person)).toEqual([{ local: 'relay', remote: 'relay' }]);
      }
      await alice.screenshot('relayed call');
    } finally {
      await server.stop();
    }
  });

  test('"Hide my IP address" in the lobby relays that person’s media', async ({
    alice,
    bob,
    roomId,
  }) => {
    const server = await startAppServer({ env: { TURN_URLS: coturn.url, TURN_SECRET: SECRET } });
    try {
      await alice.page.goto(`${server.url}/call/${roomId}`);
      const option = alice.page.getByRole('checkbox', {
        name: 'Hide my IP address from the others',
      });
      await expect(option).toBeEnabled();
      await option.check();
      await alice.clickJoin();
      await bob.join(roomId, server.url);
      await bob.expectMediaFrom('Alice');
      expect(await selectedPairTypes(alice)).toEqual([
        { local: 'relay', remote: expect.any(String) },
      ]);
      // Bob never learns Alice's own address: what he sees of her is the relay.
      expect((await selectedPairTypes(bob))[0]?.remote).toBe('relay');
    } finally {
      await server.stop();
    }
  });

  test('a wrong TURN secret fails with a clear message, not a silent spinner', async ({
    alice,
    bob,
    roomId,
  }) => {
    const server = await startAppServer({
      env: {
        TURN_URLS: coturn.url,
        TURN_SECRET: 'not-the-secret-coturn-has',
        ICE_TRANSPORT_POLICY: 'relay',
      },
    });
    try {
      for (const person of [alice, bob]) await person.join(roomId, server.url);
      for (const [viewer, other] of [
        [alice, 'Bob'],
        [bob, 'Alice'],
      ] as const) {
        await expect(viewer.tile(other)).toHaveAttribute('data-link', 'failed');
        await expect(viewer.tile(other).getByTestId('link-problem')).toContainText(
          'refused the credentials',
        );
      }
      await bob.screenshot('wrong TURN secret');
    } finally {
      await server.stop();
    }
  });

  test('a link set up after the first credentials expired still relays: the server renews them during the call', async ({
    alice,
    bob,
    roomId,
  }) => {
    test.setTimeout(90_000);
    const server = await startAppServer({
      env: {
        TURN_URLS: coturn.url,
        TURN_SECRET: SECRET,
        ICE_TRANSPORT_POLICY: 'relay',
        TURN_TTL_SECONDS: '10',
        HEARTBEAT_INTERVAL_MS: '1000',
      },
    });
    try {
      await alice.join(roomId, server.url);
      // coturn checks a credential when a relay is allocated. Alice's first ones expire while she
      // is alone; her link to Bob allocates its relay after that, with what the server sent since.
      const firstExpired = Date.now() + 11_000;
      await expect.poll(() => Date.now(), { timeout: 20_000 }).toBeGreaterThan(firstExpired);
      await bob.join(roomId, server.url);
      await bob.expectMediaFrom('Alice');
      await alice.expectMediaFrom('Bob');
      expect(await selectedPairTypes(alice)).toEqual([{ local: 'relay', remote: 'relay' }]);
    } finally {
      await server.stop();
    }
  });

  test('/check finds the relay and makes a test call through it, and names a wrong secret', async ({
    alice,
  }) => {
    for (const [secret, relay, call, text] of [
      [SECRET, 'pass', 'pass', 'The relay server works'],
      ['not-the-secret-coturn-has', 'fail', 'fail', 'refused our credentials'],
    ] as const) {
      const server = await startAppServer({ env: { TURN_URLS: coturn.url, TURN_SECRET: secret } });
      try {
        await alice.page.goto(`${server.url}/check`);
        await alice.page.getByRole('button', { name: /check/i }).first().click();
        await expect(alice.page.getByTestId('check-summary')).toBeVisible({ timeout: 30_000 });
        await expect(alice.page.locator('li[data-check="relay"]')).toHaveAttribute(
          'data-status',
          relay,
        );
        await expect(alice.page.locator('li[data-check="relay"]')).toContainText(text);
        await expect(alice.page.locator('li[data-check="relay-call"]')).toHaveAttribute(
          'data-status',
          call,
        );
        await expect(alice.page.getByTestId('check-summary')).toContainText(
          call === 'pass'
            ? 'Calls work here and across networks, even through strict firewalls.'
            : '2 things need attention',
        );
        if (call === 'pass') await alice.screenshot('check with a working relay');
      } finally {
        await server.stop();
      }
    }
  });
});
