/**
 * Writes one drive's rows of one curated table as Hive-partitioned Parquet part files.
 */
import { makeData, RecordBatch, Struct, Table } from 'apache-arrow';
import type { DataType, Field } from 'apache-arrow';
import { UsageError } from '../core/errors.js';
import { nsToMicros } from '../core/time.js';
import {
  columnBuffer,
  dayOfMicros,
  isInt64,
  MICROS_PER_DAY,
  microsAt,
  MicrosColumn,
  nanosToMicros,
} from './columnBuffer.js';
import type { Appender, ColumnBuffer } from './columnBuffer.js';
import { IpcBuffer } from './ipcBuffer.js';
import { parsePartKey, partKey, vehiclePrefix, escapePathValue } from './layout.js';
import type { ObjectStore } from './objectStore.js';
import { inThreadEncoder, writerPlan } from './parquetWriter.js';
import type { ParquetEncoder, ParquetOptions, WriterPlan } from './parquetWriter.js';
import type { TableDef } from './tables.js';

/** One part file the writer put in the lake. */
export interface WrittenFile {
  key: string;
  table: string;
  vehicle: string;
  /** UTC date `YYYY-MM-DD` of the partition. */
  date: string;
  rows: number;
  bytes: number;
}

export interface PartitionedTableWriterOptions<TBatch> {
  store: ObjectStore;
  table: TableDef<TBatch>;
  /** Vehicle id (pseudonymised); escaped into the `vehicle=` path segment. */
  vehicle: string;
  driveId: string;
  /**
   * Rows per part file. A partition's buffer is written when it holds this many rows, so memory per open
   * partition is bounded by it (~36 MB for can_signals at the default).
   * @default 1048576
   */
  rowsPerFile?: number;
  /**
   * Rows buffered over all open partitions before the largest is written early; bounds memory when rows
   * jump between many dates (a bad clock).
   * @default 2 * rowsPerFile
   */
  maxBufferedRows?: number;
  /** Parquet settings; `columnEncodings` and `columnStatistics` are merged over the table's own. */
  parquet?: ParquetOptions;
  /** Where encoding runs. @default inThreadEncoder */
  encoder?: ParquetEncoder;
  /**
   * Part files encoded or being written at once; more lets a worker encoder run ahead of the caller, at
   * the cost of one part's IPC bytes each.
   * @default 2
   */
  maxPendingFiles?: number;
}

export const DEFAULT_ROWS_PER_FILE = 1 << 20;

interface Partition {
  day: number;
  date: string;
  buffers: ColumnBuffer[];
  rows: number;
}

interface DayRun {
  day: number;
  start: number;
  end: number;
}

/**
 * Routes appended rows to `date=` partitions by the UTC date of the table's time column (a batch may cross
 * midnight), buffers them per partition and writes `tables/<table>/vehicle=<v>/date=<d>/<drive>-<part>.parquet`
 * when a partition is full and on `close()`.
 *
 * Part names are deterministic (parts are numbered per date in write order), so re-running a drive
 * overwrites its own keys; `close()` then deletes parts of the same drive left by an earlier run that
 * wrote more parts or other dates. Rows are never duplicated after a completed run. One writer per table
 * and drive at a time; `append` calls must be awaited one after the other.
 */
export class PartitionedTableWriter<TBatch> {
  readonly table: TableDef<TBatch>;
  readonly vehicle: string;
  readonly driveId: string;
  private readonly store: ObjectStore;
  private readonly rowsPerFile: number;
  private readonly maxBufferedRows: number;
  private readonly maxPendingFiles: number;
  private readonly encoder: ParquetEncoder;
  private readonly plan: WriterPlan;
  private readonly columnNames: ReadonlySet<string>;
  private readonly timeIndex: number;
  private readonly driveIdIndex: number;
  private readonly partitions = new Map<number, Partition>();
  private readonly nextPart = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly written: WrittenFile[] = [];
  private readonly removed: string[] = [];
  private scratch = new BigInt64Array(0);
  private buffered = 0;
  private failure: { error: unknown } | undefined;
  private busy = false;
  private closed = false;

