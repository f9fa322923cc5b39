/** Small helpers for benchmark output: percentiles, a plain-text table, Prometheus counters. */

export type Row = [label: string, values: number[], unit: string];

/** Nearest-rank percentile of `values` (0 < p ≤ 100); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function printTable(title: string, rows: readonly Row[]): void {
  const format = (value: number, unit: string) =>
    Number.isNaN(value)
      ? '—'
      : `${value >= 100 ? Math.round(value) : value.toFixed(1)}${unit ? ` ${unit}` : ''}`;
  const table = rows.map(([label, values, unit]) => [
    label,
    format(percentile(values, 50), unit),
    format(percentile(values, 95), unit),
    format(values.length ? Math.max(...values) : Number.NaN, unit),
  ]);
  const header = ['', 'p50', 'p95', 'max'];
  const widths = header.map((_, column) =>
    Math.max(...[header, ...table].map((row) => row[column]!.length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!),
      )
      .join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  for (const row of table) console.log(line(row));
}

/** Enough of the Prometheus text format to read our own samples back: `name{labels} value` lines. */
export function parsePrometheusText(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}
