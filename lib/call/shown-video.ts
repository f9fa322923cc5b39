/**
 * How long a tile's new stream may take to paint a frame before it replaces the old picture
 * anyway. Whoever ends the old stream's tracks waits this long after handing a tile the new one.
 */
export const STANDBY_PATIENCE_MS = 1_500;

/**
 * What a `VideoElement` shows, as state: the stream on screen, and a new one playing unseen until
 * it has a frame. Pure, so that the switch's rules are tested without a browser.
 */
export interface ShownVideo {
  /** The element on screen; `key` names the element, so React keeps it across renders. */
  front: { key: number; stream: MediaStream | null };
  /** A new stream playing in an invisible element of its own until it has presented a frame. */
  standby: { key: number; stream: MediaStream } | null;
  /** Width / height of the picture on screen; null until the front has a frame. */
  aspect: number | null;
  nextKey: number;
}

export function firstShowing(stream: MediaStream | null): ShownVideo {
  return { front: { key: 0, stream }, standby: null, aspect: null, nextKey: 1 };
}

/**
 * The stream to show is now `stream`. While a picture is on screen, a new stream waits on
 * standby; with no picture to keep (nothing shown yet, or no stream any more) it takes the
 * element at once.
 */
export function showStream(shown: ShownVideo, stream: MediaStream | null): ShownVideo {
  if (stream === shown.front.stream) return { ...shown, standby: null };
  if (stream === null || shown.front.stream === null || shown.aspect === null) {
    return { ...shown, front: { key: shown.front.key, stream }, standby: null, aspect: null };
  }
  return { ...shown, standby: { key: shown.nextKey, stream }, nextKey: shown.nextKey + 1 };
}

/**
 * The standby element `key` presented a frame (`aspect`), or waited long enough (`aspect` null
 * if it still has none): it goes on screen. `inPlace`: the front element must stay (it is in
 * picture-in-picture), so it plays the new stream itself.
 */
export function standbyReady(
  shown: ShownVideo,
  key: number,
  aspect: number | null,
  inPlace: boolean,
): ShownVideo {
  const standby = shown.standby;
  if (standby?.key !== key) return shown;
  if (inPlace) {
    return {
      ...shown,
      front: { key: shown.front.key, stream: standby.stream },
      standby: null,
      aspect: null,
    };
  }
  return { ...shown, front: standby, standby: null, aspect };
}

/** An element playing `stream` has a frame of this shape; it counts only if it is on screen. */
export function frameShown(
  shown: ShownVideo,
  stream: MediaStream | null,
  aspect: number,
): ShownVideo {
  if (stream === null || stream !== shown.front.stream || shown.aspect === aspect) return shown;
  return { ...shown, aspect };
}
