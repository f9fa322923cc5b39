/**
 * `npm run bench:call`: how fast calls connect, from a person's click to what they see.
 *
 * Runs N rounds against the production server (`npm run build` first). Each round uses fresh
 * browser contexts with fake cameras: Ann is in the call, Ben clicks Join, then Cat, then Dan
 * join the growing mesh. It prints p50 / p95 / max and writes every raw figure to
 * bench/results/call-<time>.json, so runs can be compared.
 *
 *   npm run bench:call                 10 rounds
 *   npm run bench:call -- --runs 30    more rounds
 *   npm run bench:call -- --smoke      one two-person round: checks the benchmark still works
 */
import { chromium, type Browser } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRoomId } from '../../lib/room-id';
import { startAppServer, type AppServer } from '../../e2e/support/app-server';
import { FAKE_MEDIA_ARGS, chromiumExecutable } from '../../e2e/support/browser';
import { createPerson, type Person } from '../../e2e/support/fixtures';
import { tileSelector } from '../../e2e/support/in-page';
import { parsePrometheusText, percentile, printTable, type Row } from '../shared/report';

interface Probe {
  joinClickedAt: number | null;
  firstRemoteFrameAt: Record<string, number>;
  connectedAt: number[];
}

interface Round {
  /** Ben's click to the first frame of Ann that Ben sees, and that Ann sees of Ben. */
  secondSeesFirstMs: number;
  firstSeesSecondMs: number;
  secondConnectedMs: number;
  /** Cat's click to frames from both Ann and Ben; Dan's to frames from all three. */
  thirdSeesAllMs?: number;
  thirdConnectedMs?: number;
  fourthSeesAllMs?: number;
  fourthConnectedMs?: number;
  /** In the full call: Ann's click on Microphone, then on Camera, to Ben's tile of her showing it off. */
  muteSeenMs?: number;
  cameraOffSeenMs?: number;
  /** Signaling frames and bytes the server took in and sent out while Ben joined. */
  secondJoinMessages?: number;
  secondJoinBytes?: number;
}

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const runsAt = args.indexOf('--runs');
const runs = smoke ? 1 : runsAt >= 0 ? Number(args[runsAt + 1]) : 10;
const NAMES = ['Ann', 'Ben', 'Cat', 'Dan'] as const;

