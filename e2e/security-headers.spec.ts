import type { APIResponse } from '@playwright/test';
import { startAppServer, type AppCommand, type AppServer } from './support/app-server';
import { expect, test, type Person } from './support/fixtures';
import { readCspViolations } from './support/in-page';
import { E2E_PORT } from './support/ports';

/** Every way the app can be started: each must send the same headers (`next dev` allows eval). */
const WAYS: { command: AppCommand; title: string }[] = [
  { command: 'custom-server', title: 'the custom server (npm start)' },
  { command: 'next-start', title: 'plain next start' },
  { command: 'next-dev', title: 'plain next dev' },
];

for (const { command, title } of WAYS) {
  test.describe(`started by ${title}`, () => {
    // The custom server is the suite's own; the others are started here, once for the file.
    let server: AppServer | null = null;
    test.beforeAll(async () => {
      if (command !== 'custom-server') server = await startAppServer({ command });
    });
    test.afterAll(async () => server?.stop());
    const origin = () => server?.url ?? `http://127.0.0.1:${E2E_PORT}`;
    const signalingPort = () => server?.signalingPort ?? E2E_PORT;

    test('every page, prefetch and error page carries a nonce-based CSP and the other security headers', async ({
      request,
      roomId,
    }) => {
      const prefetch = { purpose: 'prefetch' };
      const routerPrefetch = { 'next-router-prefetch': '1', rsc: '1' };
      const requests: [string, Record<string, string>][] = [
        ['/', {}],
        [`/call/${roomId}`, {}],
        ['/check', {}],
        ['/', prefetch],
        [`/call/${roomId}`, prefetch],
        [`/call/${roomId}`, routerPrefetch],
        // No such file: a 404 page, with scripts.
        ['/favicon.ico', {}],
      ];
      for (const [path, headers] of requests) {
        const response = await request.get(`${origin()}${path}`, { headers });
        await expectProtected(response, `${path} ${JSON.stringify(headers)}`);
      }
      const [first, second] = await Promise.all([
        request.get(`${origin()}/`),
        request.get(`${origin()}/`),
      ]);
      expect(first.headers()['content-security-policy']).not.toBe(
        second.headers()['content-security-policy'],
      );
    });

    async function expectProtected(response: APIResponse, what: string) {
      const headers = response.headers();
      const policy = headers['content-security-policy'] ?? '';
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
      expect(nonce, `${what} has a nonce`).toBeTruthy();
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain(`connect-src 'self' ws://127.0.0.1:${signalingPort()}`);
      expect(/script-src [^;]*/.exec(policy)?.[0]).not.toContain("'unsafe-inline'");
      // Development adds eval and inline styles for React's dev tools and error overlay.
      if (command !== 'next-dev') expect(policy).not.toMatch(/unsafe-(inline|eval)/);
      if (headers['content-type']?.startsWith('text/html')) {
        // Every script Next.js rendered carries this response's nonce.
        const scripts = (await response.text()).match(/<script\b[^>]*>/g) ?? [];
        expect(scripts.length, `${what} has scripts`).toBeGreaterThan(0);
        for (const script of scripts) expect(script, what).toContain(`nonce="${nonce}"`);
      }
      expect(headers['permissions-policy']).toContain('camera=(self)');
      expect(headers['permissions-policy']).toContain('microphone=(self)');
      expect(headers['permissions-policy']).toContain('display-capture=(self)');
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['x-frame-options']).toBe('DENY');
    }

    if (command === 'next-start') return;

    test('a whole call runs with the headers on and without a single CSP violation', async ({
      alice,
      bob,
      roomId,
    }) => {
      // Under plain `next dev`, this is also the proof that it holds a real call.
      await alice.join(roomId, origin());
      await bob.join(roomId, origin());
      await alice.expectMediaFrom('Bob');
      await bob.expectMediaFrom('Alice');
      await alice.page.getByRole('button', { name: 'Share screen' }).click();
      await bob.expectScreenFrom('Alice');
      await alice.page.getByRole('button', { name: 'Chat' }).click();
      await alice.page.getByRole('textbox', { name: 'Message' }).fill('hi');
      await alice.page.keyboard.press('Enter');
      await expect(bob.page.getByTestId('unread-badge')).toHaveText('1');
      await expectNoViolations(alice, bob);

      // Injected markup with an inline handler, the classic XSS payload, does not run.
      await alice.page.evaluate(() => {
        document.body.insertAdjacentHTML(
          'beforeend',
          '<img src="/nothing-here" onerror="window.__injected = true">',
        );
      });
      // It is the one violation: the payload's inline handler, blocked.
      await expect
        .poll(() => alice.evaluate(readCspViolations, null))
        .toEqual([expect.stringMatching(/^script-src-attr/)]);
      expect(
        await alice.page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected),
      ).toBeUndefined();
      await expectNoViolations(bob);
    });
  });
}

async function expectNoViolations(...people: Person[]) {
  for (const person of people) expect(await person.evaluate(readCspViolations, null)).toEqual([]);
}
