import { describe, expect, it } from 'vitest';
import { bestTileGrid, commonAspect, fitInside } from './tile-grid';

const WIDE = 16 / 9;

describe('bestTileGrid', () => {
  it('puts two people side by side on a laptop, whole pictures, no crop', () => {
    const grid = bestTileGrid(2, 1248, 640, { aspect: WIDE, gap: 12 });
    expect(grid.columns).toBe(2);
    expect(grid.cellWidth).toBeCloseTo(618);
    expect(grid.cellWidth / grid.cellHeight).toBeCloseTo(WIDE);
  });

  it('stacks two people on a phone held upright', () => {
    const grid = bestTileGrid(2, 366, 690, { aspect: WIDE, gap: 12 });
    expect(grid).toMatchObject({ columns: 1, rows: 2 });
    expect(grid.cellWidth).toBeCloseTo(366);
  });

  it('shows the most picture for every count, against trying each column count by hand', () => {
    for (const [width, height] of [
      [1248, 640],
      [1408, 760],
      [366, 690],
      [800, 1200],
    ] as const) {
      for (let count = 1; count <= 9; count++) {
        const grid = bestTileGrid(count, width, height, { aspect: WIDE, gap: 12 });
        const shown = grid.cellWidth * grid.cellHeight;
        for (let columns = 1; columns <= count; columns++) {
          const rows = Math.ceil(count / columns);
          const cell = fitInside(
            (width - (columns - 1) * 12) / columns,
            (height - (rows - 1) * 12) / rows,
            WIDE,
          );
          expect(shown).toBeGreaterThanOrEqual(cell.width * cell.height - 1e-6);
        }
        expect(grid.columns * grid.cellWidth + (grid.columns - 1) * 12).toBeLessThanOrEqual(
          width + 1e-6,
        );
        expect(grid.rows * grid.cellHeight + (grid.rows - 1) * 12).toBeLessThanOrEqual(
          height + 1e-6,
        );
        expect(grid.columns * grid.rows).toBeGreaterThanOrEqual(count);
      }
    }
  });

  it('stretches the cells to take all the room when asked to fill', () => {
    const grid = bestTileGrid(2, 1248, 640, { aspect: WIDE, gap: 12, fill: true });
    expect(grid).toMatchObject({ columns: 2, cellWidth: 618, cellHeight: 640 });
  });

  it('gives empty cells for a box with no room yet', () => {
    expect(bestTileGrid(3, 0, 0)).toMatchObject({ cellWidth: 0, cellHeight: 0 });
  });
});

describe('commonAspect', () => {
  it('takes the shape most pictures share, 16:9 when none is known', () => {
    expect(commonAspect([])).toBeCloseTo(WIDE);
    expect(commonAspect([4 / 3, 640 / 480, WIDE])).toBeCloseTo(4 / 3);
    expect(commonAspect([Number.NaN, 0])).toBeCloseTo(WIDE);
  });
});
