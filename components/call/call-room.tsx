'use client';

import { Suspense, useEffect, useState } from 'react';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { CallProvider, type RelaySettings } from './call-provider';
import { LoadingCall } from './loading-call';
import { Lobby } from './lobby';

// The lobby comes first and is what must load fast; what is shown after it (the call's own UI,
// and the screens for waiting, a full room and the end) is fetched while the person is still in
// the lobby, so joining never waits for it. Each is held in state, not behind `lazy`: `lazy`
// suspends on its first render even when the module has arrived, and React holds back revealing
// what suspended for up to 300 ms after its fallback showed, which delayed the first picture of a
// call by that much. The two load apart: the small screens need not wait for the call's UI.
const loadCallView = () => import('./call-view');
const loadPhaseScreens = () => import('./phase-screens');

export interface CallRoomProps {
  roomId: string;
  relay: RelaySettings;
  /** Where signaling listens when not on the page's own origin (beside plain `next dev`). */
  signalingPort: number | null;
}

/** The whole call page in the browser: lobby, call, or an ending screen. */
export function CallRoom({ roomId, relay, signalingPort }: CallRoomProps) {
  return (
    <CallProvider roomId={roomId} relay={relay} signalingPort={signalingPort}>
      {/* Anything still loading suspends here, inside the provider: hiding the provider instead
          would make strict mode re-run its effect, restarting the controller mid-join. */}
      <Suspense>
        <CallPhaseView />
      </Suspense>
    </CallProvider>
  );
}

function CallPhaseView() {
  const phase = useCallStore((state) => state.phase);
  const callView = usePrefetched(loadCallView, phase === 'in-call');
  const phaseScreens = usePrefetched(
    loadPhaseScreens,
    phase !== 'lobby' && phase !== 'joining' && phase !== 'in-call',
  );
  switch (phase) {
    case 'lobby':
    case 'joining':
      return <Lobby />;
    case 'in-call':
      return callView ? <callView.CallView /> : <LoadingCall />;
    case 'waiting':
    case 'room-full':
    case 'left':
    case 'removed':
    case 'ended':
      return phaseScreens ? <phaseScreens.PhaseScreen phase={phase} /> : <LoadingCall />;
  }
}

/**
 * A module fetched in the background, from the lobby: null until it has arrived. Once it is
 * `needed`, a failed fetch is tried once more, and a second failure is an error of the page; a
 * failed prefetch alone leaves the lobby working.
 */
function usePrefetched<T>(load: () => Promise<T>, needed: boolean): T | null {
  const [loaded, setLoaded] = useState<{ value: T } | null>(null);
  const [failures, setFailures] = useState<unknown[]>([]);
  useEffect(() => {
    if (loaded || failures.length > (needed ? 1 : 0)) return;
    let mounted = true;
    load().then(
      (value) => mounted && setLoaded({ value }),
      (error: unknown) => mounted && setFailures((earlier) => [...earlier, error]),
    );
    return () => {
      mounted = false;
    };
  }, [load, loaded, failures.length, needed]);
  if (needed && failures.length > 1) throw failures.at(-1);
  return loaded?.value ?? null;
}
