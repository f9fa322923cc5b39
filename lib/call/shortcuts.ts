/** Keyboard shortcuts of the call page: one list, used by the handler, the help popover and the README. */
export const SHORTCUTS = [
  {
    key: 'm',
    label: 'M',
    action: 'toggle-microphone',
    description: 'Turn the microphone on or off',
  },
  { key: 'v', label: 'V', action: 'toggle-camera', description: 'Turn the camera on or off' },
  {
    key: 's',
    label: 'S',
    action: 'toggle-screen-share',
    description: 'Share your screen, or stop',
  },
  { key: 'c', label: 'C', action: 'open-chat', description: 'Open the chat and start typing' },
  { key: 'p', label: 'P', action: 'toggle-participants', description: 'Show or hide who is here' },
  {
    key: 'Escape',
    label: 'Esc',
    action: 'close-panel',
    description: 'Close the chat or the list of people',
  },
  {
    key: 'L',
    label: 'Shift + L',
    action: 'leave',
    description: 'Leave the call (asks first)',
  },
  { key: '?', label: '?', action: 'show-shortcuts', description: 'Show the list of shortcuts' },
  // Held, not pressed: `PushToTalk` handles it by the physical key (`event.code`), on keydown and
  // keyup. No key press has `key` 'Space' (the space bar's is ' '), so `shortcutFor` never returns it.
  {
    key: 'Space',
    label: 'Space (hold)',
    action: 'push-to-talk',
    description: 'While muted: talk while held',
  },
] as const;

export type ShortcutAction = (typeof SHORTCUTS)[number]['action'];

/**
 * The action for a key press, or null. Presses with Ctrl, Alt or Meta belong to the browser, and
 * presses while typing belong to the text field: only Escape leaves a field, closing its panel.
 */
export function shortcutFor(event: {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  target: EventTarget | null;
}): ShortcutAction | null {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  if (event.key !== 'Escape' && isTypingTarget(event.target)) return null;
  const key = event.key.length === 1 && event.key !== 'L' ? event.key.toLowerCase() : event.key;
  return SHORTCUTS.find((shortcut) => shortcut.key === key)?.action ?? null;
}

/** Whether keys pressed on `target` type text (or pick an option) rather than run shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  // Checkboxes and buttons take no text; every other input does.
  return (
    target instanceof HTMLInputElement &&
    !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(
      target.type,
    )
  );
}
