import { writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Dictionary,
  Float64,
  Int32,
  makeData,
  makeVector,
  Table,
  tableFromIPC,
  tableToIPC,
  TimestampMicrosecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InternalError } from '../../core/errors.js';
import { IpcBuffer } from '../../catalog/ipcBuffer.js';
import { ParquetWorker } from '../../catalog/parquetWorker.js';
import { encodeParquet, encodeParquetIpc, writerPlan } from '../../catalog/parquetWriter.js';
import type { ParquetOptions } from '../../catalog/parquetWriter.js';
import { openDuck, sqlString } from './duckdb.js';
import type { Duck } from './duckdb.js';

const ROWS = 1000;
const BASE_US = 1_700_000_000_123_456n;

/** t (µs, UTC), a low-cardinality name, a noisy double, a counter. */
function sampleTable(): Table {
  const t = new BigInt64Array(ROWS);
  const x = new Float64Array(ROWS);
  const n = new Int32Array(ROWS);
  const names = new Int32Array(ROWS);
  let walk = 37.5;
  for (let i = 0; i < ROWS; i++) {
    t[i] = BASE_US + BigInt(i) * 10_001n;
    walk += Math.sin(i * 12.9898) * 1e-5; // deterministic "noise"
    x[i] = walk;
    n[i] = i;
    names[i] = i % 3;
  }
  return new Table({
    t: makeVector(makeData({ type: new TimestampMicrosecond('UTC'), length: ROWS, data: t })),
    name: makeVector(
      makeData({
        type: new Dictionary(new Utf8(), new Int32()),
        length: ROWS,
        data: names,
        dictionary: vectorFromArray(['alpha', 'beta', 'gamma'], new Utf8()),
      }),
    ),
    x: makeVector(makeData({ type: new Float64(), length: ROWS, data: x })),
    n: makeVector(makeData({ type: new Int32(), length: ROWS, data: n })),
  });
}

let duck: Duck;
let dir: string;

beforeAll(async () => {
  duck = await openDuck();
  dir = await mkdtemp(join(tmpdir(), 'adlake-parquet-'));
});

afterAll(async () => {
  duck.close();
  await rm(dir, { recursive: true, force: true });
});

async function writeParquetFile(name: string, options: ParquetOptions): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, encodeParquet(sampleTable(), options));
  return path;
}

