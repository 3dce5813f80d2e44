/**
 * Reads a curated table back from the lake, one part file at a time, as Arrow tables. Transforms use it to
 * read a drive's rows through the object-store port, so the same code reads a local lake and an S3 lake
 * (DuckDB here has no httpfs). Memory is bounded by one part file (`rowsPerFile` rows) and the columns asked for.
 */
import { RecordBatch, Table, tableFromIPC } from 'apache-arrow';
import type { Table as ArrowTable, Schema } from 'apache-arrow';
import type { Table as WasmTable } from 'parquet-wasm';
import { DecodeError } from '../core/errors.js';
import { parsePartKey, tablePrefix } from './layout.js';
import type { PartAddress } from './layout.js';
import type { ObjectStore } from './objectStore.js';
import { parquetWasm } from './parquetWasm.js';
import { ZstdCompressor } from './zstdCompressor.js';
import { FlatParquetReader, UnsupportedParquet } from './flatParquetReader.js';

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

/**
 * The part of arrow-js-ffi used here. Its declarations re-export extensionless paths, which NodeNext
 * resolution (and so type-aware lint) cannot follow.
 */
interface ArrowJsFfi {
  parseTable: (buffer: ArrayBuffer, arrayPtrs: Uint32Array, schemaPtr: number, copy: boolean) => ArrowTable;
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
  const batches: RecordBatch[] = [];
  let schema: Schema | undefined;
  await decodePart(store, key, columns, true, (table) => {
    // Each FFI read numbers its dictionaries anew, which Arrow JS counts as another schema.
    schema ??= table.schema;
    for (const batch of table.batches) batches.push(new RecordBatch(schema, batch.data));
  });
  return schema ? new Table(batches) : new Table();
}

/**
 * Decodes one part file and hands each record batch to `visit` as views into WebAssembly memory, not
 * copies: a batch is valid only during its call (the next read reuses or moves that memory), so `visit`
 * copies what it keeps and keeps no reference. For the largest scans (`can_signals`), where copying every
 * column out of WebAssembly first was most of the read. With `columns`, row group by row group (the
 * WebAssembly memory stays the size of one); without, every column of the whole part in one read.
 * `visit` also gets the row count of the read its batch belongs to and of the whole part, for sizing.
 */
export async function scanPart(
  store: ObjectStore,
  key: string,
  columns: readonly string[] | undefined,
  visit: (batch: RecordBatch, readRows: number, partRows: number) => void,
): Promise<void> {
  // `readRows`: the rows of the read the batch is part of (the row group, or the whole part).
  await decodePart(store, key, columns, false, (table, partRows) => {
    for (const batch of table.batches) visit(batch, table.numRows, partRows);
  });
}

let flatZstd: Promise<ZstdCompressor> | undefined;

/**
 * One part of a flat table opened with adlake's own reader (`flatParquetReader.ts`: the encodings
 * adlake's writers use, zstd or uncompressed), which decodes columns straight into the caller's arrays;
 * undefined when the file is of a kind it does not read (another codec or encoding, nested columns): read
 * that one with `scanPart`. A process that reads only such files (`adlake detect`) never loads
 * parquet-wasm: no 5 MB of WebAssembly to compile and tier up, no WebAssembly memory grown to hold a
 * decoded part. A malformed file throws a DecodeError naming it.
 */
export async function openFlatPart(
  store: ObjectStore,
  key: string,
  /** The part's bytes when the caller fetched them already (e.g. while decoding the part before). */
  fetched?: Promise<Uint8Array>,
): Promise<FlatPart | undefined> {
  // The decoder compiles (once per process) while the bytes are read.
  const [bytes, zstd] = await Promise.all([fetched ?? store.get(key), flatReaderZstd()]);
  const uri = store.uriOf(key);
  try {
    return new FlatPart(new FlatParquetReader(bytes, zstd), uri);
  } catch (error) {
    if (error instanceof UnsupportedParquet) return undefined;
    throw decodeError(error, uri);
  }
}

/** The zstd decoder the flat reader uses, compiled once per process (first call starts compiling it). */
function flatReaderZstd(): Promise<ZstdCompressor> {
  flatZstd ??= ZstdCompressor.open().catch((error: unknown) => {
    flatZstd = undefined;
    throw error;
  });
  return flatZstd;
}

