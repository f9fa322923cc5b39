/**
 * `npm run bench:blur`: what background blur costs the person who turns it on, against the same
 * call without it, in the same run.
 *
 * Alice runs in her own Chromium (so her page's whole process tree can be read from /proc) with a
 * fake camera at the app's default quality; Bob, in another Chromium, receives her camera. Windows
 * with blur off and on alternate, each after a short settle, and each measures Alice's CPU seconds
 * per second, the frame rate of her self-view (what the blur worker puts out, when on) and the
 * frame rate Bob decodes from her. Printed with the ratio on/off; raw figures go to
 * bench/results/blur-<time>.json.
 *
 *   npm run bench:blur                   3 windows of each, 10 s each
 *   npm run bench:blur -- --rounds 5 --seconds 20
 *   npm run bench:blur -- --smoke        1 window of each, 4 s each
 */
import { chromium } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRoomId } from '../../lib/room-id';
import { chromiumExecutable, FAKE_MEDIA_ARGS } from '../../tests/support/browser/chromium';
import { readInboundMedia, tileSelector } from '../../tests/support/browser/in-page';
import { createPerson } from '../../tests/support/browser/person';
import { processTreeCpuSeconds } from '../../tests/support/process-probe';
import {
  describeLoad,
  formatFigure,
  formatRatio,
  machineLoad,
  median,
  printGrid,
} from '../../tests/support/report';
import { startAppServer } from '../../tests/support/servers/app-server';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
  },
});
const SMOKE = args.smoke ?? false;
const ROUNDS = SMOKE ? 1 : Number(args.rounds ?? 3);
const MEASURE_MS = (SMOKE ? 4 : Number(args.seconds ?? 10)) * 1000;
const SETTLE_MS = SMOKE ? 2_000 : 4_000;
const LOCAL_TILE = 'figure[data-testid="participant-tile"][data-peer-id="local"]';

interface Window {
  blur: boolean;
  cpuSecondsPerSecond: number;
  selfViewFps: number;
  receivedFps: number;
}

/** Runs in the page: counts the frames its self-view presents, from now on. */
function countSelfViewFrames(selector: string): void {
  const state = window as unknown as { __selfViewFrames?: number; __countingVideo?: Element };
  const video = document.querySelector<HTMLVideoElement>(`${selector} video`);
  if (!video || state.__countingVideo === video) return;
  state.__countingVideo = video;
  state.__selfViewFrames ??= 0;
  const onFrame = () => {
    if (state.__countingVideo !== video) return;
    state.__selfViewFrames = (state.__selfViewFrames ?? 0) + 1;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

function selfViewFrames(): number {
  return (window as unknown as { __selfViewFrames?: number }).__selfViewFrames ?? 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const loadBefore = machineLoad();
  const server = await startAppServer({ env: { LOG_LEVEL: 'warn' } });
  const aliceBrowser = await chromium.launchServer({
    executablePath: chromiumExecutable(),
    args: FAKE_MEDIA_ARGS,
  });
  const bobBrowser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: FAKE_MEDIA_ARGS,
  });
  const windows: Window[] = [];
  try {
    const alice = await createPerson(await chromium.connect(aliceBrowser.wsEndpoint()), 'Alice');
    const bob = await createPerson(bobBrowser, 'Bob');
    const roomId = createRoomId();
    await alice.open(roomId, server.url);
    await alice.press('Microphone');
    await alice.enter();
    await bob.open(roomId, server.url);
    await bob.press('Camera');
    await bob.press('Microphone');
    await bob.enter();
    await bob.expectMediaFrom('Alice', { audio: false });
    await alice.openSettings();
    const blurOption = alice.page.getByRole('checkbox', { name: /Blur my background/ });

    const measure = async (blur: boolean) => {
      if (blur) await blurOption.check();
      else await blurOption.uncheck();
      if (blur)
        await alice.page
          .getByText('Starting blur…')
          .waitFor({ state: 'detached', timeout: 60_000 });
      await sleep(SETTLE_MS);
      // The self-view's <video> may be new after the switch.
      await alice.page.evaluate(countSelfViewFrames, LOCAL_TILE);
      const read = async () => ({
        cpu: processTreeCpuSeconds(aliceBrowser.process().pid!),
        at: Date.now(),
        selfView: await alice.page.evaluate(selfViewFrames),
        received:
          (await bob.page.evaluate(readInboundMedia, tileSelector('Alice')))?.framesDecoded ?? 0,
      });
      const start = await read();
      await sleep(MEASURE_MS);
      const end = await read();
      const seconds = (end.at - start.at) / 1000;
      windows.push({
        blur,
        cpuSecondsPerSecond: (end.cpu - start.cpu) / seconds,
        selfViewFps: (end.selfView - start.selfView) / seconds,
        receivedFps: (end.received - start.received) / seconds,
      });
      process.stderr.write(`\rwindow ${windows.length}/${ROUNDS * 2}`);
    };
    for (let round = 0; round < ROUNDS; round++) {
      await measure(false);
      await measure(true);
    }
    process.stderr.write('\n');
    await alice.close();
    await bob.close();
  } finally {
    await aliceBrowser.close();
    await bobBrowser.close();
    await server.stop();
  }

  const figure = (blur: boolean, pick: (w: Window) => number) =>
    median(windows.filter((w) => w.blur === blur).map(pick));
  const rows: [string, (w: Window) => number, string][] = [
    ["Alice's Chromium, CPU s/s", (w) => w.cpuSecondsPerSecond, ''],
    ['self-view frame rate', (w) => w.selfViewFps, 'fps'],
    ['frame rate Bob decodes', (w) => w.receivedFps, 'fps'],
  ];
  printGrid(
    `Background blur, median of ${ROUNDS} window(s) of ${MEASURE_MS / 1000} s each (${describeLoad(loadBefore)})`,
    ['', 'blur off', 'blur on', 'on / off'],
    rows.map(([label, pick, unit]) => [
      label,
      formatFigure(figure(false, pick), unit),
      formatFigure(figure(true, pick), unit),
      formatRatio(figure(true, pick) / figure(false, pick)),
    ]),
  );
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/blur-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify({ loadBefore, loadAfter: machineLoad(), windows }, null, 2));
  console.log(`\nRaw figures: ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
