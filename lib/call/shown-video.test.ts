import { describe, expect, it } from 'vitest';
import { firstShowing, frameShown, showStream, standbyReady } from './shown-video';

const stream = (id: string) => ({ id }) as MediaStream;
const MESH = stream('mesh');
const SFU = stream('sfu');
const OTHER = stream('other');

describe('shown video', () => {
  it('shows the first stream at once, and counts its picture once it has a frame', () => {
    let shown = firstShowing(null);
    shown = showStream(shown, MESH);
    expect(shown).toMatchObject({ front: { key: 0, stream: MESH }, standby: null, aspect: null });
    // A frame of another stream (an element being replaced) is not the picture on screen.
    expect(frameShown(shown, OTHER, 1.5)).toBe(shown);
    shown = frameShown(shown, MESH, 16 / 9);
    expect(shown.aspect).toBe(16 / 9);
  });

  it('keeps the old picture on screen until the new stream has a frame, then swaps elements', () => {
    let shown = frameShown(firstShowing(MESH), MESH, 16 / 9);
    shown = showStream(shown, SFU);
    expect(shown).toMatchObject({
      front: { key: 0, stream: MESH },
      standby: { key: 1, stream: SFU },
      aspect: 16 / 9,
    });
    // The standby's own frames do not change what is on screen until it is ready.
    expect(frameShown(shown, SFU, 4 / 3)).toBe(shown);
    // A stale element's readiness is ignored.
    expect(standbyReady(shown, 7, 4 / 3, false)).toBe(shown);
    shown = standbyReady(shown, 1, 4 / 3, false);
    expect(shown).toMatchObject({ front: { key: 1, stream: SFU }, standby: null, aspect: 4 / 3 });
  });

  it('gives up waiting on a standby that has no frame: it shows with no picture yet', () => {
    let shown = showStream(frameShown(firstShowing(MESH), MESH, 1), SFU);
    shown = standbyReady(shown, 1, null, false);
    expect(shown).toMatchObject({ front: { key: 1, stream: SFU }, aspect: null });
    expect(frameShown(shown, SFU, 2).aspect).toBe(2);
  });

  it('plays the new stream in the same element when that one must stay (picture-in-picture)', () => {
    let shown = showStream(frameShown(firstShowing(MESH), MESH, 1), SFU);
    shown = standbyReady(shown, 1, 1, true);
    expect(shown).toMatchObject({ front: { key: 0, stream: SFU }, standby: null, aspect: null });
  });

  it('replaces at once when there is no picture to keep, and drops a standby no longer asked', () => {
    // Nothing on screen yet: no reason to wait.
    expect(showStream(firstShowing(MESH), SFU)).toMatchObject({
      front: { key: 0, stream: SFU },
      standby: null,
    });
    const showing = frameShown(firstShowing(MESH), MESH, 1);
    // No stream any more: the picture goes.
    expect(showStream(showing, null)).toMatchObject({
      front: { key: 0, stream: null },
      aspect: null,
    });
    // Asked back to what shows: the standby goes; asked another: a fresh standby.
    const waiting = showStream(showing, SFU);
    expect(showStream(waiting, MESH)).toMatchObject({ front: { stream: MESH }, standby: null });
    expect(showStream(waiting, OTHER).standby).toEqual({ key: 2, stream: OTHER });
  });
});
