/**
 * The custom server: one HTTP server for the Next.js app and the signaling WebSocket at `/ws`.
 * Everything with logic in it lives under lib/; this file only wires the pieces together.
 */
import nextEnv from '@next/env';
import next from 'next';
import pino from 'pino';
import { createHttpServer } from './lib/server/http-server';
import { processConfig, setSignalingPlacement } from './lib/server/process-state';
import { readServerActionIds } from './lib/server/server-actions';

async function main(): Promise<void> {
  // Load `.env` files the way Next does, before the settings are read: the server and the pages
  // Next renders in this process then share one configuration.
  nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== 'production');
  const config = processConfig();
  // Signaling is on this server's own origin; `instrumentation.ts` must not start another.
  setSignalingPlacement({ kind: 'same-origin' });
  const log = pino({ level: config.logLevel, base: undefined });

  const app = next({ dev: config.dev, hostname: config.host, port: config.port });
  await app.prepare();
  const handleRequest = app.getRequestHandler();
  const handleNextUpgrade = app.getUpgradeHandler();

  const http = createHttpServer({
    config,
    log,
    handleRequest: (request, response) => void handleRequest(request, response),
    // In production Next answers no upgrade; in development only its hot reload needs one.
    handleDevUpgrade: config.dev
      ? (request, socket, head) => void handleNextUpgrade(request, socket, head)
      : undefined,
    serverActionIds: config.dev ? undefined : readServerActionIds('.next'),
  });

  const address = await http.listen(config.port, config.host);
  log.info(
    {
      url: `${config.tls ? 'https' : 'http'}://${config.host}:${address.port}`,
      dev: config.dev,
      signalingOrigins: http.origins?.describe(),
    },
    'server ready',
  );
  if (!config.dev && !config.publicOrigin) {
    log.warn(
      'PUBLIC_ORIGIN is not set: only pages opened at the listening address may use signaling. Behind a proxy or under a domain name, set PUBLIC_ORIGIN (e.g. https://call.example.com).',
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // A last resort, should a socket or Next hang on the way down.
    setTimeout(() => process.exit(0), 10_000).unref();
    void http
      .shutdown()
      .then(() => app.close())
      .catch((error: unknown) => log.error({ err: error }, 'error while shutting down'))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
