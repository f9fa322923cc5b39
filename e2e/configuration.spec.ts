import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestClient } from '../tests/support/signaling-test-client';
import { startAppServer } from './support/app-server';
import { expect, test } from './support/fixtures';

test('settings from a .env file reach both signaling and the page it serves', async ({
  alice,
  roomId,
}) => {
  // The built app in a directory of its own, whose .env configures a relay (no coturn is needed:
  // nothing here connects to it).
  const dir = mkdtempSync(join(tmpdir(), 'meshcall-env-'));
  for (const entry of ['.next', 'dist', 'node_modules', 'package.json', 'next.config.js']) {
    symlinkSync(resolve(entry), join(dir, entry));
  }
  writeFileSync(
    join(dir, '.env'),
    'TURN_URLS=turn:127.0.0.1:3478\nTURN_SECRET=from-the-dot-env-file\n',
  );
  const server = await startAppServer({ cwd: dir });
  try {
    // The page offers the relay...
    await alice.page.goto(`${server.url}/call/${roomId}`);
    await expect(alice.page.getByLabel('Hide my IP address from the others')).toBeEnabled();
    // ...and signaling hands out credentials for it.
    const client = await TestClient.open(`${server.url.replace(/^http/, 'ws')}/ws`);
    client.send({ type: 'get-ice-servers' });
    const { iceServers } = await client.next('ice-servers');
    client.close();
    expect(iceServers).toEqual([
      {
        urls: ['turn:127.0.0.1:3478'],
        username: expect.any(String),
        credential: expect.any(String),
      },
    ]);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
