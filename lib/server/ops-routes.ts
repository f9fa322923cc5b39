import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROMETHEUS_CONTENT_TYPE, collectSignalingMetrics, renderPrometheus } from './metrics';
import type { SignalingEndpoint } from './signaling-endpoint';

/**
 * Answers the operational endpoints that the custom server owns. Returns false for any other
 * request, which then goes to Next.js. `/healthz` also tells the call page that signaling is
 * running: under plain `next dev` it is a 404. `/metrics` is for Prometheus.
 */
export function handleOpsRequest(
  request: IncomingMessage,
  response: ServerResponse,
  signaling: SignalingEndpoint,
): boolean {
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
    response.writeHead(200, {
      'content-type': PROMETHEUS_CONTENT_TYPE,
      'cache-control': 'no-store',
    });
    response.end(renderPrometheus(collectSignalingMetrics(signaling)));
    return true;
  }
  return false;
}