describe('encodeParquet', () => {
  test('round-trips through DuckDB with exact microsecond timestamps', async () => {
    const path = await writeParquetFile('roundtrip.parquet', {});
    const types = await duck.rows(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
    expect(types.map((r) => [r.column_name, r.column_type])).toEqual([
      ['t', 'TIMESTAMP WITH TIME ZONE'],
      ['name', 'VARCHAR'],
      ['x', 'DOUBLE'],
      ['n', 'INTEGER'],
    ]);
    const rows = await duck.rows(
      `SELECT epoch_us(t) AS us, name, x, n FROM read_parquet(${sqlString(path)}) ORDER BY n`,
    );
    const expected = sampleTable();
    expect(rows).toHaveLength(ROWS);
    rows.forEach((row, i) => {
      expect(row.us).toBe(BASE_US + BigInt(i) * 10_001n);
      expect(row.name).toBe(['alpha', 'beta', 'gamma'][i % 3]);
      expect(row.x).toBe(expected.getChild('x')?.get(i));
    });
    // The Parquet logical type is TIMESTAMP(MICROS, isAdjustedToUTC=true), which Athena reads as timestamp.
    const schema = await duck.rows(
      `SELECT name, logical_type FROM parquet_schema(${sqlString(path)}) WHERE name = 't'`,
    );
    expect(String(schema[0]?.logical_type)).toMatch(/isAdjustedToUTC=1/);
    expect(String(schema[0]?.logical_type)).toMatch(/MICROS=MicroSeconds/);
  });

  test('sized row groups, zstd, statistics and the requested encodings', async () => {
    const path = await writeParquetFile('encodings.parquet', {
      rowGroupRows: 300,
      columnEncodings: { t: 'delta_binary_packed', x: 'byte_stream_split', n: 'plain' },
      columnStatistics: { x: 'none' },
    });
    const meta = await duck.rows(
      `SELECT row_group_id, row_group_num_rows, path_in_schema, compression, encodings, stats_min_value, stats_max_value,
              stats_null_count
       FROM parquet_metadata(${sqlString(path)}) ORDER BY row_group_id, column_id`,
    );
    const groups = [...new Set(meta.map((r) => r.row_group_id))];
    expect(groups).toHaveLength(4); // 1000 rows in groups of 300
    expect(meta.filter((r) => r.path_in_schema === 't').map((r) => r.row_group_num_rows)).toEqual([
      300n,
      300n,
      300n,
      100n,
    ]);
    expect(new Set(meta.map((r) => r.compression))).toEqual(new Set(['ZSTD']));
    const column = (name: string) => meta.filter((r) => r.path_in_schema === name);
    for (const r of column('t')) expect(r.encodings).toContain('DELTA_BINARY_PACKED');
    for (const r of column('x')) expect(r.encodings).toContain('BYTE_STREAM_SPLIT');
    for (const r of column('name')) expect(r.encodings).toContain('RLE_DICTIONARY');
    for (const r of column('n')) expect(r.encodings).not.toContain('DICTIONARY');
    // Statistics per row group: t's min/max are the group's first and last timestamps.
    const first = column('t')[0];
    expect(first?.stats_min_value).toBe('2023-11-14 22:13:20.123456+00');
    expect(first?.stats_max_value).toBe(`2023-11-14 22:13:23.113755+00`);
    expect(column('n').map((r) => r.stats_max_value)).toEqual(['299', '599', '899', '999']);
    expect(column('x').every((r) => r.stats_min_value === null && r.stats_max_value === null)).toBe(true);
  });

  test.each([
    ['snappy', 'SNAPPY'],
    ['none', 'UNCOMPRESSED'],
  ] as const)('compression %s', async (compression, expected) => {
    const path = await writeParquetFile(`${compression}.parquet`, { compression });
    const meta = await duck.rows(`SELECT DISTINCT compression FROM parquet_metadata(${sqlString(path)})`);
    expect(meta).toEqual([{ compression: expected }]);
  });

  test('a table whose columns share one buffer is refused, not written wrong (tableToIPC quirk)', () => {
    const shared = new Float64Array([1, 2, 3]);
    const table = new Table({
      a: makeVector(makeData({ type: new Float64(), length: 3, data: shared })),
      b: makeVector(makeData({ type: new Float64(), length: 3, data: shared })),
    });
    expect(() => encodeParquet(table)).toThrow(InternalError);
  });

  test('a bad rowGroupRows is refused', () => {
    expect(() => writerPlan({ rowGroupRows: 0 })).toThrow(RangeError);
  });
});

describe('ParquetWorker', () => {
  test('encodes on a worker thread to the same bytes as in-thread', async () => {
    const worker = await ParquetWorker.start({ threads: 2 });
    try {
      const plan = writerPlan({
        rowGroupRows: 256,
        columnEncodings: { t: 'delta_binary_packed', x: 'byte_stream_split' },
      });
      const ipc = tableToIPC(sampleTable(), 'stream');
      const expected = encodeParquetIpc(ipc, plan);
      const results = await Promise.all([worker.encode(ipc, plan), worker.encode(ipc.slice(), plan)]);
      for (const bytes of results) expect(Buffer.from(bytes).equals(Buffer.from(expected))).toBe(true);
      await expect(worker.encode(new Uint8Array([1, 2, 3]), plan)).rejects.toThrow(/parquet encoding failed/);
    } finally {
      await worker.close();
    }
    await expect(worker.encode(new Uint8Array(0), writerPlan())).rejects.toThrow(/closed/);
  });
});

describe('IpcBuffer', () => {
  test('writes the same stream as tableToIPC into a reused buffer', async () => {
    const table = sampleTable();
    const buffer = IpcBuffer.take();
    const first = Buffer.from(await buffer.write(table));
    expect(first.equals(Buffer.from(tableToIPC(table, 'stream')))).toBe(true);
    const second = Buffer.from(await buffer.write(table));
    expect(second.equals(first)).toBe(true);
    buffer.release();
  });

  test('keeps every column when two columns share one buffer (tableToIPC merges such chunks)', async () => {
    const shared = new Float64Array([1, 2, 3]);
    const table = new Table({
      a: makeVector(makeData({ type: new Float64(), length: 3, data: shared })),
      b: makeVector(makeData({ type: new Float64(), length: 3, data: shared })),
    });
    const back = tableFromIPC(await IpcBuffer.take().write(table));
    expect(back.getChild('b')?.toArray()).toEqual(new Float64Array([1, 2, 3]));
  });
});
