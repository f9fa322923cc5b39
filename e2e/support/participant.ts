import { expect } from '@playwright/test';
import type { InboundMedia, TileState } from './in-page';

export type Engine = 'chromium' | 'firefox';

/** Call controls a test presses, by accessible name. */
export type CallControl = 'Microphone' | 'Camera' | 'Share screen' | 'Chat';

/**
 * What a test can do as one person in a call, whatever browser engine they use. Chromium people
 * (`Person`, driven by Playwright) and Firefox people (`FirefoxPerson`, driven by puppeteer-core)
 * both implement it, so cross-engine cases read the same either way round.
 */
export interface Participant {
  readonly name: string;
  readonly engine: Engine;
  /** Opens the call link and waits until Join can be clicked. */
  open(roomId: string): Promise<void>;
  /** Opens the call, types a name and clicks Join; resolves once in the call. */
  join(roomId: string): Promise<void>;
  clickJoin(): Promise<void>;
  leave(): Promise<void>;
  press(control: CallControl): Promise<void>;
  /** Whether a toggle control is on (`aria-pressed`). */
  isPressed(control: CallControl): Promise<boolean>;
  /** The `data-*` state of `name`'s tile, or null if there is none. */
  tileState(name: string): Promise<TileState | null>;
  /** Whether `name`'s screen share has a tile here. */
  seesScreenOf(name: string): Promise<boolean>;
  remoteTileCount(): Promise<number>;
  inboundFrom(name: string): Promise<InboundMedia | null>;
  inboundScreenFrom(name: string): Promise<InboundMedia | null>;
  expectMediaFrom(name: string, options?: { video?: boolean; audio?: boolean }): Promise<void>;
  expectScreenFrom(name: string): Promise<void>;
  /** Opens the chat panel if needed and sends `text`. */
  sendChat(text: string): Promise<void>;
  /** Every message in the chat panel (when it is open), as "sender: text" lines. */
  chatMessages(): Promise<string[]>;
  /** Attaches a screenshot of this person's page to the test report. */
  screenshot(title: string): Promise<void>;
  /** Runs a self-contained function (see in-page.ts) in this person's page. */
  evaluate<Arg, Result>(fn: (arg: Arg) => Result, arg: Arg): Promise<Awaited<Result>>;
}

/** Polls inbound stats until frames (and packets) arrive, then until more arrive. */
export async function expectFlowing(
  read: () => Promise<InboundMedia | null>,
  { video, audio }: { video: boolean; audio: boolean },
  message: string,
): Promise<void> {
  let first: InboundMedia | null = null;
  await expect
    .poll(
      async () => {
        first = await read();
        return (
          (!video || (first?.framesDecoded ?? 0) > 0) &&
          (!audio || (first?.audioPacketsReceived ?? 0) > 0)
        );
      },
      { message },
    )
    .toBe(true);
  const baseline = first as InboundMedia | null;
  await expect
    .poll(
      async () => {
        const now = await read();
        return (
          (!video || (now?.framesDecoded ?? 0) >= (baseline?.framesDecoded ?? 0) + 5) &&
          (!audio || (now?.audioPacketsReceived ?? 0) >= (baseline?.audioPacketsReceived ?? 0) + 10)
        );
      },
      { message: `${message} (still flowing)` },
    )
    .toBe(true);
}
