import {
  test,
  expect,
  type Browser as PlaywrightBrowser,
  type BrowserContextOptions,
} from '@playwright/test';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import type { VideoQuality } from '../../../lib/media/video-quality';
import { PREFERENCE_KEYS } from '../../../lib/preferences';
import { BidiDriver } from './bidi-driver';
import {
  buttonReady,
  elementShown,
  fieldShown,
  headingShown,
  readChatMessages,
  readInboundMedia,
  readTileState,
  tileConnected,
  tileSelector,
  type InboundMedia,
  type TileState,
} from './in-page';
import type { PageDriver } from './page-driver';
import { PlaywrightDriver } from './playwright-driver';

/** Call controls a test presses, by accessible name. */
export type CallControl = 'Microphone' | 'Camera' | 'Share screen' | 'Chat';

const REMOTE_TILES = 'figure[data-testid="participant-tile"]:not([data-peer-id="local"])';
const CALL_CONTROLS = 'nav[aria-label="Call controls"]';

/** What `expectMediaFrom` waits for. */
export interface MediaExpectation {
  video?: boolean;
  audio?: boolean;
  /** Per wait, for cases where a link is rebuilt first; the person's own timeout if absent. */
  timeout?: number;
}

export interface PersonSettings {
  /** Where `open` goes when given no origin; '' for a page whose context has a base URL. */
  baseURL?: string;
  /** How long each wait may take; Playwright's expect timeout when not given. */
  waitTimeoutMs?: number;
}

/**
 * One simulated person in a call, in their own browser context, in any engine: what they do is
 * written here once, on top of a small driver (`PlaywrightDriver` for Chromium, `BidiDriver` for a
 * stock Firefox). Every wait reads the page's state with the same in-page functions (in-page.ts)
 * and polls it the same way, so both engines wait for the same things.
 *
 * `page`, `context` and the `tile` locators are the driver's own objects, for what a test checks
 * beyond these methods (Playwright's, for the Chromium people of the fixtures).
 */
export class Person<Driver extends PageDriver = PlaywrightDriver> {
  constructor(
    readonly name: string,
    readonly driver: Driver,
    private readonly settings: PersonSettings = {},
  ) {}

  get page(): Driver['page'] {
    return this.driver.page;
  }

  get context(): Driver['context'] {
    return this.driver.context;
  }

  /**
   * Makes `quality` this person's remembered camera quality from the next page load on, as if
   * they had chosen it before ('audio-only' keeps the camera off, for people whose video a case
   * does not check).
   */
  async preferQuality(quality: VideoQuality): Promise<void> {
    await this.driver.beforeEachLoad(({ key, value }) => localStorage.setItem(key, value), {
      key: PREFERENCE_KEYS.quality,
      value: quality,
    });
  }

  /** Opens the call link (at `origin`, or the person's base URL) until Join can be clicked. */
  async open(roomId: string, origin = this.settings.baseURL ?? ''): Promise<void> {
    await this.driver.goto(`${origin}/call/${roomId}`);
    await this.waitUntil(buttonReady, 'Join', `${this.name} can click Join`);
  }

  /** Opens the call, types a name and clicks Join; resolves once in the call. */
  async join(roomId: string, origin?: string): Promise<void> {
    await this.open(roomId, origin);
    await this.enter();
  }

  /** Clicks Join in the open lobby (after any toggles there); resolves once in the call. */
  async enter(): Promise<void> {
    await this.clickJoin();
    await this.waitUntil(elementShown, CALL_CONTROLS, `${this.name} is in the call`);
  }

  /** Types this person's name in the lobby and clicks Join, without waiting for the call. */
  async clickJoin(): Promise<void> {
    await this.driver.fill('Your name', this.name);
    await this.driver.clickButton('Join');
  }

  async leave(): Promise<void> {
    await this.driver.clickButton('Leave');
    await this.waitUntil(headingShown, 'You left the call', `${this.name} has left`);
  }

  async press(control: CallControl): Promise<void> {
    await this.driver.clickButton(control);
  }

  /** Opens the in-call settings popover. */
  async openSettings(): Promise<void> {
    await this.driver.clickButton('Settings');
    await this.waitUntil(headingShown, 'Settings', `${this.name} sees the settings`);
  }

  /** Opens the chat panel if needed and sends `text`. */
  async sendChat(text: string): Promise<void> {
    if (!(await this.evaluate(fieldShown, 'Message'))) await this.press('Chat');
    await this.driver.fill('Message', text);
    await this.driver.clickButton('Send');
  }

