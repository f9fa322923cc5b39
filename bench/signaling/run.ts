/**
 * Signaling benchmark: our server against a bare `ws` relay (the reference), each in its own
 * process, driven by a load generator in a third, on loopback only, bounded in time and count.
 * Every figure is printed with its ratio to the reference's, measured in the same run.
 *
 *   npm run bench:signaling                 # the full run (about two minutes)
 *   npm run bench:signaling -- --runs 5     # more repetitions; figures are medians
 *   npm run bench:signaling -- --smoke      # a few seconds, for CI: checks it runs, asserts no timing
 *
 * Prints a table and writes the raw figures to bench/results/signaling-<time>.json.
 *
 * What is measured is a list of subjects (SUBJECTS), each a deployment of one or more server
 * processes; a subject with several processes (sharing rooms through Redis, say) gives the
 * generator one URL per process, and the two sides of each pair land on different ones. The
 * cross-process subject (CROSS) is also compared with our single process (SINGLE): latency at a
 * rate both sustain, and throughput per process (messages per CPU-second of server processes).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  describeLoad,
  formatFigure,
  formatRatio,
  machineLoad,
  median,
  printGrid,
} from '../../tests/support/report';
import {
  startServerProcess,
  type ServerKind,
  type ServerProcess,
} from '../../tests/support/servers/server-process';
import { startRedisServer } from '../../tests/support/redis-server';
import type { GeneratorJob, GeneratorResult } from './load-generator';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    runs: { type: 'string' },
    sockets: { type: 'string' },
    /** Messages per second for the latency phase, instead of half the measured saturation. */
    'latency-rate': { type: 'string' },
  },
});

const SMOKE = args.smoke ?? false;
const SETTINGS = {
  runs: Number(args.runs ?? (SMOKE ? 1 : 3)),
  pairs: SMOKE ? 10 : 50,
  window: 16,
  warmupMs: SMOKE ? 300 : 2_000,
  measureMs: SMOKE ? 1_000 : 5_000,
  idleSockets: Number(args.sockets ?? (SMOKE ? 500 : 10_000)),
  roomSize: 5,
};
/**
 * The rate limit and the slow-consumer limit are not what is measured here. They are lifted so
 * that a saturated pair is not cut off, and so that when the generator (not the server) falls
 * behind, the server buffers like the bare relay instead of dropping the lagging socket.
 */
const SERVER_ENV: Record<string, string> = {
  RATE_LIMIT_MESSAGES_PER_SECOND: '1000000',
  RATE_LIMIT_BURST: '1000000',
  MAX_BUFFERED_BYTES: String(1024 ** 3),
  LOG_LEVEL: 'info',
};

/** What a subject runs: its server processes, and where the generator's sockets connect. */
interface Deployment {
  readonly urls: string[];
  /** CPU time used so far by all of its processes, in microseconds. */
  cpuMicros(): Promise<number>;
  /** The same, for its signaling server processes only (not redis-server). */
  serverCpuMicros(): Promise<number>;
  /** Resident and heap memory after a full garbage collection, summed over its processes. */
  memory(): Promise<{ rss: number; heapUsed: number }>;
  /** Our servers' `/metrics` samples, summed over processes (empty for the bare relay). */
  metrics(): Promise<Map<string, number>>;
  output(): string;
  stop(): Promise<void>;
}

interface Subject {
  readonly name: string;
  /** Which protocol the generator speaks to it. */
  readonly kind: ServerKind;
  deploy(): Promise<Deployment>;
}

function oneProcess(kind: ServerKind, env: Record<string, string> = {}): () => Promise<Deployment> {
  return async () => {
    const server: ServerProcess = await startServerProcess(kind, env);
    return {
      urls: [server.url],
      cpuMicros: () => server.cpuMicros(),
      serverCpuMicros: () => server.cpuMicros(),
      memory: () => server.memory(),
      metrics: async () => (kind === 'meshcall' ? server.metrics() : new Map()),
      output: () => server.output(),
      stop: () => server.stop(),
    };
  };
}

/**
 * Two processes of our server sharing rooms through one redis-server: the generator puts the two
 * peers of each pair on different processes, so every message goes sender -> process 1 -> Redis
 * -> process 2 -> receiver. Its CPU counts both processes and redis-server: the machine pays all
 * three for each message.
 */
