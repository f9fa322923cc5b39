/**
 * What a `Person` needs from a browser automation library, for one page in its own browser
 * context: load a URL, run a self-contained function in the page, click a button and fill a field
 * as a user would, take a screenshot, close. Everything else a person does (what to wait for, what
 * to read) is written once in `person.ts` on top of these, so Chromium people (Playwright) and
 * Firefox people (puppeteer-core over WebDriver BiDi) behave the same.
 */
export interface PageDriver {
  readonly engine: 'chromium' | 'firefox';
  /** The library's own page object, for what a test does beyond a person's methods. */
  readonly page: unknown;
  /** The library's own browser context object. */
  readonly context: unknown;
  goto(url: string): Promise<void>;
  /** Runs `fn(arg)` at the start of every page the person loads from now on, before its scripts. */
  beforeEachLoad<Arg>(fn: (arg: Arg) => void, arg: Arg): Promise<void>;
  /** Runs `fn(arg)` in the page. `fn` is serialised: it must not use anything from its scope. */
  evaluate<Arg, Result>(fn: (arg: Arg) => Result, arg: Arg): Promise<Awaited<Result>>;
  /** Clicks the button whose accessible name is exactly `name`, once it is there and enabled. */
  clickButton(name: string): Promise<void>;
  /** Replaces the text of the field labelled exactly `label` with `text`. */
  fill(label: string, text: string): Promise<void>;
  /** The library's own lazy locator for a CSS selector, for assertions in a test. */
  locator(selector: string): unknown;
  screenshot(path: `${string}.png`): Promise<void>;
  /** Closes the person's browser context. */
  close(): Promise<void>;
}
