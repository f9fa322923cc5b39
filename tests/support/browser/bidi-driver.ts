import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { installInstrumentation } from './instrumentation';
import type { PageDriver } from './page-driver';

/**
 * One page in its own browser context of a stock Firefox, driven by puppeteer-core over WebDriver
 * BiDi (Playwright drives only its own patched Firefox). It keeps the page's console output, for
 * the report of a failed test. It drives a Chromium launched by puppeteer-core (over CDP) the same
 * way, for what Playwright cannot do: hide a page (see e2e/support/hideable-person.ts).
 *
 * Elements are found by label or text with XPath, not puppeteer's ARIA selectors: those switch on
 * Firefox's accessibility engine, which froze the page for seconds at a time while a call was
 * running (long enough for the server to drop its socket as dead).
 */
export class BidiDriver implements PageDriver {
  readonly console: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly engine: 'chromium' | 'firefox',
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

  /** A fresh browser context (own cookies and storage) with the test instrumentation. */
  static async open(
    browser: Browser,
    engine: 'chromium' | 'firefox' = 'firefox',
  ): Promise<BidiDriver> {
    const context = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.evaluateOnNewDocument('globalThis.__name ??= (fn) => fn;');
      await page.evaluateOnNewDocument(installInstrumentation);
      return new BidiDriver(context, page, engine);
    } catch (error) {
      await context.close();
      throw error;
    }
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async beforeEachLoad<Arg>(fn: (arg: Arg) => void, arg: Arg): Promise<void> {
    await this.page.evaluateOnNewDocument(fn as (arg: unknown) => void, arg);
  }

  async evaluate<Arg, Result>(fn: (arg: Arg) => Result, arg: Arg): Promise<Awaited<Result>> {
    return (await this.page.evaluate(fn as (arg: unknown) => Result, arg)) as Awaited<Result>;
  }

  async clickButton(name: string): Promise<void> {
    // By `aria-label`, or, for a button without one, by its text.
    await this.page
      .locator(
        `::-p-xpath(//button[@aria-label="${name}" or (not(@aria-label) and normalize-space(.)="${name}")])`,
      )
      .click();
  }

  async fill(label: string, text: string): Promise<void> {
    await this.page
      .locator(`::-p-xpath(//input[@id=//label[normalize-space(.)="${label}"]/@for])`)
      .fill(text);
  }

  locator(selector: string) {
    return this.page.locator(selector);
  }

  async screenshot(path: `${string}.png`): Promise<void> {
    await this.page.screenshot({ path });
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