/** A part opened by `openFlatPart`: its columns decoded on request, errors named after the file. */
export class FlatPart {
  constructor(
    private readonly reader: FlatParquetReader,
    readonly uri: string,
  ) {}

  get rows(): number {
    return this.reader.rows;
  }

  has(name: string): boolean {
    return this.reader.column(name) !== undefined;
  }

  /** Whether the part's statistics show the column NULL on every row (nothing to decode). */
  allNull(name: string): boolean {
    return this.read((reader) => reader.allNull(name));
  }

  /**
   * Runs one column read; a column of a kind the reader does not take throws `FlatPartUnsupported`
   * (read the part with `scanPart` then), a malformed one a DecodeError naming the file.
   */
  read<T>(read: (reader: FlatParquetReader) => T): T {
    try {
      return read(this.reader);
    } catch (error) {
      if (error instanceof UnsupportedParquet) throw new FlatPartUnsupported(error.message, { cause: error });
      throw decodeError(error, this.uri);
    }
  }
}

/** A part `FlatPart` cannot read after all (read it with `scanPart`). */
export class FlatPartUnsupported extends Error {}

function decodeError(error: unknown, uri: string): unknown {
  if (!(error instanceof RangeError)) return error;
  return new DecodeError(`cannot read Parquet part: ${error.message}`, { uri }, { cause: error });
}

/**
 * Calls `use` with a part as Arrow tables (copied out of WebAssembly, or views): with `columns`, one per row
 * group; without, the whole part at once. `use` also gets the part's row count.
 */
async function decodePart(
  store: ObjectStore,
  key: string,
  columns: readonly string[] | undefined,
  copy: boolean,
  use: (table: ArrowTable, partRows: number) => void,
): Promise<void> {
  const bytes = await store.get(key);
  try {
    // Loaded on use: compiling its WebAssembly costs a process that never reads a part (ingest) ~0.1 s.
    const { ParquetFile, readParquet, wasmMemory } = parquetWasm();
    const { parseTable } = (await import('arrow-js-ffi')) as unknown as ArrowJsFfi;
    // Arrow C Data structs in WebAssembly memory, read in place or copied out buffer by buffer: half the
    // time of an IPC stream (serialised in wasm memory, copied out, parsed), most of which was first
    // touches of fresh pages (4M-row can_signals drive: 0.65 against 1.24 s, 29k against 67k page faults).
    // `partRows` undefined: the read is the whole part.
    const take = (table: WasmTable, partRows?: number): void => {
      const ffi = table.intoFFI();
      try {
        // parquet-wasm declares the memory as an undeclared `Memory` type.
        const memory = wasmMemory() as unknown as { buffer: ArrayBuffer };
        const arrow = parseTable(memory.buffer, ffi.arrayAddrs(), ffi.schemaAddr(), copy);
        use(arrow, partRows ?? arrow.numRows);
      } finally {
        ffi.free();
      }
    };
    // Every column: one call on the bytes (no Blob reader, which copies the ranges it reads).
    if (columns === undefined) return take(readParquet(bytes, { batchSize: BATCH_ROWS }));
    const file = await ParquetFile.fromFile(new Blob([bytes]));
    try {
      // parquet-wasm's reader throws on a projected name the file lacks, hence the filter.
      const empty = tableFromIPC(file.schema().intoIPCStream());
      const names = new Set(empty.schema.names);
      const options = {
        batchSize: BATCH_ROWS,
        columns: columns.filter((name) => names.has(name)),
      };
      const metadata = file.metadata();
      const groups = metadata.numRowGroups();
      const fileMetadata = metadata.fileMetadata();
      const partRows = fileMetadata.numRows();
      fileMetadata.free();
      metadata.free();
      // One row group at a time: a read's Arrow data lives in WebAssembly memory, which never shrinks. A
      // whole 1M-row can_signals part grew the process by ~110 MB more than its 262k-row row groups do,
      // and took ~20% more CPU (measured with bench/transform.bench.ts).
      for (let group = 0; group < groups; group++)
        take(await file.read({ ...options, rowGroups: [group] }), partRows);
      if (groups === 0) use(empty, 0);
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
