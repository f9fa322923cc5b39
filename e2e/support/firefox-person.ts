import { writeFileSync } from 'node:fs';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { expect, test as chromiumTest } from './fixtures';
import { FIREFOX_PREFS, NO_FIREFOX, firefoxExecutable } from './browser';
import {
  readChatMessages,
  readInboundMedia,
  readTileState,
  tileSelector,
  type InboundMedia,
  type TileState,
} from './in-page';
import { installInstrumentation } from './instrumentation';
import {
  expectFlowing,
  type CallControl,
  type MediaExpectation,
  type Participant,
} from './participant';

/**
 * One simulated person in a stock Firefox, next to the Chromium people of a Playwright test.
 * Playwright cannot drive a stock Firefox, so this one is driven by puppeteer-core over WebDriver
 * BiDi: its own browser context (own cookies and storage) in a Firefox shared by the worker's
 * tests, with a fake camera and microphone, and the same instrumentation and in-page readers as
 * the Chromium fixtures.
 */
export class FirefoxPerson implements Participant {
  /** The page's console output, attached to the report when a test fails. */
  readonly console: string[] = [];

  private constructor(
    readonly name: string,
    private readonly context: BrowserContext,
    readonly page: Page,
    private readonly baseURL: string,
  ) {
    page.on('console', (message) => {
      // Errors logged as objects print as "JSHandle@error": spell out their name and message.
      void Promise.all(
        message
          .args()
          .map((arg) =>
            arg
              .evaluate((value) =>
                value instanceof Error ? `${value.name}: ${value.message}` : String(value),
              )
              .catch(() => '?'),
          ),
      ).then((parts) =>
        this.console.push(`${message.type()}: ${parts.join(' ') || message.text()}`),
      );
    });
    page.on('pageerror', (error) => this.console.push(`pageerror: ${String(error)}`));
  }

