import type { Browser, BrowserContext, BrowserContextOptions, Page } from '@playwright/test';
import { installInstrumentation } from './instrumentation';
import type { PageDriver } from './page-driver';

/** One page in its own Chromium browser context, driven by Playwright. */
export class PlaywrightDriver implements PageDriver {
  readonly engine = 'chromium';

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  /** A fresh context (own cookies, storage, camera permission) with the test instrumentation. */
  static async open(
    browser: Browser,
    options: BrowserContextOptions = {},
  ): Promise<PlaywrightDriver> {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'], ...options });
    try {
      // Scripts run with tsx (the benchmarks) compile with esbuild's keepNames, which wraps
      // functions in a `__name` helper; serialised functions need it in the page too.
      await context.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
      await context.addInitScript(installInstrumentation);
      return new PlaywrightDriver(context, await context.newPage());
    } catch (error) {
      await context.close();
      throw error;
    }
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async beforeEachLoad<Arg>(fn: (arg: Arg) => void, arg: Arg): Promise<void> {
    await this.page.addInitScript(fn as (arg: unknown) => void, arg);
  }

  async evaluate<Arg, Result>(fn: (arg: Arg) => Result, arg: Arg): Promise<Awaited<Result>> {
    return (await this.page.evaluate(fn as (arg: unknown) => Result, arg)) as Awaited<Result>;
  }

  async clickButton(name: string): Promise<void> {
    await this.page.getByRole('button', { name, exact: true }).click();
  }

  async fill(label: string, text: string): Promise<void> {
    await this.page.getByRole('textbox', { name: label, exact: true }).fill(text);
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
