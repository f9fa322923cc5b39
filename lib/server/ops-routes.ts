import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignalingHub } from '../signaling/signaling-hub';

/**
 * Answers the operational endpoints that the custom server owns. Returns false for any other
 * request, which then goes to Next.js. `/healthz` also tells the call page that signaling is
 * running: under plain `next dev` it is a 404.
 */
export function handleOpsRequest(
  request: IncomingMessage,
  response: ServerResponse,
  hub: SignalingHub,
): boolean {
  const path = request.url?.split('?', 1)[0];
  if (path !== '/healthz') return false;
  const counts = hub.counts();
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(
    JSON.stringify({ status: 'ok', signaling: true, rooms: counts.rooms, peers: counts.peers }),
  );
  return true;
}
