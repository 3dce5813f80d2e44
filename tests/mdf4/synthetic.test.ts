/**
 * Features the real corpus does not exercise, on files written by `buildMdf`: unsorted groups with 1/2/4/8-byte
 * record ids, invalidation bits, big-endian values at bit offsets, DL lists of DZ blocks split mid-record,
 * unfinalised open-ended DT blocks, unknown record ids, nested value-to-text, VLSD SD blocks, HD time zones
 * and unsupported conversions. Expected values are the ones packed into the records.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../core/errors.js';
import { bytesSource } from '../../core/source.js';
import { parseFormula } from '../../ingest/mdf4/parseFormula.js';
import { sniffMdf } from '../../ingest/mdf4/sniffMdf.js';
import {
  buildMdf,
  cc,
  cg,
  channels,
  concat,
  dg,
  dl,
  dt,
  dz,
  pack,
  tx,
  type Block,
  type FileOptions,
} from './buildMdf.js';
import { open, readTable } from './helpers.js';

const TIME = { name: 'time', kind: 2, syncType: 1, dataType: 4, byteOffset: 0, bitCount: 64 };

async function load(first: Block, options?: FileOptions) {
  const { bytes, offsets } = buildMdf(first, options);
  const file = await open(bytesSource('synthetic.mf4', bytes));
  return { file, offsets };
}

/** Group A: 16-byte records (15 data + 1 invalidation byte). */
function recordA(i: number, be12: number, le20: number, inv: number, invalid: boolean): Uint8Array {
  const record = new Uint8Array(16);
  const view = new DataView(record.buffer);
  view.setFloat64(0, i * 0.5, true);
  view.setUint16(8, (be12 & 0xfff) << 3, false); // BE, bit offset 3 (value shifted up by 3 in a 2-byte BE word)
  view.setUint32(10, le20 << 5, true); // LE, bit offset 5
  view.setUint8(14, inv);
  view.setUint8(15, invalid ? 0b100 : 0); // invalidation bit 2
  return record;
}

