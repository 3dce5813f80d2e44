import { Dictionary, Field, Float64, Int32, Int8, Utf8 } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { nsToMicros } from '../../core/time.js';
import { giveArray } from '../../catalog/arrayPool.js';
import { columnBuffer, dayOfMicros, MICROS_PER_DAY, nanosToMicros } from '../../catalog/columnBuffer.js';

/** xorshift64*: seeded, so a failure reproduces. */
function random(seed: bigint): () => bigint {
  let state = seed;
  return () => {
    state ^= state >> 12n;
    state ^= (state << 25n) & 0xffff_ffff_ffff_ffffn;
    state ^= state >> 27n;
    return BigInt.asIntN(64, (state * 0x2545f4914f6cdd1dn) & 0xffff_ffff_ffff_ffffn);
  };
}

describe('nanosToMicros', () => {
  test('equals BigInt floor division on edge and random values, negative included', () => {
    const next = random(0x9e3779b97f4a7c15n);
    const values = [
      0n,
      1n,
      999n,
      1000n,
      1001n,
      -1n,
      -999n,
      -1000n,
      -1001n,
      1_533_226_488_230_547_123n, // comma2k19, 2018
      -9_223_372_036_854_775_808n,
      9_223_372_036_854_775_807n,
      ...Array.from({ length: 10_000 }, next),
      ...Array.from({ length: 1000 }, () => 1_700_000_000_000_000_000n + (next() % 1_000_000_000_000n)),
    ];
    const src = BigInt64Array.from(values);
    const dst = new BigInt64Array(src.length);
    nanosToMicros(src, dst);
    values.forEach((ns, i) => {
      if (dst[i] !== nsToMicros(ns))
        throw new Error(`row ${i}: ${ns} ns → ${dst[i]} µs, expected ${nsToMicros(ns)}`);
    });
  });
});

describe('dayOfMicros', () => {
  test('is exact at day boundaries (years 1685 to 2255, where µs fit a double exactly)', () => {
    for (const day of [-104_000, -1, 0, 1, 17_745, 19_792, 104_000]) {
      const start = day * MICROS_PER_DAY;
      expect(dayOfMicros(start)).toBe(day);
      expect(dayOfMicros(start - 1)).toBe(day - 1);
      expect(dayOfMicros(start + MICROS_PER_DAY - 1)).toBe(day);
    }
  });
});

