import { signalingPlacement } from '@/lib/server/process-state';

// Under the custom server, `lib/server/ops-routes.ts` answers /healthz before Next sees it. Under
// plain `next dev` or `next start` this does: the call page asks it when signaling cannot be reached.
export const dynamic = 'force-dynamic';

export function GET() {
  const placement = signalingPlacement();
  const running = placement.kind !== 'not-running';
  return Response.json(
    running
      ? { status: 'ok', signaling: true }
      : { status: 'degraded', signaling: false, problem: placement.reason },
    { status: running ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
