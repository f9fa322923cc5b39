/**
 * Signaling benchmark: our server against a bare `ws` relay, each in its own process, driven by a
 * load generator in a third, on loopback only, bounded in time and count.
 *
 *   npm run bench:signaling                 # the full run (about two minutes)
 *   npm run bench:signaling -- --runs 5     # more repetitions; figures are medians
 *   npm run bench:signaling -- --smoke      # a few seconds, for CI: checks it runs, asserts no timing
 *
 * Prints a table and writes the raw figures to bench/results/signaling-<time>.json.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { GeneratorJob, GeneratorResult } from './load-generator';
import { startServerProcess, type ServerKind, type ServerProcess } from './server-process';
import { startRedisServer } from '../../tests/support/redis-server';

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

/** Sender and receiver on two processes sharing rooms through one Redis. */
interface CrossProcessFigures {
  throughput: number;
  /** Both processes' CPU, per message relayed (each message crosses from one to the other). */
  cpuMicrosPerMessage: number;
  /** redis-server's CPU per message relayed: not counted above, but the machine pays it. */
  redisCpuMicrosPerMessage: number;
  latency: { targetRate: number; rate: number; p50Ms: number; p99Ms: number; maxMs: number };
}

interface RunFigures {
  crossProcess: CrossProcessFigures;
  /** One process at the rate the cross-process latency was measured at, to compare with it. */
  singleAtCrossRate: { rate: number; p50Ms: number; p99Ms: number };
  throughput: Record<ServerKind, number>;
  cpuMicrosPerMessage: Record<ServerKind, number>;
  latency: Record<
    ServerKind,
    {
      targetRate: number;
      rate: number;
      cpuMicrosPerMessage: number;
      p50Ms: number;
      p99Ms: number;
      maxMs: number;
    }
  >;
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
      this.waiting = (result) => {
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

async function withServer<T>(kind: ServerKind, use: (server: ServerProcess) => Promise<T>) {
  const server = await startServerProcess(kind, SERVER_ENV);
  try {
    const result = await use(server);
    if (kind === 'meshcall') {
      // A socket the server dropped would make the figures lie; say so.
      const metrics = await server.metrics();
      for (const [name, value] of metrics) {
        if (name.startsWith('meshcall_sockets_closed_by_server_total') && value > 0) {
          console.error(`warning: ${name} = ${value}`);
        }
      }
    }
    return result;
  } catch (error) {
    console.error(server.output());
    throw error;
  } finally {
    await server.stop();
  }
}

/** A little traffic first, so that lazy loading and JIT compilation are not counted as relaying. */
async function prime(generator: Generator, kind: ServerKind, server: ServerProcess) {
  await generator.run(
    { type: 'throughput', kind, url: server.url, pairs: 2, window: 4, warmupMs: 0, measureMs: 500 },
    'throughput',
  );
}

/**
 * Runs one relaying job (`relay`, given the server's URL) on a fresh, primed server. The server's
 * CPU is counted over warm-up and measurement, per message relayed in both (estimated from the
 * measured rate).
 */
async function measureRelaying<R extends { perSecond: number }>(
  generator: Generator,
  kind: ServerKind,
  phases: { warmupMs: number; measureMs: number },
  relay: (url: string) => Promise<R>,
) {
  return withServer(kind, async (server) => {
    await prime(generator, kind, server);
    const cpuBefore = await server.cpuMicros();
    const result = await relay(server.url);
    const cpu = (await server.cpuMicros()) - cpuBefore;
    const relayed = result.perSecond * ((phases.warmupMs + phases.measureMs) / 1000);
    return { result, cpuMicrosPerMessage: cpu / relayed };
  });
}

async function measureThroughput(generator: Generator, kind: ServerKind) {
  const phases = { warmupMs: SETTINGS.warmupMs, measureMs: SETTINGS.measureMs };
  const { result, cpuMicrosPerMessage } = await measureRelaying(generator, kind, phases, (url) =>
    generator.run(
      { type: 'throughput', kind, url, pairs: SETTINGS.pairs, window: SETTINGS.window, ...phases },
      'throughput',
    ),
  );
  return { perSecond: result.perSecond, cpuMicrosPerMessage };
}

async function measureLatency(generator: Generator, kind: ServerKind, rate: number) {
  const phases = { warmupMs: SETTINGS.warmupMs / 2, measureMs: SETTINGS.measureMs };
  const { result, cpuMicrosPerMessage } = await measureRelaying(generator, kind, phases, (url) =>
    generator.run(
      { type: 'latency', kind, url, pairs: SETTINGS.pairs, rate, ...phases },
      'latency',
    ),
  );
  return {
    /** Messages per second asked of the generator, and delivered: less means it fell behind. */
    targetRate: rate,
    rate: result.perSecond,
    cpuMicrosPerMessage,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    maxMs: result.maxMs,
  };
}

async function measureIdle(generator: Generator, kind: ServerKind) {
  return withServer(kind, async (server) => {
    const before = await server.memory();
    const opened = await generator.run(
      {
        type: 'idle',
        kind,
        url: server.url,
        sockets: SETTINGS.idleSockets,
        roomSize: SETTINGS.roomSize,
      },
      'idle',
    );
    const held = await server.memory();
    const metrics = kind === 'meshcall' ? await server.metrics() : new Map<string, number>();
    await generator.run({ type: 'release' }, 'released');
    return {
      sockets: opened.opened,
      rssBefore: before.rss,
      rssHeld: held.rss,
      heapBefore: before.heapUsed,
      heapHeld: held.heapUsed,
      rssPerSocket: (held.rss - before.rss) / opened.opened,
      heapPerSocket: (held.heapUsed - before.heapUsed) / opened.opened,
      rooms: metrics.get('meshcall_rooms'),
      peers: metrics.get('meshcall_peers'),
    };
  });
}

/**
 * The same relaying, with the two peers of each pair on two processes that share rooms through a
 * redis-server: every message goes sender -> process 1 -> Redis -> process 2 -> receiver. Latency
 * is measured at `latencyRate`, or at half the cross-process saturation if that is lower: a rate
 * the relaying sustains, so that what is measured is the relay and not a queue.
 */
async function measureCrossProcess(generator: Generator, latencyRate: number) {
  const redis = await startRedisServer();
  const env = { ...SERVER_ENV, REDIS_URL: redis.url };
  const servers = await Promise.all([
    startServerProcess('meshcall', env),
    startServerProcess('meshcall', env),
  ]);
  const [first, second] = servers as [ServerProcess, ServerProcess];
  const cpu = async () => (await first.cpuMicros()) + (await second.cpuMicros());
  try {
    const base = { kind: 'meshcall' as const, url: first.url, secondUrl: second.url };
    await generator.run(
      { type: 'throughput', ...base, pairs: 2, window: 4, warmupMs: 0, measureMs: 500 },
      'throughput',
    );
    const phases = { warmupMs: SETTINGS.warmupMs, measureMs: SETTINGS.measureMs };
    const cpuBefore = await cpu();
    const redisCpuBefore = await redis.cpuMicros();
    const saturated = await generator.run(
      { type: 'throughput', ...base, pairs: SETTINGS.pairs, window: SETTINGS.window, ...phases },
      'throughput',
    );
    const cpuUsed = (await cpu()) - cpuBefore;
    const redisCpuUsed = (await redis.cpuMicros()) - redisCpuBefore;
    const relayed = saturated.perSecond * ((phases.warmupMs + phases.measureMs) / 1000);
    const rate = Math.round(Math.min(latencyRate, saturated.perSecond / 2));
    const latency = await generator.run(
      {
        type: 'latency',
        ...base,
        pairs: SETTINGS.pairs,
        rate,
        warmupMs: SETTINGS.warmupMs / 2,
        measureMs: SETTINGS.measureMs,
      },
      'latency',
    );
    return {
      throughput: saturated.perSecond,
      cpuMicrosPerMessage: cpuUsed / relayed,
      redisCpuMicrosPerMessage: redisCpuUsed / relayed,
      latency: {
        targetRate: rate,
        rate: latency.perSecond,
        p50Ms: latency.p50Ms,
        p99Ms: latency.p99Ms,
        maxMs: latency.maxMs,
      },
    };
  } catch (error) {
    for (const server of servers) console.error(server.output());
    throw error;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await redis.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  // Figures from a shared machine mean little without how busy it was.
  const loadBefore = loadavg()[0] ?? 0;
  const generator = new Generator();
  const runs: RunFigures[] = [];
  try {
    for (let run = 0; run < SETTINGS.runs; run++) {
      // Interleaved, so that a noisy moment on the machine hits both sides alike.
      const ours = await measureThroughput(generator, 'meshcall');
      const bare = await measureThroughput(generator, 'bare-ws');
      const halfLoad = Number(args['latency-rate'] ?? Math.round(ours.perSecond / 2));
      const crossProcess = await measureCrossProcess(generator, halfLoad);
      const latency = {
        meshcall: await measureLatency(generator, 'meshcall', halfLoad),
        'bare-ws': await measureLatency(generator, 'bare-ws', halfLoad),
      };
      // The same rate as the cross-process latency, in one process: the reference it is held to.
      const crossRate = crossProcess.latency.targetRate;
      const singleAtCrossRate =
        crossRate === halfLoad
          ? latency.meshcall
          : await measureLatency(generator, 'meshcall', crossRate);
      runs.push({
        crossProcess,
        singleAtCrossRate: {
          rate: crossRate,
          p50Ms: singleAtCrossRate.p50Ms,
          p99Ms: singleAtCrossRate.p99Ms,
        },
        throughput: { meshcall: ours.perSecond, 'bare-ws': bare.perSecond },
        cpuMicrosPerMessage: {
          meshcall: ours.cpuMicrosPerMessage,
          'bare-ws': bare.cpuMicrosPerMessage,
        },
        latency,
      });
      console.error(
        `run ${run + 1}/${SETTINGS.runs}: ${Math.round(ours.perSecond)} vs ${Math.round(bare.perSecond)} msg/s`,
      );
    }
    const idleOurs = await measureIdle(generator, 'meshcall');
    const idleBare = await measureIdle(generator, 'bare-ws');

    const pick = (f: (run: RunFigures) => number) => median(runs.map(f));
    const summary = {
      throughput: pick((r) => r.throughput.meshcall),
      throughputBare: pick((r) => r.throughput['bare-ws']),
      ratio: pick((r) => r.throughput.meshcall / r.throughput['bare-ws']),
      cpuPerMessage: pick((r) => r.cpuMicrosPerMessage.meshcall),
      cpuPerMessageBare: pick((r) => r.cpuMicrosPerMessage['bare-ws']),
      latencyTarget: pick((r) => r.latency.meshcall.targetRate),
      latencyRate: pick((r) => r.latency.meshcall.rate),
      latencyRateBare: pick((r) => r.latency['bare-ws'].rate),
      latencyCpu: pick((r) => r.latency.meshcall.cpuMicrosPerMessage),
      latencyCpuBare: pick((r) => r.latency['bare-ws'].cpuMicrosPerMessage),
      p50: pick((r) => r.latency.meshcall.p50Ms),
      p99: pick((r) => r.latency.meshcall.p99Ms),
      p50Bare: pick((r) => r.latency['bare-ws'].p50Ms),
      p99Bare: pick((r) => r.latency['bare-ws'].p99Ms),
      crossThroughput: pick((r) => r.crossProcess.throughput),
      crossRatio: pick((r) => r.crossProcess.throughput / r.throughput.meshcall),
      crossCpu: pick((r) => r.crossProcess.cpuMicrosPerMessage),
      crossRedisCpu: pick((r) => r.crossProcess.redisCpuMicrosPerMessage),
      /** What one process can relay across processes, against what it relays within itself, for
       * the same CPU: its CPU per message in one process over the two processes' together. */
      crossCapacityRatio: pick(
        (r) => r.cpuMicrosPerMessage.meshcall / r.crossProcess.cpuMicrosPerMessage,
      ),
      crossTarget: pick((r) => r.crossProcess.latency.targetRate),
      crossRate: pick((r) => r.crossProcess.latency.rate),
      crossP50: pick((r) => r.crossProcess.latency.p50Ms),
      crossP99: pick((r) => r.crossProcess.latency.p99Ms),
      singleAtCrossP50: pick((r) => r.singleAtCrossRate.p50Ms),
      singleAtCrossP99: pick((r) => r.singleAtCrossRate.p99Ms),
    };
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    const rows: [string, string, string, string][] = [
      [
        'relayed messages/s at saturation',
        fmt(summary.throughput),
        fmt(summary.throughputBare),
        `ratio ${summary.ratio.toFixed(2)} (target ≥ 0.80)`,
      ],
      [
        'server CPU per relayed message, saturated',
        `${summary.cpuPerMessage.toFixed(1)} µs`,
        `${summary.cpuPerMessageBare.toFixed(1)} µs`,
        '',
      ],
      [
        `delivered msg/s when asked for ${fmt(summary.latencyTarget)}`,
        fmt(summary.latencyRate),
        fmt(summary.latencyRateBare),
        'less: the generator fell behind',
      ],
      [
        'server CPU per relayed message, at that rate',
        `${summary.latencyCpu.toFixed(1)} µs`,
        `${summary.latencyCpuBare.toFixed(1)} µs`,
        '',
      ],
      [
        `relay latency p50 at ${fmt(summary.latencyTarget)} msg/s`,
        `${summary.p50.toFixed(2)} ms`,
        `${summary.p50Bare.toFixed(2)} ms`,
        '',
      ],
      [
        `relay latency p99 at ${fmt(summary.latencyTarget)} msg/s`,
        `${summary.p99.toFixed(2)} ms`,
        `${summary.p99Bare.toFixed(2)} ms`,
        'target ≤ 5 ms',
      ],
      [
        'cross-process relayed messages/s (2 processes)',
        fmt(summary.crossThroughput),
        '',
        `${summary.crossRatio.toFixed(2)}× one process (this machine's cores shared by all)`,
      ],
      [
        'cross-process CPU per message (both)',
        `${summary.crossCpu.toFixed(1)} µs`,
        '',
        `one process: ${summary.cpuPerMessage.toFixed(1)} µs; redis-server: ${summary.crossRedisCpu.toFixed(1)} µs`,
      ],
      [
        'cross-process capacity per process',
        `${summary.crossCapacityRatio.toFixed(2)}×`,
        '',
        'one-process CPU ÷ cross-process CPU (target ≥ 0.70)',
      ],
      [
        `latency p50 / p99 at ${fmt(summary.crossTarget)} msg/s, cross`,
        `${summary.crossP50.toFixed(2)} / ${summary.crossP99.toFixed(2)} ms`,
        '',
        `one process: ${summary.singleAtCrossP50.toFixed(2)} / ${summary.singleAtCrossP99.toFixed(2)} ms (target p50 ≤ +1 ms); delivered ${fmt(summary.crossRate)}/s`,
      ],
      [
        'idle sockets held (joined, rooms of 5)',
        String(idleOurs.sockets),
        String(idleBare.sockets),
        '',
      ],
      [
        'RSS per idle socket (after GC)',
        kib(idleOurs.rssPerSocket),
        kib(idleBare.rssPerSocket),
        'target ≤ 10 KiB',
      ],
      [
        'heap per idle socket (after GC)',
        kib(idleOurs.heapPerSocket),
        kib(idleBare.heapPerSocket),
        '',
      ],
      [
        'RSS before / with idle sockets',
        `${mib(idleOurs.rssBefore)} / ${mib(idleOurs.rssHeld)}`,
        `${mib(idleBare.rssBefore)} / ${mib(idleBare.rssHeld)}`,
        '',
      ],
    ];
    const loadAfter = loadavg()[0] ?? 0;
    console.log(
      `\nSignaling benchmark${SMOKE ? ' (smoke: figures mean nothing)' : ''}: medians of ${SETTINGS.runs} run(s), ` +
        `${SETTINGS.pairs} pairs, ${SETTINGS.window} in flight per sender, ${SETTINGS.measureMs / 1000} s per measurement; ` +
        `${cpus().length} cores, load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after\n`,
    );
    const widths = [44, 18, 18];
    console.log(
      ['', 'meshcall', 'bare ws', ''].map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' '),
    );
    for (const row of rows)
      console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' '));

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
          cores: cpus().length,
          loadAverage: { before: loadBefore, after: loadAfter },
          smoke: SMOKE,
          settings: SETTINGS,
          summary,
          runs,
          idle: { meshcall: idleOurs, 'bare-ws': idleBare },
        },
        null,
        2,
      ),
    );
    console.log(`\nRaw figures: ${fileURLToPath(file)}`);

    // The smoke run checks only that everything ran and nothing leaked; never a timing.
    if (idleOurs.sockets !== SETTINGS.idleSockets || idleOurs.peers !== SETTINGS.idleSockets) {
      throw new Error(
        `held ${idleOurs.sockets} sockets and ${idleOurs.peers} peers, not ${SETTINGS.idleSockets}`,
      );
    }
    if (!(summary.throughput > 0 && summary.throughputBare > 0 && summary.crossThroughput > 0))
      throw new Error('nothing was relayed');
  } finally {
    generator.stop();
  }
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

await main();
