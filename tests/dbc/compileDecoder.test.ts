import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDecoder, type DecodedSignalSink } from '../../ingest/dbc/compileDecoder.js';
import { loadDbcFile } from '../../ingest/dbc/loadDbcFile.js';
import type { DbcByteOrder, DbcDatabase, DbcMessage, DbcSignal } from '../../ingest/dbc/model.js';
import { parseDbc } from '../../ingest/dbc/parseDbc.js';

const ROOT = '../shared/data/dbc';

interface Decoded {
  value: number;
  label: string | undefined;
  signal: DbcSignal;
}

/** A sink that keeps what was pushed, by signal name. */
function collector(): DecodedSignalSink & { got: Map<string, Decoded>; order: string[] } {
  const got = new Map<string, Decoded>();
  const order: string[] = [];
  return {
    got,
    order,
    push(_message: DbcMessage, signal: DbcSignal, value: number, label: string | undefined) {
      got.set(signal.name, { value, label, signal });
      order.push(signal.name);
    },
  };
}

/** A DBC around `body`; lenient, as some layouts below overlap on purpose. */
function dbc(body: string): DbcDatabase {
  return parseDbc(`VERSION ""\nNS_ :\n\tCM_\nBS_:\nBU_: ECU\n${body}\n`, { uri: 'test.dbc' });
}

function decodeOne(db: DbcDatabase, bytes: number[], id?: number): Map<string, Decoded> {
  const message = id === undefined ? db.messages[0]! : db.messages.find((m) => m.id === id)!;
  const compiled = compileDecoder(db).lookup(message.id, message.extended)!;
  const sink = collector();
  compiled.decode(Uint8Array.from(bytes), sink);
  return sink.got;
}

const valueOf = (got: Map<string, Decoded>, name: string): number | undefined => got.get(name)?.value;

