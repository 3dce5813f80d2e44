/**
 * Reads a curated table back from the lake, one part file at a time, as Arrow tables. Transforms use it to
 * read a drive's rows through the object-store port, so the same code reads a local lake and an S3 lake
 * (DuckDB here has no httpfs). Memory is bounded by one part file (`rowsPerFile` rows) and the columns asked for.
 */
import { Table, tableFromIPC } from 'apache-arrow';
import type { Table as ArrowTable, RecordBatch } from 'apache-arrow';
import { DecodeError } from '../core/errors.js';
import { parsePartKey, tablePrefix } from './layout.js';
import type { PartAddress } from './layout.js';
import type { ObjectStore } from './objectStore.js';

export interface TablePart extends PartAddress {
  key: string;
  size: number;
}

/** The part files of `table` (optionally of one drive), in key order: date, then part number. */
export async function listTableParts(
  store: ObjectStore,
  table: string,
  filter: { driveId?: string; vehicle?: string } = {},
): Promise<TablePart[]> {
  const parts: TablePart[] = [];
  for await (const info of store.list(tablePrefix(table))) {
    const address = parsePartKey(info.key);
    if (!address) continue;
    if (filter.driveId !== undefined && address.driveId !== filter.driveId) continue;
    if (filter.vehicle !== undefined && address.vehicle !== filter.vehicle) continue;
    parts.push({ ...address, key: info.key, size: info.size });
  }
  return parts;
}

/** Rows per decoded record batch: fewer, larger batches than parquet's 1024 keep per-batch work small. */
const BATCH_ROWS = 65_536;

/**
 * Decodes one part file. `columns` limits what is decoded; names the file does not have are left out (the
 * partition columns are never in files, and topic tables differ between drives), so check `getChild`.
 */
export async function readPart(
  store: ObjectStore,
  key: string,
  columns?: readonly string[],
): Promise<ArrowTable> {
  const bytes = await store.get(key);
  try {
    // Loaded on use: compiling its WebAssembly costs a process that never reads a part (ingest) ~0.1 s.
    const { ParquetFile, readParquet } = await import('parquet-wasm');
    if (columns === undefined) {
      return tableFromIPC(readParquet(bytes, { batchSize: BATCH_ROWS }).intoIPCStream());
    }
    // parquet-wasm 0.8's readParquet ignores `columns` and decodes every column; only its ParquetFile
    // reader applies the projection (and it throws on a name the file lacks, hence the filter).
    const file = await ParquetFile.fromFile(new Blob([bytes]));
    try {
      const names = new Set(tableFromIPC(file.schema().intoIPCStream()).schema.names);
      const options = { batchSize: BATCH_ROWS, columns: columns.filter((name) => names.has(name)) };
      const metadata = file.metadata();
      const groups = metadata.numRowGroups();
      metadata.free();
      if (groups <= 1) return tableFromIPC((await file.read(options)).intoIPCStream());
      // One row group at a time: a read's Arrow data and its IPC copy live in WebAssembly memory, which
      // never shrinks. A whole 1M-row can_signals part grew the process by ~110 MB more than its 262k-row
      // row groups do, and took ~20% more CPU (measured with bench/transform.bench.ts).
      const batches: RecordBatch[] = [];
      for (let group = 0; group < groups; group++) {
        const wasm = await file.read({ ...options, rowGroups: [group] });
        batches.push(...tableFromIPC(wasm.intoIPCStream()).batches);
      }
      return new Table(batches);
    } finally {
      file.free();
    }
  } catch (error) {
    throw new DecodeError(
      `cannot read Parquet part: ${error instanceof Error ? error.message : String(error)}`,
      { uri: store.uriOf(key) },
      { cause: error },
    );
  }
}

/** Every part of one drive's rows in `table`, decoded one after the other. */
export async function* readDriveTable(
  store: ObjectStore,
  table: string,
  driveId: string,
  columns?: readonly string[],
): AsyncIterable<{ part: TablePart; rows: ArrowTable }> {
  for (const part of await listTableParts(store, table, { driveId })) {
    yield { part, rows: await readPart(store, part.key, columns) };
  }
}
