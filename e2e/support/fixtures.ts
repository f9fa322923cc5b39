import {
  test as base,
  expect,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from '@playwright/test';
import { createRoomId } from '../../lib/room-id';
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

/** One simulated person in Chromium: their own browser context (own cookies, storage, camera). */
export class Person implements Participant {
  constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  /** Opens the call link (on the suite's server, or the one at `origin`) until Join can be clicked. */
  async open(roomId: string, origin = ''): Promise<void> {
    await this.page.goto(`${origin}/call/${roomId}`);
    await expect(this.page.getByRole('button', { name: 'Join' })).toBeEnabled();
  }

  /** Opens the call, types a name and clicks Join; resolves once in the call. */
  async join(roomId: string, origin = ''): Promise<void> {
    await this.open(roomId, origin);
    await this.enter();
  }

  /** Clicks Join in the open lobby (after any toggles there); resolves once in the call. */
  async enter(): Promise<void> {
    await this.clickJoin();
    await expect(this.page.getByRole('navigation', { name: 'Call controls' })).toBeVisible();
  }

  async clickJoin(): Promise<void> {
    await this.page.getByLabel('Your name').fill(this.name);
    await this.page.getByRole('button', { name: 'Join' }).click();
  }

  async leave(): Promise<void> {
    await this.page.getByRole('button', { name: 'Leave' }).click();
    await expect(this.page.getByRole('heading', { name: 'You left the call' })).toBeVisible();
  }

  tile(name: string) {
    return this.page.locator(tileSelector(name));
  }

  remoteTiles() {
    return this.page.locator('figure[data-testid="participant-tile"]:not([data-peer-id="local"])');
  }

  /** Reads real getStats() for the tracks shown in `name`'s tile and played by their audio. */
  async inboundFrom(name: string): Promise<InboundMedia | null> {
    return this.inboundForTile(tileSelector(name));
  }

  /** Reads real getStats() for the screen share `name` is sending, as shown here. */
  async inboundScreenFrom(name: string): Promise<InboundMedia | null> {
    return this.inboundForTile(tileSelector(name, 'screen'));
  }

  screenTile(name: string) {
    return this.page.locator(tileSelector(name, 'screen'));
  }

  private async inboundForTile(selector: string): Promise<InboundMedia | null> {
    return this.page.evaluate(readInboundMedia, selector);
  }

  async tileState(name: string): Promise<TileState | null> {
    return this.page.evaluate(readTileState, tileSelector(name));
  }

  async seesScreenOf(name: string): Promise<boolean> {
    return (await this.screenTile(name).count()) > 0;
  }

  async remoteTileCount(): Promise<number> {
    return this.remoteTiles().count();
  }

  async press(control: CallControl): Promise<void> {
    await this.page.getByRole('button', { name: control, exact: true }).click();
  }

  async sendChat(text: string): Promise<void> {
    const field = this.page.getByRole('textbox', { name: 'Message' });
    if (!(await field.isVisible())) await this.press('Chat');
    await field.fill(text);
    await this.page.getByRole('button', { name: 'Send' }).click();
  }

  async chatMessages(): Promise<string[]> {
    return this.page.evaluate(readChatMessages);
  }

  async evaluate<Arg, Result>(fn: (arg: Arg) => Result, arg: Arg): Promise<Awaited<Result>> {
    return (await this.page.evaluate(fn as (arg: unknown) => Result, arg)) as Awaited<Result>;
  }

  /**
   * Waits until this person sees and hears `name`: their tile decodes new video frames and new
   * audio packets arrive, measured twice so the media is flowing, not just started.
   */
  async expectMediaFrom(
    name: string,
    { video = true, audio = true, timeout }: MediaExpectation = {},
  ): Promise<void> {
    await expect(this.tile(name)).toHaveAttribute('data-link', 'connected', { timeout });
    await expectFlowing(
      () => this.inboundFrom(name),
      { video, audio, timeout },
      `${this.name} receives media from ${name}`,
    );
  }

  /** Waits until `name`'s screen share shows here with frames decoding. */
  async expectScreenFrom(name: string): Promise<void> {
    await expect(this.screenTile(name)).toBeVisible();
    await expectFlowing(
      () => this.inboundScreenFrom(name),
      { video: true, audio: false },
      `${this.name} receives ${name}'s screen`,
    );
  }

  /** Milliseconds from this person's Join click to the first frame painted in `name`'s tile. */
  async joinToFirstFrameMs(name: string): Promise<number> {
    const handle = await this.page.waitForFunction((tileName) => {
      const probe = (
        window as unknown as {
          __probe: { joinClickedAt: number | null; firstRemoteFrameAt: Record<string, number> };
        }
      ).__probe;
      const frameAt = probe.firstRemoteFrameAt[tileName];
      return probe.joinClickedAt !== null && frameAt !== undefined
        ? frameAt - probe.joinClickedAt
        : null;
    }, name);
    return (await handle.jsonValue()) as number;
  }

  /** Offers and answers this page has sent since it loaded. */
  async descriptionsSent(): Promise<number> {
    return this.page.evaluate(
      () =>
        (window as unknown as { __probe: { descriptionsSent: number } }).__probe.descriptionsSent,
    );
  }

  /** Opens the in-call settings popover. */
  async openSettings(): Promise<void> {
    await this.page.getByRole('button', { name: 'Settings' }).click();
    await expect(this.page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  }

  /** Attaches a screenshot of this person's page to the test report. */
  async screenshot(title: string): Promise<void> {
    const info = base.info();
    const path = info.outputPath(`${this.name}-${title.replace(/[^a-z0-9]+/gi, '-')}.png`);
    await this.page.screenshot({ path });
    await info.attach(`${this.name}: ${title}`, { path, contentType: 'image/png' });
  }
}

export async function createPerson(
  browser: Browser,
  name: string,
  options: BrowserContextOptions = {},
): Promise<Person> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], ...options });
  // Scripts run with tsx (the benchmarks) compile with esbuild's keepNames, which wraps functions
  // in a `__name` helper; the serialised probe needs it in the page too.
  await context.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
  await context.addInitScript(installInstrumentation);
  const page = await context.newPage();
  return new Person(name, context, page);
}

interface CallFixtures {
  roomId: string;
  alice: Person;
  bob: Person;
  carol: Person;
  /** Adds any number of extra people; all are closed after the test. */
  people: (name: string) => Promise<Person>;
}

export const test = base.extend<CallFixtures>({
  roomId: async ({}, use) => use(createRoomId()),
  alice: async ({ browser }, use) => providePerson(browser, 'Alice', use),
  bob: async ({ browser }, use) => providePerson(browser, 'Bob', use),
  carol: async ({ browser }, use) => providePerson(browser, 'Carol', use),
  people: async ({ browser }, use) => {
    const created: Person[] = [];
    await use(async (name) => {
      const person = await createPerson(browser, name);
      created.push(person);
      return person;
    });
    for (const person of created) await person.context.close();
  },
});

async function providePerson(
  browser: Browser,
  name: string,
  use: (person: Person) => Promise<void>,
) {
  const person = await createPerson(browser, name);
  await use(person);
  await person.context.close();
}

export { expect };