  constructor(options: PartitionedTableWriterOptions<TBatch>) {
    this.store = options.store;
    this.table = options.table;
    this.vehicle = options.vehicle;
    this.driveId = options.driveId;
    // Validate the path parts now rather than at the first flush.
    vehiclePrefix(this.table.name, this.vehicle);
    escapePathValue(this.driveId, 'drive id');
    this.rowsPerFile = positiveInteger(options.rowsPerFile ?? DEFAULT_ROWS_PER_FILE, 'rowsPerFile');
    this.maxBufferedRows = positiveInteger(
      options.maxBufferedRows ?? 2 * this.rowsPerFile,
      'maxBufferedRows',
    );
    this.maxPendingFiles = positiveInteger(options.maxPendingFiles ?? 2, 'maxPendingFiles');
    this.encoder = options.encoder ?? inThreadEncoder;
    this.plan = writerPlan({
      ...(this.table.zstdLevel !== undefined ? { zstdLevel: this.table.zstdLevel } : {}),
      ...options.parquet,
      columnEncodings: { ...this.table.encodings, ...options.parquet?.columnEncodings },
      columnStatistics: { ...this.table.statistics, ...options.parquet?.columnStatistics },
    });
    const fields = this.table.schema.fields;
    this.columnNames = new Set(fields.map((field) => field.name));
    this.timeIndex = fields.findIndex((field) => field.name === this.table.timeColumn);
    this.driveIdIndex = fields.findIndex((field) => field.name === 'drive_id');
    if (this.timeIndex < 0)
      throw new UsageError(`table ${this.table.name} has no time column ${this.table.timeColumn}`);
  }

  /** Rows appended and not yet handed to the encoder. */
  get bufferedRows(): number {
    return this.buffered;
  }

  /** Keys of stale parts that `close()` deleted. */
  get removedKeys(): readonly string[] {
    return this.removed;
  }

