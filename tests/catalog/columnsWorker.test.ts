/**
 * adlake's own Parquet encoder (catalog/columnsParquet.ts; on a worker thread: columnsWorker.ts, and in
 * the calling thread: columnsEncoder.ts) must write the same tables as parquet-wasm: same rows value for
 * value, same schema read back by DuckDB and by parquet-wasm (Arrow dictionaries and field metadata from
 * the embedded ARROW:schema, nullability), zstd, sized row groups, one file per part.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DataType } from 'apache-arrow';
import { ColumnsEncoder } from '../../catalog/columnsEncoder.js';
import { ColumnsWorker } from '../../catalog/columnsWorker.js';
import { LazyEncoder } from '../../catalog/lazyEncoder.js';
import { inThreadEncoder } from '../../catalog/parquetWriter.js';
import type { ParquetEncoder } from '../../catalog/parquetWriter.js';
import { readPart } from '../../catalog/readTable.js';
import { PartitionedTableWriter } from '../../catalog/tableWriter.js';
import type { WrittenFile } from '../../catalog/tableWriter.js';
import { CAN_FRAMES, CAN_SIGNALS, DRIVES } from '../../catalog/tables.js';
import type { CanFramesBatch, CanSignalsBatch, TableDef } from '../../catalog/tables.js';
import type { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { openDuck, sqlString } from './duckdb.js';
import type { Duck } from './duckdb.js';
import { tempLake } from './tempLake.js';
import { seededRandom } from '../../ingest/demo/random.js';

let duck: Duck;
let native: ColumnsWorker;
let inThread: ColumnsEncoder;
beforeAll(async () => {
  duck = await openDuck();
  native = await ColumnsWorker.start({ fallback: inThreadEncoder });
  inThread = await ColumnsEncoder.open({ fallback: inThreadEncoder });
});
afterAll(async () => {
  await native.close();
  duck.close();
});

/** 2024-03-10T23:59:59Z in ns: rows cross midnight. */
const START = BigInt(Date.UTC(2024, 2, 10, 23, 59, 59)) * 1_000_000n;

/** Seeded uniform numbers in [0, 1), so a failure reproduces. */
function random(seed: number): () => number {
  const generator = seededRandom(seed);
  return () => generator.next();
}

/** Frames as the CAN path appends them: classic and CAN FD payloads (13..64 bytes), empty remote frames. */
function frameBatches(rows: number, batch: number): CanFramesBatch[] {
  const next = random(1);
  const buses = ['can0', 'can1', 'vcan 2'];
  const out: CanFramesBatch[] = [];
  for (let start = 0; start < rows; start += batch) {
    const n = Math.min(batch, rows - start);
    const lengths = Array.from({ length: n }, () => {
      const r = next();
      return r < 0.05
        ? 0
        : r < 0.15
          ? [12, 16, 20, 24, 32, 48, 64][Math.floor(next() * 7)]!
          : Math.floor(next() * 9);
    });
    const offsets = new Int32Array(n + 1);
    lengths.forEach((length, i) => (offsets[i + 1] = (offsets[i] as number) + length));
    const data = Uint8Array.from({ length: offsets[n] as number }, () => Math.floor(next() * 256));
    const flag = (p: number): Uint8Array => Uint8Array.from({ length: n }, () => (next() < p ? 1 : 0));
    out.push({
      t: BigInt64Array.from({ length: n }, (_, i) => START + BigInt(start + i) * 1_000_123n),
      bus: { indices: Int32Array.from({ length: n }, () => Math.floor(next() * 3)), dictionary: buses },
      id: Int32Array.from({ length: n }, () => Math.floor(next() * 0x1fffffff)),
      extended: flag(0.3),
      dlc: Int8Array.from(lengths, (length) => Math.min(length, 15)),
      data: { offsets, data },
      fd: Uint8Array.from(lengths, (length) => (length > 8 ? 1 : 0)),
      brs: flag(0.1),
      esi: flag(0.1),
      error: flag(0.01),
      remote: Uint8Array.from(lengths, (length) => (length === 0 ? 1 : 0)),
      direction: Array.from({ length: n }, () => (next() < 0.5 ? null : next() < 0.5 ? 'rx' : 'tx')),
    });
  }
  return out;
}