  static async create(name: string, browser: Browser, baseURL: string): Promise<FirefoxPerson> {
    const context = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.evaluateOnNewDocument(installInstrumentation);
      return new FirefoxPerson(name, context, page, baseURL);
    } catch (error) {
      await context.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  async open(roomId: string): Promise<void> {
    await this.page.goto(`${this.baseURL}/call/${roomId}`);
    await this.waitFor(
      () =>
        [...document.querySelectorAll('button')].some(
          (button) => button.textContent?.trim() === 'Join' && !button.disabled,
        ),
      `${this.name} can click Join`,
    );
  }

  async join(roomId: string): Promise<void> {
    await this.open(roomId);
    await this.clickJoin();
    await this.page.locator('nav[aria-label="Call controls"]').wait();
  }

  async clickJoin(): Promise<void> {
    await this.field('Your name').fill(this.name);
    await this.button('Join').click();
  }

  async leave(): Promise<void> {
    await this.button('Leave').click();
    await this.page.locator('::-p-xpath(//h1[normalize-space(.)="You left the call"])').wait();
  }

  async press(control: CallControl): Promise<void> {
    await this.button(control).click();
  }

  tileState(name: string): Promise<TileState | null> {
    return this.page.evaluate(readTileState, tileSelector(name));
  }

  seesScreenOf(name: string): Promise<boolean> {
    return this.page.evaluate(
      (selector) => document.querySelector(selector) !== null,
      tileSelector(name, 'screen'),
    );
  }

  remoteTileCount(): Promise<number> {
    return this.page.evaluate(
      () =>
        document.querySelectorAll(
          'figure[data-testid="participant-tile"]:not([data-peer-id="local"])',
        ).length,
    );
  }

  inboundFrom(name: string): Promise<InboundMedia | null> {
    return this.page.evaluate(readInboundMedia, tileSelector(name));
  }

  inboundScreenFrom(name: string): Promise<InboundMedia | null> {
    return this.page.evaluate(readInboundMedia, tileSelector(name, 'screen'));
  }

  async expectMediaFrom(
    name: string,
    { video = true, audio = true, timeout }: MediaExpectation = {},
  ): Promise<void> {
    await expect
      .poll(async () => (await this.tileState(name))?.link, {
        message: `${this.name} is connected to ${name}`,
        timeout,
      })
      .toBe('connected');
    await expectFlowing(
      () => this.inboundFrom(name),
      { video, audio, timeout },
      `${this.name} receives media from ${name}`,
    );
  }

  async expectScreenFrom(name: string): Promise<void> {
    await expect
      .poll(() => this.seesScreenOf(name), { message: `${this.name} shows ${name}'s screen` })
      .toBe(true);
    await expectFlowing(
      () => this.inboundScreenFrom(name),
      { video: true, audio: false },
      `${this.name} receives ${name}'s screen`,
    );
  }

  async sendChat(text: string): Promise<void> {
    const field = this.field('Message');
    const open = await this.page.evaluate(
      () => document.querySelector('[aria-label="Messages"]') !== null,
    );
    if (!open) await this.press('Chat');
    await field.fill(text);
    await this.button('Send').click();
  }

  chatMessages(): Promise<string[]> {
    return this.page.evaluate(readChatMessages);
  }

  async evaluate<Arg, Result>(fn: (arg: Arg) => Result, arg: Arg): Promise<Awaited<Result>> {
    return (await this.page.evaluate(fn as (arg: unknown) => Result, arg)) as Awaited<Result>;
  }

  /**
   * Firefox's fake devices include no screen, and headless Firefox has none to capture, so its
   * getDisplayMedia finds nothing. For cases that need Firefox to share, this puts an animated
   * canvas in place of the screen picker's result; everything after it (tracks, transceivers,
   * negotiation) is the app's own code in real Firefox.
   */
  async standInCanvasForScreen(): Promise<void> {
    await this.page.evaluate(() => {
      navigator.mediaDevices.getDisplayMedia = async () => {
        const canvas = Object.assign(document.createElement('canvas'), { width: 640, height: 360 });
        const context = canvas.getContext('2d');
        const stream = canvas.captureStream(15);
        let frame = 0;
        const timer = setInterval(() => {
          if (!context || stream.getVideoTracks()[0]?.readyState !== 'live') {
            clearInterval(timer);
            return;
          }
          context.fillStyle = `hsl(${(frame++ * 7) % 360} 70% 45%)`;
          context.fillRect(0, 0, canvas.width, canvas.height);
          context.fillStyle = '#fff';
          context.font = '48px sans-serif';
          context.fillText(`Firefox screen ${frame}`, 40, 200);
        }, 1000 / 15);
        return stream;
      };
    });
  }

  async screenshot(title: string): Promise<void> {
    const info = chromiumTest.info();
    const path = info.outputPath(
      `${this.name}-firefox-${title.replace(/[^a-z0-9]+/gi, '-')}.png`,
    ) as `${string}.png`;
    await this.page.screenshot({ path });
    await info.attach(`${this.name} (Firefox): ${title}`, { path, contentType: 'image/png' });
  }

  /*
   * Elements are found by their label or text with XPath, not puppeteer's ARIA selectors: those
   * switch on Firefox's accessibility engine, which froze the page for seconds at a time while a
   * call was running (long enough for the server to drop its socket as dead).
   */

  /** The button named `name`, by `aria-label` or, without one, by its text. */
  private button(name: string) {
    return this.page.locator(
      `::-p-xpath(//button[@aria-label="${name}" or (not(@aria-label) and normalize-space(.)="${name}")])`,
    );
  }

  /** The text field whose <label> reads `label`. */
  private field(label: string) {
    return this.page.locator(
      `::-p-xpath(//input[@id=//label[normalize-space(.)="${label}"]/@for])`,
    );
  }

  /** Polls `predicate` in the page until it holds, with Playwright's expect timeout. */
  private async waitFor(predicate: () => boolean, message: string): Promise<void> {
    await expect.poll(() => this.page.evaluate(predicate), { message }).toBe(true);
  }
}

/** Starts a headless Firefox; puppeteer gives it a fresh temporary profile, deleted on close. */
async function launchFirefox(): Promise<Browser> {
  const executablePath = firefoxExecutable();
  if (!executablePath) throw new Error(NO_FIREFOX);
  return puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    extraPrefsFirefox: FIREFOX_PREFS,
    defaultViewport: { width: 1280, height: 720 },
  });
}

interface FirefoxFixtures {
  /** Adds a Firefox participant; each is closed (its browser context) after the test. */
  firefox: (name: string) => Promise<FirefoxPerson>;
}

interface FirefoxWorkerFixtures {
  /**
   * The worker's Firefox, started on first use (3 to 10 s) rather than once per test, and again
   * if it has gone away.
   */
  firefoxBrowser: () => Promise<Browser>;
}

/** The Chromium fixtures (`alice`, `bob`, `carol`, `roomId`…) plus Firefox participants. */
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
      const person = await FirefoxPerson.create(name, await firefoxBrowser(), baseURL ?? '');
      created.push(person);
      return person;
    });
    for (const person of created) {
      if (testInfo.status !== testInfo.expectedStatus) {
        await person.screenshot('at failure').catch(() => undefined);
        const path = testInfo.outputPath(`${person.name}-firefox-console.txt`);
        writeFileSync(path, person.console.join('\n') || '(nothing logged)');
        await testInfo.attach(`${person.name} (Firefox) console`, {
          path,
          contentType: 'text/plain',
        });
      }
      await person.close().catch(() => undefined);
    }
  },
});

export { expect };
