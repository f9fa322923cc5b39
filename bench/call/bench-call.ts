/**
 * `npm run bench:call`: how fast people get into a call, against what WebRTC itself costs on this
 * machine, measured in the same run.
 *
 * Rounds alternate, so both kinds see the same machine: a floor round (bare RTCPeerConnections
 * signaled through a bare relay, see floor-peer.ts), then a round of the app (the production
 * server and the real call page), and again. In each, Ann is there first, then Ben, Cat and Dan
 * join one after another, each in a fresh browser context of one Chromium with fake cameras. Every
 * join figure is printed with its ratio to the floor's figure for as many links, with a breakdown
 * of where the time goes; then the app's other figures and its first-load JavaScript. Raw figures
 * go to bench/results/call-<time>.json.
 *
 *   npm run bench:call                 10 rounds of each (after one of each to warm up)
 *   npm run bench:call -- --runs 30    more rounds
 *   npm run bench:call -- --smoke      one two-person round of each: checks that it all runs
 *   npm run bench:call -- --first-load only the first-load JavaScript, script by script
 *   npm run bench:call -- --mesh-cost  what a 4-person mesh costs each person (see mesh-cost.ts);
 *                                      with --smoke, a few seconds of each way
 *   npm run bench:call -- --sfu        calls through Janus: joins, the move's frame gap, CPU per
 *                                      person against the mesh (see sfu-bench.ts); 3 rounds
 *
 * Other ways to run a call fit the same shape: a `Cast` decides where people's pages live (one
 * Chromium for all, or one per person whose CPU can be read from /proc), and a round is a function
 * of a cast and a server (the app's server could as well be started with an SFU behind it).
 */
import { chromium } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromiumExecutable, FAKE_MEDIA_ARGS } from '../../tests/support/browser/chromium';
import {
  describeLoad,
  formatFigure,
  formatRatio,
  machineLoad,
  percentile,
  printGrid,
  printTable,
  type Row,
} from '../../tests/support/report';
import { startAppServer } from '../../tests/support/servers/app-server';
import { sharedBrowserCast } from './cast';
import { measureFirstLoad, type FirstLoad } from './first-load';
import { MESH_COST_MODES, printMeshCost, runMeshCost, type MeshCostRun } from './mesh-cost';
import { runFloorRound } from './floor-round';
import { startFloorRelay } from './floor-relay';
import { runJoinRound, type JoinRound } from './join-round';
import { runSfuBench } from './sfu-bench';
import { SETUP_STEPS, type SetupTiming } from './setup-timing';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    runs: { type: 'string' },
    'mesh-cost': { type: 'boolean', default: false },
    sfu: { type: 'boolean', default: false },
    'first-load': { type: 'boolean', default: false },
  },
});
const SMOKE = args.smoke ?? false;
const RUNS = SMOKE ? 1 : Number(args.runs ?? 10);
const NAMES = SMOKE ? ['Ann', 'Ben'] : ['Ann', 'Ben', 'Cat', 'Dan'];
/** Goals for the app's p50 against the floor's, by newcomer: the 2nd person, the 3rd, the 4th. */
const GOALS = [1.15, 1.3, 1.5];
/** Goal for the call page's first-load JavaScript, gzipped. */
const FIRST_LOAD_GOAL_KB = 150;

interface Figures {
  floor: SetupTiming[][];
  ours: JoinRound[];
  firstLoad: FirstLoad;
}

async function main(): Promise<void> {
  if (args['mesh-cost']) return meshCost();
  if (args.sfu) return runSfuBench({ smoke: SMOKE, runs: args.runs ? RUNS : SMOKE ? 1 : 3 });
  const loadBefore = machineLoad();
  const server = await startAppServer({ env: { LOG_LEVEL: 'warn' } });
  const relay = await startFloorRelay();
  const browser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: FAKE_MEDIA_ARGS,
  });
  const cast = sharedBrowserCast(browser);
  try {
    const firstLoad = await measureFirstLoad(cast, server);
    if (args['first-load']) return printFirstLoad(firstLoad);
    if (!SMOKE) {
      // Not counted: the first of each warms caches, the JIT and the server.
      await runFloorRound(cast, relay, NAMES);
      await runJoinRound(cast, server, NAMES);
    }
    const figures: Figures = { floor: [], ours: [], firstLoad };
    for (let round = 1; round <= RUNS; round++) {
      figures.floor.push(await runFloorRound(cast, relay, NAMES));
      figures.ours.push(await runJoinRound(cast, server, NAMES));
      process.stderr.write(`\rround ${round}/${RUNS}`);
    }
    process.stderr.write('\n');
    const loadAfter = machineLoad();
    report(figures, `${describeLoad(loadBefore)} before, ${describeLoad(loadAfter)} after`);
    save(figures, { before: loadBefore, after: loadAfter });
  } finally {
    await browser.close();
    await relay.close();
    await server.stop();
  }
}

async function meshCost(): Promise<void> {
  const loadBefore = machineLoad();
  const server = await startAppServer({ env: { LOG_LEVEL: 'warn' } });
  const timing = SMOKE
    ? { settleMs: 2_000, measureMs: 3_000 }
    : { settleMs: 10_000, measureMs: 20_000 };
  const results = new Map<(typeof MESH_COST_MODES)[number], MeshCostRun>();
  try {
    for (const mode of MESH_COST_MODES) {
      process.stderr.write(`mesh cost: ${mode}\n`);
      results.set(mode, await runMeshCost(server, ['Ann', 'Ben', 'Cat', 'Dan'], mode, timing));
    }
  } finally {
    await server.stop();
  }
  const load = `${describeLoad(loadBefore)} before, ${describeLoad(machineLoad())} after`;
  console.log(
    `\nMesh cost${SMOKE ? ' (smoke: the figures mean nothing)' : ''}: ${timing.settleMs / 1000} s ` +
      `settling, ${timing.measureMs / 1000} s measured; ${load}`,
  );
  printMeshCost(results);
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/mesh-cost-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(
    file,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        smoke: SMOKE,
        timing,
        load,
        results: Object.fromEntries(results),
      },
      null,
      2,
    ),
  );
  console.log(`Raw figures: ${file}`);
}