  /** Every message in the chat panel (when it is open), as "sender: text" lines. */
  chatMessages(): Promise<string[]> {
    return this.evaluate(readChatMessages, null);
  }

  /** The tile showing `name`'s camera, as the driver's locator. */
  tile(name: string): ReturnType<Driver['locator']> {
    return this.driver.locator(tileSelector(name)) as ReturnType<Driver['locator']>;
  }

  /** The tile showing `name`'s screen share, as the driver's locator. */
  screenTile(name: string): ReturnType<Driver['locator']> {
    return this.driver.locator(tileSelector(name, 'screen')) as ReturnType<Driver['locator']>;
  }

  /** Every tile of another person, as the driver's locator. */
  remoteTiles(): ReturnType<Driver['locator']> {
    return this.driver.locator(REMOTE_TILES) as ReturnType<Driver['locator']>;
  }

  /** The `data-*` state of `name`'s tile, or null if there is none. */
  tileState(name: string): Promise<TileState | null> {
    return this.evaluate(readTileState, tileSelector(name));
  }

  /** Whether `name`'s screen share has a tile here. */
  seesScreenOf(name: string): Promise<boolean> {
    return this.evaluate(
      (selector) => document.querySelector(selector) !== null,
      tileSelector(name, 'screen'),
    );
  }

  remoteTileCount(): Promise<number> {
    return this.evaluate((selector) => document.querySelectorAll(selector).length, REMOTE_TILES);
  }

  /** Reads real getStats() for the tracks shown in `name`'s tile and played by their audio. */
  inboundFrom(name: string): Promise<InboundMedia | null> {
    return this.evaluate(readInboundMedia, tileSelector(name));
  }

  /** Reads real getStats() for the screen share `name` is sending, as shown here. */
  inboundScreenFrom(name: string): Promise<InboundMedia | null> {
    return this.evaluate(readInboundMedia, tileSelector(name, 'screen'));
  }

  /**
   * Waits until this person sees and hears `name`: their tile says the link is connected, and
   * new video frames decode and new audio packets arrive, measured twice so the media is flowing,
   * not just started.
   */
  async expectMediaFrom(
    name: string,
    { video = true, audio = true, timeout }: MediaExpectation = {},
  ): Promise<void> {
    await this.waitUntil(
      tileConnected,
      tileSelector(name),
      `${this.name} is connected to ${name}`,
      timeout,
    );
    await this.expectFlowing(
      () => this.inboundFrom(name),
      { video, audio, timeout },
      `${this.name} receives media from ${name}`,
    );
  }

  /** Waits until `name`'s screen share shows here with frames decoding. */
  async expectScreenFrom(name: string): Promise<void> {
    await this.waitUntil(
      elementShown,
      tileSelector(name, 'screen'),
      `${this.name} shows ${name}'s screen`,
    );
    await this.expectFlowing(
      () => this.inboundScreenFrom(name),
      { video: true, audio: false },
      `${this.name} receives ${name}'s screen`,
    );
  }

  /** Milliseconds from this person's Join click to the first frame painted in `name`'s tile. */
  joinToFirstFrameMs(name: string): Promise<number> {
    return this.waitFor(
      (tileName) => {
        const probe = (
          window as unknown as {
            __probe: { joinClickedAt: number | null; firstRemoteFrameAt: Record<string, number> };
          }
        ).__probe;
        const frameAt = probe.firstRemoteFrameAt[tileName];
        return probe.joinClickedAt !== null && frameAt !== undefined
          ? frameAt - probe.joinClickedAt
          : null;
      },
      name,
      `${this.name} sees a frame from ${name}`,
    );
  }

  /** Offers and answers this page has sent since it loaded. */
  descriptionsSent(): Promise<number> {
    return this.evaluate(
      () =>
        (window as unknown as { __probe: { descriptionsSent: number } }).__probe.descriptionsSent,
      null,
    );
  }

