/**
 * A query result as the CLI prints it: an aligned text table, RFC 4180 CSV, or JSON objects.
 */
import type { QueryResult } from './sqlEngine.js';

/** Cells wider than this are cut with `…` in the text table (CSV and JSON keep everything). */
export const MAX_CELL_WIDTH = 40;

/**
 * An aligned table with a header rule and a row count; numbers right-aligned, NULL shown as `NULL`, cells cut
 * at `MAX_CELL_WIDTH` characters.
 */
export function formatTable(result: QueryResult, options: { maxCellWidth?: number } = {}): string {
  const width = options.maxCellWidth ?? MAX_CELL_WIDTH;
  const cut = (text: string) => {
    const flat = text.replace(/[\r\n\t]/g, ' ');
    return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
  };
  const header = result.columns.map((c) => cut(c.name));
  const cells = result.rows.map((row) => row.map((v) => cut(v === null ? 'NULL' : cellText(v))));
  const numeric = result.columns.map((_, i) =>
    result.rows.some((row) => typeof row[i] === 'number' || typeof row[i] === 'bigint'),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join(' | ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-+-')];
  for (const row of cells) out.push(line(row));
  out.push(footer(result));
  return `${out.join('\n')}\n`;
}

function footer(result: QueryResult): string {
  const n = result.rows.length;
  const parts = [`${n} ${n === 1 ? 'row' : 'rows'}${result.truncated ? ' (more not shown)' : ''}`];
  const stats = result.stats;
  if (stats) {
    parts.push(`${stats.seconds.toFixed(2)} s`);
    if (stats.bytesScanned !== undefined) parts.push(`${formatBytes(stats.bytesScanned)} scanned`);
    if (stats.queryId !== undefined) parts.push(`query ${stats.queryId}`);
  }
  return `(${parts.join(', ')})`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

/**
 * RFC 4180 CSV: a header line, CRLF line ends, fields quoted when they hold `"`, `,`, CR or LF (quotes doubled).
 * NULL is an empty field; nested values are JSON.
 */
export function formatCsv(result: QueryResult): string {
  const field = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const lines = [result.columns.map((c) => field(c.name)).join(',')];
  for (const row of result.rows) lines.push(row.map((v) => (v === null ? '' : field(cellText(v)))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Rows as JSON-ready objects keyed by column name (a repeated name gets `_2`, `_3`): bigints as numbers when
 * they are safe integers, else as strings; bytes as hex; nested values likewise.
 */
export function rowObjects(result: QueryResult): Record<string, unknown>[] {
  const seen = new Map<string, number>();
  const names = result.columns.map((c) => {
    const count = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, count);
    return count === 1 ? c.name : `${c.name}_${count}`;
  });
  return result.rows.map((row) => Object.fromEntries(names.map((name, i) => [name, jsonValue(row[i])])));
}

/** A value JSON can hold without loss of meaning. */
export function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  // JSON has no NaN or infinities.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value instanceof Uint8Array) return hex(value);
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  }
  return value;
}

/** One value as text: strings as they are, numbers as JS prints them, bytes as hex, nested values as JSON. */
export function cellText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Uint8Array) return hex(value);
  return JSON.stringify(jsonValue(value));
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
