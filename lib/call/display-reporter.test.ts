import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DisplayReport } from '../webrtc/display-report';
import {
  DisplayReporter,
  REPORT_DEBOUNCE_MS,
  combineTiles,
  reportDelay,
  type TileDisplay,
} from './display-reporter';

const tile = (width: number, height: number, more: Partial<TileDisplay> = {}): TileDisplay => ({
  width,
  height,
  inView: true,
  fullScreen: false,
  ...more,
});
const report = (width: number, height: number, more: Partial<DisplayReport> = {}) => ({
  width,
  height,
  visible: true,
  fullScreen: false,
  ...more,
});
const hidden = { width: 0, height: 0, visible: false, fullScreen: false };

describe('reportDelay', () => {
  it('sends at once what asks for more video, and debounces the rest', () => {
    expect(reportDelay(null, report(320, 180))).toBe(0);
    expect(reportDelay(null, hidden)).toBe(REPORT_DEBOUNCE_MS);
    expect(reportDelay(hidden, report(320, 180))).toBe(0);
    expect(reportDelay(report(320, 180), report(320, 180, { fullScreen: true }))).toBe(0);
    expect(reportDelay(report(320, 180), report(640, 360))).toBe(REPORT_DEBOUNCE_MS);
    expect(reportDelay(report(320, 180), hidden)).toBe(REPORT_DEBOUNCE_MS);
    expect(reportDelay(report(320, 180, { fullScreen: true }), report(320, 180))).toBe(
      REPORT_DEBOUNCE_MS,
    );
  });
});

describe('combineTiles', () => {
  it('takes the largest tile in view, and a full-screen one above all', () => {
    expect(combineTiles([tile(320, 180), tile(640, 360)], true)).toEqual(report(640, 360));
    expect(combineTiles([tile(640, 360), tile(100, 50, { fullScreen: true })], true)).toEqual(
      report(100, 50, { fullScreen: true }),
    );
    expect(combineTiles([tile(320, 180), tile(1280, 720, { inView: false })], true)).toEqual(
      report(320, 180),
    );
  });

  it('shows nothing with no tile in view, or with the page hidden', () => {
    expect(combineTiles([], true)).toEqual(hidden);
    expect(combineTiles([tile(320, 180, { inView: false })], true)).toEqual(hidden);
    expect(combineTiles([tile(320, 180)], false)).toEqual(hidden);
    // A tile not laid out yet says nothing, unless the page is hidden anyway.
    expect(combineTiles([tile(0, 0)], true)).toBeNull();
    expect(combineTiles([tile(0, 0), tile(320, 180)], true)).toEqual(report(320, 180));
    expect(combineTiles([tile(0, 0)], false)).toEqual(hidden);
  });
});

describe('DisplayReporter', () => {
  let sent: [string, DisplayReport][];
  let pageVisible: boolean;
  let reporter: DisplayReporter;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    pageVisible = true;
    reporter = new DisplayReporter({
      send: (peerId, display) => sent.push([peerId, display]),
      pageVisible: () => pageVisible,
    });
  });
  afterEach(() => vi.useRealTimers());

  it('reports a first measure at once and debounces a resize into one report', () => {
    const handle = reporter.addTile('p1');
    handle.update(tile(640, 360));
    expect(sent).toEqual([['p1', report(640, 360)]]);
    for (let width = 600; width > 300; width -= 20) handle.update(tile(width, 200));
    vi.advanceTimersByTime(REPORT_DEBOUNCE_MS - 1);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([
      ['p1', report(640, 360)],
      ['p1', report(320, 200)],
    ]);
  });

  it('says nothing for a tile not laid out yet, then its first size at once', () => {
    const handle = reporter.addTile('p1');
    handle.update(tile(0, 0));
    vi.advanceTimersByTime(REPORT_DEBOUNCE_MS * 2);
    expect(sent).toEqual([]);
    handle.update(tile(612, 344));
    expect(sent).toEqual([['p1', report(612, 344)]]);
  });

  it('holds a first report of nothing shown, which the tile may undo as it is laid out', () => {
    const handle = reporter.addTile('p1');
    handle.update(tile(612, 344, { inView: false }));
    handle.update(tile(612, 344));
    vi.advanceTimersByTime(REPORT_DEBOUNCE_MS * 2);
    expect(sent).toEqual([['p1', report(612, 344)]]);
  });

  it('keeps the last report while a tile that replaces another is laid out', () => {
    const first = reporter.addTile('p1');
    first.update(tile(640, 360));
    first.remove();
    const second = reporter.addTile('p1');
    second.update(tile(0, 0));
    vi.advanceTimersByTime(REPORT_DEBOUNCE_MS * 2);
    expect(sent).toEqual([['p1', report(640, 360)]]);
  });

  it('sends nothing when a change is undone before the debounce ends', () => {
    const handle = reporter.addTile('p1');
    handle.update(tile(640, 360));
    handle.update(tile(320, 180));
    handle.update(tile(640, 360));
    vi.advanceTimersByTime(REPORT_DEBOUNCE_MS * 2);
    expect(sent).toHaveLength(1);
  });

  it('goes full screen at once', () => {
    const handle = reporter.addTile('p1');
    handle.update(tile(320, 180));
    handle.update(tile(1920, 1080, { fullScreen: true }));
    expect(sent.at(-1)).toEqual(['p1', report(1920, 1080, { fullScreen: true })]);
  });

  it('stops everyone when the page is hidden, and brings them back at once when shown', () => {
    reporter.addTile('p1').update(tile(640, 360));
    reporter.addTile('p2').update(tile(640, 360));
    pageVisible = false;
    reporter.pageVisibilityChanged();
    vi.advanceTimersByTime(REPORT_DEBOUNCE_MS);
    expect(sent.slice(2)).toEqual([
      ['p1', hidden],
      ['p2', hidden],
    ]);
    pageVisible = true;
    reporter.pageVisibilityChanged();
    expect(sent.slice(4)).toEqual([
      ['p1', report(640, 360)],
      ['p2', report(640, 360)],
    ]);
  });

  it('reports nothing shown once the last tile is gone, and nothing after forget', () => {
    const handle = reporter.addTile('p1');
    handle.update(tile(640, 360));
    handle.remove();
    vi.advanceTimersByTime(REPORT_DEBOUNCE_MS);
    expect(sent.at(-1)).toEqual(['p1', hidden]);
    const again = reporter.addTile('p2');
    again.update(tile(640, 360));
    again.update(tile(320, 180));
    reporter.forget('p2');
    vi.advanceTimersByTime(REPORT_DEBOUNCE_MS);
    expect(sent.filter(([peerId]) => peerId === 'p2')).toHaveLength(1);
  });
});