describe('unsorted data groups', () => {
  for (const idSize of [1, 2, 4, 8]) {
    it(`reads ${idSize}-byte record ids, bit fields, big-endian values and invalidation bits`, async () => {
      const groupB = cg({
        recordId: 7,
        cycles: 3,
        dataBytes: 10,
        channels: channels([
          TIME,
          { name: 'u16be', dataType: 1, byteOffset: 8, bitCount: 16, cc: cc(1, [1, 2]) },
        ]),
      });
      const groupA = cg({
        next: groupB,
        recordId: 3,
        cycles: 5,
        dataBytes: 15,
        invalidationBytes: 1,
        channels: channels([
          TIME,
          { name: 'be12', dataType: 3, byteOffset: 8, bitOffset: 3, bitCount: 12 },
          { name: 'le20', dataType: 0, byteOffset: 10, bitOffset: 5, bitCount: 20 },
          { name: 'inv', dataType: 0, byteOffset: 14, bitCount: 8, invalidationBit: 2 },
        ]),
      });
      const be12 = [-2048, -1, 0, 1, 2047];
      const le20 = [0, 1, 0xfffff, 12345, 524288];
      const u16 = [0, 100, 65535];
      const id = (n: number): Uint8Array =>
        pack([[{ 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' }[idSize] ?? 'u8', n]]);
      const parts: Uint8Array[] = [];
      for (let i = 0; i < 5; i++) {
        parts.push(id(3), recordA(i, be12[i]!, le20[i]!, 10 + i, i % 2 === 1));
        if (i < 3)
          parts.push(id(7), concat(pack([['f64', i]]), new Uint8Array([u16[i]! >> 8, u16[i]! & 0xff])));
      }
      const { file } = await load(dg({ groups: groupA, data: dt(concat(...parts)), recordIdSize: idSize }));
      const a = await readTable(file, file.groups[0]!);
      expect(a.t).toEqual([0, 0.5, 1, 1.5, 2]);
      expect(a.columns.get('be12')).toEqual(be12);
      expect(a.columns.get('le20')).toEqual(le20);
      expect(a.columns.get('inv')).toEqual([10, Number.NaN, 12, Number.NaN, 14]);
      const b = await readTable(file, file.groups[1]!);
      expect(b.columns.get('u16be')).toEqual([1, 201, 131071]);
      expect(file.warnings).toEqual([]);
    });
  }

  it('stops at an unknown record id with a warning naming its offset', async () => {
    const group = cg({ recordId: 1, cycles: 3, dataBytes: 8, channels: channels([TIME]) });
    const data = concat(
      pack([
        ['u8', 1],
        ['f64', 1],
        ['u8', 1],
        ['f64', 2],
        ['u8', 9],
        ['f64', 3],
      ]),
    );
    const { file } = await load(dg({ groups: group, data: dt(data), recordIdSize: 1 }));
    expect((await readTable(file, file.groups[0]!)).t).toEqual([1, 2]);
    expect(file.warnings.some((w) => /unknown record id 9 at 0x[0-9a-f]+/.test(w))).toBe(true);
    expect(file.warnings.some((w) => /declares 3 records but only 2/.test(w))).toBe(true);
  });
});

describe('data lists and compression', () => {
  it('joins a DL of a transposed DZ and a plain DZ split in the middle of a record', async () => {
    const records = new Uint8Array(100 * 12);
    const view = new DataView(records.buffer);
    for (let i = 0; i < 100; i++) {
      view.setFloat64(i * 12, i / 10, true);
      view.setUint32(i * 12 + 8, 1000 + i, true);
    }
    const split = 7 * 60 + 5;
    const list = dl([dz(records.subarray(0, split), 12), dz(records.subarray(split))]);
    const group = cg({
      cycles: 100,
      dataBytes: 12,
      channels: channels([TIME, { name: 'counter', dataType: 0, byteOffset: 8, bitCount: 32 }]),
    });
    const { file } = await load(dg({ groups: group, data: list }));
    const table = await readTable(file, file.groups[0]!);
    expect(table.rows).toBe(100);
    expect(table.columns.get('counter')).toEqual(Array.from({ length: 100 }, (_, i) => 1000 + i));
    expect(table.t[99]).toBe(9.9);
  });

  it('reads VLSD strings from an SD block', async () => {
    const strings = ['alpha', 'β', ''];
    const sdParts: Uint8Array[] = [];
    const offsets: number[] = [];
    let at = 0;
    for (const s of strings) {
      const bytes = new TextEncoder().encode(s);
      offsets.push(at);
      sdParts.push(pack([['u32', bytes.length]]), bytes);
      at += 4 + bytes.length;
    }
    const group = cg({
      cycles: 3,
      dataBytes: 16,
      channels: channels([
        TIME,
        {
          name: 'text',
          kind: 1,
          dataType: 7,
          byteOffset: 8,
          bitCount: 64,
          data: dt(concat(...sdParts), 'SD'),
        },
      ]),
    });
    const data = concat(
      ...offsets.map((o, i) =>
        pack([
          ['f64', i],
          ['u64', o],
        ]),
      ),
    );
    const { file } = await load(dg({ groups: group, data: dt(data) }));
    expect((await readTable(file, file.groups[0]!)).columns.get('text')).toEqual(strings);
  });
});

describe('unfinalised files', () => {
  it('reads an open-ended last DT to the end of the file and warns about the partial record', async () => {
    const records = concat(...[0, 1, 2, 3, 4].map((i) => pack([['f64', i]])), new Uint8Array(3));
    const data = dt(records);
    const group = cg({ cycles: 0, dataBytes: 8, channels: channels([TIME]) });
    const { file } = await load(dg({ groups: group, data }), { unfinalized: 0x05, openEnded: data });
    expect(file.finalized).toBe(false);
    expect((await readTable(file, file.groups[0]!)).t).toEqual([0, 1, 2, 3, 4]);
    expect(file.warnings.some((w) => w.includes('unfinalised file'))).toBe(true);
    expect(file.warnings.some((w) => /partial record at 0x[0-9a-f]+/.test(w))).toBe(true);
  });
});

describe('conversions', () => {
  it('applies value-to-text with nested scale conversions and a default', async () => {
    const conversion = cc(7, [1, 2], [tx('one'), cc(1, [0, 10]), tx('default')]);
    const group = cg({
      cycles: 3,
      dataBytes: 9,
      channels: channels([TIME, { name: 'v', dataType: 0, byteOffset: 8, bitCount: 8, cc: conversion }]),
    });
    const data = concat(
      ...[1, 2, 3].map((v, i) =>
        pack([
          ['f64', i],
          ['u8', v],
        ]),
      ),
    );
    const { file } = await load(dg({ groups: group, data: dt(data) }));
    expect((await readTable(file, file.groups[0]!)).columns.get('v')).toEqual(['one', 20, 'default']);
  });

  it('names an unsupported CC type and its block offset', async () => {
    const bad = cc(42, []);
    const group = cg({
      cycles: 0,
      dataBytes: 9,
      channels: channels([TIME, { name: 'v', dataType: 0, byteOffset: 8, bitCount: 8, cc: bad }]),
    });
    const { bytes, offsets } = buildMdf(dg({ groups: group, data: null }));
    const error = await open(bytesSource('bad.mf4', bytes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).detail).toMatch(/unsupported CC type 42/);
    expect((error as DecodeError).where.offset).toBe(offsets.get(bad));
  });

  it('names a bad algebraic formula and its block offset', async () => {
    const bad = cc(3, [], [tx('X $ 2')]);
    const group = cg({
      cycles: 0,
      dataBytes: 9,
      channels: channels([TIME, { name: 'v', dataType: 0, byteOffset: 8, bitCount: 8, cc: bad }]),
    });
    const { bytes, offsets } = buildMdf(dg({ groups: group, data: null }));
    const error = await open(bytesSource('bad.mf4', bytes)).catch((e: unknown) => e);
    expect((error as DecodeError).detail).toMatch(/unsupported CC type 3 \(algebraic\).*"\$"/);
    expect((error as DecodeError).where.offset).toBe(offsets.get(bad));
  });

  it('parses formulas with precedence, right-associative powers and functions, without eval', () => {
    expect(parseFormula('2*X^2+3')(3)).toBe(21);
    expect(parseFormula('-X^2')(3)).toBe(-9);
    expect(parseFormula('2^3^2')(0)).toBe(512);
    expect(parseFormula('(X+1)/(X-1)')(3)).toBe(2);
    expect(parseFormula('sqrt(X) + abs(-3) - 1.5e1')(16)).toBe(-8);
    expect(parseFormula('x ** 2 / 4')(4)).toBe(4);
    for (const bad of ['X +', 'foo(X)', 'X)', 'process.exit()', ''])
      expect(() => parseFormula(bad)).toThrow(/formula/);
  });
});

describe('header', () => {
  it('keeps UTC start times and converts local ones with valid offsets', async () => {
    const make = () =>
      dg({ groups: cg({ cycles: 0, dataBytes: 8, channels: channels([TIME]) }), data: null });
    const start = 1_700_000_000_000_000_000n;
    expect(
      (await load(make(), { startNs: start, timeFlags: 2, tzMinutes: 60, dstMinutes: 60 })).file.startTimeNs,
    ).toBe(start);
    const local = await load(make(), { startNs: start, timeFlags: 3, tzMinutes: 60, dstMinutes: 60 });
    expect(local.file.startTimeNs).toBe(start - 120n * 60_000_000_000n);
    const unknown = await load(make(), { startNs: start, timeFlags: 1 });
    expect(unknown.file.startTimeNs).toBe(start);
    expect(unknown.file.warnings.some((w) => w.includes('local time'))).toBe(true);
  });

  it('sniffs MDF4 id blocks only', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(sniffMdf(text('MDF     4.10    '))).toBe(true);
    expect(sniffMdf(text('UnFinMF 4.11    '))).toBe(true);
    expect(sniffMdf(text('MDF     3.30    '))).toBe(false);
    expect(sniffMdf(text('date Sat Sep 30'))).toBe(false);
  });
});