/** Signals with labels that need quoting in SQL, an empty label, nulls, and a dictionary that grows. */
function signalBatches(rows: number, batch: number): CanSignalsBatch[] {
  const next = random(2);
  const messages: string[] = [];
  const signals: string[] = [];
  const labels = ["it's on", '', 'Ü-Wert', 'back\\slash', '"quoted"'];
  const out: CanSignalsBatch[] = [];
  for (let start = 0; start < rows; start += batch) {
    const n = Math.min(batch, rows - start);
    // The interners' arrays only grow between batches, as the decoder's do.
    for (let k = 0; k < 3; k++) messages.push(`MSG_${messages.length}`);
    for (let k = 0; k < 20; k++) signals.push(`SIGNAL_${signals.length}_${'x'.repeat(signals.length % 30)}`);
    out.push({
      t: BigInt64Array.from({ length: n }, (_, i) => START + BigInt(Math.floor((start + i) / 4)) * 999_999n),
      bus: 'can0',
      message: {
        indices: Int32Array.from({ length: n }, () => Math.floor(next() * messages.length)),
        dictionary: messages,
      },
      signal: {
        indices: Int32Array.from({ length: n }, () => Math.floor(next() * signals.length)),
        dictionary: signals,
      },
      value: Float64Array.from({ length: n }, () => Math.round(next() * 2000 - 1000) * 0.25),
      label: {
        indices: Int32Array.from({ length: n }, () =>
          next() < 0.7 ? -1 : Math.floor(next() * labels.length),
        ),
        dictionary: labels,
      },
    });
  }
  return out;
}

async function writeTable<T>(
  store: LocalObjectStore,
  table: TableDef<T>,
  batches: readonly T[],
  encoder: ParquetEncoder,
  rowsPerFile: number,
): Promise<WrittenFile[]> {
  const writer = new PartitionedTableWriter<T>({
    store,
    table,
    vehicle: 'veh1',
    driveId: 'drive-1',
    rowsPerFile,
    parquet: { rowGroupRows: 4096 },
    encoder,
  });
  for (const batch of batches) await writer.append(batch);
  return writer.close();
}

function glob(store: LocalObjectStore, table: string): string {
  return sqlString(`${store.root}/tables/${table}/**/*.parquet`);
}

