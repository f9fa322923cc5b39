import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSignalingMetrics } from './metrics';
import type { SignalingEndpoint } from './signaling-endpoint';

export interface OpsRoutesOptions {
  signaling: SignalingEndpoint;
  /** When set, `/metrics` wants `Authorization: Bearer <token>` (METRICS_TOKEN). */
  metricsToken: string | null;
}

/**
 * The operational endpoints the signaling server owns: `/healthz` (for load balancers, and for
 * the call page to tell "signaling is down" from a passing fault) and `/metrics` (for
 * Prometheus). The handler returns false for any other request, which then goes to Next.js.
 */
export function createOpsRoutes({ signaling, metricsToken }: OpsRoutesOptions) {
  const metrics = createSignalingMetrics(signaling);
  const expected = metricsToken === null ? null : digest(`Bearer ${metricsToken}`);

  return function handleOpsRequest(request: IncomingMessage, response: ServerResponse): boolean {
    const path = request.url?.split('?', 1)[0];
    if (path === '/healthz') {
      const counts = signaling.hub.counts();
      const state = signaling.rooms.status();
      // 200 even while Redis is away: every process shares it, so taking this one out of a load
      // balancer would help nobody, and calls in progress still work. Joins fail fast meanwhile.
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(
        JSON.stringify({
          status: state.available ? 'ok' : 'degraded',
          signaling: true,
          roomState: state.shared ? (state.available ? 'redis' : 'redis-unreachable') : 'memory',
          rooms: counts.rooms,
          peers: counts.peers,
        }),
      );
      return true;
    }
    if (path === '/metrics') {
      // Compared as digests of equal length, in constant time.
      const given = digest(request.headers.authorization ?? '');
      if (expected && !timingSafeEqual(given, expected)) {
        response.writeHead(401, { 'www-authenticate': 'Bearer', 'cache-control': 'no-store' });
        response.end();
        return true;
      }
      metrics.render().then(
        (text) => {
          response.writeHead(200, {
            'content-type': metrics.contentType,
            'cache-control': 'no-store',
          });
          response.end(text);
        },
        () => response.writeHead(500).end(),
      );
      return true;
    }
    return false;
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
