import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer } from './support/app-server';
import { createPerson, expect, test } from './support/fixtures';

test('the server serves HTTPS and WSS itself with TLS_CERT and TLS_KEY', async ({
  browser,
  roomId,
}) => {
  // A throwaway self-signed certificate for 127.0.0.1, made for this test.
  const directory = mkdtempSync(join(tmpdir(), 'meshcall-tls-'));
  const [cert, key] = [join(directory, 'cert.pem'), join(directory, 'key.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'pipe' },
  );
  const server = await startAppServer({ protocol: 'https', env: { TLS_CERT: cert, TLS_KEY: key } });
  const people = await Promise.all(
    ['Alice', 'Bob'].map((name) => createPerson(browser, name, { ignoreHTTPSErrors: true })),
  );
  try {
    expect(server.url).toMatch(/^https:/);
    for (const person of people) {
      const response = await person.page.goto(`${server.url}/call/${roomId}`);
      expect(response?.headers()['strict-transport-security']).toContain('max-age');
      expect(response?.headers()['content-security-policy']).toMatch(
        /connect-src 'self' wss:\/\/127\.0\.0\.1:\d+/,
      );
      await person.clickJoin();
    }
    const [alice, bob] = people as [(typeof people)[0], (typeof people)[0]];
    await bob.expectMediaFrom('Alice');
    await alice.expectMediaFrom('Bob');
    const socketUrls = await alice.page.evaluate(() =>
      (window as unknown as { __probe: { sockets: WebSocket[] } }).__probe.sockets.map(
        (socket) => socket.url,
      ),
    );
    expect(socketUrls.every((url) => url.startsWith('wss://'))).toBe(true);
  } finally {
    for (const person of people) await person.context.close();
    await server.stop();
    rmSync(directory, { recursive: true, force: true });
  }
});
