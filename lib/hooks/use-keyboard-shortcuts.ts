import { useEffect, useRef } from 'react';
import { shortcutFor, type ShortcutAction } from '../call/shortcuts';

/**
 * Whether a dialog or popover is open: it has the keyboard then (Escape closes it, Enter and
 * Space press its buttons), and no shortcut may act behind it.
 */
function overlayOpen(): boolean {
  if (document.querySelector('dialog[open]')) return true;
  try {
    return document.querySelector(':popover-open') !== null;
  } catch {
    // A browser without popovers has none open.
    return false;
  }
}

/** Calls `onAction` for the call page's keyboard shortcuts while mounted. */
export function useKeyboardShortcuts(onAction: (action: ShortcutAction) => void): void {
  const latest = useRef(onAction);
  useEffect(() => {
    latest.current = onAction;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.repeat || event.defaultPrevented) return;
      const action = shortcutFor(event);
      if (!action || overlayOpen()) return;
      event.preventDefault();
      latest.current(action);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