  /**
   * Puts an animated canvas where the screen picker's result would be. Firefox's fake devices
   * include no screen, and headless Firefox has none to capture, so its getDisplayMedia finds
   * nothing; everything after it (tracks, transceivers, negotiation) is the app's own code.
   */
  async standInCanvasForScreen(): Promise<void> {
    await this.evaluate(() => {
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
          context.fillText(`Stand-in screen ${frame}`, 40, 200);
        }, 1000 / 15);
        return stream;
      };
    }, null);
  }

  /** Runs a self-contained function (see in-page.ts) in this person's page. */
  evaluate<Arg, Result>(fn: (arg: Arg) => Result, arg: Arg): Promise<Awaited<Result>> {
    return this.driver.evaluate(fn, arg);
  }

  /** Polls `predicate(arg)` in the page until it holds. */
  async waitUntil<Arg>(
    predicate: (arg: Arg) => boolean,
    arg: Arg,
    message: string,
    timeout?: number,
  ): Promise<void> {
    await expect
      .poll(() => this.evaluate(predicate, arg), this.pollOptions(message, timeout))
      .toBe(true);
  }

  /** Polls `read(arg)` in the page until it gives something other than null, and returns that. */
  async waitFor<Arg, Value>(
    read: (arg: Arg) => Value | null,
    arg: Arg,
    message: string,
  ): Promise<Value> {
    let value: Value | null = null;
    await expect
      .poll(
        async () => (value = (await this.evaluate(read, arg)) as Value | null),
        this.pollOptions(message),
      )
      .not.toBeNull();
    return value as Value;
  }

  /** Attaches a screenshot of this person's page to the running test's report. */
  async screenshot(title: string): Promise<void> {
    const info = test.info();
    const slug = `${this.name}-${this.driver.engine}-${title.replace(/[^a-z0-9]+/gi, '-')}`;
    const path = info.outputPath(`${slug}.png`) as `${string}.png`;
    await this.driver.screenshot(path);
    await info.attach(`${this.name} (${this.driver.engine}): ${title}`, {
      path,
      contentType: 'image/png',
    });
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  /** Polls inbound stats until frames (and packets) arrive, then until more arrive. */
  private async expectFlowing(
    read: () => Promise<InboundMedia | null>,
    { video, audio, timeout }: { video: boolean; audio: boolean; timeout?: number },
    message: string,
  ): Promise<void> {
    const arrived = (media: InboundMedia | null, frames: number, packets: number) =>
      (!video || (media?.framesDecoded ?? 0) > frames) &&
      (!audio || (media?.audioPacketsReceived ?? 0) > packets);
    let first: InboundMedia | null = null;
    await expect
      .poll(async () => arrived((first = await read()), 0, 0), this.pollOptions(message, timeout))
      .toBe(true);
    let baseline = first as InboundMedia | null;
    await expect
      .poll(
        async () => {
          const now = await read();
          // Counters that went down belong to a new connection (a link rebuilt): count from there.
          if (
            (now?.framesDecoded ?? 0) < (baseline?.framesDecoded ?? 0) ||
            (now?.audioPacketsReceived ?? 0) < (baseline?.audioPacketsReceived ?? 0)
          )
            baseline = now;
          return arrived(
            now,
            (baseline?.framesDecoded ?? 0) + 4,
            (baseline?.audioPacketsReceived ?? 0) + 9,
          );
        },
        this.pollOptions(`${message} (still flowing)`, timeout),
      )
      .toBe(true);
  }

  private pollOptions(
    message: string,
    timeout = this.settings.waitTimeoutMs,
  ): { message: string; timeout?: number } {
    return timeout === undefined ? { message } : { message, timeout };
  }
}

/** Anyone in a call, in either engine: what cross-engine cases are written against. */
export type Participant = Person<PageDriver>;
/** A person in a stock Firefox. */
export type FirefoxPerson = Person<BidiDriver>;

/** A Chromium person in a fresh browser context of `browser`, with the test instrumentation. */
export async function createPerson(
  browser: PlaywrightBrowser,
  name: string,
  options: BrowserContextOptions = {},
  settings: PersonSettings = {},
): Promise<Person> {
  return new Person(name, await PlaywrightDriver.open(browser, options), settings);
}

/** A Firefox person in a fresh browser context of `browser`, opening calls at `baseURL`. */
export async function createFirefoxPerson(
  browser: PuppeteerBrowser,
  name: string,
  baseURL: string,
): Promise<FirefoxPerson> {
  return new Person(name, await BidiDriver.open(browser), { baseURL });
}

/**
 * Both join (in this order) and each sees and hears the other: frames decode, audio packets
 * arrive, and the received sound is played, not just received (autoplay policies let it through).
 */
export async function startCall(
  first: Participant,
  second: Participant,
  roomId: string,
): Promise<void> {
  await first.join(roomId);
  await second.join(roomId);
  await first.expectMediaFrom(second.name);
  await second.expectMediaFrom(first.name);
  expect((await first.inboundFrom(second.name))?.audioPlaying).toBe(true);
  expect((await second.inboundFrom(first.name))?.audioPlaying).toBe(true);
}