describe('ColumnsWorker', () => {
  test.each([
    ['can_frames', 'thread', CAN_FRAMES, () => frameBatches(30_000, 7_000)],
    ['can_signals', 'thread', CAN_SIGNALS, () => signalBatches(40_000, 9_000)],
    ['can_signals', 'in-thread', CAN_SIGNALS, () => signalBatches(20_000, 9_000)],
  ] as const)(
    '%s (%s): the same rows, types and parts as parquet-wasm',
    async (name, where, table, batches) => {
      const encoder = where === 'thread' ? native : inThread;
      const wasmLake = await tempLake();
      const oursLake = await tempLake();
      const input = batches();
      const wasmFiles = await writeTable(
        wasmLake,
        table as TableDef<unknown>,
        input,
        inThreadEncoder,
        10_000,
      );
      const oursFiles = await writeTable(oursLake, table as TableDef<unknown>, input, encoder, 10_000);
      // The same part files (keys and row counts); the batches cross midnight, so two dates.
      expect(oursFiles.map((f) => [f.key, f.rows])).toEqual(wasmFiles.map((f) => [f.key, f.rows]));
      expect(new Set(oursFiles.map((f) => f.date)).size).toBe(2);

      // Value for value, as DuckDB (Athena's stand-in) reads them.
      const both = `(SELECT * FROM read_parquet(${glob(wasmLake, name)}, hive_partitioning = true))`;
      const ours = `(SELECT * FROM read_parquet(${glob(oursLake, name)}, hive_partitioning = true))`;
      const [counts] = await duck.rows(
        `SELECT (SELECT count(*) FROM ${ours}) AS n,
                (SELECT count(*) FROM (SELECT * FROM ${both} EXCEPT ALL SELECT * FROM ${ours})) AS missing,
                (SELECT count(*) FROM (SELECT * FROM ${ours} EXCEPT ALL SELECT * FROM ${both})) AS extra`,
      );
      expect(counts).toEqual({
        n: BigInt(input.reduce((n, b) => n + (b.t as BigInt64Array).length, 0)),
        missing: 0n,
        extra: 0n,
      });
      const describe = async (lake: LocalObjectStore): Promise<unknown> =>
        (
          await duck.rows(
            `DESCRIBE SELECT * FROM read_parquet(${glob(lake, name)}, hive_partitioning = true)`,
          )
        ).map((r) => [r.column_name, r.column_type]);
      expect(await describe(oursLake)).toEqual(await describe(wasmLake));

      // The Parquet settings: zstd, row groups of the plan's size, TIMESTAMP(MICROS, UTC) for t.
      const meta = await duck.rows(
        `SELECT DISTINCT row_group_num_rows AS rows, compression FROM parquet_metadata(${glob(oursLake, name)})`,
      );
      expect(new Set(meta.map((r) => r.compression))).toEqual(new Set(['ZSTD']));
      expect(Math.max(...meta.map((r) => Number(r.rows)))).toBe(4096);
      const [time] = await duck.rows(
        `SELECT DISTINCT logical_type FROM parquet_schema(${glob(oursLake, name)}) WHERE name = 't'`,
      );
      expect(String(time?.logical_type)).toContain('isAdjustedToUTC=1');
      expect(String(time?.logical_type)).toContain('MICROS');

      // Read back as Arrow (parquet-wasm, as the transforms read parts): the same schema, dictionaries
      // included, thanks to the embedded ARROW:schema, and the same values.
      const key = oursFiles[0]?.key ?? '';
      const fromOurs = await readPart(oursLake, key);
      const fromWasm = await readPart(wasmLake, key);
      expect(fromOurs.schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual(
        fromWasm.schema.fields.map((f) => [f.name, String(f.type), f.nullable]),
      );
      expect(fromOurs.schema.fields.map((f) => Object.fromEntries(f.metadata))).toEqual(
        table.schema.fields.map((f) => Object.fromEntries(f.metadata)),
      );
      expect(DataType.isDictionary(fromOurs.getChild('bus')?.type)).toBe(true);
      expect(fromOurs.toArray().map((row) => JSON.stringify(row))).toEqual(
        fromWasm.toArray().map((row) => JSON.stringify(row)),
      );
    },
    60_000,
  );

  test('a table with nested columns goes to the fallback encoder', async () => {
    const lake = await tempLake();
    const files = await writeTable(
      lake,
      DRIVES,
      [
        {
          start_time: [START],
          end_time: [START + 1_000_000_000n],
          duration_s: [1],
          source_files: [[{ uri: 'file:///x.log', sha256: 'ab', format: 'candump', bytes: 3 }]],
          formats: [['candump']],
          quality_issues: [[]],
        },
      ],
      native,
      10,
    );
    expect(files.map((f) => f.rows)).toEqual([1]);
    const rows = await duck.rows(
      `SELECT source_files[1].uri AS uri, formats FROM read_parquet(${glob(lake, 'drives')})`,
    );
    expect(rows).toEqual([{ uri: 'file:///x.log', formats: ['candump'] }]);
  });

  test('an encoding failure fails the writer with the cause, and the encoder keeps working', async () => {
    const lake = await tempLake();
    const writer = new PartitionedTableWriter<CanSignalsBatch>({
      store: lake,
      table: CAN_SIGNALS,
      vehicle: 'veh1',
      driveId: 'drive-1',
      // A row group size the plan check would refuse.
      parquet: { rowGroupRows: 1 },
      encoder: {
        encode: (ipc, plan) => native.encode(ipc, plan),
        stageColumns: (part, plan) => native.stageColumns(part, { ...plan, rowGroupRows: -1 }),
      },
    });
    await writer.append(signalBatches(100, 100)[0] as CanSignalsBatch);
    await expect(writer.close()).rejects.toThrow(/Parquet encoding failed: .*row group/);
    const files = await writeTable(lake, CAN_SIGNALS, signalBatches(100, 100), native, 1000);
    expect(files.map((f) => f.rows)).toEqual([100]);
  });
});

describe('LazyEncoder', () => {
  test('starts its encoder on the first part only, and closes it', async () => {
    let started = 0;
    let closed = 0;
    const lazy = new LazyEncoder(() => {
      started++;
      return Promise.resolve({
        encode: (ipc, plan) => inThreadEncoder.encode(ipc, plan),
        close: () => Promise.resolve(void closed++),
      });
    });
    const lake = await tempLake();
    expect(started).toBe(0);
    await writeTable(lake, CAN_SIGNALS, signalBatches(50, 50), lazy, 1000);
    await writeTable(lake, CAN_SIGNALS, signalBatches(50, 50), lazy, 1000);
    await lazy.close();
    expect([started, closed]).toEqual([1, 1]);
    const unused = new LazyEncoder(() => Promise.reject(new Error('never started')));
    await unused.close();
  });
});
