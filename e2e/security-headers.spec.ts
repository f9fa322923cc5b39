import { expect, test } from './support/fixtures';
import { readCspViolations } from './support/in-page';
import { startCall } from './support/participant';

test('pages carry a nonce-based CSP and the other security headers', async ({
  request,
  roomId,
}) => {
  for (const path of ['/', `/call/${roomId}`]) {
    const response = await request.get(path);
    const headers = response.headers();
    const policy = headers['content-security-policy'] ?? '';
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce, `${path} has a nonce`).toBeTruthy();
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+/);
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    // Every script Next.js rendered carries this response's nonce.
    const html = await response.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);

    expect(headers['permissions-policy']).toContain('camera=(self)');
    expect(headers['permissions-policy']).toContain('microphone=(self)');
    expect(headers['permissions-policy']).toContain('display-capture=(self)');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
  }
  // A second request gets a different nonce.
  const [first, second] = await Promise.all([request.get('/'), request.get('/')]);
  expect(first.headers()['content-security-policy']).not.toBe(
    second.headers()['content-security-policy'],
  );
});

test('a whole call runs with the headers on and without a single CSP violation', async ({
  alice,
  bob,
  roomId,
}) => {
  await startCall(alice, bob, roomId);
  await alice.page.getByRole('button', { name: 'Share screen' }).click();
  await bob.expectScreenFrom('Alice');
  await alice.page.getByRole('button', { name: 'Chat' }).click();
  await alice.page.getByRole('textbox', { name: 'Message' }).fill('hi');
  await alice.page.keyboard.press('Enter');
  await expect(bob.page.getByTestId('unread-badge')).toHaveText('1');
  for (const person of [alice, bob])
    expect(await person.evaluate(readCspViolations, null)).toEqual([]);

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
  expect(await bob.evaluate(readCspViolations, null)).toEqual([]);
});
