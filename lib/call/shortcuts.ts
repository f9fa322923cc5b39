/** Keyboard shortcuts of the call page: one list, used by the handler and the help popover. */
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
  { key: 'c', label: 'C', action: 'toggle-chat', description: 'Open or close the chat' },
  { key: 'p', label: 'P', action: 'toggle-participants', description: 'Show or hide who is here' },
  { key: 'L', label: 'Shift + L', action: 'leave', description: 'Leave the call' },
  { key: '?', label: '?', action: 'show-shortcuts', description: 'Show these shortcuts' },
] as const;

export type ShortcutAction = (typeof SHORTCUTS)[number]['action'];

/**
 * The action for a key press, or null. Presses with Ctrl, Alt or Meta belong to the browser, and
 * presses while typing belong to the text field.
 */
export function shortcutFor(event: {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  target: EventTarget | null;
}): ShortcutAction | null {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  if (isTypingTarget(event.target)) return null;
  const key = event.key.length === 1 && event.key !== 'L' ? event.key.toLowerCase() : event.key;
  return SHORTCUTS.find((shortcut) => shortcut.key === key)?.action ?? null;
}

function isTypingTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}
