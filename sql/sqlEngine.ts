/**
 * The SQL engine port: run Athena SQL and get typed rows back. Two implementations: `DuckdbEngine` (embedded,
 * the lake's tables as views, Athena functions as macros) and `AthenaEngine` (`@aws-sdk/client-athena`).
 *
 * Values in `rows` are the same JavaScript types on both engines, so callers never look at the engine:
 * - integers up to 32 bits, floating point and decimals → `number`; 64-bit and wider integers → `bigint`;
 * - varchar, char, uuid, json, intervals → `string`; booleans → `boolean`; SQL NULL → `null`;
 * - timestamps → ISO 8601 text at the engine's full precision, `2024-06-14T08:00:00.123456` without a zone and
 *   `…Z` (or `…+02:00`) with one; dates → `2024-06-14`; times → `08:00:00.5` (text keeps microseconds, which
 *   a JS `Date` would drop);
 * - varbinary → `Uint8Array`; arrays → arrays; rows/structs → plain objects; maps → plain objects keyed by the
 *   key's text.
 * `columns[].type` is the engine's own type name (DuckDB `TIMESTAMP`, Athena `timestamp`). Table columns of
 * UTC instants are `timestamp` (no zone, UTC wall clock) on both engines; the session zone is UTC on both.
 */
import type { Provenance } from '../core/errors.js';

/** Where a query's text comes from, so error positions point into the file (a statement of a script). */
export interface SqlSource {
  uri?: string;
  /** 1-based line and column where the statement starts. @default 1 */
  line?: number;
  column?: number;
}

export interface QueryOptions {
  /** Cancels the query: DuckDB interrupts it, Athena gets StopQueryExecution. The promise rejects with the reason. */
  signal?: AbortSignal;
  /** Stop reading after this many rows (`truncated` tells whether more were left). @default all rows */
  maxRows?: number;
  /** Where the SQL text comes from, for error positions. */
  source?: SqlSource;
}

export interface QueryColumn {
  name: string;
  /** The engine's type name. */
  type: string;
}

export interface QueryStats {
  /** Bytes the engine read from storage, when it tells (Athena's DataScannedInBytes). */
  bytesScanned?: number;
  rows: number;
  /** Wall-clock time of the query, including queueing and fetching the results. */
  seconds: number;
  /** Athena's query execution id, for the console and the result file. */
  queryId?: string;
}

export interface QueryResult {
  columns: QueryColumn[];
  rows: unknown[][];
  /** True when `maxRows` cut the result short. */
  truncated?: boolean;
  stats?: QueryStats;
}

export interface SqlEngine {
  /** Which engine this is, for messages. */
  readonly name: 'duckdb' | 'athena';
  /**
   * Runs one statement. Errors: `DecodeError` for SQL the engine rejects (with the line:column it reports),
   * `NotFoundError` for a table that does not exist (the message lists those that do).
   */
  query(sql: string, options?: QueryOptions): Promise<QueryResult>;
  close(): Promise<void>;
}

/** ISO 8601 from SQL timestamp text (`2024-06-14 08:00:00.5`, `… UTC`, `…+00`, `…+02:00`). */
export function isoTimestamp(text: string): string {
  const match = /^(-?\d+-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)\s*(.*)$/.exec(text);
  if (!match) return text;
  const [, date = '', time = '', zone = ''] = match;
  return `${date}T${time}${isoZone(zone)}`;
}

function isoZone(zone: string): string {
  if (zone === '') return '';
  if (zone === 'UTC' || zone === 'Z' || zone === '+00' || zone === '+00:00' || zone === 'Etc/UTC') return 'Z';
  const offset = /^([+-]\d\d)(?::?(\d\d))?$/.exec(zone);
  if (offset) return `${offset[1] ?? ''}:${offset[2] ?? '00'}`;
  // A named zone (Athena keeps it): ISO 8601 has no place for it, RFC 9557 puts it in brackets.
  return `[${zone}]`;
}

/**
 * Provenance of a position the engine reported in a statement (1-based line and column within it), moved to
 * where the statement starts in its source.
 */
export function sqlProvenance(source: SqlSource | undefined, line?: number, column?: number): Provenance {
  const where: Provenance = {};
  if (source?.uri !== undefined) where.uri = source.uri;
  if (line === undefined) return where;
  const startLine = source?.line ?? 1;
  where.line = startLine + line - 1;
  if (column !== undefined) where.column = line === 1 ? (source?.column ?? 1) + column - 1 : column;
  return where;
}
