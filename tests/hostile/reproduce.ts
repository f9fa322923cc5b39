/**
 * Reproduces each finding of the black-box attack on the production build and prints what it
 * costs the server: descriptors and memory from /proc, log bytes from its output, and what the
 * attacker got. Each finding runs against a fresh server with 512 descriptors, like the attacked
 * one. Run `npm run build` first, then:
 *
 *   node --import tsx tests/hostile/reproduce.ts [finding ...]     (findings: 1 2 3 4 7 8)
 */
import { startAppServer, type AppServer } from '../support/servers/app-server';
import { mebibytes } from '../support/memory';
import { closeWaitCount, processFigures } from '../support/process-probe';
import {
  dropJoinedPeers,
  floodAwayPeers,
  floodLogWithInvalidFrames,
  foreignUpgrade,
  harvestTurnCredentials,
  joinWithHostileNames,
  metric,
  rawRequests,
  requestOnNewConnection,
  sendBadRequests,
  unfinishedUpgrade,
} from '../support/hostile-client';

const DESCRIPTOR_LIMIT = 512;

async function withServer(
  env: Record<string, string>,
  run: (server: AppServer) => Promise<void>,
): Promise<void> {
  const server = await startAppServer({
    descriptorLimit: DESCRIPTOR_LIMIT,
    env: { LOG_LEVEL: 'info', ...env },
  });
  try {
    await run(server);
  } finally {
    await server.stop('SIGKILL');
  }
}

const healthz = (server: AppServer) => requestOnNewConnection(server, '/healthz');
const answer = requestOnNewConnection;

const figures = (server: AppServer) => processFigures(server.pid);
const print = (label: string, value: unknown) =>
  console.log(`  ${label.padEnd(46)} ${typeof value === 'string' ? value : JSON.stringify(value)}`);

/** JSON with every character outside printable ASCII escaped, so that the terminal shows it. */
const escaped = (text: string) =>
  JSON.stringify(text).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

const findings: Record<string, () => Promise<void>> = {
  async '1'() {
    console.log('1. Upgrades to other paths than /ws; headers that never end');
    await withServer({}, async (server) => {
      const before = figures(server);
      print('descriptors before (limit 512)', before.descriptors);
      const upgrades = await rawRequests(server, foreignUpgrade(server), 500, 10_000);
      print('500 upgrades to /x: answered', upgrades.answered);
      print('  statuses', upgrades.statuses);
      print('  closed by the server', upgrades.closedByServer);
      await new Promise((resolve) => setTimeout(resolve, 500));
      print('descriptors after the clients left', figures(server).descriptors);
      print('sockets in CLOSE-WAIT', closeWaitCount(server.port));
      print('/healthz after', await healthz(server));
      print('/ after', await answer(server, '/'));
    });
    await withServer({}, async (server) => {
      const slow = await rawRequests(server, unfinishedUpgrade(server), 300, 15_000);
      print('300 unfinished upgrades: closed by the server in 15 s', slow.closedByServer);
      print('  statuses', slow.statuses);
      print('/healthz after', await healthz(server));
      print('descriptors after', figures(server).descriptors);
    });
  },

  async '2'() {
    console.log('2. Peers held for resume, and the bytes held for them');
    await withServer({}, async (server) => {
      const started = Date.now();
      const outcome = await dropJoinedPeers(server, 150);
      print(`150 joined-and-dropped peers (${Date.now() - started} ms)`, outcome);
      print(
        'peers awaiting resume (limit 50 sockets)',
        await metric(server, 'meshcall_peers_awaiting_resume'),
      );
    });
    await withServer({}, async (server) => {
      const before = figures(server);
      const started = Date.now();
      const flood = await floodAwayPeers(server, 756);
      const after = figures(server);
      print('bytes held for them', mebibytes(await metric(server, 'meshcall_held_bytes')));
      print(`756 answers of 48 KiB to 3 away peers (${Date.now() - started} ms)`, flood.sent);
      print('RSS before → after', `${mebibytes(before.rss)} → ${mebibytes(after.rss)}`);
      print('RSS growth', mebibytes(after.rss - before.rss));
      print('peers still awaiting resume', await metric(server, 'meshcall_peers_awaiting_resume'));
      print('attacker closed with', flood.closeCode);
      await flood.stop();
    });
  },

  async '3'() {
    console.log('3. Client input in the log');
    await withServer({}, async (server) => {
      const before = server.output().length;
      const started = Date.now();
      const flood = await floodLogWithInvalidFrames(server, 10);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const logged = server.output().slice(before);
      const longestLine = Math.max(...logged.split('\n').map((line) => line.length));
      print(`10 sockets of 60 kB "to" (${Date.now() - started} ms): frames`, flood.framesSent);
      print('log bytes written', `${logged.length} (${mebibytes(logged.length)})`);
      print('longest log line', longestLine);
      print('longest error echoed to the client', flood.longestError);
    });
  },

  async '4'() {
    console.log('4. TURN credentials without joining');
    await withServer(
      { TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: 'reproduction-secret' },
      async (server) => {
        const started = Date.now();
        const harvest = await harvestTurnCredentials(server, 450, 10);
        print(`450 get-ice-servers, never joined (${Date.now() - started} ms)`, harvest);
      },
    );
  },

  async '7'() {
    console.log('7. Names');
    await withServer({}, async (server) => {
      const { relayed } = await joinWithHostileNames(server);
      for (const { sent, seen } of relayed) {
        print(escaped(sent), seen === null ? 'refused' : `relayed as ${escaped(seen)}`);
      }
    });
  },

  async '8'() {
    console.log('8. Requests that break Next');
    await withServer({}, async (server) => {
      const before = server.output().length;
      const statuses = await sendBadRequests(server, 5);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const logged = server.output().slice(before);
      for (const [request, codes] of Object.entries(statuses)) print(`${request} ×5`, codes);
      print('output bytes for 15 requests', logged.length);
      print('stack frames printed', (logged.match(/^\s+at /gm) ?? []).length);
    });
  },
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(findings)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  await run();
}
