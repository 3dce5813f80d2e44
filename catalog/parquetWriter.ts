/**
 * Arrow → Parquet bytes, with parquet-wasm (arrow-rs compiled to WebAssembly).
 *
 * Arrow JS tables cross into WebAssembly as an Arrow IPC stream: parquet-wasm 0.8 can export Arrow C Data
 * (FFI) structs to JS but has no import path, so IPC is the only way in. Serialising (a copy into memory
 * already touched, see `ipcBuffer.ts`) and the memcpy into wasm memory cost ~10-50 ms per million rows,
 * against ~300-450 ms for the Parquet encoding itself (measured with
 * `tests/catalog/measureWriteThroughput.ts`).
 */
import { parquetWasm, type ParquetWasm } from './parquetWasm.js';
import { tableToIPC } from 'apache-arrow';
import type { Table as ArrowTable, Schema } from 'apache-arrow';
import type { WriterProperties } from 'parquet-wasm';
import { InternalError } from '../core/errors.js';
import type { ColumnView } from './columnBuffer.js';

export type ParquetCompression = 'zstd' | 'snappy' | 'none';

/**
 * How one column is encoded (Parquet `Encodings.md`):
 * - `dictionary`: RLE_DICTIONARY, falling back to PLAIN when the dictionary page outgrows its limit. Pays for
 *   low-cardinality values: names, ids, quantised CAN signal values.
 * - `delta_binary_packed`: for sorted or slowly changing integers and timestamps (no dictionary).
 * - `byte_stream_split`: for noisy doubles such as coordinates (no dictionary); zstd then finds the
 *   repetition in exponent and high mantissa bytes.
 * - `plain`: no dictionary, PLAIN.
 */
export type ColumnEncoding = 'dictionary' | 'delta_binary_packed' | 'byte_stream_split' | 'plain';

export interface ParquetOptions {
  /**
   * Rows per row group. 256 Ki rows gives a 1 M-row part four row groups: DuckDB scans row groups in
   * parallel and min/max statistics per row group let a time-window query skip most of a file, while each
   * column chunk stays large enough for efficient S3 range reads (can_signals: ~1 MB per row group).
   * Files were within 1% of the size written with 1 M-row groups (measured).
   * @default 262144
   */
  rowGroupRows?: number;
  /** @default 'zstd' */
  compression?: ParquetCompression;
  /**
   * zstd level of adlake's own encoder (`columnsParquet.ts`); parquet-wasm keeps its default (1).
   * @default DEFAULT_ZSTD_LEVEL (3)
   */
  zstdLevel?: number;
  /** Per-column encodings; columns not named use dictionary encoding with a PLAIN fallback. */
  columnEncodings?: Readonly<Record<string, ColumnEncoding>>;
  /**
   * Per-column statistics; columns not named get min/max/null counts per page and per column chunk
   * (`page`). `none` saves the comparisons where min/max can never prune a row group (measured: 14% of
   * the can_signals encoding time for its name and value columns).
   */
  columnStatistics?: Readonly<Record<string, ColumnStatistics>>;
}

export type ColumnStatistics = 'page' | 'chunk' | 'none';

export const DEFAULT_ROW_GROUP_ROWS = 262_144;

/**
 * Writer settings as plain data, so they can be posted to an encoding worker and applied there with the
 * same meaning (see `parquetWorker.ts`).
 */
export interface WriterPlan {
  compression: ParquetCompression;
  zstdLevel?: number;
  rowGroupRows: number;
  columns: {
    name: string;
    dictionary?: boolean;
    encoding?: Exclude<ColumnEncoding, 'dictionary'>;
    statistics?: ColumnStatistics;
  }[];
}

/**
 * Encodes an Arrow table as one Parquet file: zstd, sized row groups, page and chunk statistics on.
 * For tables built by hand; the table writer serialises through `IpcBuffer` instead. Arrow JS's
 * `tableToIPC`, used here, mis-joins columns that are views of one buffer: such a table is refused with
 * an InternalError (give each column its own buffer).
 */
export function encodeParquet(table: ArrowTable, options: ParquetOptions = {}): Uint8Array {
  return encodeParquetIpc(tableToIPC(table, 'stream'), writerPlan(options));
}

/** Encodes an Arrow IPC stream (as `tableToIPC(table, 'stream')` makes) with a writer plan. */
export function encodeParquetIpc(ipc: Uint8Array, plan: WriterPlan): Uint8Array {
  // Properties first: writeParquet consumes (frees) both the wasm table and the properties.
  const pw = parquetWasm();
  const properties = writerProperties(pw, plan);
  try {
    return pw.writeParquet(pw.Table.fromIPCStream(ipc), properties);
  } catch (error) {
    // Input comes from adlake's own buffers, so a rejected table is a bug here, not bad user data.
    const message = error instanceof Error ? error.message : 'unknown error';
    throw new InternalError(`parquet encoding failed: ${message}`, {}, { cause: error });
  }
}

