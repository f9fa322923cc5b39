/**
 * `bench:call --mesh-cost`: what a 4-person mesh costs each person, three ways.
 *
 * Each person runs in their own Chromium process (so each one's CPU can be read from /proc) with a
 * 1280×800 window and a fake camera. After everyone sees everyone and the call has settled, the
 * benchmark measures over a fixed window: each person's CPU seconds per second (their browser's
 * whole process tree), their upload (outbound-rtp bytes, all links), and the frame rate of every
 * tile they receive, with whether that tile is visible. The three ways:
 * - grid: everyone sees everyone in the grid, as the call opens;
 * - pinned: everyone else puts the first person full screen with the tile's own control;
 * - adaptation off: the grid, with sending adaptation turned off by its test-only switch
 *   (`localStorage['meshcall:send-adaptation'] = 'off'` before the page loads).
 */
import { chromium, type BrowserServer } from '@playwright/test';
import { createRoomId } from '../../lib/room-id';
import { chromiumExecutable, FAKE_MEDIA_ARGS } from '../../tests/support/browser/chromium';
import { tileSelector } from '../../tests/support/browser/in-page';
import { createPerson, type Person } from '../../tests/support/browser/person';
import { busyShare, machineTicks, processTreeCpuSeconds } from '../../tests/support/process-probe';
import { formatRatio, mean, printGrid, sum } from '../../tests/support/report';
import type { AppServer } from '../../tests/support/servers/app-server';

export type MeshCostMode = 'grid' | 'pinned' | 'adaptation-off';
export const MESH_COST_MODES: readonly MeshCostMode[] = ['grid', 'pinned', 'adaptation-off'];

/** The test-only switch of the sending adaptation, read by the page when it loads. */
const ADAPTATION_SWITCH = { key: 'meshcall:send-adaptation', off: 'off' };
const WINDOW = { width: 1280, height: 800 };
const WAIT_MS = 90_000;

export interface MeshCostTiming {
  settleMs: number;
  measureMs: number;
}

/** One received tile over the window. */
export interface TileFigures {
  from: string;
  framesPerSecond: number;
  /** The width of the frames last decoded, in pixels (0 if none). */
  frameWidth: number;
  /** On screen in the window, or inside the element shown full screen. */
  visible: boolean;
}

/** One way of the mesh measured: each person's cost, and how busy the whole machine was. */
export interface MeshCostRun {
  people: PersonCost[];
  /**
   * The machine's busy share over the window, 0 to 1. Near 1, the browsers took all the CPU there
   * was: each person's CPU is capped by the machine, and encoders lower their own resolution, so
   * a ratio between ways says less about the app than it seems.
   */
  machineBusy: number;
  /** The media server's CPU seconds per second over the same window, when there is one. */
  mediaServerCpuSecondsPerSecond: number | null;
}

export interface PersonCost {
  name: string;
  cpuSecondsPerSecond: number;
  uploadKbps: number;
  /** Video frames encoded per second, all links or layers together. */
  encodedPerSecond: number;
  /**
   * Seconds spent encoding video per second of call, all links or layers together (getStats'
   * `totalEncodeTime`), and decoding (`totalDecodeTime`): the media work itself, apart from what
   * the browser spends showing the page, which is the same whichever way media travels.
   */
  encodeSecondsPerSecond: number;
  decodeSecondsPerSecond: number;
  /** Simulcast layers (rids) whose encoder produced frames while measured; none in a mesh. */
  layersSent: string[];
  tiles: TileFigures[];
}

interface PageSnapshot {
  at: number;
  bytesSent: number;
  /** Frames encoded so far per simulcast rid, or per link (`link:` and its id) without one. */
  encoded: Record<string, number>;
  encodeSeconds: number;
  decodeSeconds: number;
  tiles: { from: string; framesDecoded: number; frameWidth: number; visible: boolean }[];
}

/** How `readMeshSnapshot` names an encoder that is not a simulcast layer. */
const LINK_PREFIX = 'link:';

