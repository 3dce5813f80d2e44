/**
 * Where everything lives in the lake. One place builds and parses keys, so the writer, the catalog and the
 * cleanup of stale parts agree:
 *
 * ```
 * tables/<table>/vehicle=<vehicle>/date=<YYYY-MM-DD>/<drive_id>-<part 00000>.parquet
 * quarantine/<sha256>/reason.json          (+ quarantine/<sha256>/input/<file name>)
 * _runs/<run_id>.json                       one OpenLineage RunEvent per run
 * _inputs/<sha256>.json                     the input ledger
 * ```
 *
 * Partition folders follow Hive's `key=value` convention, so DuckDB (`hive_partitioning`) and Athena read
 * `vehicle` and `date` from the path; they are not stored in the files.
 */
import { UsageError } from '../core/errors.js';

export const TABLES_PREFIX = 'tables/';
export const QUARANTINE_PREFIX = 'quarantine/';
export const RUNS_PREFIX = '_runs/';
export const INPUTS_PREFIX = '_inputs/';

/** Digits in a part number: `-00000.parquet`. */
const PART_DIGITS = 5;
const MAX_PART = 10 ** PART_DIGITS - 1;

export interface PartAddress {
  table: string;
  vehicle: string;
  /** UTC date `YYYY-MM-DD`. */
  date: string;
  driveId: string;
  part: number;
}

export function tablePrefix(table: string): string {
  assertTableName(table);
  return `${TABLES_PREFIX}${table}/`;
}

/** `tables/<table>/vehicle=<vehicle>/`: every partition of one vehicle. */
export function vehiclePrefix(table: string, vehicle: string): string {
  return `${tablePrefix(table)}vehicle=${escapePathValue(vehicle, 'vehicle')}/`;
}

/** `tables/<table>/vehicle=<vehicle>/date=<date>/`: one partition. */
export function partitionPrefix(table: string, vehicle: string, date: string): string {
  assertDate(date);
  return `${vehiclePrefix(table, vehicle)}date=${date}/`;
}

/** The key of one part file. Deterministic, so re-running a drive overwrites its own parts. */
export function partKey(address: PartAddress): string {
  const { table, vehicle, date, driveId, part } = address;
  if (!Number.isInteger(part) || part < 0 || part > MAX_PART) {
    throw new UsageError(`part number ${part} is outside 0..${MAX_PART}; raise rowsPerFile`);
  }
  const name = `${escapePathValue(driveId, 'drive id')}-${String(part).padStart(PART_DIGITS, '0')}.parquet`;
  return partitionPrefix(table, vehicle, date) + name;
}

const PART_KEY =
  /^tables\/([a-z][a-z0-9_]*)\/vehicle=([^/]+)\/date=(\d{4}-\d{2}-\d{2})\/([^/]+)-(\d{5})\.parquet$/;

/** Parses a part key back into its address; undefined for any other key. */
export function parsePartKey(key: string): PartAddress | undefined {
  const match = PART_KEY.exec(key);
  if (!match) return undefined;
  const [, table = '', vehicle = '', date = '', driveId = '', part = ''] = match;
  return {
    table,
    vehicle: unescapePathValue(vehicle),
    date,
    driveId: unescapePathValue(driveId),
    part: Number(part),
  };
}

/** `quarantine/<sha256>/`: the reason and, when kept, a copy of the input. */
export function quarantinePrefix(sha256: string): string {
  assertSha256(sha256);
  return `${QUARANTINE_PREFIX}${sha256}/`;
}

export function runKey(runId: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(runId)) {
    throw new UsageError(`run id ${JSON.stringify(runId)} is not a lowercase UUID`);
  }
  return `${RUNS_PREFIX}${runId}.json`;
}

export function inputKey(sha256: string): string {
  assertSha256(sha256);
  return `${INPUTS_PREFIX}${sha256}.json`;
}

export function assertSha256(sha256: string): void {
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw new UsageError(`${JSON.stringify(sha256)} is not a lowercase hex SHA-256`);
  }
}

export function assertTableName(table: string): void {
  if (!/^[a-z][a-z0-9_]*$/.test(table)) {
    throw new UsageError(`table name ${JSON.stringify(table)} must be lowercase letters, digits and _`);
  }
}

export function assertDate(date: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new UsageError(`date ${JSON.stringify(date)} is not YYYY-MM-DD`);
}

/**
 * Makes an id safe as one path segment the way Hive escapes partition values (`FileUtils.escapePathName`):
 * control characters, DEL and the characters in `ESCAPED` below become `%XX`. Ids containing `/` or `..` are refused
 * rather than escaped, because they almost always mean a path was passed where an id was expected.
 */
export function escapePathValue(value: string, what = 'value'): string {
  if (value.length === 0) throw new UsageError(`${what} is empty`);
  if (value.includes('/') || value.includes('\\') || value.includes('..')) {
    throw new UsageError(`${what} ${JSON.stringify(value)} must not contain "/", "\\" or ".."`);
  }
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    out += needsEscape(code) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : value[i];
  }
  return out;
}

/** Inverse of `escapePathValue`. */
export function unescapePathValue(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const ESCAPED = new Set('"#%\'*/:=?\\^[]{}'.split('').map((c) => c.charCodeAt(0)));

function needsEscape(code: number): boolean {
  return code < 0x20 || code === 0x7f || ESCAPED.has(code);
}
