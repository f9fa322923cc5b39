/**
 * `bench:call --sfu`: calls through Janus, against the mesh, in one run.
 *
 * - Joins in SFU mode: with `MESH_MAX=2`, Ann and Ben start a call, then Cat, Dan, Eve and Fay
 *   join one after another. Cat's join moves the call to Janus; Dan's and Fay's are newcomers to
 *   an SFU room. Each join is timed from the Join click to the first frame painted from everyone
 *   already there (the 3rd, 4th and 6th person are reported).
 * - The move: Ann's and Bob's pages record every frame their tile of the other presents from
 *   Cat's click until the peer link is gone; the longest gap is reported.
 * - CPU per person: 4 people, each in their own Chromium (see mesh-cost.ts), once as a mesh and
 *   once through Janus; CPU seconds per second of call and upload per person, SFU against mesh.
 *
 * Everyone sends a 360p camera (the fake device), so six encoders fit on a small machine.
 */
import { chromium } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRoomId } from '../../lib/room-id';
import { chromiumExecutable, FAKE_MEDIA_ARGS } from '../../tests/support/browser/chromium';
import { tileSelector } from '../../tests/support/browser/in-page';
import type { Person } from '../../tests/support/browser/person';
import {
  linkEnds,
  readFrameGaps,
  type FrameGaps,
  watchFrames,
} from '../../tests/support/browser/sfu-in-page';
import { startJanus } from '../../tests/support/janus-server';
import {
  describeLoad,
  formatFigure,
  formatRatio,
  machineLoad,
  mean,
  percentile,
  printGrid,
  sum,
} from '../../tests/support/report';
import { startAppServer, type AppServer } from '../../tests/support/servers/app-server';
import { sharedBrowserCast, withPeople, type Cast } from './cast';
import { lobbyReady } from './join-round';
import { printSaturation, runMeshCost, type MeshCostRun, type PersonCost } from './mesh-cost';
import { readJoinClickedAt } from './setup-timing';

const NAMES = ['Ann', 'Ben', 'Cat', 'Dan', 'Eve', 'Fay'];
const SMOKE_NAMES = ['Ann', 'Ben', 'Cat'];
const QUALITY = '360p';

interface SfuRound {
  /** Join click to first frames from everyone there, by newcomer index (2 = the 3rd person). */
  joinMs: Record<number, number>;
  /** The longest gap between frames Ann's and Ben's tiles of each other presented in the move. */
  moveGapMs: number;
  /** Of those, the gap across the tile's change from the peer link's track to Janus's. */
  switchGapMs: number;
  /**
   * The reference from the same round: the longest gap in the same tiles while the 4th person
   * joins, with no move. On a starved machine frames stall without any move; this says how much.
   */
  quietGapMs: number;
  /** Cat's click until Ann and Ben have no peer link left. */
  moveMs: number;
}

export async function runSfuBench(options: { smoke: boolean; runs: number }): Promise<void> {
  const loadBefore = machineLoad();
  const janus = await startJanus();
  const janusEnv = { JANUS_URL: janus.url, JANUS_API_SECRET: janus.apiSecret, LOG_LEVEL: 'warn' };
  const sfuServer = await startAppServer({ env: { ...janusEnv, MESH_MAX: '2' } });
  const meshServer = await startAppServer({ env: { LOG_LEVEL: 'warn' } });
  const browser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: FAKE_MEDIA_ARGS,
  });
  const inJanus = (port: number) => port >= janus.rtpPorts.min && port <= janus.rtpPorts.max;
  const names = options.smoke ? SMOKE_NAMES : NAMES;
  const rounds: SfuRound[] = [];
  const cost: { mesh: MeshCostRun; sfu: MeshCostRun } = {
    mesh: { people: [], machineBusy: 0, mediaServerCpuSecondsPerSecond: null },
    sfu: { people: [], machineBusy: 0, mediaServerCpuSecondsPerSecond: null },
  };
  const timing = options.smoke
    ? { settleMs: 2_000, measureMs: 3_000 }
    : { settleMs: 10_000, measureMs: 20_000 };
  try {
    const cast = sharedBrowserCast(browser);
    for (let round = 1; round <= options.runs; round++) {
      rounds.push(await runSfuRound(cast, sfuServer, names, inJanus));
      process.stderr.write(`\rSFU joins: round ${round}/${options.runs}`);
    }
    process.stderr.write('\n');
    await browser.close();
    const four = ['Ann', 'Ben', 'Cat', 'Dan'];
    process.stderr.write('CPU: 4 people as a mesh\n');
    cost.mesh = await runMeshCost(meshServer, four, 'grid', timing);
    process.stderr.write('CPU: 4 people through Janus\n');
    cost.sfu = await runMeshCost(sfuServer, four, 'grid', timing, janus.pid());
  } finally {
    await browser.close().catch(() => undefined);
    await sfuServer.stop();
    await meshServer.stop();
    await janus.stop();
  }
  const load = `${describeLoad(loadBefore)} before, ${describeLoad(machineLoad())} after`;
  report(rounds, cost, options, load);
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/sfu-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(
    file,
    JSON.stringify(
      { at: new Date().toISOString(), ...options, load, timing, rounds, cost },
      null,
      2,
    ),
  );
  console.log(`Raw figures: ${file}`);
}

