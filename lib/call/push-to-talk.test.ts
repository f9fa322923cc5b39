import { describe, expect, it } from 'vitest';
import { PushToTalk } from './push-to-talk';

const space = {
  code: 'Space',
  repeat: false,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  target: null,
};

describe('push-to-talk', () => {
  it('speaks while Space is held with the microphone off, and mutes on release', () => {
    const ptt = new PushToTalk();
    expect(ptt.keyDown(space, false)).toBe('unmute');
    expect(ptt.active).toBe(true);
    expect(ptt.keyDown({ ...space, repeat: true }, true)).toBe('swallow');
    expect(ptt.keyUp(space)).toBe('mute');
    expect(ptt.active).toBe(false);
    expect(ptt.keyUp(space)).toBeNull();
  });

  it('goes by the physical key, so any layout works, and ignores other keys', () => {
    const ptt = new PushToTalk();
    expect(ptt.keyDown({ ...space, code: 'KeyM' }, false)).toBeNull();
    // The key that types a space on any layout is code "Space", whatever `key` it reports.
    expect(ptt.keyDown({ ...space, code: 'Space' }, false)).toBe('unmute');
  });

  it('does nothing while the microphone is on, or with a modifier held', () => {
    const ptt = new PushToTalk();
    expect(ptt.keyDown(space, true)).toBeNull();
    expect(ptt.keyUp(space)).toBeNull();
    expect(ptt.keyDown({ ...space, ctrlKey: true }, false)).toBeNull();
  });

  it('mutes again if the page loses focus while Space is held', () => {
    const ptt = new PushToTalk();
    ptt.keyDown(space, false);
    expect(ptt.blur()).toBe('mute');
    expect(ptt.blur()).toBeNull();
  });
});