function twoProcessesThroughRedis(): () => Promise<Deployment> {
  return async () => {
    const redis = await startRedisServer();
    const env = { ...SERVER_ENV, REDIS_URL: redis.url };
    const servers = await Promise.all([
      startServerProcess('meshcall', env),
      startServerProcess('meshcall', env),
    ]);
    const sum = async (read: (server: ServerProcess) => Promise<number>) =>
      (await Promise.all(servers.map(read))).reduce((total, value) => total + value, 0);
    return {
      urls: servers.map((server) => server.url),
      cpuMicros: async () =>
        (await sum((server) => server.cpuMicros())) + (await redis.cpuMicros()),
      serverCpuMicros: () => sum((server) => server.cpuMicros()),
      memory: async () => {
        const each = await Promise.all(servers.map((server) => server.memory()));
        return {
          rss: each.reduce((total, memory) => total + memory.rss, 0),
          heapUsed: each.reduce((total, memory) => total + memory.heapUsed, 0),
        };
      },
      metrics: async () => {
        const merged = new Map<string, number>();
        for (const server of servers)
          for (const [name, value] of await server.metrics())
            merged.set(name, (merged.get(name) ?? 0) + value);
        return merged;
      },
      output: () => servers.map((server) => server.output()).join('\n'),
      stop: async () => {
        await Promise.all(servers.map((server) => server.stop()));
        await redis.stop();
      },
    };
  };
}

/** The yardstick: a `ws` server that forwards each frame, unread, to the other socket of its pair. */
const REFERENCE: Subject = { name: 'bare ws', kind: 'bare-ws', deploy: oneProcess('bare-ws') };
/** What is compared with it; the first one's saturated rate sets the latency phase's rate. */
const SINGLE: Subject = {
  name: 'meshcall',
  kind: 'meshcall',
  deploy: oneProcess('meshcall', SERVER_ENV),
};
/** Every message of it crosses processes: compared with SINGLE as well as with the reference. */
const CROSS: Subject = {
  name: 'meshcall ×2 + Redis',
  kind: 'meshcall',
  deploy: twoProcessesThroughRedis(),
};
const SUBJECTS: Subject[] = [SINGLE, CROSS];

/** Goals, as ratios to the reference in the same run. */
const GOALS = {
  /** Relayed messages per second at saturation: at least this share of the reference's. */
  throughput: 0.8,
  /** Server CPU per relayed message at saturation: at most this multiple. */
  cpuPerMessage: 1.1,
  /** Relay latency p99 at half load: at most this multiple. */
  p99: 1.3,
};

/**
 * A rate far below either's capacity, at which CROSS's latency is also compared: at half of
 * CROSS's capacity, its four busy processes (generator, two servers, redis-server) share this
 * machine's cores, and what the figure adds is mostly waiting for a core.
 */
const LIGHT_RATE = 2_000;

/** Goals for CROSS against SINGLE, in the same run (issue: "More than one server"). */
const CROSS_GOALS = {
  /** Relay latency p50 at a rate both sustain: at most this many milliseconds more. */
  p50ExtraMs: 1,
  /** Messages relayed per CPU-second of server processes: at least this share of SINGLE's. */
  capacityPerProcess: 0.7,
};

interface Relaying {
  perSecond: number;
  /** CPU of every process of the deployment (redis-server included), per relayed message. */
  cpuMicrosPerMessage: number;
  /** CPU of its signaling server processes only, per relayed message. */
  serverCpuMicrosPerMessage: number;
}

interface Latency extends Relaying {
  /** Messages per second asked of the generator; `perSecond` below it means it fell behind. */
  targetRate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface Idle {
  sockets: number;
  rssBefore: number;
  rssHeld: number;
  heapBefore: number;
  heapHeld: number;
  rssPerSocket: number;
  heapPerSocket: number;
  peers: number | undefined;
}

/** One run: each subject's figures and the reference's, by subject name. */
interface RunFigures {
  saturated: Record<string, Relaying>;
  halfLoad: Record<string, Latency>;
  /**
   * SINGLE and CROSS at one rate both sustain: half of SINGLE's saturated rate, or half of
   * CROSS's if that is lower, so that what is compared is the relay and not a queue.
   */
  sustained: Record<string, Latency>;
  /** SINGLE and CROSS at LIGHT_RATE. */
  light: Record<string, Latency>;
}

class Generator {
  private readonly child: ChildProcess;
  private waiting: ((result: GeneratorResult) => void) | null = null;

