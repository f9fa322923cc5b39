/** Width over height of a camera picture when nothing better is known: most webcams send 16:9. */
export const DEFAULT_ASPECT = 16 / 9;

export interface TileGrid {
  columns: number;
  rows: number;
  /** Size of each cell, in CSS pixels; a tile fits inside its cell. */
  cellWidth: number;
  cellHeight: number;
}

/**
 * The grid that shows `count` pictures of one aspect ratio (width / height) as large as they can
 * be in a `width`×`height` box with `gap` between cells, as Meet and Jitsi lay out their tiles:
 * every column count is tried, and the one with the most picture on screen wins. With `fill`, the
 * cells then stretch to take all the room (the pictures will be cropped to fill them).
 */
export function bestTileGrid(
  count: number,
  width: number,
  height: number,
  { aspect = DEFAULT_ASPECT, gap = 0, fill = false } = {},
): TileGrid {
  const tiles = Math.max(1, count);
  let best: TileGrid & { area: number } = {
    columns: 1,
    rows: tiles,
    cellWidth: 0,
    cellHeight: 0,
    area: -1,
  };
  for (let columns = 1; columns <= tiles; columns++) {
    const rows = Math.ceil(tiles / columns);
    const roomWidth = (width - (columns - 1) * gap) / columns;
    const roomHeight = (height - (rows - 1) * gap) / rows;
    if (roomWidth <= 0 || roomHeight <= 0) continue;
    const picture = fitInside(roomWidth, roomHeight, aspect);
    const area = picture.width * picture.height;
    if (area > best.area) {
      best = fill
        ? { columns, rows, cellWidth: roomWidth, cellHeight: roomHeight, area }
        : { columns, rows, cellWidth: picture.width, cellHeight: picture.height, area };
    }
  }
  return {
    columns: best.columns,
    rows: best.rows,
    cellWidth: best.cellWidth,
    cellHeight: best.cellHeight,
  };
}

/** The largest box of `aspect` (width / height) that fits inside `width`×`height`. */
export function fitInside(
  width: number,
  height: number,
  aspect: number,
): { width: number; height: number } {
  if (width <= 0 || height <= 0 || !(aspect > 0)) return { width: 0, height: 0 };
  return width / height > aspect
    ? { width: height * aspect, height }
    : { width, height: width / aspect };
}

/**
 * The aspect ratio to lay a call out by: the one most of the pictures share, so that they fill
 * their cells exactly; any other picture fits inside its cell, uncropped.
 */
export function commonAspect(aspects: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const aspect of aspects) {
    if (!(aspect > 0) || !Number.isFinite(aspect)) continue;
    // 1280×720 and 640×360 are the same shape; 4:3 and 16:9 are not.
    const key = Math.round(aspect * 100) / 100;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best = DEFAULT_ASPECT;
  let bestCount = 0;
  for (const [aspect, n] of counts) {
    if (n > bestCount) [best, bestCount] = [aspect, n];
  }
  return best;
}