async function main(): Promise<void> {
  const server = await startAppServer({ env: { LOG_LEVEL: 'warn' } });
  const browser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: FAKE_MEDIA_ARGS,
  });
  const rounds: Round[] = [];
  try {
    const firstLoadJsKb = await measureFirstLoadJs(browser, server);
    for (let round = 1; round <= runs; round++) {
      rounds.push(await runRound(browser, server, smoke ? 2 : 4));
      process.stdout.write(`\rround ${round}/${runs}`);
    }
    process.stdout.write('\n');
    report(rounds, firstLoadJsKb);
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function runRound(browser: Browser, server: AppServer, size: number): Promise<Round> {
  const roomId = createRoomId();
  const people: Person[] = [];
  try {
    for (const name of NAMES.slice(0, size)) people.push(await createPerson(browser, name));
    const [ann, ben, cat, dan] = people as [Person, Person, Person?, Person?];
    await ann.join(roomId, server.url);

    const before = await serverCounters(server);
    const second = await join(ben, server, roomId, ['Ann']);
    const annSeesBen = await waitFor(ann, { kind: 'first-frame', of: 'Ben' });
    const after = await serverCounters(server);
    const result: Round = {
      secondSeesFirstMs: second.seesAllMs,
      secondConnectedMs: second.connectedMs,
      firstSeesSecondMs: annSeesBen - second.clickedAt,
      secondJoinMessages: after.messages - before.messages,
      secondJoinBytes: after.bytes - before.bytes,
    };
    if (cat) {
      const third = await join(cat, server, roomId, ['Ann', 'Ben']);
      result.thirdSeesAllMs = third.seesAllMs;
      result.thirdConnectedMs = third.connectedMs;
    }
    if (dan) {
      const fourth = await join(dan, server, roomId, ['Ann', 'Ben', 'Cat']);
      result.fourthSeesAllMs = fourth.seesAllMs;
      result.fourthConnectedMs = fourth.connectedMs;
    }
    // Last, in the full call, so the joins above are timed as before.
    result.muteSeenMs = await toggleSeen(ann, ben, 'Microphone', 'audio');
    result.cameraOffSeenMs = await toggleSeen(ann, ben, 'Camera', 'video');
    return result;
  } finally {
    for (const person of people) await person.context.close();
  }
}

/** Opens the lobby, waits until it is ready (camera on, socket open), clicks Join, times what follows. */
async function join(person: Person, server: AppServer, roomId: string, others: readonly string[]) {
  await person.page.goto(`${server.url}/call/${roomId}`);
  await person.page.getByRole('button', { name: 'Join' }).waitFor();
  await person.page.waitForFunction(() => {
    const preview = document.querySelector<HTMLVideoElement>(
      'section[aria-label="Camera preview"] video',
    );
    return (
      (preview?.videoWidth ?? 0) > 0 && !document.querySelector('[data-testid="signaling-status"]')
    );
  });
  await person.clickJoin();
  const clickedAt = await waitFor(person, { kind: 'join-clicked' });
  const framesAt = await Promise.all(
    others.map((name) => waitFor(person, { kind: 'first-frame', of: name })),
  );
  const connectedAt = await waitFor(person, { kind: 'all-connected', links: others.length });
  return {
    clickedAt,
    seesAllMs: Math.max(...framesAt) - clickedAt,
    connectedMs: connectedAt - clickedAt,
  };
}

/**
 * Milliseconds from `actor` clicking `control` off to the first frame `viewer`'s page draws after
 * their tile says so. Both pages run on this machine, so their wall clocks agree.
 */
async function toggleSeen(
  actor: Person,
  viewer: Person,
  control: 'Microphone' | 'Camera',
  attribute: 'audio' | 'video',
): Promise<number> {
  type OffSeen = { __offSeenAt?: number };
  // The observer is in place before the click, so the moment is taken when the tile changes.
  await viewer.page.evaluate(
    ({ selector, name }) => {
      const tile = document.querySelector(selector);
      if (!tile) throw new Error(`no tile ${selector}`);
      const record = window as OffSeen;
      delete record.__offSeenAt;
      const observer = new MutationObserver(() => {
        if (tile.getAttribute(name) !== 'off') return;
        observer.disconnect();
        requestAnimationFrame(() => {
          record.__offSeenAt = performance.timeOrigin + performance.now();
        });
      });
      observer.observe(tile, { attributes: true, attributeFilter: [name] });
    },
    { selector: tileSelector(actor.name), name: `data-${attribute}` },
  );
  const clickedAt = await actor.page.evaluate((label) => {
    const button = document.querySelector<HTMLButtonElement>(`button[aria-label="${label}"]`);
    if (!button) throw new Error(`no ${label} button`);
    const at = performance.timeOrigin + performance.now();
    button.click();
    return at;
  }, control);
  const seen = await viewer.page.waitForFunction(
    () => (window as OffSeen).__offSeenAt ?? null,
    null,
    {
      timeout: 30_000,
    },
  );
  return ((await seen.jsonValue()) as number) - clickedAt;
}

type Moment =
  | { kind: 'join-clicked' }
  | { kind: 'first-frame'; of: string }
  | { kind: 'all-connected'; links: number };

/** Waits in the page (by data, not code: the page's CSP forbids eval) for a moment the probe records. */
async function waitFor(person: Person, moment: Moment): Promise<number> {
  const handle = await person.page.waitForFunction(
    (wanted) => {
      const probe = (window as unknown as { __probe: Probe }).__probe;
      switch (wanted.kind) {
        case 'join-clicked':
          return probe.joinClickedAt;
        case 'first-frame':
          return probe.firstRemoteFrameAt[wanted.of] ?? null;
        case 'all-connected':
          return probe.connectedAt.length >= wanted.links ? Math.max(...probe.connectedAt) : null;
      }
    },
    moment,
    { timeout: 30_000 },
  );
  return (await handle.jsonValue()) as number;
}

async function serverCounters(server: AppServer): Promise<{ messages: number; bytes: number }> {
  const metrics = parsePrometheusText(await (await fetch(`${server.url}/metrics`)).text());
  const read = (name: string) => metrics.get(name) ?? 0;
  return {
    messages: read('meshcall_messages_received_total') + read('meshcall_messages_sent_total'),
    bytes: read('meshcall_bytes_received_total') + read('meshcall_bytes_sent_total'),
  };
}

/**
 * The JavaScript a browser downloads before the call page's lobby is on screen, in gzipped kB.
 * Chunks fetched after that (the in-call UI, prefetched from the lobby) are not counted.
 */
async function measureFirstLoadJs(browser: Browser, server: AppServer): Promise<number> {
  const person = await createPerson(browser, 'Probe');
  try {
    await person.page.goto(`${server.url}/call/${createRoomId()}`);
    await person.page.getByRole('button', { name: 'Join' }).waitFor();
    const urls = await person.page.evaluate(() => {
      const shownAt = (window as unknown as { __probe: { lobbyShownAt: number } }).__probe
        .lobbyShownAt;
      return performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.endsWith('.js') && entry.startTime <= shownAt)
        .map((entry) => entry.name);
    });
    let bytes = 0;
    for (const url of new Set(urls))
      bytes += gzipSync(Buffer.from(await (await fetch(url)).arrayBuffer())).length;
    return bytes / 1024;
  } finally {
    await person.context.close();
  }
}

