'use client';

import { Suspense, useEffect, useState } from 'react';
import { useCallStore } from '@/lib/hooks/use-call-store';
import { CallProvider, type RelaySettings } from './call-provider';
import type { CallView } from './call-view';
import { Lobby } from './lobby';
import type { PhaseScreen } from './phase-screens';

// The lobby comes first and is what must load fast; everything shown after it (the call's own UI,
// and the screens for waiting, a full room and the end) is fetched while the person is still in
// the lobby, so joining never waits for it. It is held in state, not behind `lazy`: `lazy`
// suspends on its first render even when the module has arrived, and React holds back revealing
// what suspended for up to 300 ms after its fallback showed, which delayed the first picture of a
// call by that much.
interface PastLobbyViews {
  CallView: typeof CallView;
  PhaseScreen: typeof PhaseScreen;
}
const loadPastLobbyViews = (): Promise<PastLobbyViews> =>
  Promise.all([import('./call-view'), import('./phase-screens')]).then(([call, screens]) => ({
    CallView: call.CallView,
    PhaseScreen: screens.PhaseScreen,
  }));

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
  const pastLobby = phase !== 'lobby' && phase !== 'joining';
  const [views, setViews] = useState<PastLobbyViews | null>(null);
  const [loadFailures, setLoadFailures] = useState<unknown[]>([]);
  useEffect(() => {
    // Fetched from the lobby; fetched once more on leaving it if that failed.
    if (views || loadFailures.length > (pastLobby ? 1 : 0)) return;
    let mounted = true;
    loadPastLobbyViews().then(
      (loaded) => mounted && setViews(loaded),
      (error: unknown) => mounted && setLoadFailures((earlier) => [...earlier, error]),
    );
    return () => {
      mounted = false;
    };
  }, [views, loadFailures.length, pastLobby]);
  // Views fetched in vain twice, from the lobby and after it, are an error of the page. A failed
  // prefetch alone leaves the lobby working.
  if (pastLobby && loadFailures.length > 1) throw loadFailures.at(-1);
  if (!pastLobby) return <Lobby />;
  if (!views) return null;
  return phase === 'in-call' ? <views.CallView /> : <views.PhaseScreen phase={phase} />;
}
