export interface PageLifecycleHandlers {
  /** The page is going away: a reload, a navigation, or the tab closing. */
  onUnload(): void;
  /** The browser is back online. */
  onOnline(): void;
  /** The browser went offline. */
  onOffline(): void;
  /** The person clicked or typed: audio may start now (autoplay policies). */
  onGesture(): void;
}

/** Listens to the window events a call page lives by; returns the teardown. */
export function watchPageLifecycle(handlers: PageLifecycleHandlers): () => void {
  const onPageShow = (event: PageTransitionEvent) => {
    // Restored from the back/forward cache: its call was stopped on the way out, so start over
    // (a reload rejoins by itself).
    if (event.persisted) window.location.reload();
  };
  const listeners = [
    ['pagehide', handlers.onUnload],
    ['pageshow', onPageShow],
    ['online', handlers.onOnline],
    ['offline', handlers.onOffline],
    ['pointerdown', handlers.onGesture],
    ['keydown', handlers.onGesture],
  ] as const;
  for (const [type, listener] of listeners)
    window.addEventListener(type, listener as EventListener);
  return () => {
    for (const [type, listener] of listeners)
      window.removeEventListener(type, listener as EventListener);
  };
}
