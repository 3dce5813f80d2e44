/**
 * Walks every MDF4 file in the shared corpus: each must either load and read completely (groups, channels,
 * records, CAN frames) or fail with a DecodeError that names a block offset. Files listed in EXPECTED are
 * also checked against values worked out independently: raw record bytes decoded by hand (Python `struct`
 * over the DT block) and conversions evaluated by hand from the CC parameters, or what the vendor example
 * names imply (counters, `X * X + 1`, "first gear"...).
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../core/errors.js';
import { readCanFrames } from '../../ingest/mdf4/readCanFrames.js';
import type { MdfFile } from '../../ingest/mdf4/model.js';
import { corpusFiles, hex, MDF_ROOT, open, readTable, withTimeout } from './helpers.js';

type Value = number | string | null;

interface GroupExpectation {
  /** Every channel name including the master, in file order. */
  channels: string[];
  rows: number;
  /** Master (t) first and last value. */
  t?: [number, number];
  /** First and last value of some channels; byte arrays as hex. */
  values?: Record<string, [Value, Value]>;
  /** Whole columns. */
  columns?: Record<string, Value[]>;
}

interface FileExpectation {
  version: string;
  finalized: boolean;
  startIso: string;
  groups: (GroupExpectation | 'vlsd')[];
}

const SINE = ['Time channel', 'Sine data', 'Sawtooth data', 'Triangle data'];
const CANAPE: FileExpectation['groups'] = [
  {
    channels: ['t', 'dwordCounter', 'PWMFiltered', 'Triangle'],
    rows: 102,
    t: [0.02022, 10.12022],
    values: { dwordCounter: [124637, 125647], PWMFiltered: [99, 99], Triangle: [37, 47] },
  },
  {
    channels: ['t', 'channel1', 'channel2', 'channel3'],
    rows: 1019,
    t: [0.00022, 10.18022],
    values: { channel1: [1.8137906789779663, 0.4101733863353729] },
  },
];
const CAN_CHANNELS = ['BusChannel', 'ID', 'IDE', 'DLC', 'DataLength', 'DataBytes', 'Dir', 'EDL'];

