/**
 * Next's start-up hook. Under plain `next dev` or `next start` no custom server owns `/ws`, so
 * signaling starts on its own port beside Next (`npm run dev` and `npm start` need none of this).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // `next build` runs the hook too, in its workers: no server is wanted there.
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startSignalingBesideNext } = await import('./lib/server/signaling-beside-next');
  await startSignalingBesideNext();
}