function report(rounds: Round[], firstLoadJsKb: number): void {
  const column = (key: keyof Round) =>
    rounds.map((round) => round[key]).filter((value): value is number => value !== undefined);
  const rows: Row[] = [
    ['2nd person: Join → first frame of the 1st', column('secondSeesFirstMs'), 'ms'],
    ['1st person: 2nd’s Join → first frame of the 2nd', column('firstSeesSecondMs'), 'ms'],
    ['2nd person: Join → connected', column('secondConnectedMs'), 'ms'],
    ['3rd person: Join → frames from both', column('thirdSeesAllMs'), 'ms'],
    ['3rd person: Join → both connected', column('thirdConnectedMs'), 'ms'],
    ['4th person: Join → frames from all three', column('fourthSeesAllMs'), 'ms'],
    ['4th person: Join → all connected', column('fourthConnectedMs'), 'ms'],
    ['2nd person sees the 1st mute the microphone', column('muteSeenMs'), 'ms'],
    ['2nd person sees the 1st turn the camera off', column('cameraOffSeenMs'), 'ms'],
    ['Signaling frames per 2nd join (server in + out)', column('secondJoinMessages'), ''],
    ['Signaling bytes per 2nd join (server in + out)', column('secondJoinBytes'), 'B'],
  ];
  printTable(
    `Call setup over ${rounds.length} round(s)`,
    rows.filter(([, values]) => values.length > 0),
  );
  console.log(
    `Call page first-load JavaScript (until the lobby shows): ${firstLoadJsKb.toFixed(1)} kB gzipped`,
  );

  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/call-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(
    file,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        runs: rounds.length,
        firstLoadJsKb,
        summary: Object.fromEntries(
          rows
            .filter(([, values]) => values.length > 0)
            .map(([label, values]) => [
              label,
              {
                p50: percentile(values, 50),
                p95: percentile(values, 95),
                max: Math.max(...values),
              },
            ]),
        ),
        rounds,
      },
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