  /**
   * Appends a batch of rows, columns by name (see the table's batch type). Timestamps are nanoseconds;
   * `drive_id` is filled in by the writer. Writes part files as partitions fill up.
   */
  async append(batch: TBatch): Promise<void> {
    if (this.closed)
      throw new UsageError(`append after close (table ${this.table.name}, drive ${this.driveId})`);
    if (this.busy)
      throw new UsageError('append called while the previous append was still running; await it');
    this.throwIfFailed();
    this.busy = true;
    try {
      await this.appendBatch(batch as Readonly<Record<string, unknown>>);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Writes the buffered rows, waits for every part, then deletes parts of this drive (same table and
   * vehicle) that this run did not write. Returns the files written, sorted by key.
   */
  async close(): Promise<WrittenFile[]> {
    if (this.closed)
      throw new UsageError(`writer for ${this.table.name} / ${this.driveId} is already closed`);
    if (this.busy) throw new UsageError('close called while an append was still running; await it');
    this.closed = true;
    const partitions = [...this.partitions.values()].sort((a, b) => a.day - b.day);
    try {
      for (const partition of partitions) await this.flush(partition);
    } finally {
      this.releasePartitions();
    }
    await Promise.all(this.pending);
    this.throwIfFailed();
    await this.removeStaleParts();
    return [...this.written].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Stops without writing the buffered rows or deleting anything; waits for parts already submitted. */
  async abort(): Promise<void> {
    this.closed = true;
    this.releasePartitions();
    await Promise.allSettled(this.pending);
  }

  /** Gives every partition's buffers back to the pool; their rows must have been written or abandoned. */
  private releasePartitions(): void {
    for (const partition of this.partitions.values())
      for (const buffer of partition.buffers) buffer.release();
    this.partitions.clear();
  }

  private async appendBatch(input: Readonly<Record<string, unknown>>): Promise<void> {
    for (const name of Object.keys(input)) {
      if (name === 'drive_id') throw new UsageError('drive_id is set by the writer; do not pass it');
      if (!this.columnNames.has(name)) {
        throw new UsageError(
          `table ${this.table.name} has no column ${name}`,
          {},
          { cause: [...this.columnNames] },
        );
      }
    }
    const micros = this.timeMicros(input[this.table.timeColumn]);
    const rows = micros.micros.length;
    if (rows === 0) return;

    // Appenders stay valid across flushes: a flush empties a partition's buffers but keeps them.
    const prepared = new Map<Partition, Appender[]>();
    for (const run of dayRuns(micros.micros)) {
      let start = run.start;
      while (start < run.end) {
        const partition = this.partitionFor(run.day);
        let appenders = prepared.get(partition);
        if (!appenders) {
          appenders = this.prepare(partition, input, micros, rows);
          prepared.set(partition, appenders);
        }
        const take = Math.min(run.end - start, this.rowsPerFile - partition.rows);
        for (const append of appenders) append(start, start + take);
        partition.rows += take;
        this.buffered += take;
        start += take;
        if (partition.rows >= this.rowsPerFile) await this.flush(partition);
        while (this.buffered > this.maxBufferedRows) await this.flushLargest(partition);
      }
    }
  }

  /** Checks every column of the batch against one partition's buffers before anything is appended. */
  private prepare(
    partition: Partition,
    input: Readonly<Record<string, unknown>>,
    micros: MicrosColumn,
    rows: number,
  ): Appender[] {
    return partition.buffers.map((buffer, index) => {
      if (index === this.timeIndex) return buffer.prepare(micros, rows);
      if (index === this.driveIdIndex) return buffer.prepare(this.driveId, rows);
      return buffer.prepare(input[buffer.field.name], rows);
    });
  }

  /** Converts the time column to microseconds once, into a reused scratch array. */
  private timeMicros(input: unknown): MicrosColumn {
    const name = this.table.timeColumn;
    if (input instanceof BigInt64Array) {
      const micros = this.scratchOf(input.length);
      nanosToMicros(input, micros);
      return new MicrosColumn(micros);
    }
    if (Array.isArray(input)) {
      const values = input as readonly unknown[];
      const micros = this.scratchOf(values.length);
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (!isInt64(value))
          throw new UsageError(`time column ${name}: row ${i} is not an int64 bigint (ns)`);
        micros[i] = nsToMicros(value);
      }
      return new MicrosColumn(micros);
    }
    throw new UsageError(`time column ${name} is required: nanoseconds as a BigInt64Array or bigint[]`);
  }

  private scratchOf(rows: number): BigInt64Array {
    if (this.scratch.length < rows) this.scratch = new BigInt64Array(rows);
    return this.scratch.subarray(0, rows);
  }

  private partitionFor(day: number): Partition {
    let partition = this.partitions.get(day);
    if (!partition) {
      // int64 nanoseconds span 1677-2262, so the date always has four-digit years.
      const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
      const capacity = this.rowsPerFile;
      partition = {
        day,
        date,
        rows: 0,
        buffers: this.table.schema.fields.map((f: Field<DataType>) => columnBuffer(f, capacity)),
      };
      this.partitions.set(day, partition);
    }
    return partition;
  }

  /** Writes the fullest partition other than `current` (or `current` if it is the only one) and drops it. */
  private async flushLargest(current: Partition): Promise<void> {
    let largest: Partition | undefined;
    for (const partition of this.partitions.values()) {
      if (partition !== current && partition.rows > (largest?.rows ?? 0)) largest = partition;
    }
    if (!largest) {
      await this.flush(current);
      return;
    }
    await this.flush(largest);
    for (const buffer of largest.buffers) buffer.release();
    this.partitions.delete(largest.day);
  }

  /** Serialises a partition's rows to an Arrow IPC stream, empties its buffers and submits the part. */
  private async flush(partition: Partition): Promise<void> {
    if (partition.rows === 0) return;
    const rows = partition.rows;
    const part = this.nextPart.get(partition.date) ?? 0;
    this.nextPart.set(partition.date, part + 1);
    const key = partKey({
      table: this.table.name,
      vehicle: this.vehicle,
      date: partition.date,
      driveId: this.driveId,
      part,
    });
    const schema = this.table.schema;
    const file = { key, table: this.table.name, vehicle: this.vehicle, date: partition.date, rows, bytes: 0 };
    if (this.encoder.stageColumns) {
      while (this.pending.size >= this.maxPendingFiles) await Promise.race(this.pending);
      const columns = partition.buffers.map((buffer) => buffer.view());
      const staged = await this.encoder.stageColumns({ schema, rows, columns }, this.plan);
      if (staged) {
        this.emptied(partition, rows);
        this.track(staged.bytes, file);
        return;
      }
    }
    const children = partition.buffers.map((buffer) => buffer.toData());
    const data = makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children });
    const table = new Table([new RecordBatch(schema, data)]);
    const ipcBuffer = await this.takeIpcBuffer(IpcBuffer.estimate(table));
    let ipc: Uint8Array;
    try {
      // The IPC stream is a copy, so the column buffers can take the next part's rows right away.
      ipc = await ipcBuffer.write(table);
    } catch (error) {
      ipcBuffer.release();
      throw error;
    }
    this.emptied(partition, rows);
    this.submit(ipc, ipcBuffer, file);
  }