  constructor() {
    this.child = fork(fileURLToPath(new URL('./load-generator.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (result: GeneratorResult) => this.waiting?.(result));
  }

  run<T extends GeneratorResult['type']>(job: GeneratorJob, expect: T) {
    return new Promise<Extract<GeneratorResult, { type: T }>>((resolve, reject) => {
      // Every job is bounded in time: one that does not answer is a fault to report, not to wait on.
      const phases = 'measureMs' in job ? job.warmupMs + job.measureMs : 0;
      // Opening or closing thousands of idle sockets takes longer on a busy machine.
      const perSocket = 'sockets' in job ? job.sockets * 30 : job.type === 'release' ? 300_000 : 0;
      const deadline = setTimeout(
        () => reject(new Error(`load generator: no answer to a ${job.type} job`)),
        phases + 120_000 + perSocket,
      );
      this.waiting = (result) => {
        clearTimeout(deadline);
        this.waiting = null;
        if (result.type === expect) resolve(result as Extract<GeneratorResult, { type: T }>);
        else reject(new Error(`load generator: ${JSON.stringify(result)}`));
      };
      this.child.send(job);
    });
  }

  stop(): void {
    this.child.kill();
  }
}

async function withDeployment<T>(subject: Subject, use: (deployment: Deployment) => Promise<T>) {
  const deployment = await subject.deploy();
  try {
    const result = await use(deployment);
    // A socket the server dropped would make the figures lie; say so.
    for (const [name, value] of await deployment.metrics()) {
      if (name.startsWith('meshcall_sockets_closed_by_server_total') && value > 0) {
        console.error(`warning: ${subject.name}: ${name} = ${value}`);
      }
    }
    return result;
  } catch (error) {
    console.error(deployment.output());
    throw error;
  } finally {
    await deployment.stop();
  }
}

/**
 * Runs one relaying job (`relay`, given the deployment's URLs) on a fresh deployment, after a
 * little traffic so that lazy loading and JIT compilation are not counted as relaying. The CPU
 * is counted over warm-up and measurement, per message relayed in both (estimated from the rate).
 */
async function measureRelaying<R extends { perSecond: number }>(
  generator: Generator,
  subject: Subject,
  phases: { warmupMs: number; measureMs: number },
  relay: (urls: string[]) => Promise<R>,
) {
  return withDeployment(subject, async (deployment) => {
    const { urls } = deployment;
    await generator.run(
      {
        type: 'throughput',
        kind: subject.kind,
        urls,
        pairs: 2,
        window: 4,
        warmupMs: 0,
        measureMs: 500,
      },
      'throughput',
    );
    const cpuBefore = await deployment.cpuMicros();
    const serverCpuBefore = await deployment.serverCpuMicros();
    const result = await relay(urls);
    const cpu = (await deployment.cpuMicros()) - cpuBefore;
    const serverCpu = (await deployment.serverCpuMicros()) - serverCpuBefore;
    const relayed = result.perSecond * ((phases.warmupMs + phases.measureMs) / 1000);
    return {
      result,
      cpuMicrosPerMessage: cpu / relayed,
      serverCpuMicrosPerMessage: serverCpu / relayed,
    };
  });
}

async function measureSaturated(generator: Generator, subject: Subject): Promise<Relaying> {
  const phases = { warmupMs: SETTINGS.warmupMs, measureMs: SETTINGS.measureMs };
  const { kind } = subject;
  const { result, cpuMicrosPerMessage, serverCpuMicrosPerMessage } = await measureRelaying(
    generator,
    subject,
    phases,
    (urls) =>
      generator.run(
        {
          type: 'throughput',
          kind,
          urls,
          pairs: SETTINGS.pairs,
          window: SETTINGS.window,
          ...phases,
        },
        'throughput',
      ),
  );
  return { perSecond: result.perSecond, cpuMicrosPerMessage, serverCpuMicrosPerMessage };
}

async function measureLatency(
  generator: Generator,
  subject: Subject,
  rate: number,
): Promise<Latency> {
  const phases = { warmupMs: SETTINGS.warmupMs / 2, measureMs: SETTINGS.measureMs };
  const { kind } = subject;
  const { result, cpuMicrosPerMessage, serverCpuMicrosPerMessage } = await measureRelaying(
    generator,
    subject,
    phases,
    (urls) =>
      generator.run(
        { type: 'latency', kind, urls, pairs: SETTINGS.pairs, rate, ...phases },
        'latency',
      ),
  );
  return {
    targetRate: rate,
    perSecond: result.perSecond,
    cpuMicrosPerMessage,
    serverCpuMicrosPerMessage,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    maxMs: result.maxMs,
  };
}

async function measureIdle(generator: Generator, subject: Subject): Promise<Idle> {
  return withDeployment(subject, async (deployment) => {
    const before = await deployment.memory();
    const opened = await generator.run(
      {
        type: 'idle',
        kind: subject.kind,
        urls: deployment.urls,
        sockets: SETTINGS.idleSockets,
        roomSize: SETTINGS.roomSize,
      },
      'idle',
    );
    const held = await deployment.memory();
    const metrics = await deployment.metrics();
    await generator.run({ type: 'release' }, 'released');
    return {
      sockets: opened.opened,
      rssBefore: before.rss,
      rssHeld: held.rss,
      heapBefore: before.heapUsed,
      heapHeld: held.heapUsed,
      rssPerSocket: (held.rss - before.rss) / opened.opened,
      heapPerSocket: (held.heapUsed - before.heapUsed) / opened.opened,
      peers: metrics.get('meshcall_peers'),
    };
  });
}

/** One run: each subject then the reference, phase by phase, so a noisy moment hits both alike. */
async function measureRun(generator: Generator): Promise<RunFigures> {
  const figures: RunFigures = { saturated: {}, halfLoad: {}, sustained: {}, light: {} };
  for (const subject of [...SUBJECTS, REFERENCE])
    figures.saturated[subject.name] = await measureSaturated(generator, subject);
  const halfLoad = Number(
    args['latency-rate'] ?? Math.round(figures.saturated[SINGLE.name]!.perSecond / 2),
  );
  for (const subject of [...SUBJECTS, REFERENCE])
    figures.halfLoad[subject.name] = await measureLatency(generator, subject, halfLoad);
  const sustained = Math.min(halfLoad, Math.round(figures.saturated[CROSS.name]!.perSecond / 2));
  for (const subject of [SINGLE, CROSS]) {
    figures.sustained[subject.name] =
      sustained === halfLoad
        ? figures.halfLoad[subject.name]!
        : await measureLatency(generator, subject, sustained);
  }
  for (const subject of [SINGLE, CROSS])
    figures.light[subject.name] = await measureLatency(generator, subject, LIGHT_RATE);
  return figures;
}

async function main(): Promise<void> {
  const loadBefore = machineLoad();
  const generator = new Generator();
  try {
    const runs: RunFigures[] = [];
    for (let run = 0; run < SETTINGS.runs; run++) {
      runs.push(await measureRun(generator));
      const rates = [...SUBJECTS, REFERENCE].map(
        (subject) =>
          `${subject.name} ${formatFigure(runs.at(-1)!.saturated[subject.name]!.perSecond)}`,
      );
      console.error(`run ${run + 1}/${SETTINGS.runs}: ${rates.join(', ')} msg/s`);
    }
    const idle: Record<string, Idle> = {};
    for (const subject of [...SUBJECTS, REFERENCE])
      idle[subject.name] = await measureIdle(generator, subject);
    const loadAfter = machineLoad();

    const summary = summarize(runs, idle);
    const crossProcess = summarizeCrossProcess(runs);
    console.log(
      `\nSignaling benchmark${SMOKE ? ' (smoke: the figures mean nothing)' : ''}: medians of ` +
        `${SETTINGS.runs} run(s), ${SETTINGS.pairs} pairs, ${SETTINGS.window} in flight per ` +
        `sender, ${SETTINGS.measureMs / 1000} s per measurement; ${describeLoad(loadBefore)} ` +
        `before, ${describeLoad(loadAfter)} after`,
    );
    printSummary(summary);
    printCrossProcess(crossProcess);
    // Open-loop latency means something only while every server keeps up with the asked rate.
    const behind = runs.flatMap((run) =>
      [...Object.entries(run.halfLoad), ...Object.entries(run.sustained)].filter(
        ([, latency]) => latency.perSecond < 0.95 * latency.targetRate,
      ),
    );
    if (behind.length > 0)
      console.log(
        `\nNote: in ${behind.length} latency measurement(s) fewer messages arrived than were asked ` +
          `for (${behind.map(([name, l]) => `${name} ${fmtRate(l.perSecond)}/s`).join(', ')}): the ` +
          `machine could not carry that rate then, so those latencies measure a backlog. ` +
          `Run again when it is quieter, or pass --latency-rate.`,
      );

    await mkdir(new URL('../results/', import.meta.url), { recursive: true });
    const file = new URL(
      `../results/signaling-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
      import.meta.url,
    );
    await writeFile(
      file,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          load: { before: loadBefore, after: loadAfter },
          smoke: SMOKE,
          settings: SETTINGS,
          summary,
          crossProcess,
          runs,
          idle,
        },
        null,
        2,
      ),
    );
    console.log(`\nRaw figures: ${fileURLToPath(file)}`);

    // The smoke run checks only that everything ran and nothing leaked; never a timing.
    for (const subject of SUBJECTS) {
      const held = idle[subject.name]!;
      if (held.sockets !== SETTINGS.idleSockets || held.peers !== SETTINGS.idleSockets) {
        throw new Error(
          `${subject.name} held ${held.sockets} sockets and ${held.peers} peers, not ${SETTINGS.idleSockets}`,
        );
      }
    }
    for (const run of runs)
      for (const [name, relaying] of Object.entries(run.saturated))
        if (!(relaying.perSecond > 0)) throw new Error(`${name} relayed nothing`);
  } finally {
    generator.stop();
  }
}

/** A figure per subject and the reference (medians over runs), and each subject's ratios. */
interface Measure {
  label: string;
  unit: string;
  figure: Record<string, number>;
  /** Median over runs of the ratio subject / reference within each run; none for memory. */
  ratio?: Record<string, number>;
  goal?: { kind: 'at least' | 'at most'; value: number };
}

function summarize(runs: RunFigures[], idle: Record<string, Idle>): Measure[] {
  const names = [...SUBJECTS, REFERENCE].map((subject) => subject.name);
  const figure = (pick: (run: RunFigures, name: string) => number) =>
    Object.fromEntries(names.map((name) => [name, median(runs.map((run) => pick(run, name)))]));
  const ratio = (pick: (run: RunFigures, name: string) => number) =>
    Object.fromEntries(
      SUBJECTS.map(({ name }) => [
        name,
        median(runs.map((run) => pick(run, name) / pick(run, REFERENCE.name))),
      ]),
    );
  const measure = (
    label: string,
    unit: string,
    pick: (run: RunFigures, name: string) => number,
    goal?: Measure['goal'],
  ): Measure => ({ label, unit, figure: figure(pick), ratio: ratio(pick), goal });
  const rate = fmtRate(median(runs.map((run) => run.halfLoad[SUBJECTS[0]!.name]!.targetRate)));
  const idleFigure = (pick: (held: Idle) => number) =>
    Object.fromEntries(names.map((name) => [name, pick(idle[name]!)]));
  return [
    measure(
      'relayed messages/s at saturation',
      'msg/s',
      (run, name) => run.saturated[name]!.perSecond,
      { kind: 'at least', value: GOALS.throughput },
    ),
    measure(
      'server CPU per relayed message, saturated',
      'µs',
      (run, name) => run.saturated[name]!.cpuMicrosPerMessage,
      { kind: 'at most', value: GOALS.cpuPerMessage },
    ),
    measure(
      `delivered msg/s when asked for ${rate}/s`,
      'msg/s',
      (run, name) => run.halfLoad[name]!.perSecond,
    ),
    measure(
      `server CPU per relayed message at ${rate} msg/s`,
      'µs',
      (run, name) => run.halfLoad[name]!.cpuMicrosPerMessage,
    ),
    measure(`relay latency p50 at ${rate} msg/s`, 'ms', (run, name) => run.halfLoad[name]!.p50Ms),
    measure(`relay latency p99 at ${rate} msg/s`, 'ms', (run, name) => run.halfLoad[name]!.p99Ms, {
      kind: 'at most',
      value: GOALS.p99,
    }),
    {
      label: 'idle sockets held (joined, rooms of 5)',
      unit: '',
      figure: idleFigure((h) => h.sockets),
    },
    {
      label: 'RSS per idle socket, after GC (goal ≤ 10 KiB)',
      unit: 'KiB',
      figure: idleFigure((h) => h.rssPerSocket / 1024),
    },
    {
      label: 'heap per idle socket, after GC',
      unit: 'KiB',
      figure: idleFigure((h) => h.heapPerSocket / 1024),
    },
  ];
}

function printSummary(measures: Measure[]): void {
  const names = [...SUBJECTS.map((subject) => subject.name), REFERENCE.name];
  printGrid(
    `Against the reference (${REFERENCE.name}), measured in the same runs`,
    ['', ...names, ...SUBJECTS.map((subject) => `${subject.name} / ${REFERENCE.name}`)],
    measures.map((measure) => [
      measure.label,
      ...names.map((name) => formatFigure(measure.figure[name]!, measure.unit)),
      ...SUBJECTS.map(({ name }) => {
        const ratio = measure.ratio?.[name];
        return ratio === undefined
          ? ''
          : formatRatio(ratio, measure.goal?.value, measure.goal?.kind);
      }),
    ]),
  );
}

/**
 * CROSS against SINGLE, medians over runs of each run's figures. Capacity per process is what one
 * process relays per CPU-second when every message crosses to another process, against what it
 * relays within itself: SINGLE's server CPU per message over CROSS's (both processes' together,
 * since each message costs CPU in both; redis-server apart, as it runs elsewhere in production).
 */
interface CrossProcessSummary {
  sustainedRate: number;
  halfLoadRate: number;
  p50Ms: { single: number; cross: number; extra: number };
  p99Ms: { single: number; cross: number; ratio: number };
  halfLoadP50Ms: { single: number; cross: number; extra: number };
  halfLoadP99Ms: { single: number; cross: number; ratio: number };
  lightP50Ms: { single: number; cross: number; extra: number };
  lightP99Ms: { single: number; cross: number; ratio: number };
  saturated: { single: number; cross: number; ratio: number };
  serverCpuMicrosPerMessage: { single: number; cross: number };
  redisCpuMicrosPerMessage: number;
  capacityPerProcess: { single: number; cross: number; ratio: number };
}

function summarizeCrossProcess(runs: RunFigures[]): CrossProcessSummary {
  const pick = (value: (run: RunFigures) => number) => median(runs.map(value));
  const both = (value: (run: RunFigures, name: string) => number) => ({
    single: pick((run) => value(run, SINGLE.name)),
    cross: pick((run) => value(run, CROSS.name)),
  });
  const extra = (value: (run: RunFigures, name: string) => number) => ({
    ...both(value),
    extra: pick((run) => value(run, CROSS.name) - value(run, SINGLE.name)),
  });
  const ratio = (value: (run: RunFigures, name: string) => number) => ({
    ...both(value),
    ratio: pick((run) => value(run, CROSS.name) / value(run, SINGLE.name)),
  });
  const perCpuSecond = (run: RunFigures, name: string) =>
    1e6 / run.saturated[name]!.serverCpuMicrosPerMessage;
  return {
    sustainedRate: pick((run) => run.sustained[CROSS.name]!.targetRate),
    halfLoadRate: pick((run) => run.halfLoad[CROSS.name]!.targetRate),
    p50Ms: extra((run, name) => run.sustained[name]!.p50Ms),
    p99Ms: ratio((run, name) => run.sustained[name]!.p99Ms),
    halfLoadP50Ms: extra((run, name) => run.halfLoad[name]!.p50Ms),
    halfLoadP99Ms: ratio((run, name) => run.halfLoad[name]!.p99Ms),
    lightP50Ms: extra((run, name) => run.light[name]!.p50Ms),
    lightP99Ms: ratio((run, name) => run.light[name]!.p99Ms),
    saturated: ratio((run, name) => run.saturated[name]!.perSecond),
    serverCpuMicrosPerMessage: both((run, name) => run.saturated[name]!.serverCpuMicrosPerMessage),
    redisCpuMicrosPerMessage: pick(
      (run) =>
        run.saturated[CROSS.name]!.cpuMicrosPerMessage -
        run.saturated[CROSS.name]!.serverCpuMicrosPerMessage,
    ),
    capacityPerProcess: ratio(perCpuSecond),
  };
}

function printCrossProcess(summary: CrossProcessSummary): void {
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const plusMs = (value: number, goal?: number) =>
    `${value >= 0 ? '+' : ''}${value.toFixed(2)} ms` +
    (goal === undefined ? '' : ` (goal ≤ +${goal} ms, ${value <= goal ? 'met' : 'MISSED'})`);
  const sustained = fmtRate(summary.sustainedRate);
  const half = fmtRate(summary.halfLoadRate);
  printGrid(
    `Across processes (${CROSS.name}: every message from one process to the other through Redis) ` +
      `against ${SINGLE.name} in one process, same runs`,
    ['', SINGLE.name, CROSS.name, `${CROSS.name} vs ${SINGLE.name}`],
    [
      [
        `relay latency p50 at ${sustained} msg/s`,
        ms(summary.p50Ms.single),
        ms(summary.p50Ms.cross),
        plusMs(summary.p50Ms.extra, CROSS_GOALS.p50ExtraMs),
      ],
      [
        `relay latency p99 at ${sustained} msg/s`,
        ms(summary.p99Ms.single),
        ms(summary.p99Ms.cross),
        formatRatio(summary.p99Ms.ratio),
      ],
      // At half load too, if CROSS could not sustain it (then it measures a queue).
      ...(summary.halfLoadRate === summary.sustainedRate
        ? []
        : [
            [
              `relay latency p50 at ${half} msg/s (half load)`,
              ms(summary.halfLoadP50Ms.single),
              ms(summary.halfLoadP50Ms.cross),
              plusMs(summary.halfLoadP50Ms.extra),
            ],
            [
              `relay latency p99 at ${half} msg/s (half load)`,
              ms(summary.halfLoadP99Ms.single),
              ms(summary.halfLoadP99Ms.cross),
              formatRatio(summary.halfLoadP99Ms.ratio),
            ],
          ]),
      [
        `relay latency p50 at ${fmtRate(LIGHT_RATE)} msg/s (light load)`,
        ms(summary.lightP50Ms.single),
        ms(summary.lightP50Ms.cross),
        plusMs(summary.lightP50Ms.extra, CROSS_GOALS.p50ExtraMs),
      ],
      [
        `relay latency p99 at ${fmtRate(LIGHT_RATE)} msg/s (light load)`,
        ms(summary.lightP99Ms.single),
        ms(summary.lightP99Ms.cross),
        formatRatio(summary.lightP99Ms.ratio),
      ],
      [
        'relayed messages/s at saturation, whole deployment',
        formatFigure(summary.saturated.single, 'msg/s'),
        formatFigure(summary.saturated.cross, 'msg/s'),
        `${formatRatio(summary.saturated.ratio)} (cores shared by all processes)`,
      ],
      [
        'server CPU per relayed message (all its processes)',
        formatFigure(summary.serverCpuMicrosPerMessage.single, 'µs'),
        formatFigure(summary.serverCpuMicrosPerMessage.cross, 'µs'),
        `+ redis-server ${formatFigure(summary.redisCpuMicrosPerMessage, 'µs')}`,
      ],
      [
        'throughput per process: relayed msg per CPU-second',
        formatFigure(summary.capacityPerProcess.single, 'msg'),
        formatFigure(summary.capacityPerProcess.cross, 'msg'),
        formatRatio(summary.capacityPerProcess.ratio, CROSS_GOALS.capacityPerProcess, 'at least'),
      ],
    ],
  );
}

function fmtRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

await main();
