import pino from 'pino';
import { createHttpServer } from './http-server';
import { processConfig, setSignalingPlacement, signalingPlacement } from './process-state';

/** Set once the first start is under way: Next may call its hook again before it finishes. */
let starting = false;

/**
 * Starts signaling on its own port (SIGNALING_PORT) for an app run by plain `next dev` or
 * `next start`, where no custom server owns `/ws`. Pages learn the port when they render. Does
 * nothing under the custom server, which has already placed signaling on its own origin.
 */
export async function startSignalingBesideNext(): Promise<void> {
  const placement = signalingPlacement();
  if (placement.kind !== 'not-running' || starting) return;
  starting = true;
  const config = processConfig();
  const log = pino({ level: config.logLevel, base: undefined });
  // Next sets PORT to the port it serves pages on; pages there may open the socket.
  const pagePort = Number(process.env.PORT) || 3000;
  const http = createHttpServer({ config, log, pagePort });
  try {
    const address = await http.listen(config.signalingPort, config.host);
    setSignalingPlacement({ kind: 'own-port', port: address.port });
    log.info(
      {
        url: `${config.tls ? 'wss' : 'ws'}://${config.host}:${address.port}/ws`,
        signalingOrigins: http.origins?.describe(),
      },
      'signaling ready beside Next',
    );
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? `port ${config.signalingPort} is in use: set SIGNALING_PORT to a free one`
        : (error as Error).message;
    setSignalingPlacement({ kind: 'not-running', reason });
    log.error({ reason }, 'signaling could not start, so calls cannot connect');
  }
}
