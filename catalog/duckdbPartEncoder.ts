/**
 * Node adapter: Parquet encoding in DuckDB (native C++), fed with column buffers instead of Arrow IPC.
 *
 * Measured on this 2-core machine, per million rows of the 5M-frame CAN benchmark (one core):
 * parquet-wasm spends ~0.49 s on `can_signals` and ~0.68 s on `can_frames`, most of it hashing every
 * row of its dictionary-coded string columns (bus, message, signal, even the constant drive_id: ~0.1 s
 * each). Here such a column becomes a DuckDB ENUM whose members are the writer's dictionary, the row
 * indices are copied as they are, and DuckDB's Parquet writer emits the ENUM's members as the column
 * chunk's dictionary page without hashing a string; the encoding runs on a libuv thread while the caller
 * keeps decoding. The part's rows are copied into an in-memory table 2048 rows (one DuckDB vector) at a
 * time with one memcpy per column (`copy_data_to_vector`), then `COPY <table> TO <file> (FORMAT parquet)`
 * writes the file, which is read back and handed to the object store like parquet-wasm's bytes.
 *
 * What the files hold is what the rest of the lake expects: the same column names and Parquet types
 * (`t` as `TIMESTAMP(MICROS, isAdjustedToUTC=true)`, names as dictionary-encoded UTF-8 strings, payloads
 * as BYTE_ARRAY), zstd, the plan's row-group size, and the Arrow schema in the `ARROW:schema` key, as
 * parquet-wasm writes it, so an Arrow reader gets dictionary columns and the fields' `doc`/`unit`
 * metadata back. Differences: DuckDB picks each column's encoding itself (dictionary where it pays,
 * otherwise PLAIN; `columnEncodings` of the plan are not applied) and writes min/max statistics for
 * every column chunk (the plan's `columnStatistics: none` is not applied; no page index), and it declares
 * every column OPTIONAL (an Arrow reader sees nullable fields; NOT NULL is enforced when the rows are
 * appended, so none is null).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import duckdb from '@duckdb/node-bindings';
import type { Appender, Connection, Database, DataChunk, LogicalType, Vector } from '@duckdb/node-bindings';
import { InternalError, UsageError } from '../core/errors.js';
import type { ColumnView } from './columnBuffer.js';
import type { DuckdbPart } from './duckdbPart.js';
import { quoteIdentifier, quoteString } from './sqlLiteral.js';
import type { StagedPart } from './parquetWriter.js';

/** Rows per DuckDB vector (STANDARD_VECTOR_SIZE, 2048 in every release build). */
const VECTOR_ROWS = duckdb.vector_size();

export interface DuckdbPartEncoderOptions {
  /** Folder for the files DuckDB writes before they are read back. @default os.tmpdir() */
  tempDir?: string;
  /**
   * DuckDB memory limit. Parts in flight are a few tens of MB; DuckDB spills to `tempDir` beyond it.
   * @default '128MB'
   */
  memoryLimit?: string;
}

/** One connection per part in flight: a connection runs one statement at a time. */
interface Lane {
  connection: Connection;
}

/**
 * Encodes planned parts (see `duckdbPart.ts`) in an in-memory DuckDB. Runs on the thread that owns it:
 * `DuckdbWorker` runs one on a worker thread. Open with `DuckdbPartEncoder.open()`, `close()` when done.
 */
export class DuckdbPartEncoder {
  private readonly idle: Lane[] = [];
  private readonly lanes: Lane[] = [];
  private readonly scratch = new ChunkScratch();
  private nextPart = 0;
  private closed = false;

  private constructor(
    private readonly database: Database,
    private readonly folder: string,
  ) {}

  /** Starts an in-memory DuckDB instance (one thread per running COPY: DuckDB's own pool is off). */
  static async open(options: DuckdbPartEncoderOptions = {}): Promise<DuckdbPartEncoder> {
    const folder = await mkdtemp(join(options.tempDir ?? tmpdir(), 'adlake-parquet-'));
    try {
      const config = duckdb.create_config();
      // Concurrency comes from parts in flight, each COPY on its own libuv thread; more DuckDB threads
      // per COPY only add scheduling on a machine whose other core decodes the input.
      duckdb.set_config(config, 'threads', '1');
      duckdb.set_config(config, 'memory_limit', options.memoryLimit ?? '128MB');
      duckdb.set_config(config, 'temp_directory', join(folder, 'spill'));
      // DuckDB's allocator keeps freed memory for reuse up to this much; the default (128 MB) showed as
      // peak RSS of the ingest process, which must stay under 512 MB.
      duckdb.set_config(config, 'allocator_flush_threshold', '16MB');
      duckdb.set_config(config, 'autoinstall_known_extensions', 'false');
      duckdb.set_config(config, 'autoload_known_extensions', 'false');
      const database = await duckdb.open(':memory:', config);
      return new DuckdbPartEncoder(database, folder);
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      throw new InternalError('could not start DuckDB for Parquet encoding', {}, { cause: error });
    }
  }

