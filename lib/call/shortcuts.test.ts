import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHORTCUTS, shortcutFor } from './shortcuts';

const press = (key: string, modifiers: { ctrlKey?: boolean; altKey?: boolean } = {}) =>
  shortcutFor({ key, ctrlKey: false, altKey: false, metaKey: false, target: null, ...modifiers });

describe('shortcutFor', () => {
  it('maps each listed key to its action', () => {
    for (const shortcut of SHORTCUTS) expect(press(shortcut.key)).toBe(shortcut.action);
  });

  it('takes letters in either case, except that leaving needs Shift', () => {
    expect(press('M')).toBe('toggle-microphone');
    expect(press('C')).toBe('open-chat');
    expect(press('L')).toBe('leave');
    expect(press('l')).toBeNull();
  });

  it('leaves browser chords and other keys alone', () => {
    expect(press('m', { ctrlKey: true })).toBeNull();
    expect(press('c', { altKey: true })).toBeNull();
    expect(press('x')).toBeNull();
    expect(press('Enter')).toBeNull();
  });
});

describe('the README', () => {
  it('lists the shortcuts the page has, as the help popover does', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.split('### Keyboard shortcuts')[1]?.split('\n## ')[0] ?? '';
    const rows = [...section.matchAll(/^\| `([^`]+)` +\| (.+?) +\|$/gm)].map(([, key, text]) => [
      key,
      text,
    ]);
    expect(rows).toEqual(SHORTCUTS.map((shortcut) => [shortcut.label, shortcut.description]));
  });
});