  /** Empties a partition whose rows were copied out for encoding. */
  private emptied(partition: Partition, rows: number): void {
    for (const buffer of partition.buffers) buffer.reset();
    partition.rows = 0;
    this.buffered -= rows;
  }

  /** An IPC buffer for the next part; waits for a part in flight when `maxPendingFiles` are. */
  private async takeIpcBuffer(bytes: number): Promise<IpcBuffer> {
    while (this.pending.size >= this.maxPendingFiles) await Promise.race(this.pending);
    return IpcBuffer.take(bytes);
  }

  /** Encodes and puts one part in the background; its IPC buffer is free again once encoded. */
  private submit(ipc: Uint8Array, ipcBuffer: IpcBuffer, file: WrittenFile): void {
    this.track(
      this.encoder.encode(ipc, this.plan).finally(() => ipcBuffer.release()),
      file,
    );
  }

  /** Puts one part in the store once its encoding settles; a failure fails the writer. */
  private track(encoding: Promise<Uint8Array>, file: WrittenFile): void {
    const task = encoding
      .then(async (bytes) => {
        await this.store.put(file.key, bytes);
        this.written.push({ ...file, bytes: bytes.byteLength });
      })
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  private throwIfFailed(): void {
    if (this.failure) {
      const { error } = this.failure;
      throw error instanceof Error ? error : new Error(String(error));
    }
  }

  private async removeStaleParts(): Promise<void> {
    const keep = new Set(this.written.map((file) => file.key));
    const stale: string[] = [];
    for await (const object of this.store.list(vehiclePrefix(this.table.name, this.vehicle))) {
      const address = parsePartKey(object.key);
      if (address?.driveId === this.driveId && address.table === this.table.name && !keep.has(object.key)) {
        stale.push(object.key);
      }
    }
    for (const key of stale) {
      await this.store.delete(key);
      this.removed.push(key);
    }
  }
}

/**
 * Splits rows into runs of one UTC day, in row order. Sorted input gives one run per day; unsorted input
 * gives more, shorter runs, each still appended in order.
 */
function dayRuns(micros: BigInt64Array): DayRun[] {
  const words = new Int32Array(micros.buffer, micros.byteOffset, micros.length * 2);
  const runs: DayRun[] = [];
  if (micros.length === 0) return runs;
  let day = dayOfMicros(microsAt(words, 0));
  let dayStart = day * MICROS_PER_DAY;
  let dayEnd = dayStart + MICROS_PER_DAY;
  let start = 0;
  for (let row = 1; row < micros.length; row++) {
    const us = microsAt(words, row);
    if (us >= dayStart && us < dayEnd) continue;
    runs.push({ day, start, end: row });
    day = dayOfMicros(us);
    dayStart = day * MICROS_PER_DAY;
    dayEnd = dayStart + MICROS_PER_DAY;
    start = row;
  }
  runs.push({ day, start, end: micros.length });
  return runs;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`${name} must be a positive integer, got ${value}`);
  return value;
}
