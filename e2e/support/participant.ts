import { expect } from '@playwright/test';
import type { InboundMedia, TileState } from './in-page';

/** Call controls a test presses, by accessible name. */
export type CallControl = 'Microphone' | 'Camera' | 'Share screen' | 'Chat';

/**
 * What a test can do as one person in a call, whatever browser engine they use. Chromium people
 * (`Person`, driven by Playwright) and Firefox people (`FirefoxPerson`, driven by puppeteer-core)
 * both implement it, so cross-engine cases read the same either way round.
 */
export interface Participant {
  readonly name: string;
  /** Opens the call link and waits until Join can be clicked. */
  open(roomId: string): Promise<void>;
  /** Opens the call, types a name and clicks Join; resolves once in the call. */
  join(roomId: string): Promise<void>;
  clickJoin(): Promise<void>;
  leave(): Promise<void>;
  press(control: CallControl): Promise<void>;
  /** The `data-*` state of `name`'s tile, or null if there is none. */
  tileState(name: string): Promise<TileState | null>;
  /** Whether `name`'s screen share has a tile here. */
  seesScreenOf(name: string): Promise<boolean>;
  remoteTileCount(): Promise<number>;
  inboundFrom(name: string): Promise<InboundMedia | null>;
  inboundScreenFrom(name: string): Promise<InboundMedia | null>;
  /** `timeout` is per wait, for cases where a link is rebuilt first. */
  expectMediaFrom(name: string, options?: MediaExpectation): Promise<void>;
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

export interface MediaExpectation {
  video?: boolean;
  audio?: boolean;
  /** Per wait; Playwright's expect timeout if absent. */
  timeout?: number;
}

/** Polls inbound stats until frames (and packets) arrive, then until more arrive. */
export async function expectFlowing(
  read: () => Promise<InboundMedia | null>,
  { video, audio, timeout }: { video: boolean; audio: boolean; timeout?: number },
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
      { message, timeout },
    )
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
        return (
          (!video || (now?.framesDecoded ?? 0) >= (baseline?.framesDecoded ?? 0) + 5) &&
          (!audio || (now?.audioPacketsReceived ?? 0) >= (baseline?.audioPacketsReceived ?? 0) + 10)
        );
      },
      { message: `${message} (still flowing)`, timeout },
    )
    .toBe(true);
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
