import puppeteer, { type Browser } from 'puppeteer-core';
import { BidiDriver } from '../../tests/support/browser/bidi-driver';
import { chromiumExecutable, FAKE_MEDIA_ARGS } from '../../tests/support/browser/chromium';
import { Person } from '../../tests/support/browser/person';

/**
 * A Chromium person whose page can really be hidden, as when its window is minimized.
 *
 * Playwright keeps every page it drives visible: it turns on focus emulation for each one, and in
 * headless Chromium its pages stay 'visible' when their window is minimized or another tab is
 * brought to the front. A Chromium driven by puppeteer-core over CDP has no such emulation:
 * minimizing its window makes `document.visibilityState` 'hidden' and fires `visibilitychange`,
 * as on a desktop, and restoring it brings both back.
 */
export type HideablePerson = Person<BidiDriver>;

/** A Chromium of its own, with the same fake devices as the Playwright people's. */
export function launchHideableChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumExecutable(),
    headless: true,
    args: FAKE_MEDIA_ARGS,
  });
}

/** A person in a fresh browser context of `browser`, opening calls at `baseURL`. */
export async function createHideablePerson(
  browser: Browser,
  name: string,
  baseURL: string,
): Promise<HideablePerson> {
  return new Person(name, await BidiDriver.open(browser, 'chromium'), { baseURL });
}

/** Minimizes the person's window (their page becomes hidden), or restores it (visible again). */
export async function setMinimized(person: HideablePerson, minimized: boolean): Promise<void> {
  const session = await person.page.createCDPSession();
  try {
    const { windowId } = await session.send('Browser.getWindowForTarget');
    await session.send('Browser.setWindowBounds', {
      windowId,
      bounds: { windowState: minimized ? 'minimized' : 'normal' },
    });
  } finally {
    await session.detach();
  }
}
