/**
 * adlake's Parquet encoder (catalog/columnsParquet.ts) on its edge cases, read back by two independent
 * readers: DuckDB (C++, Athena's stand-in) and parquet-wasm (arrow-rs, what the transforms read with).
 * Every column kind with and without nulls, statistics, delta encoding with clock jumps and its PLAIN
 * fallback, the numeric dictionary and its fallback, RLE runs at group boundaries, several row groups
 * and pages, empty parts, no compression.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  List,
  Binary,
  Bool,
  Dictionary,
  Field,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  Schema,
  TimestampMicrosecond,
  Utf8,
  tableFromIPC,
} from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import type { ColumnView } from '../../catalog/columnBuffer.js';
import { columnBuffer } from '../../catalog/columnBuffer.js';
import { ColumnsParquetEncoder, doubleBounds } from '../../catalog/columnsParquet.js';
import { planColumnsPart } from '../../catalog/columnsPart.js';
import { writerPlan } from '../../catalog/parquetWriter.js';
import type { ParquetOptions } from '../../catalog/parquetWriter.js';
import { ZstdCompressor } from '../../catalog/zstdCompressor.js';
import { openDuck, sqlString } from './duckdb.js';
import type { Duck } from './duckdb.js';

let duck: Duck;
let encoder: ColumnsParquetEncoder;
let folder: string;
let files = 0;
beforeAll(async () => {
  duck = await openDuck();
  encoder = new ColumnsParquetEncoder(await ZstdCompressor.open());
  folder = await mkdtemp(join(tmpdir(), 'adlake-columns-'));
});
afterAll(async () => {
  duck.close();
  await rm(folder, { recursive: true, force: true });
});

interface Column {
  field: Field;
  view: ColumnView;
}

/** Encodes the columns as one part and writes the file; returns its path. */
async function encode(columns: Column[], rows: number, options: ParquetOptions = {}): Promise<string> {
  const part = planColumnsPart(
    { schema: new Schema(columns.map((c) => c.field)), rows, columns: columns.map((c) => c.view) },
    writerPlan(options),
  );
  if (!part) throw new Error('the encoder did not take the part');
  const path = join(folder, `part-${files++}.parquet`);
  await writeFile(path, encoder.encode(part));
  return path;
}

/** The file's rows as parquet-wasm (arrow-rs) reads them, as JSON-friendly values. */
function readWithArrow(bytes: Uint8Array): Record<string, unknown>[] {
  const table = tableFromIPC(readParquet(bytes).intoIPCStream());
  return table.toArray().map((row: Record<string, unknown>) => ({ ...row }));
}

const valid = (n: number, nullEvery: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i % nullEvery === 0 ? 0 : 1));