async function runSfuRound(
  cast: Cast,
  server: AppServer,
  names: readonly string[],
  inJanus: (port: number) => boolean,
): Promise<SfuRound> {
  const roomId = createRoomId();
  return withPeople(cast, names, async (people) => {
    for (const person of people) await person.preferQuality(QUALITY);
    const [ann, ben] = people as [Person, Person];
    await ann.join(roomId, server.url);
    await ben.join(roomId, server.url);
    await ann.expectMediaFrom(ben.name, { audio: false });
    await ben.expectMediaFrom(ann.name, { audio: false });
    const joinMs: Record<number, number> = {};
    let moveGapMs = Number.NaN;
    let switchGapMs = Number.NaN;
    let quietGapMs = Number.NaN;
    let moveMs = Number.NaN;
    for (const [index, person] of people.entries()) {
      if (index < 2) continue;
      await person.open(roomId, server.url);
      await person.waitUntil(lobbyReady, null, `${person.name}'s lobby is ready`);
      if (index === 2 || index === 3) {
        await ann.evaluate(watchFrames, tileSelector(ben.name));
        await ben.evaluate(watchFrames, tileSelector(ann.name));
      }
      await person.clickJoin();
      const clickedAt = await person.waitFor(readJoinClickedAt, null, `${person.name} clicked`);
      const framesAt = await person.waitFor(
        lastFirstFrameAt,
        names.slice(0, index),
        `${person.name} sees everyone there`,
      );
      joinMs[index] = framesAt - clickedAt;
      if (index === 2) {
        for (const moved of [ann, ben]) {
          if (!(await onlyJanus(moved, inJanus)))
            throw new Error(`${moved.name} still has a peer link two minutes after the move`);
        }
        moveMs = Date.now() - clickedAt;
        const gaps = await gapsOf(ann, ben);
        moveGapMs = Math.max(...gaps.map((seen) => seen.longest));
        switchGapMs = Math.max(...gaps.map((seen) => seen.acrossSwitch));
      }
      if (index === 3)
        quietGapMs = Math.max(...(await gapsOf(ann, ben)).map((seen) => seen.longest));
    }
    return { joinMs, moveGapMs, switchGapMs, quietGapMs, moveMs };
  });
}

/** The frame gaps in Ann's tile of Ben and in Ben's tile of Ann. */
async function gapsOf(ann: Person, ben: Person): Promise<FrameGaps[]> {
  return [
    await ann.evaluate(readFrameGaps, tileSelector(ben.name)),
    await ben.evaluate(readFrameGaps, tileSelector(ann.name)),
  ];
}

