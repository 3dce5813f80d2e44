/**
 * adlake's own reader of flat Parquet files (catalog/flatParquetReader.ts), which `adlake detect` reads
 * `timeseries` with, against parquet-wasm (arrow-rs) reading the same bytes: files of adlake's encoder
 * (byte-stream-split, numeric and string dictionaries, delta timestamps, nulls, several row groups) and of
 * parquet-wasm itself, read value for value both as record batches and straight into caller arrays; a
 * codec it does not read is declined before anything is read; broken bytes fail with the position.
 */
import { describe, expect, test, beforeAll } from 'vitest';
import {
  Dictionary,
  Field,
  Float64,
  Int32,
  Schema,
  Table,
  TimestampMicrosecond,
  Utf8,
  tableFromIPC,
  vectorFromArray,
} from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import type { ColumnView } from '../../catalog/columnBuffer.js';
import { ColumnsParquetEncoder } from '../../catalog/columnsParquet.js';
import { planColumnsPart } from '../../catalog/columnsPart.js';
import { FlatParquetReader, UnsupportedParquet } from '../../catalog/flatParquetReader.js';
import { encodeParquet, writerPlan } from '../../catalog/parquetWriter.js';
import type { ParquetOptions } from '../../catalog/parquetWriter.js';
import { ZstdCompressor } from '../../catalog/zstdCompressor.js';

let zstd: ZstdCompressor;
let encoder: ColumnsParquetEncoder;
beforeAll(async () => {
  zstd = await ZstdCompressor.open();
  encoder = new ColumnsParquetEncoder(await ZstdCompressor.open());
});

const n = 1000;
const T0 = 1_718_000_000_000_000n; // micros
const nullEvery = (every: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i % every === 0 ? 0 : 1));
const speeds = Float64Array.from({ length: n }, (_, i) => (i % 97 === 1 ? NaN : 10 + Math.sin(i / 7) * 3));
const steps = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 50) * 0.5);
const gears = ['P', 'R', 'N', 'D'];
const notes = Array.from({ length: n }, (_, i) => `note ${i} ${'ü'.repeat(i % 5)}`);
const noteBytes = new TextEncoder().encode(notes.join(''));
const noteOffsets = new Int32Array(n + 1);
notes.forEach(
  (note, i) => (noteOffsets[i + 1] = (noteOffsets[i] as number) + new TextEncoder().encode(note).length),
);

/** A `timeseries`-like part from adlake's encoder: every encoding the transform's writer uses. */
function adlakePart(options: ParquetOptions = {}): Uint8Array {
  const columns: { field: Field; view: ColumnView }[] = [
    {
      field: new Field('t', new TimestampMicrosecond('UTC'), false),
      view: { kind: 'fixed', values: BigInt64Array.from({ length: n }, (_, i) => T0 + BigInt(i) * 10_000n) },
    },
    // Byte-stream-split with nulls.
    {
      field: new Field('speed', new Float64(), true),
      view: { kind: 'fixed', values: speeds, valid: nullEvery(13) },
    },
    // Few distinct values: a numeric dictionary.
    { field: new Field('steps', new Float64(), true), view: { kind: 'fixed', values: steps } },
    // PLAIN doubles, every one null in places.
    {
      field: new Field('plain', new Float64(), true),
      view: { kind: 'fixed', values: speeds, valid: nullEvery(3) },
    },
    {
      field: new Field('count', new Int32(), true),
      view: { kind: 'fixed', values: Int32Array.from({ length: n }, (_, i) => i * 3 - 7) },
    },
    {
      field: new Field('gear', new Dictionary(new Utf8(), new Int32()), true),
      view: {
        kind: 'dictionary',
        indices: Int32Array.from({ length: n }, (_, i) => i % 4),
        strings: gears,
        valid: nullEvery(11),
      },
    },
    {
      field: new Field('none', new Float64(), true),
      view: { kind: 'fixed', values: new Float64Array(n), valid: new Uint8Array(n) },
    },
    // Plain byte arrays (no dictionary), with nulls.
    {
      field: new Field('note', new Utf8(), true),
      view: { kind: 'bytes', offsets: noteOffsets, data: noteBytes, valid: nullEvery(7) },
    },
  ];
  const part = planColumnsPart(
    { schema: new Schema(columns.map((c) => c.field)), rows: n, columns: columns.map((c) => c.view) },
    writerPlan({
      rowGroupRows: 300,
      columnEncodings: {
        speed: 'byte_stream_split',
        plain: 'plain',
        steps: 'dictionary',
        t: 'delta_binary_packed',
        note: 'plain',
      },
      ...options,
    }),
  );
  if (!part) throw new Error('the encoder did not take the part');
  return encoder.encode(part).slice();
}

