import { sameDisplay, type DisplayReport } from '../webrtc/display-report';

/** How one tile shows a person's camera, as measured in the page. */
export interface TileDisplay {
  /** Device pixels (CSS size × devicePixelRatio). */
  width: number;
  height: number;
  /** Some of the tile is inside the viewport. */
  inView: boolean;
  fullScreen: boolean;
}

/** Smaller changes wait this long for the next one, so a resize sends one report, not fifty. */
export const REPORT_DEBOUNCE_MS = 300;

/**
 * How long to hold `next` before sending it, when `previous` was sent last. What asks for more
 * video (a first report of a tile in view, a tile coming into view, full screen) goes at once, so
 * quality comes back within a second; everything else is debounced. That includes a first report
 * of nothing shown: a tile just mounted may be outside the viewport for a frame before the layout
 * places it, and pausing the sender then would delay the link's first frame.
 */
export function reportDelay(previous: DisplayReport | null, next: DisplayReport): number {
  if (!previous) return next.visible ? 0 : REPORT_DEBOUNCE_MS;
  if (next.visible && !previous.visible) return 0;
  if (next.fullScreen && !previous.fullScreen) return 0;
  return REPORT_DEBOUNCE_MS;
}

/**
 * What the person's tiles add up to: the largest tile in view counts; none in view, none shown.
 * Null while the only tiles in view have no size yet (just mounted, not laid out): they say
 * nothing until they do, so a new link does not start at the smallest picture.
 */
export function combineTiles(
  tiles: Iterable<TileDisplay>,
  pageVisible: boolean,
): DisplayReport | null {
  let best: TileDisplay | null = null;
  let unmeasured = false;
  for (const tile of tiles) {
    if (!tile.inView) continue;
    if (tile.width === 0 || tile.height === 0) {
      unmeasured = true;
      continue;
    }
    if (!best || tile.fullScreen || tile.width * tile.height > best.width * best.height)
      best = tile;
    if (best.fullScreen) break;
  }
  if (!pageVisible || (!best && !unmeasured))
    return { width: 0, height: 0, visible: false, fullScreen: false };
  if (!best) return null;
  return { width: best.width, height: best.height, visible: true, fullScreen: best.fullScreen };
}

export interface DisplayReporterOptions {
  send(peerId: string, display: DisplayReport): void;
  pageVisible(): boolean;
}

/** A tile's handle: it says how it shows the person, and when it is gone. */
export interface TileHandle {
  update(display: TileDisplay): void;
  remove(): void;
}

interface PersonReports {
  tiles: Map<symbol, TileDisplay>;
  sent: DisplayReport | null;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Tells each person how this page shows their camera: their tiles, the page's visibility, and
 * the debounce between them (see `reportDelay`).
 */
export class DisplayReporter {
  private readonly people = new Map<string, PersonReports>();

  constructor(private readonly options: DisplayReporterOptions) {}

  /** A tile showing `peerId`'s camera; it reports once it has measured itself. */
  addTile(peerId: string): TileHandle {
    const key = Symbol(peerId);
    return {
      update: (display) => {
        this.person(peerId).tiles.set(key, display);
        this.refresh(peerId);
      },
      remove: () => {
        const person = this.people.get(peerId);
        if (!person?.tiles.delete(key)) return;
        this.refresh(peerId);
      },
    };
  }

  /** The page was hidden or shown. */
  pageVisibilityChanged(): void {
    for (const peerId of this.people.keys()) this.refresh(peerId);
  }

  /** The person left: nothing more is sent to them. */
  forget(peerId: string): void {
    const person = this.people.get(peerId);
    if (person?.timer) clearTimeout(person.timer);
    this.people.delete(peerId);
  }

  clear(): void {
    for (const peerId of [...this.people.keys()]) this.forget(peerId);
  }

  private person(peerId: string): PersonReports {
    let person = this.people.get(peerId);
    if (!person) {
      person = { tiles: new Map(), sent: null, timer: null };
      this.people.set(peerId, person);
    }
    return person;
  }

  private refresh(peerId: string): void {
    const person = this.people.get(peerId);
    if (!person) return;
    const next = combineTiles(person.tiles.values(), this.options.pageVisible());
    if (person.timer) clearTimeout(person.timer);
    person.timer = null;
    // A tile not laid out yet: what was sent last stands until it has a size.
    if (next === null) return;
    if (person.sent && sameDisplay(person.sent, next)) return;
    const send = () => {
      person.timer = null;
      person.sent = next;
      this.options.send(peerId, next);
    };
    const delay = reportDelay(person.sent, next);
    if (delay === 0) send();
    else person.timer = setTimeout(send, delay);
  }
}