describe('compileDecoder: bit layout', () => {
  it('reads a Motorola signal crossing bytes (start bit = MSB, sawtooth numbering)', () => {
    const db = dbc(
      [
        'BO_ 1 M: 8 ECU',
        ' SG_ A : 7|12@0+ (1,0) [0|0] "" ECU',
        ' SG_ B : 3|6@0+ (1,0) [0|0] "" ECU',
        ' SG_ C : 12|1@0+ (1,0) [0|0] "" ECU',
      ].join('\n'),
    );
    // A: byte 0 (0xAB) then the top nibble of byte 1 (0xC) → 0xABC.
    expect(valueOf(decodeOne(db, [0xab, 0xcd, 0, 0, 0, 0, 0, 0]), 'A')).toBe(0xabc);
    // B: bits 3..0 of byte 2? No: start 3 is byte 0 bit 3; bits 3..0 of byte 0 then bits 7..6 of byte 1.
    const got = decodeOne(db, [0x05, 0x80, 0, 0, 0, 0, 0, 0]);
    expect(valueOf(got, 'B')).toBe(0b010110);
    // C: bit 4 of byte 1.
    expect(valueOf(decodeOne(db, [0, 0x10, 0, 0, 0, 0, 0, 0]), 'C')).toBe(1);
    expect(valueOf(decodeOne(db, [0xff, 0xef, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 'C')).toBe(0);
  });

  it('reads cantools motohawk.dbc ExampleMessage as cantools documents it', async () => {
    const db = await loadDbcFile(join(ROOT, 'cantools/motohawk.dbc'));
    // cantools docs: encode({Temperature: 250.1, AverageRadius: 3.2, Enable: 1}) == c001400000000000
    const got = decodeOne(db, [0xc0, 0x01, 0x40, 0, 0, 0, 0, 0]);
    expect(valueOf(got, 'Enable')).toBe(1);
    expect(got.get('Enable')?.label).toBe('Enabled');
    expect(valueOf(got, 'AverageRadius')).toBeCloseTo(3.2, 12);
    expect(valueOf(got, 'Temperature')).toBeCloseTo(250.1, 10);
  });

  it('sign-extends negative values (Intel and Motorola)', () => {
    const db = dbc(
      [
        'BO_ 2 S: 8 ECU',
        ' SG_ I12 : 4|12@1- (1,0) [0|0] "" ECU',
        ' SG_ M12 : 23|12@0- (0.5,10) [0|0] "" ECU',
        ' SG_ I1 : 40|1@1- (1,0) [0|0] "" ECU',
      ].join('\n'),
    );
    // I12 = bits 4..15 = 0x800 → -2048; M12 = byte 2 + top nibble of byte 3 = 0xFFF → -1 → -0.5 + 10.
    const got = decodeOne(db, [0x00, 0x80, 0xff, 0xf0, 0, 0x01, 0, 0]);
    expect(valueOf(got, 'I12')).toBe(-2048);
    expect(valueOf(got, 'M12')).toBe(9.5);
    expect(valueOf(got, 'I1')).toBe(-1);
  });

  it('reads 64-bit and 53-bit integers exactly before one rounding to Number', () => {
    const db = dbc(
      [
        'BO_ 3 L: 16 ECU',
        ' SG_ U64 : 0|64@1+ (1,0) [0|0] "" ECU',
        ' SG_ S64M : 71|64@0- (1,0) [0|0] "" ECU',
      ].join('\n'),
    );
    const got = decodeOne(db, [
      ...Array<number>(8).fill(0xff),
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xfe,
    ]);
    expect(valueOf(got, 'U64')).toBe(Number(2n ** 64n - 1n));
    expect(valueOf(got, 'S64M')).toBe(-2);
    const db53 = dbc(
      'BO_ 4 N: 8 ECU\n SG_ U53 : 3|53@1+ (1,0) [0|0] "" ECU\n SG_ S52 : 7|52@0- (1,0) [0|0] "" ECU',
    );
    const ones = decodeOne(db53, Array<number>(8).fill(0xff));
    expect(valueOf(ones, 'U53')).toBe(2 ** 53 - 1);
    expect(valueOf(ones, 'S52')).toBe(-1);
  });

  it('decodes a 64-byte CAN FD message to its last byte', () => {
    const db = dbc(
      [
        'BO_ 2147483653 FD: 64 ECU',
        ' SG_ Last : 504|8@1+ (1,0) [0|0] "" ECU',
        ' SG_ Word : 487|16@0- (1,0) [0|0] "" ECU',
        ' SG_ Crc : 448|32@1+ (1,0) [0|0] "" ECU',
      ].join('\n'),
    );
    expect(db.messages[0]?.extended).toBe(true);
    expect(db.messages[0]?.id).toBe(5);
    const data = Array<number>(64).fill(0);
    data[63] = 0x7e;
    data[60] = 0xff;
    data[61] = 0xfe;
    data.splice(56, 4, 0x78, 0x56, 0x34, 0xf2);
    const got = decodeOne(db, data);
    expect(valueOf(got, 'Last')).toBe(0x7e);
    expect(valueOf(got, 'Word')).toBe(-2);
    expect(valueOf(got, 'Crc')).toBe(0xf2345678);
  });

  it('reads IEEE float32 and float64 signals (SIG_VALTYPE_), aligned or not', () => {
    const db = dbc(
      [
        'BO_ 6 F: 24 ECU',
        ' SG_ F32 : 0|32@1- (2,1) [0|0] "" ECU',
        ' SG_ F32M : 36|32@0- (1,0) [0|0] "" ECU',
        ' SG_ F64 : 79|64@0- (1,0) [0|0] "" ECU',
        'SIG_VALTYPE_ 6 F32 : 1;',
        'SIG_VALTYPE_ 6 F32M : 1;',
        'SIG_VALTYPE_ 6 F64 : 2;',
      ].join('\n'),
    );
    const data = new Uint8Array(24);
    const view = new DataView(data.buffer);
    view.setFloat32(0, 1.5, true);
    view.setFloat64(9, -1234.5678, false);
    // F32M starts mid-byte: its MSB is bit 4 of byte 4, so the float's bits straddle bytes 4..8.
    const bits = new DataView(new ArrayBuffer(4));
    bits.setFloat32(0, 3.25, false);
    writeReference(data, 36, 32, 'big_endian', BigInt(bits.getUint32(0)));
    const got = decodeOne(db, [...data]);
    expect(valueOf(got, 'F32')).toBe(4);
    expect(valueOf(got, 'F32M')).toBe(3.25);
    expect(valueOf(got, 'F64')).toBe(-1234.5678);
  });

  it('agrees with a bit-by-bit reference decoder on random layouts and payloads', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const lines: string[] = ['BO_ 100 R: 16 ECU'];
    const layouts: { name: string; start: number; length: number; order: DbcByteOrder; signed: boolean }[] =
      [];
    for (let i = 0; i < 300; i++) {
      const length = 1 + random(64);
      const order: DbcByteOrder = random(2) === 0 ? 'little_endian' : 'big_endian';
      const signed = random(2) === 0;
      let start: number;
      if (order === 'little_endian') start = random(128 - length + 1);
      else {
        // Any MSB position whose run of `length` bits stays inside 16 bytes.
        const msbLinear = random(128 - length + 1);
        start = (msbLinear >> 3) * 8 + 7 - (msbLinear & 7);
      }
      const name = `S${i}`;
      layouts.push({ name, start, length, order, signed });
      lines.push(
        ` SG_ ${name} : ${start}|${length}@${order === 'little_endian' ? 1 : 0}${signed ? '-' : '+'} (1,0) [0|0] "" ECU`,
      );
    }
    // Signals overlap on purpose here: lenient parse.
    const db = parseDbc(lines.join('\n'), { uri: 'random.dbc' });
    const compiled = compileDecoder(db).lookup(100, false)!;
    for (let frame = 0; frame < 50; frame++) {
      const data = Uint8Array.from({ length: 16 }, () => random(256));
      const sink = collector();
      expect(compiled.decode(data, sink)).toBe(layouts.length);
      for (const l of layouts) {
        expect(sink.got.get(l.name)?.value, `${l.name} ${l.start}|${l.length}@${l.order} ${l.signed}`).toBe(
          Number(referenceRaw(data, l.start, l.length, l.order, l.signed)),
        );
      }
    }
  });
});

/** The DBC definition read literally, one bit at a time (Vector DBC File Format §8.2). */
function referenceRaw(
  data: Uint8Array,
  start: number,
  length: number,
  order: DbcByteOrder,
  signed: boolean,
): bigint {
  const bit = (byte: number, index: number): bigint => BigInt(((data[byte] ?? 0) >> index) & 1);
  let value = 0n;
  if (order === 'little_endian') {
    for (let i = length - 1; i >= 0; i--) value = (value << 1n) | bit((start + i) >> 3, (start + i) & 7);
  } else {
    // MSB first: down through the byte, then on at bit 7 of the next byte.
    let byte = start >> 3;
    let index = start & 7;
    for (let i = 0; i < length; i++) {
      value = (value << 1n) | bit(byte, index);
      if (index === 0) {
        index = 7;
        byte++;
      } else index--;
    }
  }
  return signed ? BigInt.asIntN(length, value) : value;
}

/** Writes `value` into a signal's bits, one bit at a time (the inverse of `referenceRaw`). */
function writeReference(
  data: Uint8Array,
  start: number,
  length: number,
  order: DbcByteOrder,
  value: bigint,
): void {
  const set = (byte: number, index: number, on: boolean): void => {
    data[byte] = on ? data[byte]! | (1 << index) : data[byte]! & ~(1 << index);
  };
  if (order === 'little_endian') {
    for (let i = 0; i < length; i++)
      set((start + i) >> 3, (start + i) & 7, ((value >> BigInt(i)) & 1n) === 1n);
    return;
  }
  let byte = start >> 3;
  let index = start & 7;
  for (let i = length - 1; i >= 0; i--) {
    set(byte, index, ((value >> BigInt(i)) & 1n) === 1n);
    if (index === 0) {
      index = 7;
      byte++;
    } else index--;
  }
}

describe('compileDecoder: multiplexing', () => {
  it('decodes only the branch the multiplexer selects (cantools multiplex.dbc)', async () => {
    const db = await loadDbcFile(join(ROOT, 'cantools/multiplex.dbc'));
    const message = db.messages[0]!;
    const decoder = compileDecoder(db).lookup(message.id, message.extended)!;
    const multiplexer = message.signals.find((s) => s.isMultiplexer)!;
    for (const value of [8, 16, 24, 0]) {
      const data = new Uint8Array(message.length);
      // Intel multiplexer: write its raw value at its start bit.
      for (let i = 0; i < multiplexer.length; i++) {
        const position = multiplexer.startBit + i;
        if ((value >> i) & 1) data[position >> 3]! |= 1 << (position & 7);
      }
      const sink = collector();
      const count = decoder.decode(data, sink);
      const expected = message.signals.filter(
        (s) =>
          s.multiplexerRanges === undefined ||
          s.multiplexerRanges.some(([lo, hi]) => value >= lo && value <= hi),
      );
      expect(count).toBe(expected.length);
      expect([...sink.got.keys()].sort()).toEqual(expected.map((s) => s.name).sort());
      expect(sink.order[0]).toBe(multiplexer.name);
    }
  });

  it('cascades extended multiplexing (issue_184: MUX_A=2 selects muxed_A_2_MUX_B, which selects muxed_B_*)', async () => {
    const db = await loadDbcFile(join(ROOT, 'cantools/issue_184_extended_mux_cascaded.dbc'));
    const decoder = compileDecoder(db).lookup(1, true)!;
    const decode = (bytes: number[]): string[] => {
      const sink = collector();
      decoder.decode(Uint8Array.from(bytes), sink);
      return [...sink.got.keys()].sort();
    };
    expect(decode([2, 1, 0x11, 0x22, 0, 0, 0, 0])).toEqual(['MUX_A', 'muxed_A_2_MUX_B', 'muxed_B_1']);
    expect(decode([2, 0, 0x11, 0x22, 0, 0, 0, 0])).toEqual(['MUX_A', 'muxed_A_2_MUX_B', 'muxed_B_0']);
    expect(decode([1, 7, 0, 0, 0, 0, 0, 0])).toEqual(['MUX_A', 'muxed_A_1']);
    expect(decode([3, 7, 0, 0, 0, 0, 0, 0])).toEqual(['MUX_A']);
    expect(compileDecoder(db).lookup(1, false)).toBeUndefined();
  });

  it('follows two top-level multiplexers and a nested one (multiplex_2.dbc message Extended)', async () => {
    const db = await loadDbcFile(join(ROOT, 'cantools/multiplex_2.dbc'));
    const message = db.messages.find((m) => m.name === 'Extended')!;
    const decoder = compileDecoder(db).lookup(message.id, message.extended)!;
    const decode = (bytes: number[]): string[] => {
      const sink = collector();
      decoder.decode(Uint8Array.from(bytes), sink);
      return [...sink.got.keys()].sort();
    };
    // S0 (bits 0-3) = 0 selects S1 (m0M); S1 (bits 4-7) = 0 selects S2, S3; S6 (byte 4) = 1 selects S7.
    expect(decode([0x00, 0, 0, 0, 0x01, 0, 0, 0])).toEqual(['S0', 'S1', 'S2', 'S3', 'S6', 'S7']);
    // S0 = 0, S1 = 2 selects S4; S6 = 2 selects S8.
    expect(decode([0x20, 0, 0, 0, 0x02, 0, 0, 0])).toEqual(['S0', 'S1', 'S4', 'S6', 'S8']);
    // S0 = 1 selects S5 only; S6 = 3 selects nothing.
    expect(decode([0x01, 0, 0, 0, 0x03, 0, 0, 0])).toEqual(['S0', 'S5', 'S6']);
  });
});

describe('compileDecoder: payload length and lookup', () => {
  const db = dbc(
    [
      'BO_ 10 T: 8 ECU',
      ' SG_ A : 0|8@1+ (1,0) [0|0] "" ECU',
      ' SG_ B : 8|16@1+ (1,0) [0|0] "" ECU',
      ' SG_ C : 63|8@0+ (1,0) [0|0] "" ECU',
      'BO_ 2147483658 X: 2 ECU',
      ' SG_ D : 0|16@1+ (1,0) [0|0] "" ECU',
      'VAL_ 10 A 255 "invalid" 0 "zero";',
    ].join('\n'),
  );
  const decoder = compileDecoder(db);

  it('decodes what fits in a short payload and says it was truncated', () => {
    const t = decoder.lookup(10, false)!;
    expect(t.minLength).toBe(8);
    const sink = collector();
    expect(t.decode(Uint8Array.from([0xff, 1, 2]), sink)).toBe(2);
    expect(t.lastTruncated).toBe(true);
    expect(sink.got.get('A')).toMatchObject({ value: 255, label: 'invalid' });
    expect(sink.got.get('B')?.value).toBe(0x0201);
    expect(t.decode(new Uint8Array(0), collector())).toBe(-1);
    expect(t.lastTruncated).toBe(true);
    expect(t.decode(new Uint8Array(12), collector())).toBe(3);
    expect(t.lastTruncated).toBe(false);
  });

  it('keeps standard and extended ids apart', () => {
    expect(decoder.lookup(10, false)?.message.name).toBe('T');
    expect(decoder.lookup(10, true)?.message.name).toBe('X');
    expect(decoder.lookup(11, false)).toBeUndefined();
    expect(decoder.lookup(0x7ff + 1, false)).toBeUndefined();
    expect(compileDecoder(db, { labels: false }).messages.length).toBe(2);
  });

  it('omits labels when asked', () => {
    const sink = collector();
    compileDecoder(db, { labels: false })
      .lookup(10, false)!
      .decode(Uint8Array.from([0xff, 0, 0, 0, 0, 0, 0, 0]), sink);
    expect(sink.got.get('A')).toMatchObject({ value: 255, label: undefined });
  });
});

interface FixtureFrame {
  id: number;
  extended: boolean;
  data: string;
  signals: [name: string, raw: string, phys: number, label: string | null][];
}

interface Fixture {
  _generated_by: string;
  files: { dbc: string; resolveImports: boolean; frames: FixtureFrame[] }[];
}

/**
 * Oracle: random payloads decoded by canmatrix 0.9.5 (tests/dbc/fixtures/make_canmatrix_decoded.py). Raw values
 * must match exactly; physical values within 1e-12 relative (canmatrix computes in Decimal).
 */
describe('compileDecoder vs canmatrix', () => {
  const fixture = JSON.parse(readFileSync('tests/dbc/fixtures/canmatrix-decoded.json', 'utf8')) as Fixture;

  for (const file of fixture.files) {
    it(`${file.dbc} (${file.frames.length} frames)`, async () => {
      const db = await loadDbcFile(join(ROOT, file.dbc));
      if (file.resolveImports) expect(db.imports.length).toBeGreaterThan(0);
      const decoder = compileDecoder(db);
      const problems: string[] = [];
      for (const frame of file.frames) {
        const compiled = decoder.lookup(frame.id, frame.extended);
        if (compiled === undefined) {
          problems.push(`no message 0x${frame.id.toString(16)}`);
          continue;
        }
        const sink = collector();
        const count = compiled.decode(Uint8Array.from(Buffer.from(frame.data, 'hex')), sink);
        const where = `${compiled.message.name} ${frame.data}`;
        if (count !== frame.signals.length)
          problems.push(`${where}: ${count} signals, canmatrix ${frame.signals.length}`);
        for (const [name, rawText, phys, label] of frame.signals) {
          const got = sink.got.get(name);
          if (got === undefined) {
            problems.push(`${where}: ${name} not decoded`);
            continue;
          }
          const { signal } = got;
          const raw = /^-?\d+$/.test(rawText) ? Number(BigInt(rawText)) : Number(rawText);
          const expected = raw * signal.scale + signal.offset;
          if (!Object.is(got.value, expected) && !(Number.isNaN(got.value) && Number.isNaN(expected))) {
            problems.push(`${where}: ${name} = ${got.value}, canmatrix raw ${rawText} gives ${expected}`);
          }
          const tolerance =
            1e-12 * Math.max(Math.abs(phys), Math.abs(raw * signal.scale), Math.abs(signal.offset));
          if (
            !(Math.abs(got.value - phys) <= tolerance) &&
            !(Number.isNaN(got.value) && Number.isNaN(phys))
          ) {
            problems.push(`${where}: ${name} = ${got.value}, canmatrix phys ${phys}`);
          }
          if ((got.label ?? null) !== label)
            problems.push(`${where}: ${name} label ${got.label}, canmatrix ${label}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
