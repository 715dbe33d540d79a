// What both benchmarks print the same way: the machine, its load, and the results table where
// each figure stands next to the ceiling measured in the same run (docs/performance.md).
import os from 'node:os';

export const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** CPU model and cores, memory, kernel: what makes two machines "of the same kind" differ. */
export function machine(extra: string[] = []): string {
  const cpus = os.cpus();
  return [`${cpus.length} cores (${cpus[0]?.model.trim() ?? '?'})`, `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory`, ...extra, `Node ${process.version}`, `${os.type()} ${os.release()}`].join(', ');
}

/** The 1, 5 and 15 minute load averages. */
export const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Nearest-rank percentile of sorted values. */
export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** (max − min) / median, in %: how far the rounds of one ratio lie apart. */
export const spread = (values: number[]): number => (values.length < 2 ? 0 : ((Math.max(...values) - Math.min(...values)) / median(values)) * 100);

/** "0.81 (rounds 0.80, 0.82; spread 2.4 %)" — the median of the rounds' ratios, each round's, their spread. */
export function ratioWithRounds(rounds: number[], unit = '', digits = 2): string {
  const m = `${median(rounds).toFixed(digits)}${unit}`;
  if (rounds.length < 2) return m;
  return `${m} (rounds ${rounds.map((r) => r.toFixed(digits)).join(', ')}; spread ${spread(rounds).toFixed(1)} %)`;
}

export const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');

export interface ResultRow {
  measure: string;
  figure: string;
  ceiling: string;
  ratio: string;
  target: string;
  /** Empty for rows shown for information (no target). */
  verdict: 'met' | 'missed' | '';
}

/** The results as a Markdown table (pasted as is into docs/performance.md). */
export function printTable(rows: ResultRow[]): void {
  log('| measure | figure | ceiling (same run, same machine) | ratio | target | |');
  log('|---|---|---|---|---|---|');
  for (const r of rows) log(`| ${r.measure} | ${r.figure} | ${r.ceiling} | ${r.ratio} | ${r.target} | ${r.verdict} |`);
}

/** Reads a positive integer setting (argument or environment), with a named error. */
export function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got '${value}'`);
  return n;
}