/** Rows as parquet-wasm reads them. */
function withArrowRs(bytes: Uint8Array): Record<string, unknown>[] {
  return tableFromIPC(readParquet(bytes).intoIPCStream())
    .toArray()
    .map((row: Record<string, unknown>) => ({ ...row }));
}

/** Rows as the flat reader's record batches give them (copied: the batches' arrays are reused). */
function withFlatReader(bytes: Uint8Array, columns: readonly string[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  new FlatParquetReader(bytes, zstd).scan(columns, (batch) => {
    for (const row of new Table(batch).toArray()) rows.push({ ...(row as Record<string, unknown>) });
  });
  return rows;
}

const same = (a: unknown, b: unknown): boolean =>
  Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && a === b) || a === b;

describe('FlatParquetReader', () => {
  const names = ['t', 'speed', 'steps', 'plain', 'count', 'gear', 'none', 'note'];

  test("adlake's files read value for value as parquet-wasm reads them, in record batches", () => {
    const bytes = adlakePart();
    const reader = new FlatParquetReader(bytes, zstd);
    expect(reader.rowGroups).toBe(4);
    expect(reader.rows).toBe(n);
    const expected = withArrowRs(bytes);
    const got = withFlatReader(bytes, names);
    expect(got).toHaveLength(n);
    got.forEach((row, i) => {
      for (const name of names) expect(same(row[name], expected[i]?.[name]), `${name} row ${i}`).toBe(true);
    });
  });

  test('columns decode straight into caller arrays at an offset: NaN and null for nulls, ns for micros', () => {
    const reader = new FlatParquetReader(adlakePart(), zstd);
    const at = 5;
    const doubles = new Float64Array(n + at).fill(-1);
    expect(reader.doublesInto('speed', doubles, at)).toBe(true);
    expect(doubles[0]).toBe(-1);
    for (let i = 0; i < n; i++) {
      const expected = i % 13 === 0 ? NaN : (speeds[i] as number);
      expect(Object.is(doubles[at + i], expected), `speed row ${i}`).toBe(true);
    }
    expect(reader.doublesInto('steps', doubles, at)).toBe(true);
    expect(Array.from(doubles.subarray(at))).toEqual(Array.from(steps));
    expect(reader.doublesInto('none', doubles, at)).toBe(false);
    expect(doubles.subarray(at).every(Number.isNaN)).toBe(true);

    const times = new BigInt64Array(n + at);
    reader.timesInto('t', times, at);
    expect(times[at]).toBe(T0 * 1000n);
    expect(times[at + n - 1]).toBe((T0 + BigInt(n - 1) * 10_000n) * 1000n);

    // Labels as codes into the caller's table: looked up once per dictionary entry, per row otherwise.
    const names: string[] = ['untouched'];
    const lookups: string[] = [];
    const code = (text: string): number => {
      lookups.push(text);
      const found = names.indexOf(text);
      return found >= 0 ? found : names.push(text) - 1;
    };
    const codes = new Int32Array(n + at).fill(0);
    const labels = () => Array.from(codes.subarray(at), (c) => (c < 0 ? null : names[c]));
    expect(reader.labelsInto('gear', codes, at, code)).toBe(true);
    expect(codes[0]).toBe(0);
    expect(labels()).toEqual(Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : gears[i % 4])));
    expect(lookups.length).toBeLessThanOrEqual(4 * reader.rowGroups);

    expect(reader.labelsInto('note', codes, at, code)).toBe(true);
    expect(labels()).toEqual(notes.map((note, i) => (i % 7 === 0 ? null : note)));

    expect(reader.column('absent')).toBeUndefined();
    expect(() => reader.doublesInto('gear', doubles, 0)).toThrow(UnsupportedParquet);
  });

  test('allNull trusts only statistics: a null count equal to the rows in every row group', () => {
    const reader = new FlatParquetReader(adlakePart(), zstd);
    expect(reader.allNull('none')).toBe(true);
    for (const name of ['speed', 'plain', 'gear', 'note', 't'])
      expect(reader.allNull(name), name).toBe(false);
    expect(reader.allNull('absent')).toBe(false);
    // The same column without statistics: it could hold values, so it is not declared empty.
    const bare = new FlatParquetReader(adlakePart({ columnStatistics: { none: 'none' } }), zstd);
    expect(bare.allNull('none')).toBe(false);
    // parquet-wasm's statistics (arrow-rs) say the same of its files.
    const table = new Table({
      empty: vectorFromArray(new Array<number | null>(n).fill(null), new Float64()),
      one: vectorFromArray(
        Array.from({ length: n }, (_, i) => (i === n - 1 ? 1 : null)),
        new Float64(),
      ),
    });
    const theirs = new FlatParquetReader(
      encodeParquet(table, { compression: 'zstd', rowGroupRows: 256 }),
      zstd,
    );
    expect(theirs.allNull('empty')).toBe(true);
    expect(theirs.allNull('one')).toBe(false);
  });

  test("parquet-wasm's own files (zstd) read alike; a codec it does not read is declined up front", () => {
    const table = new Table({
      t: vectorFromArray(
        Array.from({ length: n }, (_, i) => Number(T0 / 1000n) + i * 10),
        new TimestampMicrosecond(),
      ),
      speed: vectorFromArray(
        Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : (speeds[i] as number))),
        new Float64(),
      ),
      gear: vectorFromArray(
        Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : (gears[i % 4] as string))),
        new Utf8(),
      ),
    });
    const zstdFile = encodeParquet(table, { compression: 'zstd', rowGroupRows: 256 });
    const expected = withArrowRs(zstdFile);
    const got = withFlatReader(zstdFile, ['t', 'speed', 'gear']);
    got.forEach((row, i) => {
      for (const name of ['t', 'speed', 'gear'])
        expect(same(row[name], expected[i]?.[name]), `${name} row ${i}`).toBe(true);
    });
    const snappy = encodeParquet(table, { compression: 'snappy' });
    expect(() => new FlatParquetReader(snappy, zstd)).toThrow(UnsupportedParquet);
  });

  test('broken bytes fail with where: no magic, a footer out of range, a page cut short', () => {
    const bytes = adlakePart();
    expect(() => new FlatParquetReader(bytes.subarray(0, bytes.length - 1), zstd)).toThrow(/PAR1/);
    const badFooter = bytes.slice();
    badFooter.set([0xff, 0xff, 0xff, 0x7f], bytes.length - 8);
    expect(() => new FlatParquetReader(badFooter, zstd)).toThrow(/footer length/);
    // Page bytes overwritten in the middle of the file: zstd or the page decoder refuses them.
    const garbled = bytes.slice();
    garbled.fill(0xaa, 200, 2000);
    const reader = new FlatParquetReader(garbled, zstd);
    const out = new Float64Array(n);
    expect(() => {
      reader.timesInto('t', new BigInt64Array(n), 0);
      reader.doublesInto('speed', out, 0);
      reader.doublesInto('plain', out, 0);
    }).toThrow(RangeError);
  });
});