  /**
   * Copies a planned part into DuckDB (resolving once copied) and encodes it on a libuv thread.
   * Errors are InternalErrors with DuckDB's as the cause.
   */
  async stage(part: DuckdbPart): Promise<StagedPart> {
    if (this.closed) throw new UsageError('the DuckDB part encoder is closed');
    const table = `adlake_part_${this.nextPart++}`;
    const path = join(this.folder, `${table}.parquet`);
    const lane = await this.lane();
    let created = false;
    try {
      const columns = part.columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`);
      await duckdb.query(lane.connection, `CREATE TABLE ${table} (${columns.join(', ')})`);
      created = true;
      this.append(lane, table, part);
    } catch (error) {
      if (created)
        await duckdb.query(lane.connection, `DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      this.idle.push(lane);
      throw new InternalError(`DuckDB could not take a part of ${part.rows} rows`, {}, { cause: error });
    }

    const options = [
      'FORMAT parquet',
      `COMPRESSION ${part.codec}`,
      `ROW_GROUP_SIZE ${part.rowGroupRows}`,
      `KV_METADATA {'ARROW:schema': ${quoteString(part.arrowSchema)}}`,
    ];
    const bytes = (async () => {
      try {
        await duckdb.query(lane.connection, `COPY ${table} TO ${quoteString(path)} (${options.join(', ')})`);
        return await readFile(path);
      } catch (error) {
        throw new InternalError(`DuckDB could not write a Parquet part`, {}, { cause: error });
      } finally {
        await duckdb.query(lane.connection, `DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
        await rm(path, { force: true });
        this.idle.push(lane);
      }
    })();
    // The writer attaches its handler once this call returns; until then a failure is not unhandled.
    bytes.catch(() => undefined);
    return { bytes };
  }

  /** Closes DuckDB and removes the temporary folder; parts still encoding must have settled. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const lane of this.lanes) duckdb.disconnect_sync(lane.connection);
    duckdb.close_sync(this.database);
    await rm(this.folder, { recursive: true, force: true });
  }

  private async lane(): Promise<Lane> {
    const free = this.idle.pop();
    if (free) return free;
    const lane = { connection: await duckdb.connect(this.database) };
    this.lanes.push(lane);
    return lane;
  }

  /** Copies the part into `table`, one vector of rows at a time. */
  private append(lane: Lane, table: string, part: DuckdbPart): void {
    const appender = duckdb.appender_create(lane.connection, null, table);
    try {
      const count = part.views.length;
      const types = Array.from({ length: count }, (_, i) => duckdb.appender_column_type(appender, i));
      const chunk = duckdb.create_data_chunk(types);
      const fillers = part.views.map((column, i) => this.filler(column, types[i] as LogicalType));
      for (let start = 0; start < part.rows; start += VECTOR_ROWS) {
        const rows = Math.min(VECTOR_ROWS, part.rows - start);
        duckdb.data_chunk_reset(chunk);
        for (let i = 0; i < count; i++) {
          const vector = duckdb.data_chunk_get_vector(chunk, i);
          (fillers[i] as Filler)(vector, start, rows);
        }
        duckdb.data_chunk_set_size(chunk, rows);
        appendChunk(appender, chunk);
      }
      duckdb.appender_flush_sync(appender);
    } finally {
      duckdb.appender_close_sync(appender);
    }
  }

  /** The function that writes rows `[start, start + rows)` of one column into a vector. */
  private filler(column: ColumnView, type: LogicalType): Filler {
    const scratch = this.scratch;
    const valid = column.valid;
    const withValidity =
      (fill: Filler): Filler =>
      (vector, start, rows) => {
        fill(vector, start, rows);
        if (valid) scratch.copyValidity(vector, valid, start, rows);
      };
    switch (column.kind) {
      case 'fixed': {
        const { values } = column;
        const size = values.BYTES_PER_ELEMENT;
        return withValidity((vector, start, rows) =>
          copyToVector(vector, values, values.byteOffset + start * size, rows * size),
        );
      }
      case 'bool': {
        const { bytes } = column;
        return withValidity((vector, start, rows) =>
          copyToVector(vector, bytes, bytes.byteOffset + start, rows),
        );
      }
      case 'dictionary': {
        const { indices, strings } = column;
        // No member: every row is null (an ENUM needs one), so the column is VARCHAR and only validity counts.
        if (strings.length === 0) return withValidity(() => undefined);
        const enumType = duckdb.enum_internal_type(type);
        const narrow = enumType === duckdb.Type.UTINYINT ? scratch.u8 : scratch.u16;
        if (enumType !== duckdb.Type.UTINYINT && enumType !== duckdb.Type.USMALLINT) {
          throw new InternalError(`unexpected ENUM storage type ${enumType}`);
        }
        return withValidity((vector, start, rows) => {
          // TypedArray.set narrows each index natively (indices are < the member count).
          narrow.set(indices.subarray(start, start + rows));
          copyToVector(vector, narrow, 0, rows * narrow.BYTES_PER_ELEMENT);
        });
      }
      case 'bytes': {
        const { offsets, data } = column;
        return withValidity((vector, start, rows) => scratch.copyStrings(vector, offsets, data, start, rows));
      }
      case 'values':
        throw new InternalError('nested columns do not reach the DuckDB encoder');
    }
  }
}

type Filler = (vector: Vector, start: number, rows: number) => void;

/** Reused per-vector buffers: narrowed ENUM indices, `duckdb_string_t` records, validity bits. */
class ChunkScratch {
  readonly u8 = new Uint8Array(VECTOR_ROWS);
  readonly u16 = new Uint16Array(VECTOR_ROWS);
  /** 16 bytes per row: `duckdb_string_t` (DuckDB C API): uint32 length, then 12 inlined bytes. */
  private readonly stringWords = new Int32Array(VECTOR_ROWS * 4);
  private readonly stringBytes = new Uint8Array(this.stringWords.buffer);
  /** LSB-first bits in 64-bit words, DuckDB's validity mask layout. */
  private readonly bits = new Uint8Array(VECTOR_ROWS / 8);
  private readonly long: number[] = [];

  /**
   * Writes rows as `duckdb_string_t` records. Strings of up to 12 bytes are inlined in the record (the
   * rest zeroed: DuckDB compares inlined strings by their 16 bytes); longer ones (CAN FD payloads) go
   * through `vector_assign_string_element_len`, which copies them into the vector's string heap.
   */
  copyStrings(vector: Vector, offsets: Int32Array, data: Uint8Array, start: number, rows: number): void {
    const words = this.stringWords;
    const bytes = this.stringBytes;
    const long = this.long;
    long.length = 0;
    for (let r = 0; r < rows; r++) {
      const from = offsets[start + r] as number;
      const length = (offsets[start + r + 1] as number) - from;
      const w = r * 4;
      words[w + 1] = 0;
      words[w + 2] = 0;
      words[w + 3] = 0;
      if (length > 12) {
        words[w] = 0;
        long.push(r);
        continue;
      }
      words[w] = length;
      const at = w * 4 + 4;
      for (let k = 0; k < length; k++) bytes[at + k] = data[from + k] as number;
    }
    copyToVector(vector, bytes, 0, rows * 16);
    for (const r of long) {
      const from = offsets[start + r] as number;
      duckdb.vector_assign_string_element_len(vector, r, data.subarray(from, offsets[start + r + 1]));
    }
  }

  /** Packs validity bytes (1 = valid) of rows `[start, start + rows)` into the vector's mask. */
  copyValidity(vector: Vector, valid: Uint8Array, start: number, rows: number): void {
    const bits = this.bits;
    const used = Math.ceil(rows / 64) * 8;
    bits.fill(0, 0, used);
    for (let r = 0; r < rows; r++)
      if (valid[start + r] !== 0) bits[r >> 3] = (bits[r >> 3] as number) | (1 << (r & 7));
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, bits.buffer, 0, used);
  }
}

/** Bounce buffer for `copyToVector`: one vector of the widest fixed type (`duckdb_string_t`, 16 bytes). */
const bounce = new Uint8Array(VECTOR_ROWS * 16);

/**
 * Copies bytes into a vector's data. `copy_data_to_vector` takes an ArrayBuffer only (and
 * `vector_get_data` returns a copy, not a view), so bytes in a SharedArrayBuffer (parts posted by
 * `DuckdbWorker`) go through a bounce buffer: one more memcpy of at most 32 KiB.
 */
function copyToVector(vector: Vector, source: ArrayBufferView, byteOffset: number, byteCount: number): void {
  const buffer = source.buffer;
  if (buffer instanceof ArrayBuffer) {
    duckdb.copy_data_to_vector(vector, 0, buffer, byteOffset, byteCount);
  } else {
    bounce.set(new Uint8Array(buffer, byteOffset, byteCount));
    duckdb.copy_data_to_vector(vector, 0, bounce.buffer, 0, byteCount);
  }
}

function appendChunk(appender: Appender, chunk: DataChunk): void {
  duckdb.append_data_chunk(appender, chunk);
}