/** Runs one way of the mesh with `names` (4 people) and returns each person's cost. */
export async function runMeshCost(
  server: AppServer,
  names: readonly string[],
  mode: MeshCostMode,
  timing: MeshCostTiming,
  /** The media server's process id, when the call goes through one: its CPU is measured too. */
  mediaServerPid: number | null = null,
): Promise<MeshCostRun> {
  const roomId = createRoomId();
  const seats: { person: Person; browser: BrowserServer }[] = [];
  try {
    for (const name of names) {
      const browser = await chromium.launchServer({
        executablePath: chromiumExecutable(),
        args: FAKE_MEDIA_ARGS,
      });
      const connected = await chromium.connect(browser.wsEndpoint());
      const person = await createPerson(
        connected,
        name,
        { viewport: WINDOW },
        { waitTimeoutMs: WAIT_MS },
      );
      seats.push({ person, browser });
      person.page.setDefaultTimeout(WAIT_MS);
      if (mode === 'adaptation-off')
        await person.context.addInitScript(
          ({ key, off }) => localStorage.setItem(key, off),
          ADAPTATION_SWITCH,
        );
      await person.join(roomId, server.url);
    }
    for (const { person } of seats)
      for (const other of names)
        if (other !== person.name) await person.expectMediaFrom(other, { audio: false });

    if (mode === 'pinned') {
      const [pinned] = names;
      for (const { person } of seats.slice(1)) {
        await person.page.getByRole('button', { name: `Full screen: ${pinned}` }).click();
        await person.waitUntil(
          (selector) => document.fullscreenElement?.matches(selector) ?? false,
          tileSelector(pinned!),
          `${person.name} shows ${pinned} full screen`,
        );
      }
    }

    await new Promise((resolve) => setTimeout(resolve, timing.settleMs));
    const readAll = () =>
      Promise.all(
        seats.map(async ({ person, browser }) => ({
          cpu: processTreeCpuSeconds(browser.process().pid!),
          page: await person.evaluate(readMeshSnapshot, { names, linkPrefix: LINK_PREFIX }),
        })),
      );
    const before = await readAll();
    const machineBefore = machineTicks();
    const mediaServerBefore = mediaServerPid === null ? 0 : processTreeCpuSeconds(mediaServerPid);
    const startedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, timing.measureMs));
    const after = await readAll();
    const machineBusy = busyShare(machineBefore, machineTicks());
    const wallSeconds = (Date.now() - startedAt) / 1000;
    const mediaServerCpuSecondsPerSecond =
      mediaServerPid === null
        ? null
        : (processTreeCpuSeconds(mediaServerPid) - mediaServerBefore) / wallSeconds;

    const people = seats.map(({ person }, index) => {
      const start = before[index]!;
      const end = after[index]!;
      const pageSeconds = (end.page.at - start.page.at) / 1000;
      return {
        name: person.name,
        cpuSecondsPerSecond: (end.cpu - start.cpu) / wallSeconds,
        uploadKbps: ((end.page.bytesSent - start.page.bytesSent) * 8) / 1000 / pageSeconds,
        encodedPerSecond:
          (sum(Object.values(end.page.encoded)) - sum(Object.values(start.page.encoded))) /
          pageSeconds,
        encodeSecondsPerSecond: (end.page.encodeSeconds - start.page.encodeSeconds) / pageSeconds,
        decodeSecondsPerSecond: (end.page.decodeSeconds - start.page.decodeSeconds) / pageSeconds,
        layersSent: Object.keys(end.page.encoded)
          .filter((key) => !key.startsWith(LINK_PREFIX))
          .filter((rid) => end.page.encoded[rid]! > (start.page.encoded[rid] ?? 0))
          .sort(),
        tiles: end.page.tiles.map((tile) => {
          const earlier = start.page.tiles.find((other) => other.from === tile.from);
          return {
            from: tile.from,
            framesPerSecond: (tile.framesDecoded - (earlier?.framesDecoded ?? 0)) / pageSeconds,
            frameWidth: tile.frameWidth,
            visible: tile.visible,
          };
        }),
      };
    });
    return { people, machineBusy, mediaServerCpuSecondsPerSecond };
  } finally {
    for (const { person, browser } of seats) {
      await person.close().catch(() => undefined);
      await browser.close();
    }
  }
}

/**
 * Runs in the page: bytes sent on every link (outbound-rtp, audio and video, with headers), and for
 * each other person's tile the video frames decoded so far, their width, and whether the tile can
 * be seen. Self-contained: it is serialised into the page.
 */
async function readMeshSnapshot({
  names,
  linkPrefix,
}: {
  names: readonly string[];
  linkPrefix: string;
}): Promise<PageSnapshot> {
  const probe = (window as unknown as { __probe: { peerConnections: RTCPeerConnection[] } })
    .__probe;
  const live = probe.peerConnections.filter((pc) => pc.connectionState !== 'closed');
  let bytesSent = 0;
  let encodeSeconds = 0;
  let decodeSeconds = 0;
  const encoded: Record<string, number> = {};
  const inbound = new Map<string, { framesDecoded: number; frameWidth: number }>();
  for (const pc of live) {
    const stats = await pc.getStats();
    stats.forEach((report: { type: string; [key: string]: unknown }) => {
      if (report.type === 'outbound-rtp')
        bytesSent += Number(report.bytesSent ?? 0) + Number(report.headerBytesSent ?? 0);
      if (report.type === 'outbound-rtp' && report.kind === 'video') {
        encoded[report.rid ? String(report.rid) : `${linkPrefix}${String(report.id)}`] = Number(
          report.framesEncoded ?? 0,
        );
        encodeSeconds += Number(report.totalEncodeTime ?? 0);
      }
      if (report.type === 'inbound-rtp' && report.kind === 'video') {
        decodeSeconds += Number(report.totalDecodeTime ?? 0);
        inbound.set(String(report.trackIdentifier), {
          framesDecoded: Number(report.framesDecoded ?? 0),
          frameWidth: Number(report.frameWidth ?? 0),
        });
      }
    });
  }
  const tiles = [];
  for (const name of names) {
    const tile = document.querySelector<HTMLElement>(
      `figure[data-testid="participant-tile"][aria-label="${name}"]`,
    );
    const video = tile?.querySelector('video');
    if (!tile || !video || tile.dataset.peerId === 'local') continue;
    const track = (video.srcObject as MediaStream | null)?.getVideoTracks()[0];
    const figures = (track && inbound.get(track.id)) ?? { framesDecoded: 0, frameWidth: 0 };
    const rect = tile.getBoundingClientRect();
    const onScreen =
      rect.width > 0 &&
      rect.height > 0 &&
      rect.bottom > 0 &&
      rect.right > 0 &&
      rect.top < window.innerHeight &&
      rect.left < window.innerWidth;
    const fullScreen = document.fullscreenElement;
    const visible =
      document.visibilityState === 'visible' && (fullScreen ? fullScreen.contains(tile) : onScreen);
    tiles.push({ from: name, ...figures, visible });
  }
  return {
    at: performance.timeOrigin + performance.now(),
    bytesSent,
    encoded,
    encodeSeconds,
    decodeSeconds,
    tiles,
  };
}

