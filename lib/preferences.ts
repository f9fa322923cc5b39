/** Choices remembered between visits, in localStorage. Every read tolerates a missing or broken value. */

const DISPLAY_NAME_KEY = 'meshcall.displayName';

export function loadDisplayName(): string {
  return readString(DISPLAY_NAME_KEY) ?? '';
}

export function saveDisplayName(name: string): void {
  writeString(DISPLAY_NAME_KEY, name);
}

function readString(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function writeString(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // Private mode or storage full: the choice just is not remembered.
  }
}
