import { writeFileSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';
import { launchFirefox } from '../../tests/support/browser/firefox';
import { createFirefoxPerson, type FirefoxPerson } from '../../tests/support/browser/person';
import { expect, test as chromiumTest } from './fixtures';

interface FirefoxFixtures {
  /** Adds a Firefox person; each is closed (its browser context) after the test. */
  firefox: (name: string) => Promise<FirefoxPerson>;
}

interface FirefoxWorkerFixtures {
  /**
   * The worker's Firefox, started on first use (3 to 10 s) rather than once per test, and again
   * if it has gone away.
   */
  firefoxBrowser: () => Promise<Browser>;
}

/** The Chromium fixtures (`alice`, `bob`, `carol`, `roomId`…) plus Firefox people. */
export const test = chromiumTest.extend<FirefoxFixtures, FirefoxWorkerFixtures>({
  firefoxBrowser: [
    async ({}, use) => {
      const started: { browser: Promise<Browser> | null } = { browser: null };
      await use(async () => {
        if (started.browser && !(await started.browser).connected) started.browser = null;
        started.browser ??= launchFirefox();
        return started.browser;
      });
      if (started.browser) await (await started.browser).close();
    },
    { scope: 'worker' },
  ],
  firefox: async ({ baseURL, firefoxBrowser }, use, testInfo) => {
    const created: FirefoxPerson[] = [];
    await use(async (name) => {
      const person = await createFirefoxPerson(await firefoxBrowser(), name, baseURL ?? '');
      created.push(person);
      return person;
    });
    for (const person of created) {
      if (testInfo.status !== testInfo.expectedStatus) {
        await person.screenshot('at failure').catch(() => undefined);
        const path = testInfo.outputPath(`${person.name}-firefox-console.txt`);
        writeFileSync(path, person.driver.console.join('\n') || '(nothing logged)');
        await testInfo.attach(`${person.name} (Firefox) console`, {
          path,
          contentType: 'text/plain',
        });
      }
      await person.close().catch(() => undefined);
    }
  },
});

export { expect, type FirefoxPerson };