const EXPECTED: Record<string, FileExpectation> = {
  'asam-vendor-examples/Vector_IntegerTypes.MF4': {
    version: '4.10',
    finalized: true,
    startIso: '2011-08-24T16:43:54.000Z',
    groups: [
      {
        channels: [
          't',
          'Bit_Signal',
          'Counter_UINT8',
          'Counter_INT16_BE',
          'Counter_INT32_LE',
          'Counter_INT32_BE',
          'Counter_UINT16_BE',
          'Counter_INT16_LE',
          'Counter_UINT32_BE',
          'Counter_UINT16_LE',
          'Counter_UINT32_LE',
          'Counter_INT64_BE',
          'Counter_UINT64_BE',
          'Counter_INT64_LE',
          'Counter_UINT64_LE',
        ],
        rows: 201,
        t: [0.090225, 20.090225],
        values: {
          Bit_Signal: [0, 0],
          Counter_UINT8: [0, 200],
          Counter_INT16_BE: [100, -100],
          Counter_INT16_LE: [100, -100],
          Counter_INT32_LE: [100, -100],
          // Declared uint_be; the raw bytes are 00000064 ... 00000000 (the logger clamped at 0).
          Counter_INT32_BE: [100, 0],
          Counter_UINT16_BE: [0, 200],
          Counter_UINT32_BE: [0, 200],
          Counter_INT64_BE: [100, -100],
          Counter_UINT64_BE: [0, 200],
          Counter_INT64_LE: [100, -100],
          Counter_UINT64_LE: [0, 200],
        },
      },
    ],
  },
  'asam-vendor-examples/Vector_RealTypes.MF4': {
    version: '4.10',
    finalized: true,
    startIso: '2011-08-24T16:59:31.000Z',
    groups: [
      {
        channels: ['t', 'Counter_FLOAT_LE', 'Counter_FLOAT_BE', 'Counter_DOUBLE_BE', 'Counter_DOUBLE_LE'],
        rows: 202,
        t: [0.070255, 20.170255],
        values: {
          Counter_FLOAT_LE: [-10, Math.fround(10.1)],
          Counter_FLOAT_BE: [-10, Math.fround(10.1)],
          Counter_DOUBLE_BE: [-10, 10.1],
          Counter_DOUBLE_LE: [-10, 10.1],
        },
      },
    ],
  },
  'asam-vendor-examples/Vector_LinearConversion.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-08-24T16:30:12.000Z',
    // cc_val = [-4.8, -3.2]: phys = -3.2 x - 4.8 for raw 0..9.
    groups: [
      {
        channels: ['Time channel', 'Data channel'],
        rows: 10,
        columns: { 'Data channel': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((x) => -3.2 * x - 4.8) },
      },
    ],
  },
  'asam-vendor-examples/Vector_RationalConversionRealParams.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-08-24T16:30:13.000Z',
    // cc_val = [3.2, 1.4, 1.1, -0.8, 3, -8]: (3.2x² + 1.4x + 1.1) / (-0.8x² + 3x - 8).
    groups: [
      {
        channels: ['Data channel', 'Time channel'],
        rows: 10,
        columns: {
          'Data channel': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(
            (x) => (3.2 * x * x + 1.4 * x + 1.1) / (-0.8 * x * x + 3 * x - 8),
          ),
        },
      },
    ],
  },
  'asam-vendor-examples/Vector_AlgebraicConversionQuadratic.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-08-24T16:30:13.000Z',
    groups: [
      {
        channels: ['Data channel', 'Time channel'],
        rows: 10,
        columns: { 'Data channel': [1, 2, 5, 10, 17, 26, 37, 50, 65, 82] }, // "X * X + 1"
      },
    ],
  },
  'asam-vendor-examples/Vector_Value2ValueConversionInterpolation.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-08-27T15:19:38.000Z',
    // Raw -15..14; keys/values (-12,-5) (-6,-2) (-3,0) (0,1) (2,2) (4,0) (6,3) (8,6) (10,3) (12,0), clamped.
    groups: [
      {
        channels: ['Data channel', 'Time channel'],
        rows: 30,
        columns: {
          'Data channel': [
            -5,
            -5,
            -5,
            -5,
            -4.5,
            -4,
            -3.5,
            -3,
            -2.5,
            -2,
            -4 / 3,
            -2 / 3,
            0,
            1 / 3,
            2 / 3,
            1,
            1.5,
            2,
            1,
            0,
            1.5,
            3,
            4.5,
            6,
            4.5,
            3,
            1.5,
            0,
            0,
            0,
          ],
        },
      },
    ],
  },
  'asam-vendor-examples/Vector_ValueRange2ValueConversion.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-08-27T15:19:38.000Z',
    // Raw float64 -15..14, so ranges are half-open [min, max): -7 falls in [-7,-5) → 0, 14 matches none → -1.
    groups: [
      {
        channels: ['Data channel', 'Time channel'],
        rows: 30,
        columns: {
          'Data channel': [
            -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 5, 6, 6, 6, 7, 8, 8, 9, 9, -1,
          ],
        },
      },
    ],
  },
  'asam-vendor-examples/Vector_Value2TextConversion.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-08-27T15:19:38.000Z',
    groups: [
      {
        channels: ['Data channel', 'Time channel'],
        rows: 10,
        columns: {
          'Data channel': [
            'No match',
            'first gear',
            'second gear',
            'third gear',
            'fourth gear',
            'fifth gear',
            'No match',
            'No match',
            'No match',
            'No match',
          ],
        },
      },
    ],
  },
  'asam-vendor-examples/Vector_Text2ValueConversion.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-08-24T16:22:29.000Z',
    // Raw strings zero..nine; table one..ten → 1..10, default -50.
    groups: [
      {
        channels: ['Data channel', 'Time channel'],
        rows: 10,
        columns: { 'Data channel': [-50, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
      },
    ],
  },
  'asam-vendor-examples/Vector_FixedLengthStringUTF8.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-10-16T14:03:35.000Z',
    groups: [
      {
        channels: ['Data channel', 'Time channel'],
        rows: 10,
        columns: {
          'Data channel': ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
        },
      },
    ],
  },
  'asam-vendor-examples/Vector_FixedLengthStringUTF16_BE.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-10-16T14:03:35.000Z',
    groups: [
      {
        channels: ['Data channel', 'Time channel'],
        rows: 10,
        columns: {
          'Data channel': ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
        },
      },
    ],
  },
  'asam-vendor-examples/Vector_ByteArrayFixedLength.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-10-18T07:28:53.000Z',
    groups: [
      {
        channels: ['Time channel', 'Data channel'],
        rows: 10,
        columns: {
          'Data channel': [
            'ffffffffff',
            '1223344556',
            '0001020304',
            '0403020100',
            'fffefdfcfb',
            'faf9f8f7f6',
            'f5f4f3f2f1',
            'f0efeeedec',
            'ebeae9e8e7',
            'ffffffffff',
          ],
        },
      },
    ],
  },
  'asam-vendor-examples/Vector_SingleDZ_Deflate.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-10-17T13:08:19.000Z',
    groups: [
      {
        channels: SINE,
        rows: 10000,
        t: [0, 999.9],
        values: { 'Sine data': [0, 0.6360869563962336], 'Sawtooth data': [0, 19], 'Triangle data': [100, 0] },
      },
    ],
  },
  'asam-vendor-examples/Vector_DataList_TransposeDeflate.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-10-17T12:55:19.000Z',
    groups: [
      {
        channels: SINE,
        rows: 10000,
        t: [0, 999.9],
        values: { 'Sine data': [0, 0.6360869563962336], 'Sawtooth data': [0, 19], 'Triangle data': [100, 0] },
      },
    ],
  },
  'asam-vendor-examples/Vector_CANape.MF4': {
    version: '4.10',
    finalized: true,
    startIso: '2011-08-24T13:53:19.000Z',
    groups: CANAPE,
  },
  'asam-vendor-examples/Vector_Embedded.MF4': {
    version: '4.10',
    finalized: true,
    startIso: '2011-08-24T13:53:19.000Z',
    groups: CANAPE,
  },
  'asam-vendor-examples/Vector_MinimumFile.MF4': {
    version: '4.10',
    finalized: true,
    startIso: '2011-08-24T13:53:19.000Z',
    groups: CANAPE,
  },
  'asam-vendor-examples/ETAS_SimpleSorted.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2011-09-09T06:29:21.850Z',
    groups: [
      {
        channels: ['Unsigend_UInt32_LE_Master_Offset_0', 'Sigend_Int16_LE_Offset_32'],
        rows: 10000,
        t: [0, 9999],
        values: { Sigend_Int16_LE_Offset_32: [0, 19] },
      },
      {
        channels: ['Float_64_LE_Master_Offset_0', 'Float_32_LE_Offset_64'],
        rows: 10000,
        t: [0, 99.99000000001425],
        values: { Float_32_LE_Offset_64: [5, 4.902002334594727] },
      },
    ],
  },
  'asam-vendor-examples/dSPACE_RealTypes.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-11-07T10:14:48.000Z',
    groups: [
      {
        channels: ['1ms', 'Signal_IEEE32', 'Signal_IEEE64'],
        rows: 1000,
        t: [0, 0.999],
        values: { Signal_IEEE32: [0, -0.9876883625984192], Signal_IEEE64: [0, -0.987688340595138] },
      },
    ],
  },
  'asam-vendor-examples/Vector_MeasurementArrays.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2012-05-24T12:49:01.000Z',
    // CA blocks (CN template storage) expand to one channel per element: an 8-value curve and a 6-value axis.
    groups: [
      {
        channels: ['t', ...Array.from({ length: 64 }, (_, k) => `KF2[${Math.floor(k / 8)}][${k % 8}]`)],
        rows: 4,
      },
      {
        channels: ['t', ...Array.from({ length: 8 }, (_, k) => `Curve2[${k}]`)],
        rows: 4,
        columns: { 'Curve2[0]': [11, 11, 11, 11], 'Curve2[7]': [22, 22, 22, 22] },
      },
      {
        channels: ['t', ...Array.from({ length: 48 }, (_, k) => `KF5[${Math.floor(k / 8)}][${k % 8}]`)],
        rows: 4,
      },
      {
        channels: ['t', ...Array.from({ length: 6 }, (_, k) => `KF5_Y_AXIS[${k}]`)],
        rows: 4,
        values: Object.fromEntries(
          Array.from({ length: 6 }, (_, k) => [`KF5_Y_AXIS[${k}]`, [100 + k, 100 + k]]),
        ),
      },
    ],
  },
  'peak/asammdf_dimensional_demo.mf4': {
    version: '4.10',
    finalized: true,
    startIso: '2024-05-30T12:33:52.778Z',
    groups: [
      {
        channels: [
          'time',
          'Channel_no_conversion',
          'Channel_linear_conversion',
          'Channel_algebraic',
          'Channel_rational_conversion',
          'Channel_string',
          'Channel_bytearay',
          'Channel_tabular',
          'Channel_value_to_text',
          'Channel_value_range_to_value',
          'Channel_value_range_to_text',
        ],
        rows: 100,
        // Hand-checked against the raw records: linear 2x - 0.5 of 1; "2 * sin(X)" of 0.01 i; rational
        // (4x - 0.5)/1 of 1; tabular without interpolation key i → -i; value-range-to-text raw 6 i.
        values: {
          Channel_no_conversion: [1, 1],
          Channel_linear_conversion: [1.5, 1.5],
          Channel_algebraic: [0, 2 * Math.sin(0.99)],
          Channel_rational_conversion: [3.5, 3.5],
          Channel_string: ['String channel sample 0', 'String channel sample 99'],
          Channel_bytearay: ['6f6f6f6f6f6f6f6f', '6f6f6f6f6f6f6f6f'],
        },
        columns: {
          Channel_tabular: [0, -1, -2, -3, -4],
          Channel_value_to_text: ['key_0', 'key_1', 'key_2', 'key_3', 'key_4'],
          Channel_value_range_to_text: ['Level 0', 'Unknown level', 'Level 1', 'Unknown level', 'Level 2'],
        },
      },
    ],
  },
  'css-electronics/00000005-60FEB5A8.MF4': {
    version: '4.11',
    finalized: true,
    startIso: '2021-07-26T04:40:54.000Z',
    groups: [
      {
        channels: [
          'Timestamp',
          'CAN_DataFrame',
          ...CAN_CHANNELS.map((c) => `CAN_DataFrame.${c}`),
          'CAN_DataFrame.ESI',
          'CAN_DataFrame.BRS',
        ],
        rows: 5477,
      },
    ],
  },
  'css-electronics/LOG/17BD1DB7/00000006/00000170.MF4': {
    version: '4.11',
    finalized: false,
    startIso: '2020-12-14T19:58:34.000Z',
    // Record counts checked by walking the record ids by hand: 2010 frames, 2010 VLSD payloads.
    groups: [
      {
        channels: [
          'Timestamp',
          'CAN_DataFrame',
          ...CAN_CHANNELS.map((c) => `CAN_DataFrame.${c}`),
          'CAN_DataFrame.BRS',
        ],
        rows: 2010,
        t: [65785.3265, 66084.3428],
      },
      'vlsd',
    ],
  },
};