describe('columnsParquet', () => {
  test('every column kind, with nulls, reads back value for value in DuckDB and arrow-rs', async () => {
    const n = 1000;
    const strings = ['alpha', 'beta', 'Ü-Wert', ''];
    const doubles = Float64Array.from({ length: n }, (_, i) =>
      i % 97 === 1 ? NaN : i % 89 === 2 ? -0 : (i - 500) * 0.125,
    );
    const text = Array.from({ length: n }, (_, i) => `row ${i} ${'x'.repeat(i % 20)}`);
    const textBytes = new TextEncoder().encode(text.join(''));
    const textOffsets = new Int32Array(n + 1);
    text.forEach(
      (s, i) => (textOffsets[i + 1] = (textOffsets[i] as number) + new TextEncoder().encode(s).length),
    );
    const blobOffsets = Int32Array.from({ length: n + 1 }, (_, i) => i * 3);
    const blob = Uint8Array.from({ length: n * 3 }, (_, i) => (i * 37) & 0xff);
    const nullable = (name: string, type: ConstructorParameters<typeof Field>[1]) =>
      new Field(name, type, true);
    const path = await encode(
      [
        {
          field: nullable('i8', new Int8()),
          view: {
            kind: 'fixed',
            values: Int8Array.from({ length: n }, (_, i) => (i % 256) - 128),
            valid: valid(n, 7),
          },
        },
        {
          field: nullable('i16', new Int16()),
          view: {
            kind: 'fixed',
            values: Int16Array.from({ length: n }, (_, i) => i * 31 - 15000),
            valid: valid(n, 5),
          },
        },
        {
          field: nullable('i32', new Int32()),
          view: {
            kind: 'fixed',
            values: Int32Array.from({ length: n }, (_, i) => (i * 2654435761) | 0),
            valid: valid(n, 3),
          },
        },
        {
          field: nullable('i64', new Int64()),
          view: {
            kind: 'fixed',
            values: BigInt64Array.from(
              { length: n },
              (_, i) => BigInt(i) * 123_456_789_012_345n - 9_000_000_000_000_000n,
            ),
            valid: valid(n, 11),
          },
        },
        {
          field: nullable('f64', new Float64()),
          view: { kind: 'fixed', values: doubles, valid: valid(n, 13) },
        },
        {
          field: nullable('flag', new Bool()),
          view: {
            kind: 'bool',
            bytes: Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
            valid: valid(n, 4),
          },
        },
        {
          field: nullable('name', new Dictionary(new Utf8(), new Int32())),
          view: {
            kind: 'dictionary',
            indices: Int32Array.from({ length: n }, (_, i) => i % 4),
            strings,
            valid: valid(n, 6),
          },
        },
        {
          field: nullable('text', new Utf8()),
          view: { kind: 'bytes', offsets: textOffsets, data: textBytes, valid: valid(n, 9) },
        },
        {
          field: nullable('blob', new Binary()),
          view: { kind: 'bytes', offsets: blobOffsets, data: blob, valid: valid(n, 10) },
        },
        // Pages of nulls only (whole row groups of them).
        {
          field: nullable('none', new Float64()),
          view: { kind: 'fixed', values: new Float64Array(n), valid: new Uint8Array(n) },
        },
        {
          field: nullable('nolabel', new Dictionary(new Utf8(), new Int32())),
          view: {
            kind: 'dictionary',
            indices: new Int32Array(n),
            strings: ['x'],
            valid: Uint8Array.from({ length: n }, (_, i) => (i >= 900 ? 1 : 0)),
          },
        },
        {
          field: nullable('local', new TimestampMicrosecond()),
          view: {
            kind: 'fixed',
            values: BigInt64Array.from({ length: n }, (_, i) => 1_700_000_000_000_000n + BigInt(i * 1000)),
            valid: valid(n, 8),
          },
        },
      ],
      n,
      { rowGroupRows: 300 },
    );
    const rows = await duck.rows(
      `SELECT * EXCLUDE (local), epoch_us(local) AS local FROM read_parquet(${sqlString(path)})`,
    );
    expect(rows).toHaveLength(n);
    const isNull = (i: number, every: number) => i % every === 0;
    rows.forEach((row, i) => {
      expect(row.i8).toBe(isNull(i, 7) ? null : (i % 256) - 128);
      expect(row.i16).toBe(isNull(i, 5) ? null : i * 31 - 15000);
      expect(row.i32).toBe(isNull(i, 3) ? null : (i * 2654435761) | 0);
      expect(row.i64).toBe(isNull(i, 11) ? null : BigInt(i) * 123_456_789_012_345n - 9_000_000_000_000_000n);
      if (isNull(i, 13)) expect(row.f64).toBeNull();
      else expect(Object.is(row.f64, doubles[i])).toBe(true);
      expect(row.flag).toBe(isNull(i, 4) ? null : i % 3 === 0);
      expect(row.name).toBe(isNull(i, 6) ? null : strings[i % 4]);
      expect(row.text).toBe(isNull(i, 9) ? null : text[i]);
      expect(row.local).toBe(isNull(i, 8) ? null : 1_700_000_000_000_000n + BigInt(i * 1000));
    });
    const blobs = await duck.rows(`SELECT hex(blob) AS h FROM read_parquet(${sqlString(path)})`);
    blobs.forEach((row, i) => {
      const expected = isNull(i, 10)
        ? null
        : Buffer.from(blob.subarray(i * 3, i * 3 + 3))
            .toString('hex')
            .toUpperCase();
      expect(row.h).toBe(expected);
    });

    // arrow-rs: the same values, the Arrow types from ARROW:schema (dictionary, zone-less timestamp).
    const arrow = readWithArrow(await readFile(path));
    expect(arrow).toHaveLength(n);
    arrow.forEach((row, i) => {
      expect(row.i32).toBe(isNull(i, 3) ? null : (i * 2654435761) | 0);
      expect(row.name).toBe(isNull(i, 6) ? null : strings[i % 4]);
      expect(row.text).toBe(isNull(i, 9) ? null : text[i]);
      if (!isNull(i, 13)) expect(Object.is(row.f64, doubles[i])).toBe(true);
      expect(row.none).toBeNull();
      expect(row.nolabel).toBe(i >= 900 ? 'x' : null);
    });
    const schema = await duck.rows(
      `SELECT name, type, repetition_type, logical_type FROM parquet_schema(${sqlString(path)}) WHERE name <> 'schema'`,
    );
    expect(schema.every((r) => r.repetition_type === 'OPTIONAL')).toBe(true);
    expect(String(schema.find((r) => r.name === 'local')?.logical_type)).toContain('isAdjustedToUTC=0');
    const groups = await duck.rows(
      `SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(${sqlString(path)}) ORDER BY 1`,
    );
    expect(groups.map((g) => Number(g.row_group_num_rows))).toEqual([300, 300, 300, 100]);
  });

  test('statistics: min, max and null count per chunk; NaN ignored, zero bounds signed', async () => {
    const n = 6;
    const path = await encode(
      [
        {
          field: new Field('t', new TimestampMicrosecond('UTC'), false),
          view: { kind: 'fixed', values: BigInt64Array.of(5n, -3n, 2n ** 40n, 7n, 0n, 1n) },
        },
        {
          field: new Field('x', new Float64(), true),
          view: {
            kind: 'fixed',
            values: Float64Array.of(NaN, 0, 2.5, -0, 1, 9),
            valid: Uint8Array.of(1, 1, 1, 1, 1, 0),
          },
        },
        {
          field: new Field('s', new Dictionary(new Utf8(), new Int32()), false),
          view: { kind: 'dictionary', indices: Int32Array.of(1, 2, 1, 2, 1, 2), strings: ['zzz', 'b', 'c'] },
        },
        {
          field: new Field('d', new Binary(), false),
          view: {
            kind: 'bytes',
            offsets: Int32Array.of(0, 2, 3, 3, 5, 6, 8),
            data: Uint8Array.of(1, 2, 255, 1, 1, 0, 9, 9),
          },
        },
        {
          field: new Field('off', new Int32(), false),
          view: { kind: 'fixed', values: Int32Array.of(4, 3, 2, 1, 0, -1) },
        },
        {
          field: new Field('allnan', new Float64(), false),
          view: { kind: 'fixed', values: Float64Array.of(NaN, NaN, NaN, NaN, NaN, NaN) },
        },
        {
          field: new Field('infs', new Float64(), false),
          view: { kind: 'fixed', values: Float64Array.of(5, -Infinity, NaN, Infinity, 0, 1) },
        },
      ],
      n,
      { columnStatistics: { off: 'none' } },
    );
    const stats = await duck.rows(
      `SELECT path_in_schema AS c, stats_min_value AS min, stats_max_value AS max, stats_null_count AS nulls
       FROM parquet_metadata(${sqlString(path)}) ORDER BY column_id`,
    );
    const byColumn: Record<string, unknown[]> = Object.fromEntries(
      stats.map((s) => [String(s.c), [s.min, s.max, s.nulls]]),
    );
    expect(byColumn.t?.[2]).toBe(0n);
    // The unused member 'zzz' is in the dictionary but not in the statistics.
    expect(byColumn.s).toEqual(['b', 'c', 0n]);
    expect(byColumn.x).toEqual(['-0.0', '2.5', 1n]);
    expect(byColumn.off).toEqual([null, null, null]);
    // All NaN: no bounds. Infinite bounds (DuckDB does not show them) must not let a filter skip rows.
    expect(byColumn.allnan).toEqual([null, null, 0n]);
    const [counts] = await duck.rows(
      `SELECT count(*) FILTER (WHERE infs > 1e308) AS high, count(*) FILTER (WHERE infs < -1e308) AS low
       FROM read_parquet(${sqlString(path)})`,
    );
    // Infinity and NaN (DuckDB orders NaN above every number).
    expect(counts).toEqual({ high: 2n, low: 1n });
    // A created_by parquet-mr can parse, or Spark ignores the byte-array statistics (PARQUET-251).
    const [file] = await duck.rows(`SELECT created_by FROM parquet_file_metadata(${sqlString(path)})`);
    expect(String(file?.created_by)).toMatch(/^adlake version \d+\.\d+\.\d+$/);
    // Row-group pruning uses them: DuckDB answers from the statistics and the rows alike.
    const [range] = await duck.rows(
      `SELECT epoch_us(min(t)) AS lo, epoch_us(max(t)) AS hi, min(d) AS dlo, max(d) AS dhi FROM read_parquet(${sqlString(path)})`,
    );
    expect([range?.lo, range?.hi]).toEqual([-3n, 2n ** 40n]);
    expect(Buffer.from(range?.dlo as Uint8Array)).toEqual(Buffer.of());
    expect(Buffer.from(range?.dhi as Uint8Array)).toEqual(Buffer.of(255));
  });

  test('double bounds: NaN ignored, all-NaN none, signed zeros, infinities', () => {
    expect(doubleBounds(Float64Array.of(NaN, NaN))).toBeUndefined();
    expect(doubleBounds(new Float64Array(0))).toBeUndefined();
    expect(doubleBounds(Float64Array.of(NaN, 2, NaN, -1))).toEqual([-1, 2]);
    const [low, high] = doubleBounds(Float64Array.of(0, 0)) as [number, number];
    expect(Object.is(low, -0) && Object.is(high, 0)).toBe(true);
    expect(doubleBounds(Float64Array.of(Infinity))).toEqual([Infinity, Infinity]);
    expect(doubleBounds(Float64Array.of(-Infinity))).toEqual([-Infinity, -Infinity]);
    expect(doubleBounds(Float64Array.of(5, -Infinity, NaN, Infinity))).toEqual([-Infinity, Infinity]);
  });

  test('delta encoding: clock jumps and steps back are exact; a range past 2^44 falls back to PLAIN', async () => {
    const n = 5000;
    const base = 1_700_000_000_000_000n;
    const t = BigInt64Array.from(
      { length: n },
      (_, i) =>
        base + BigInt(i * 997) + (i >= 1234 ? 3_600_000_000_000n : 0n) - (i % 500 === 7 ? 50_000n : 0n),
    );
    const wide = BigInt64Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 0n : 2n ** 50n));
    const small = Int32Array.from({ length: n }, (_, i) => (i % 100) * (i % 7 === 0 ? -1 : 1));
    const delta = { columnEncodings: { t: 'delta_binary_packed', k: 'delta_binary_packed' } } as const;
    const jumped = await encode(
      [
        { field: new Field('t', new TimestampMicrosecond('UTC'), false), view: { kind: 'fixed', values: t } },
        { field: new Field('k', new Int32(), false), view: { kind: 'fixed', values: small } },
      ],
      n,
      delta,
    );
    const rows = await duck.rows(`SELECT epoch_us(t) AS t, k FROM read_parquet(${sqlString(jumped)})`);
    expect(rows.map((r) => r.t)).toEqual([...t]);
    expect(rows.map((r) => r.k)).toEqual([...small]);
    const encodings = await duck.rows(
      `SELECT path_in_schema AS c, encodings FROM parquet_metadata(${sqlString(jumped)})`,
    );
    expect(encodings.every((e) => String(e.encodings).includes('DELTA_BINARY_PACKED'))).toBe(true);

    const fallback = await encode(
      [{ field: new Field('t', new Int64(), false), view: { kind: 'fixed', values: wide } }],
      10,
      delta,
    );
    expect((await duck.rows(`SELECT t FROM read_parquet(${sqlString(fallback)})`)).map((r) => r.t)).toEqual([
      ...wide,
    ]);
    const [plain] = await duck.rows(`SELECT encodings FROM parquet_metadata(${sqlString(fallback)})`);
    expect(String(plain?.encodings)).toBe('PLAIN');
  });

  test('numeric dictionary up to 1 MiB of values, PLAIN beyond; runs across group boundaries', async () => {
    const n = 200_000;
    const few = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 1000) * 0.5);
    const many = Float64Array.from({ length: n }, (_, i) => i * 1.000001);
    // Runs of 3, 8, 9, 17 ... equal indices after odd numbers of distinct ones: every lending case.
    const runs: number[] = [];
    for (let r = 0; runs.length < n; r++)
      for (let k = 0; k < (r % 19) + 1 && runs.length < n; k++) runs.push(r % 5);
    const path = await encode(
      [
        { field: new Field('few', new Float64(), false), view: { kind: 'fixed', values: few } },
        { field: new Field('many', new Float64(), false), view: { kind: 'fixed', values: many } },
        {
          field: new Field('runs', new Dictionary(new Utf8(), new Int32()), false),
          view: { kind: 'dictionary', indices: Int32Array.from(runs), strings: ['a', 'b', 'c', 'd', 'e'] },
        },
      ],
      n,
      { rowGroupRows: n },
    );
    const encodings: Record<string, string> = Object.fromEntries(
      (
        await duck.rows(`SELECT path_in_schema AS c, encodings FROM parquet_metadata(${sqlString(path)})`)
      ).map((r) => [String(r.c), String(r.encodings)]),
    );
    expect(encodings.few).toContain('RLE_DICTIONARY');
    expect(encodings.many).toBe('PLAIN');
    const rows = await duck.rows(`SELECT few, many, runs FROM read_parquet(${sqlString(path)})`);
    expect(rows.map((r) => r.few)).toEqual([...few]);
    expect(rows.map((r) => r.many)).toEqual([...many]);
    expect(rows.map((r) => r.runs)).toEqual(runs.map((r) => ['a', 'b', 'c', 'd', 'e'][r]));
  });

  test('byte arrays past 8 MiB span several pages; an empty part and no compression are valid files', async () => {
    const n = 3000;
    const size = 4096;
    const offsets = Int32Array.from({ length: n + 1 }, (_, i) => i * size);
    const data = Uint8Array.from({ length: n * size }, (_, i) => (i * 7 + (i >> 12)) & 0xff);
    const path = await encode(
      [{ field: new Field('payload', new Binary(), false), view: { kind: 'bytes', offsets, data } }],
      n,
      { compression: 'none' },
    );
    const [sums] = await duck.rows(
      `SELECT count(*) AS n, sum(octet_length(payload)) AS bytes FROM read_parquet(${sqlString(path)})`,
    );
    expect(sums?.n).toBe(BigInt(n));
    expect(sums?.bytes).toBe(BigInt(n * size));
    const [last] = await duck.rows(
      `SELECT hex(payload[4090:]) AS tail FROM read_parquet(${sqlString(path)}) OFFSET ${n - 1}`,
    );
    expect(last?.tail).toBe(
      Buffer.from(data.subarray(n * size - 7))
        .toString('hex')
        .toUpperCase(),
    );
    const [codec] = await duck.rows(`SELECT DISTINCT compression FROM parquet_metadata(${sqlString(path)})`);
    expect(codec?.compression).toBe('UNCOMPRESSED');

    const empty = await encode(
      [
        {
          field: new Field('t', new TimestampMicrosecond('UTC'), false),
          view: { kind: 'fixed', values: new BigInt64Array(0) },
        },
        {
          field: new Field('s', new Dictionary(new Utf8(), new Int32()), true),
          view: { kind: 'dictionary', indices: new Int32Array(0), strings: [] },
        },
      ],
      0,
    );
    expect(await duck.rows(`SELECT count(*) AS n FROM read_parquet(${sqlString(empty)})`)).toEqual([
      { n: 0n },
    ]);
    expect(readWithArrow(await readFile(empty))).toEqual([]);
  });

  test('lists of strings (null, empty, long, across row groups) read back alike in DuckDB and arrow-rs', async () => {
    const n = 700;
    const listOf = (i: number): string[] | null =>
      i % 9 === 4
        ? null
        : Array.from({ length: i % 5 }, (_, k) => `tag-${(i * 7 + k) % 13}${k === 2 ? 'ß' : ''}`);
    const rows = Array.from({ length: n }, (_, i) => listOf(i));
    // The view as the writer's buffers make it from the batch's arrays.
    const views: ColumnView[] = [];
    for (const [name, nullable] of [
      ['tags', true],
      ['labels', false],
    ] as const) {
      const field = new Field(name, new List(new Field('item', new Utf8(), false)), nullable);
      const buffer = columnBuffer(field, n);
      buffer.prepare(nullable ? rows : rows.map((r) => r ?? []), n)(0, n);
      views.push(buffer.view());
    }
    expect(views.map((v) => v.kind)).toEqual(['list', 'list']);
    const path = await encode(
      [
        {
          field: new Field('i', new Int32(), false),
          view: { kind: 'fixed', values: Int32Array.from({ length: n }, (_, i) => i) },
        },
        {
          field: new Field('tags', new List(new Field('item', new Utf8(), false)), true),
          view: views[0] as ColumnView,
        },
        {
          field: new Field('labels', new List(new Field('item', new Utf8(), false)), false),
          view: views[1] as ColumnView,
        },
      ],
      n,
      { rowGroupRows: 256 },
    );
    const duckRows = await duck.rows(
      `SELECT i, tags, labels FROM read_parquet(${sqlString(path)}) ORDER BY i`,
    );
    expect(duckRows).toHaveLength(n);
    duckRows.forEach((row, i) => {
      expect(row.tags, `tags row ${i}`).toEqual(listOf(i));
      expect(row.labels, `labels row ${i}`).toEqual(listOf(i) ?? []);
    });
    const arrow = readWithArrow(await readFile(path));
    arrow.forEach((row, i) => {
      const list = (value: unknown): unknown => (value === null ? null : [...(value as Iterable<unknown>)]);
      expect(list(row.tags), `tags row ${i}`).toEqual(listOf(i));
      expect(list(row.labels), `labels row ${i}`).toEqual(listOf(i) ?? []);
    });
    const schema = await duck.rows(
      `SELECT name, repetition_type, converted_type FROM parquet_schema(${sqlString(path)}) WHERE name <> 'schema'`,
    );
    expect(schema.map((r) => [r.name, r.repetition_type, r.converted_type])).toEqual([
      ['i', 'REQUIRED', null],
      ['tags', 'OPTIONAL', 'LIST'],
      ['list', 'REPEATED', null],
      ['element', 'REQUIRED', 'UTF8'],
      ['labels', 'REQUIRED', 'LIST'],
      ['list', 'REPEATED', null],
      ['element', 'REQUIRED', 'UTF8'],
    ]);
  });

  test('the zstd level of the plan reaches the compressor; every level reads back', async () => {
    const n = 50_000;
    const values = Float64Array.from({ length: n }, (_, i) => Math.round(Math.sin(i / 50) * 1000) / 10);
    const column = [
      { field: new Field('x', new Float64(), false), view: { kind: 'fixed', values } as ColumnView },
    ];
    const sizes: number[] = [];
    for (const zstdLevel of [1, 19]) {
      const path = await encode(column, n, { zstdLevel, columnEncodings: { x: 'plain' } });
      sizes.push((await readFile(path)).byteLength);
      expect(
        await duck.rows(
          `SELECT count(*) AS n, min(x) AS lo, max(x) AS hi FROM read_parquet(${sqlString(path)})`,
        ),
      ).toEqual([{ n: BigInt(n), lo: Math.min(...values), hi: Math.max(...values) }]);
    }
    expect(sizes[1]).toBeLessThan((sizes[0] as number) * 0.9);
  });
});
