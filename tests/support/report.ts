/**
 * Small helpers for benchmark and load-test output: percentiles, ratios against a reference,
 * plain-text tables, how busy the machine was, and Prometheus counters.
 */
import { cpus, loadavg } from 'node:os';

export type Row = [label: string, values: number[], unit: string];

/** Nearest-rank percentile of `values` (0 < p ≤ 100); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** The arithmetic mean; 0 for no values. */
export function mean(values: readonly number[]): number {
  return sum(values) / Math.max(values.length, 1);
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A figure as a table shows it: whole above 100, one decimal below, a dash for none. */
export function formatFigure(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return '—';
  const number =
    Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
  return unit ? `${number} ${unit}` : number;
}

/**
 * `ours / reference` as "1.07×", and with a goal, "1.07× (goal ≤ 1.15×, met)": ours may be at most
 * `goal` times the reference (a cost), or at least (a rate).
 */
export function formatRatio(
  ratio: number,
  goal?: number,
  direction: 'at most' | 'at least' = 'at most',
): string {
  if (!Number.isFinite(ratio)) return '—';
  const text = `${ratio.toFixed(2)}×`;
  if (goal === undefined) return text;
  const met = direction === 'at most' ? ratio <= goal : ratio >= goal;
  const sign = direction === 'at most' ? '≤' : '≥';
  return `${text} (goal ${sign} ${goal.toFixed(2)}×, ${met ? 'met' : 'MISSED'})`;
}

/**
 * How busy the machine was: figures from a shared machine mean little without it. The same three
 * load averages `uptime` prints.
 */
export function machineLoad(): { cores: number; loadAverage: number[] } {
  return { cores: cpus().length, loadAverage: loadavg().map((value) => Number(value.toFixed(2))) };
}

export function describeLoad(load: { cores: number; loadAverage: number[] }): string {
  return `${load.cores} cores, load average ${load.loadAverage.map((value) => value.toFixed(2)).join(' ')}`;
}

/** Prints `rows` under `header`, the first column left-aligned and the others right-aligned. */
export function printGrid(
  title: string,
  header: readonly string[],
  rows: readonly string[][],
): void {
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  console.log(`\n${title}`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

/** A table of p50, p95 and max for each row's values. */
export function printTable(title: string, rows: readonly Row[]): void {
  printGrid(
    title,
    ['', 'p50', 'p95', 'max'],
    rows.map(([label, values, unit]) => [
      label,
      formatFigure(percentile(values, 50), unit),
      formatFigure(percentile(values, 95), unit),
      formatFigure(values.length ? Math.max(...values) : Number.NaN, unit),
    ]),
  );
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