describe('column buffers', () => {
  const dict = new Field('name', new Dictionary(new Utf8(), new Int32()), true);

  test('null counts stay exact when a pooled validity array is longer than the buffer and holds stale zeros', () => {
    // A previous writer's validity arrays come back from the pool full of zeros (nulls); the buffer must not
    // carry those bytes into rows it appends later. Regression: a second ingest in one process wrote a
    // Parquet file whose null_count disagreed with its validity bitmap.
    for (let k = 0; k < 4; k++) giveArray(Uint8Array, new Uint8Array(1 << 20));
    const value = new Field('value', new Float64(), true);
    const buffer = columnBuffer(value, 1 << 20);
    const expected: (number | null)[] = [];
    for (let batch = 0; batch < 40; batch++) {
      const rows = 5000 + batch * 997;
      const values = Array.from({ length: rows }, (_, i) => ((i + batch) % 7 === 0 ? null : i));
      buffer.prepare(values, rows)(0, rows);
      expected.push(...values);
    }
    const data = buffer.toData();
    let nulls = 0;
    for (let i = 0; i < data.length; i++) if (!data.getValid(i)) nulls++;
    expect(data.length).toBe(expected.length);
    expect(nulls).toBe(expected.filter((v) => v === null).length);
    expect(data.nullCount).toBe(nulls);
  });

  test('dictionary input with a growing dictionary, nulls, and plain strings map to one dictionary', () => {
    const buffer = columnBuffer(dict, 100);
    const names: (string | null)[] = ['a', 'b'];
    buffer.prepare({ indices: new Int32Array([0, 1, -1]), dictionary: names }, 3)(0, 3);
    names.push('c', null); // the same array, grown: only new entries are mapped
    buffer.prepare({ indices: new Uint16Array([2, 3, 0]), dictionary: names }, 3)(0, 3);
    buffer.prepare(['c', null, 'z'], 3)(1, 3);
    buffer.prepare('b', 2)(0, 2);
    const data = buffer.toData();
    const values = Array.from({ length: data.length }, (_, i) =>
      data.getValid(i) ? (data.dictionary?.get((data.values as Int32Array)[i] as number) as string) : null,
    );
    expect(values).toEqual(['a', 'b', null, 'c', null, 'a', null, 'z', 'b', 'b']);
    expect(data.nullCount).toBe(3);
  });

  test('dictionary input in our order is copied as is; another order or a sub-range is remapped', () => {
    const buffer = columnBuffer(dict, 100);
    const ours = ['a', 'b', 'c'];
    buffer.prepare({ indices: Int32Array.of(2, 0, 1, 1), dictionary: ours }, 4)(1, 4); // identity: bulk copy
    const theirs = ['c', 'a']; // another producer: 'c' is our 2, 'a' our 0
    buffer.prepare({ indices: Int32Array.of(0, 1, 0), dictionary: theirs }, 3)(0, 3);
    ours.push('d');
    buffer.prepare({ indices: Int32Array.of(3, 0), dictionary: ours }, 2)(0, 2); // ours again, grown
    const data = buffer.toData();
    const values = Array.from({ length: data.length }, (_, i) =>
      data.getValid(i) ? (data.dictionary?.get((data.values as Int32Array)[i] as number) as string) : null,
    );
    expect(values).toEqual(['a', 'b', 'b', 'c', 'a', 'c', 'd', 'a']);
  });

  test('{nanAsNull} writes NaN rows as nulls without a boxed copy, and is refused for a required column', () => {
    const buffer = columnBuffer(new Field('speed', new Float64(), true), 10);
    const values = Float64Array.of(1.5, NaN, -0, NaN, 7);
    buffer.prepare({ nanAsNull: values }, 5)(1, 5);
    buffer.prepare({ nanAsNull: Float64Array.of(NaN, 2) }, 2)(0, 2);
    const data = buffer.toData();
    const read = Array.from({ length: data.length }, (_, i) =>
      data.getValid(i) ? (data.values as Float64Array)[i] : null,
    );
    expect(read).toEqual([null, -0, null, 7, null, 2]);
    expect(data.nullCount).toBe(3);
    expect(values[1]).toBeNaN(); // the input is not changed
    const required = columnBuffer(new Field('speed', new Float64(), false), 10);
    expect(() => required.prepare({ nanAsNull: Float64Array.of(1, NaN) }, 2)).toThrow(
      /row 1 is NaN \(null\) but the column is not nullable/,
    );
  });

  test('bad inputs are UsageErrors naming the column, found before anything is appended', () => {
    const value = new Field('value', new Float64(), false);
    const buffer = columnBuffer(value, 100);
    expect(() => buffer.prepare(new Float64Array(2), 3)).toThrow(/value.*has 2 rows, the batch has 3/);
    expect(() => buffer.prepare([1, null, 3], 3)).toThrow(/row 1 is null but the column is not nullable/);
    expect(() => buffer.prepare(['1'], 1)).toThrow(/wrong type/);
    expect(() => buffer.prepare(undefined, 1)).toThrow(/is required/);
    expect(() => buffer.prepare(new BigInt64Array(1), 1)).toThrow(UsageError);
    expect(() =>
      columnBuffer(dict, 10).prepare({ indices: new Int32Array([5]), dictionary: ['a'] }, 1),
    ).toThrow(/index 5 outside its dictionary of 1/);
    const required = new Field('bus', new Dictionary(new Utf8(), new Int32()), false);
    expect(() =>
      columnBuffer(required, 10).prepare({ indices: new Int32Array([-1]), dictionary: [] }, 1),
    ).toThrow(/null rows but the column is not nullable/);
    expect(buffer.length).toBe(0);
  });

  test('small integer columns take any numeric typed array or numbers', () => {
    const buffer = columnBuffer(new Field('dlc', new Int8(), true), 10);
    buffer.prepare(new Uint8Array([8, 15]), 2)(0, 2);
    buffer.prepare([null, 3], 2)(0, 2);
    buffer.prepare(4, 3)(0, 3);
    const data = buffer.toData();
    expect(
      Array.from({ length: data.length }, (_, i) =>
        data.getValid(i) ? (data.values as Int8Array)[i] : null,
      ),
    ).toEqual([8, 15, null, 3, 4, 4, 4]);
  });
});
