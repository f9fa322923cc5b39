/**
 * The custom server: one HTTP server for the Next.js app and the signaling WebSocket at `/ws`.
 * Everything with logic in it lives under lib/; this file only wires the pieces together.
 */
import { createServer } from 'node:http';
import next from 'next';
import pino from 'pino';
import { loadServerConfig, staticIceServers } from './lib/server/config';
import { createSignalingEndpoint } from './lib/server/signaling-endpoint';
import { handleOpsRequest } from './lib/server/ops-routes';
import { SECURITY_HEADERS } from './lib/security/content-security-policy';

async function main(): Promise<void> {
  const config = loadServerConfig();
  const log = pino({ level: config.logLevel, base: undefined });

  const app = next({ dev: config.dev, hostname: config.host, port: config.port });
  await app.prepare();
  const handleRequest = app.getRequestHandler();
  const handleNextUpgrade = app.getUpgradeHandler();

  const iceServers = staticIceServers(config);
  const signaling = createSignalingEndpoint({
    config,
    log,
    iceConfiguration: () => ({ iceServers, iceTransportPolicy: config.iceTransportPolicy }),
  });

  const server = createServer((request, response) => {
    for (const { key, value } of SECURITY_HEADERS) response.setHeader(key, value);
    if (handleOpsRequest(request, response, signaling.hub)) return;
    void handleRequest(request, response);
  });

  server.on('upgrade', (request, socket, head) => {
    socket.on('error', () => socket.destroy());
    if (new URL(request.url ?? '/', 'http://localhost').pathname === '/ws') {
      signaling.handleUpgrade(request, socket, head);
    } else {
      // Next's own upgrades, such as hot reload in development.
      void handleNextUpgrade(request, socket, head);
    }
  });

  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log.info({ url: `http://${config.host}:${port}`, dev: config.dev }, 'server ready');
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    server.close();
    signaling.close();
    void app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