function report(figures: Figures, load: string): void {
  const ordinal = ['2nd', '3rd', '4th'];
  // A step the page did not see (a 'loadeddata' that never came) counts as unknown, not as late.
  const known = (values: (number | null | undefined)[]) =>
    values.filter((value): value is number => Number.isFinite(value));
  const floorOf = (newcomer: number, step: keyof SetupTiming) =>
    known(figures.floor.map((round) => round[newcomer]?.[step]));
  const oursOf = (newcomer: number, step: keyof SetupTiming) =>
    known(figures.ours.map((round) => round.newcomers[newcomer]?.[step]));
  const newcomers = NAMES.length - 1;

  console.log(
    `\nCall setup${SMOKE ? ' (smoke: the figures mean nothing)' : ''}: ${RUNS} round(s) of each, ` +
      `floor and meshcall alternating; ${load}`,
  );
  printGrid(
    'Join → first frames from everyone there (ms): meshcall against the WebRTC floor',
    ['', 'floor p50', 'p95', 'meshcall p50', 'p95', 'ratio p50', 'ratio p95'],
    Array.from({ length: newcomers }, (_, newcomer) => {
      const floor = floorOf(newcomer, 'firstFrameMs');
      const ours = oursOf(newcomer, 'firstFrameMs');
      const links = newcomer + 1;
      return [
        `${ordinal[newcomer]} person (${links} link${links > 1 ? 's' : ''})`,
        formatFigure(percentile(floor, 50)),
        formatFigure(percentile(floor, 95)),
        formatFigure(percentile(ours, 50)),
        formatFigure(percentile(ours, 95)),
        formatRatio(percentile(ours, 50) / percentile(floor, 50), GOALS[newcomer]),
        formatRatio(percentile(ours, 95) / percentile(floor, 95)),
      ];
    }),
  );

  printGrid(
    'Where the time goes: p50 ms from the start (the Join click; the floor’s first offer) until every link has',
    [
      '',
      ...Array.from({ length: newcomers }, (_, newcomer) => [
        `${ordinal[newcomer]}: meshcall`,
        'floor',
      ]).flat(),
    ],
    SETUP_STEPS.map(([step, label]) => [
      label,
      ...Array.from({ length: newcomers }, (_, newcomer) => [
        formatFigure(percentile(oursOf(newcomer, step), 50)),
        formatFigure(percentile(floorOf(newcomer, step), 50)),
      ]).flat(),
    ]),
  );

  const restarts = [
    ...figures.floor.flat().map((timing) => ['floor', timing] as const),
    ...figures.ours
      .flatMap((round) => round.newcomers)
      .map((timing) => ['meshcall', timing] as const),
  ].filter(([, timing]) => timing.linksReplaced > 0);
  for (const [kind, timing] of restarts)
    console.log(
      `Note: in one ${kind} round a newcomer closed ${timing.linksReplaced} link(s) and made them again ` +
        `before its first frames (${formatFigure(timing.firstFrameMs)} ms).`,
    );

  const column = (pick: (round: JoinRound) => number) => figures.ours.map(pick);
  const rows: Row[] = [
    ['1st person: 2nd’s Join → first frame of the 2nd', column((r) => r.firstSeesSecondMs), 'ms'],
    ['2nd person sees the 1st mute the microphone', column((r) => r.muteSeenMs), 'ms'],
    ['2nd person sees the 1st turn the camera off', column((r) => r.cameraOffSeenMs), 'ms'],
    ['Signaling frames per 2nd join (server in + out)', column((r) => r.secondJoinMessages), ''],
    ['Signaling bytes per 2nd join (server in + out)', column((r) => r.secondJoinBytes), 'B'],
  ];
  printTable('Other meshcall figures', rows);

  printFirstLoadTotals(figures.firstLoad);
}

function printFirstLoad(firstLoad: FirstLoad): void {
  for (const page of ['call', 'home'] as const) {
    console.log(`\n${page} page scripts, gzipped:`);
    for (const script of firstLoad.scripts[page])
      console.log(`  ${(script.gzipBytes / 1024).toFixed(1).padStart(6)} kB  ${script.path}`);
  }
  printFirstLoadTotals(firstLoad);
}

function printFirstLoadTotals({ callPageKb, homePageKb }: FirstLoad): void {
  console.log(
    `\nFirst-load JavaScript, gzipped: call page until its lobby shows ${callPageKb.toFixed(1)} kB ` +
      `(goal ≤ ${FIRST_LOAD_GOAL_KB} kB, ${callPageKb <= FIRST_LOAD_GOAL_KB ? 'met' : 'MISSED'}); ` +
      `home page until loaded ${homePageKb.toFixed(1)} kB`,
  );
}

function save(figures: Figures, load: { before: unknown; after: unknown }): void {
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/call-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(
    file,
    JSON.stringify(
      { at: new Date().toISOString(), smoke: SMOKE, runs: RUNS, load, ...figures },
      null,
      2,
    ),
  );
  console.log(`Raw figures: ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