/** Polls until every open connection of `person`'s page ends at Janus (publisher and subscriber). */
async function onlyJanus(person: Person, inJanus: (port: number) => boolean): Promise<boolean> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const ends = await person.evaluate(linkEnds, null);
    if (ends.length === 2 && ends.every((end) => inJanus(end.remotePort))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function report(
  rounds: SfuRound[],
  cost: { mesh: MeshCostRun; sfu: MeshCostRun },
  options: { smoke: boolean; runs: number },
  load: string,
): void {
  console.log(
    `\nSFU mode${options.smoke ? ' (smoke: the figures mean nothing)' : ''}: ${options.runs} ` +
      `round(s), MESH_MAX=2, ${QUALITY} cameras; ${load}`,
  );
  const ordinal = ['1st', '2nd', '3rd', '4th', '5th', '6th'];
  const newcomers = [2, 3, 5].filter((index) => rounds.some((round) => index in round.joinMs));
  const figure = (values: number[], p: number) => formatFigure(percentile(values, p));
  printGrid(
    'Join → first frames painted from everyone there (ms)',
    ['', 'p50', 'p95', 'max'],
    newcomers.map((index) => {
      const values = rounds.map((round) => round.joinMs[index]!).filter(Number.isFinite);
      const what = index === 2 ? ' (moves the call to Janus)' : ' (newcomer to an SFU room)';
      return [
        `${ordinal[index]} person${what}`,
        figure(values, 50),
        figure(values, 95),
        formatFigure(Math.max(...values)),
      ];
    }),
  );
  const gaps = rounds.map((round) => round.moveGapMs);
  const switchGaps = rounds.map((round) => round.switchGapMs);
  const quietGaps = rounds.map((round) => round.quietGapMs).filter((gap) => gap >= 0);
  const moves = rounds.map((round) => round.moveMs);
  const row = (label: string, values: number[], goal = '') => [
    label,
    figure(values, 50),
    figure(values, 95),
    formatFigure(Math.max(...values)),
    goal,
  ];
  printGrid(
    "The move (3rd person joins a 2-person call): gaps in Ann's and Ben's tiles of each other",
    ['', 'p50', 'p95', 'max', 'goal'],
    [
      row('Longest received-frame gap in the move (ms)', gaps, '< 500'),
      row('  of which across the switch to Janus (ms)', switchGaps, '< 500'),
      ...(quietGaps.length > 0
        ? [row('Longest gap while the 4th joins, no move (ms)', quietGaps)]
        : []),
      row('Join click → peer links closed (ms)', moves),
    ],
  );
  if (quietGaps.length > 0) {
    const ratios = rounds
      .filter((round) => round.quietGapMs > 0)
      .map((round) => round.moveGapMs / round.quietGapMs);
    console.log(
      `Move against no move, same round (p50): ${formatRatio(percentile(ratios, 50))}: ` +
        "a ratio near 1 means the gaps are the machine's stalls, not the move's.",
    );
  }
  const rows = (['mesh', 'sfu'] as const).flatMap((mode) =>
    cost[mode].people.map((person) => [
      `${mode}: ${person.name}`,
      person.cpuSecondsPerSecond.toFixed(2),
      person.uploadKbps.toFixed(0),
      person.encodedPerSecond.toFixed(0),
      person.tiles.map((tile) => `${tile.from} ${tile.framesPerSecond.toFixed(0)}`).join(' '),
      person.tiles.map((tile) => `${tile.frameWidth}`).join(' '),
      person.layersSent.join(' ') || '—',
    ]),
  );
  printGrid(
    'CPU per person, 4 people, each in their own Chromium (CPU seconds per second of call)',
    [
      '',
      'CPU s/s',
      'upload kbit/s',
      'frames encoded/s',
      'received fps per tile',
      'widths',
      'layers encoded',
    ],
    rows,
  );
  /** One figure per person, the mean of the four in each mode, and SFU against mesh. */
  const compare = (label: string, digits: number, ofPerson: (person: PersonCost) => number) => {
    const mesh = mean(cost.mesh.people.map(ofPerson));
    const sfu = mean(cost.sfu.people.map(ofPerson));
    return [label, mesh.toFixed(digits), sfu.toFixed(digits), formatRatio(sfu / mesh)];
  };
  // Janus's CPU shared out among the four, so the SFU's figure is the whole cost of the call.
  const janusShare = (cost.sfu.mediaServerCpuSecondsPerSecond ?? 0) / cost.sfu.people.length;
  const meshCpu = mean(cost.mesh.people.map((person) => person.cpuSecondsPerSecond));
  const sfuCpu = mean(cost.sfu.people.map((person) => person.cpuSecondsPerSecond));
  printGrid(
    'Per person, mean of the four: SFU against mesh',
    ['', 'mesh', 'SFU', 'ratio'],
    [
      compare('CPU s/s', 2, (person) => person.cpuSecondsPerSecond),
      [
        'CPU s/s with a quarter of Janus',
        meshCpu.toFixed(2),
        (sfuCpu + janusShare).toFixed(2),
        formatRatio((sfuCpu + janusShare) / meshCpu),
      ],
      compare('video frames encoded/s', 0, (person) => person.encodedPerSecond),
      compare('encoding time s/s (totalEncodeTime)', 3, (person) => person.encodeSecondsPerSecond),
      compare('decoding time s/s (totalDecodeTime)', 3, (person) => person.decodeSecondsPerSecond),
      compare('video frames received/s, all tiles', 0, (person) =>
        sum(person.tiles.map((tile) => tile.framesPerSecond)),
      ),
      compare('upload kbit/s', 0, (person) => person.uploadKbps),
      [
        'machine busy',
        `${(100 * cost.mesh.machineBusy).toFixed(0)} %`,
        `${(100 * cost.sfu.machineBusy).toFixed(0)} %`,
        '',
      ],
    ],
  );
  printSaturation([cost.mesh, cost.sfu]);
}

/**
 * Runs in the page: when the first frame from the last of `remotes` was painted (epoch ms), or
 * null before every one of them has painted one. (The mesh's setup timing also waits for one
 * link per person; through Janus there are two links whatever the size of the call.)
 */
function lastFirstFrameAt(remotes: readonly string[]): number | null {
  const painted = (window as unknown as { __probe: { firstRemoteFrameAt: Record<string, number> } })
    .__probe.firstRemoteFrameAt;
  const times = remotes.map((name) => painted[name]);
  return times.some((at) => at === undefined) ? null : Math.max(...(times as number[]));
}