/** Resolves options and defaults into a `WriterPlan`. */
export function writerPlan(options: ParquetOptions = {}): WriterPlan {
  const rowGroupRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
  if (!Number.isInteger(rowGroupRows) || rowGroupRows < 1) {
    throw new RangeError(`rowGroupRows must be a positive integer, got ${rowGroupRows}`);
  }
  const columns = new Map<string, WriterPlan['columns'][number]>();
  for (const [name, encoding] of Object.entries(options.columnEncodings ?? {}))
    columns.set(name, columnPlan(name, encoding));
  for (const [name, statistics] of Object.entries(options.columnStatistics ?? {})) {
    columns.set(name, { name, ...columns.get(name), statistics });
  }
  return {
    compression: options.compression ?? 'zstd',
    ...(options.zstdLevel !== undefined ? { zstdLevel: options.zstdLevel } : {}),
    rowGroupRows,
    columns: [...columns.values()],
  };
}

function columnPlan(name: string, encoding: ColumnEncoding): WriterPlan['columns'][number] {
  switch (encoding) {
    case 'dictionary':
      return { name, dictionary: true };
    case 'delta_binary_packed':
    case 'byte_stream_split':
    case 'plain':
      return { name, dictionary: false, encoding };
  }
}

/** parquet-wasm's enum member names for the plan's words (`parquetWorker.ts` maps them the same way). */
export const WASM_NAMES = {
  compression: { zstd: 'ZSTD', snappy: 'SNAPPY', none: 'UNCOMPRESSED' },
  encoding: {
    delta_binary_packed: 'DELTA_BINARY_PACKED',
    byte_stream_split: 'BYTE_STREAM_SPLIT',
    plain: 'PLAIN',
  },
  statistics: { page: 'Page', chunk: 'Chunk', none: 'None' },
} as const;

function writerProperties(pw: ParquetWasm, plan: WriterPlan): WriterProperties {
  // Page statistics (the column index) cost about the same as chunk statistics (measured) and let
  // Athena/Trino skip pages inside a row group on time-range filters.
  let builder = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression[WASM_NAMES.compression[plan.compression]])
    .setMaxRowGroupSize(plan.rowGroupRows)
    .setStatisticsEnabled(pw.EnabledStatistics.Page)
    .setDictionaryEnabled(true);
  for (const column of plan.columns) {
    if (column.dictionary !== undefined)
      builder = builder.setColumnDictionaryEnabled(column.name, column.dictionary);
    if (column.encoding !== undefined)
      builder = builder.setColumnEncoding(column.name, pw.Encoding[WASM_NAMES.encoding[column.encoding]]);
    if (column.statistics !== undefined)
      builder = builder.setColumnStatisticsEnabled(
        column.name,
        pw.EnabledStatistics[WASM_NAMES.statistics[column.statistics]],
      );
  }
  return builder.build();
}

/**
 * Where Parquet encoding runs. `inThreadEncoder` encodes synchronously on the calling thread;
 * `ParquetWorker` (parquetWorker.ts) encodes on another core while the caller keeps decoding;
 * `ColumnsWorker` (columnsWorker.ts: adlake's own encoder, columnsParquet.ts, on a worker thread) takes flat
 * parts as column buffers, without Arrow.
 */
export interface ParquetEncoder {
  /** Encodes an Arrow IPC stream. `ipc` is read until the promise settles; the caller may reuse it after. */
  encode(ipc: Uint8Array, plan: WriterPlan): Promise<Uint8Array>;
  /**
   * Optional columnar path, tried before `encode`: copies the part's columns and resolves once they are
   * copied (the caller may then reuse its buffers) with the encoding that is still running; resolves
   * undefined, having copied nothing, when it does not take this part (the caller then goes through IPC).
   */
  stageColumns?(part: ColumnarPart, plan: WriterPlan): Promise<StagedPart | undefined>;
}

/** One part file's rows as column views, in the schema's field order. */
export interface ColumnarPart {
  schema: Schema;
  rows: number;
  columns: readonly ColumnView[];
}

/** A part whose columns were copied by the encoder; `bytes` settles when its Parquet file is encoded. */
export interface StagedPart {
  bytes: Promise<Uint8Array>;
}

export const inThreadEncoder: ParquetEncoder = {
  encode: (ipc, plan) => new Promise((resolve) => resolve(encodeParquetIpc(ipc, plan))),
};
