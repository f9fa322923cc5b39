/**
 * The real signaling server (HTTP server, `/ws` endpoint, `/healthz`, `/metrics`) without Next's
 * pages, as its own process for the load test and the benchmark. Configured by the same
 * environment variables as `server.ts`. Started by `server-process.ts`, which talks to it over IPC.
 */
import pino from 'pino';
import { loadServerConfig } from '../../../lib/server/config';
import { createHttpServer } from '../../../lib/server/http-server';
import { serveControlMessages } from './process-control';

const config = loadServerConfig();
const log = pino({ level: config.logLevel, base: undefined });
const http = createHttpServer({
  config,
  log,
});
const address = await http.listen(config.port, config.host);
serveControlMessages(address.port, () => http.shutdown());
