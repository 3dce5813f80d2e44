/**
 * Small helpers the benchmark entry points share: finding the repository, showing paths, and the text of
 * their report tables.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The nearest folder at or above `from` with a package.json (the repository root). */
export function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** A path relative to the working folder when it lies inside it, else as given. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

/** `best [min–max]` of repeated measurements (the smallest is the best), or `-` when there is none. */
export function spread(values: readonly number[], digits = 2): string {
  if (values.length === 0) return '-';
  const min = Math.min(...values);
  const max = Math.max(...values);
  return values.length > 1
    ? `${min.toFixed(digits)} [${min.toFixed(digits)}–${max.toFixed(digits)}]`
    : min.toFixed(digits);
}

/** Rows as aligned text: the first column left-aligned, the others right-aligned. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '),
  );
}

/** A target's verdict, padded for a column. */
export function verdict(pass: boolean): string {
  return (pass ? 'PASS' : 'MISS').padEnd(7);
}

/** A whole number with thousands separators. */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