/** Tolerance: 1e-9 relative for numbers (float32 values are compared as float32). */
function expectValue(actual: unknown, expected: Value, what: string): void {
  const value = actual instanceof Uint8Array ? hex(actual) : actual;
  if (typeof expected === 'number' && typeof value === 'number') {
    expect(Math.abs(value - expected), `${what}: ${value} vs ${expected}`).toBeLessThanOrEqual(
      1e-9 * Math.max(1, Math.abs(expected)),
    );
  } else {
    expect(value, what).toEqual(expected);
  }
}

async function readEverything(file: MdfFile): Promise<{ rows: number[]; frames: number }> {
  const rows: number[] = [];
  for (const group of file.groups) rows.push(group.isVlsd ? -1 : (await readTable(file, group)).rows);
  let frames = 0;
  for await (const batch of readCanFrames(file)) frames += batch.records.length;
  return { rows, frames };
}

describe('MDF4 corpus', () => {
  const files = corpusFiles();

  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)('%s loads or fails with a DecodeError naming an offset', async (path) => {
    try {
      const file = await withTimeout(open(path), 20_000, path);
      const { rows } = await withTimeout(readEverything(file), 20_000, path);
      expect(rows.length).toBe(file.groups.length);
      // A finalised file's record counts are written: every group must read exactly cg_cycle_count records.
      if (file.finalized) {
        file.groups.forEach((group, i) => {
          if (!group.isVlsd) expect(rows[i], `${path} group ${i}`).toBe(group.cycles);
        });
      }
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(DecodeError);
      expect((error as DecodeError).where.offset, String(error)).toBeTypeOf('number');
    }
  });

  for (const [relative, expected] of Object.entries(EXPECTED)) {
    it(`${relative} matches the hand-checked values`, async () => {
      const file = await open(`${MDF_ROOT}/${relative}`);
      expect(file.version).toBe(expected.version);
      expect(file.finalized).toBe(expected.finalized);
      expect(new Date(Number(file.startTimeNs / 1_000_000n)).toISOString()).toBe(expected.startIso);
      for (const [index, want] of expected.groups.entries()) {
        const group = file.groups[index];
        expect(group, `group ${index}`).toBeDefined();
        if (!group) continue;
        if (want === 'vlsd') {
          expect(group.isVlsd).toBe(true);
          continue;
        }
        expect(group.channels.map((c) => c.name)).toEqual(want.channels);
        const table = await readTable(file, group);
        expect(table.rows).toBe(want.rows);
        if (want.t) {
          expectValue(table.t[0], want.t[0], 't first');
          expectValue(table.t[table.rows - 1], want.t[1], 't last');
        }
        for (const [name, [first, last]] of Object.entries(want.values ?? {})) {
          const column = table.columns.get(name);
          expect(column, name).toBeDefined();
          expectValue(column?.[0], first, `${name} first`);
          expectValue(column?.[table.rows - 1], last, `${name} last`);
        }
        for (const [name, values] of Object.entries(want.columns ?? {})) {
          const column = table.columns.get(name) ?? [];
          values.forEach((value, i) => expectValue(column[i], value, `${name}[${i}]`));
        }
      }
    });
  }
});