/** Goals of issue 16 for the grid with adaptation, against the grid without it. */
const GOALS = { upload: 0.5, cpu: 0.7, visibleFramesPerSecond: 15 };

/** Prints each way's per-person figures, then the ratios with adaptation against without. */
export function printMeshCost(results: ReadonlyMap<MeshCostMode, MeshCostRun>): void {
  const rows: string[][] = [];
  for (const [mode, { people }] of results) {
    for (const person of people) {
      const visible = person.tiles.filter((tile) => tile.visible);
      rows.push([
        `${mode}: ${person.name}`,
        person.cpuSecondsPerSecond.toFixed(2),
        person.uploadKbps.toFixed(0),
        person.tiles
          .map(
            (tile) => `${tile.from} ${tile.framesPerSecond.toFixed(0)}${tile.visible ? '' : '*'}`,
          )
          .join(' '),
        visible.length > 0
          ? Math.min(...visible.map((tile) => tile.framesPerSecond)).toFixed(1)
          : '—',
        person.tiles.map((tile) => `${tile.frameWidth}`).join('/'),
      ]);
    }
  }
  printGrid(
    'Mesh cost, 4 people, each in their own Chromium, 1280×800 (* = tile not visible)',
    ['', 'CPU s/s', 'upload kbit/s', 'received fps per tile', 'min visible fps', 'widths'],
    rows,
  );

  const off = results.get('adaptation-off')?.people;
  const summary = [...results].map(([mode, { people, machineBusy }]) => {
    const cpu = mean(people.map((person) => person.cpuSecondsPerSecond));
    const upload = mean(people.map((person) => person.uploadKbps));
    const visible = people.flatMap((person) => person.tiles.filter((tile) => tile.visible));
    const minFps = Math.min(...visible.map((tile) => tile.framesPerSecond));
    const withoutAdaptation = (ofPerson: (person: PersonCost) => number) =>
      off ? mean(off.map(ofPerson)) : Number.NaN;
    const offCpu = withoutAdaptation((person) => person.cpuSecondsPerSecond);
    const offUpload = withoutAdaptation((person) => person.uploadKbps);
    const encodeTime = mean(people.map((person) => person.encodeSecondsPerSecond));
    const offEncodeTime = withoutAdaptation((person) => person.encodeSecondsPerSecond);
    const withAdaptation = mode !== 'adaptation-off';
    return [
      mode,
      cpu.toFixed(2),
      upload.toFixed(0),
      encodeTime.toFixed(3),
      withAdaptation ? formatRatio(cpu / offCpu, mode === 'grid' ? GOALS.cpu : undefined) : '',
      withAdaptation ? formatRatio(encodeTime / offEncodeTime) : '',
      withAdaptation
        ? formatRatio(upload / offUpload, mode === 'grid' ? GOALS.upload : undefined)
        : '',
      `${minFps.toFixed(1)}${minFps >= GOALS.visibleFramesPerSecond ? '' : ' (goal ≥ 15, MISSED)'}`,
      `${(100 * machineBusy).toFixed(0)} %`,
    ];
  });
  printGrid(
    'Per person, mean of the four: with adaptation against without (goals for the grid)',
    [
      '',
      'CPU s/s',
      'upload kbit/s',
      'encoding s/s',
      'CPU ratio',
      'encoding ratio',
      'upload ratio',
      'min visible fps',
      'machine busy',
    ],
    summary,
  );
  printSaturation([...results.values()]);
}

/** Past this busy share the machine, not the app, sets each person's CPU and resolution. */
const SATURATED = 0.9;

/** Says so when a way ran on a machine with no CPU to spare. */
export function printSaturation(runs: readonly MeshCostRun[]): void {
  const busiest = Math.max(...runs.map((run) => run.machineBusy));
  if (busiest < SATURATED) return;
  console.log(
    `Saturated: the machine was ${(100 * busiest).toFixed(0)} % busy in the busiest way. ` +
      'Each browser got what CPU was left, and WebRTC lowered its own sending resolution to fit, ' +
      'so CPU ratios tend to 1 and the reference sends less than it would. ' +
      'Figures that mean what they say need more cores than the four browsers use.',
  );
}
