import {
  Float64,
  Schema,
  Table,
  TimestampMicrosecond,
  Utf8,
  makeData,
  makeVector,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it, vi } from 'vitest';
import type { ObjectStore } from '../../../catalog/objectStore.js';
import { partKey } from '../../../catalog/layout.js';
import { encodeParquet } from '../../../catalog/parquetWriter.js';
import { PartitionedTableWriter } from '../../../catalog/tableWriter.js';
import type { TableDef } from '../../../catalog/tables.js';
import { CAN_SIGNALS, EGO_MOTION, GPS, PARTITION_KEYS, column, driveId, t } from '../../../catalog/tables.js';
import { readDriveSeries, type SignalMappings } from '../../../transforms/sync/readDriveSeries.js';
import { SampleBuffer } from '../../../transforms/sync/sampleBuffer.js';
import { textValues } from '../../../transforms/timeline.js';
import { tempLake } from '../../catalog/tempLake.js';

const T0 = 1_700_000_000_000_000_000n;
const ms = (n: number): bigint => T0 + BigInt(n) * 1_000_000n;

async function write<T>(store: ObjectStore, table: TableDef<T>, batch: T, drive = 'd1'): Promise<void> {
  const writer = new PartitionedTableWriter({ store, table, vehicle: 'v', driveId: drive });
  await writer.append(batch);
  await writer.close();
}

const TOPIC: TableDef = {
  name: 'topics_pedals',
  doc: 'test topic',
  schema: new Schema([
    t(),
    driveId(),
    column('throttle_pct', new Float64(), 'pedal', { nullable: true }),
    column('gear_text', new Utf8(), 'gear', { nullable: true }),
  ]),
  partitionKeys: PARTITION_KEYS,
  timeColumn: 't',
  encodings: {},
};

describe('readDriveSeries', () => {
  it('filters can_signals by message and signal, picks the busiest bus, combines and maps labels', async () => {
    const store = await tempLake();
    // Rows out of time order, two buses, signals of other messages in between, and another drive.
    await write(store, CAN_SIGNALS, {
      t: [ms(20), ms(0), ms(10), ms(0), ms(10), ms(20), ms(0), ms(5), ms(0), ms(10), ms(0)],
      bus: ['b', 'b', 'b', 'a', 'b', 'b', 'b', 'b', 'b', 'b', 'b'],
      message: ['ESP', 'ESP', 'ESP', 'ESP', 'STEER', 'STEER', 'STEER', 'STEER', 'STEER', 'TRANS', 'TRANS'],
      signal: ['SPD', 'SPD', 'SPD', 'SPD', 'COARSE', 'COARSE', 'COARSE', 'FINE', 'FINE', 'GEAR', 'GEAR'],
      value: [72, 36, 54, 999, 3, 4.5, 1.5, 0.2, 0.1, 4, 1],
      label: [null, null, null, null, null, null, null, null, null, 'SPORT', 'PARK'],
    });
    await write(
      store,
      CAN_SIGNALS,
      { t: [ms(0)], bus: ['b'], message: ['ESP'], signal: ['SPD'], value: [500], label: [null] },
      'd2',
    );
    const drive = await readDriveSeries(store, {
      driveId: 'd1',
      mappings: {
        speed: [
          { table: 'can_signals', message: 'NOPE', signal: 'SPD' },
          { table: 'can_signals', message: 'ESP', signal: 'SPD', scale: 1 / 3.6 },
        ],
        steering_angle: [
          { table: 'can_signals', message: 'STEER', signal: ['COARSE', 'FINE'], combine: 'sum' },
        ],
        gear: [{ table: 'can_signals', message: 'TRANS', signal: 'GEAR', values: { SPORT: 'D', PARK: 'P' } }],
        yaw_rate: [{ table: 'can_signals', message: 'ESP', signal: 'YAW' }],
      },
    });
    const bySignal = Object.fromEntries(drive.series.map((s) => [s.signal, s]));
    expect(bySignal.speed?.source).toBe('can_signals:ESP.SPD');
    expect([...(bySignal.speed?.t ?? [])]).toEqual([ms(20), ms(0), ms(10)]); // as recorded, on bus b
    expect([...(bySignal.speed?.v ?? [])].map((v) => Math.round(v * 1e9) / 1e9)).toEqual([20, 10, 15]);
    // COARSE at 0, 10, 20; FINE at 0 and 5: only the frame at 0 has both.
    expect([...(bySignal.steering_angle?.t ?? [])]).toEqual([ms(0)]);
    expect(bySignal.steering_angle?.v[0]).toBeCloseTo(1.6, 12);
    expect(textValues(bySignal.gear!.text!)).toEqual(['D', 'P']);
    expect(drive.missing).toEqual(['yaw_rate']);
    expect(drive.choices.find((c) => c.signal === 'speed')).toMatchObject({ samples: 3, alsoPresent: [] });

    const busA = await readDriveSeries(store, {
      driveId: 'd1',
      mappings: { speed: [{ table: 'can_signals', message: 'ESP', signal: 'SPD', bus: 'a' }] },
    });
    expect([...(busA.series[0]?.v ?? [])]).toEqual([999]);
  });

  it('reads motion tables by source, gps with a speed floor, and topic fields', async () => {
    const store = await tempLake();
    await write(store, EGO_MOTION, {
      t: [ms(0), ms(0), ms(10), ms(20)],
      source: ['/odom', '/twist', '/twist', '/twist'],
      linear_x: [9, 1, 2, 3],
    });
    await write(store, GPS, {
      t: [ms(0), ms(1000), ms(2000)],
      lat: [48, 48.0001, null],
      lon: [11, 11, 11],
      speed: [0.2, 5, 5],
      course: [123, 0.5, 1],
    });
    await write(store, TOPIC, {
      t: [ms(0), ms(100)],
      throttle_pct: [50, null],
      gear_text: ['drive', 'reverse'],
    });
    const drive = await readDriveSeries(store, {
      driveId: 'd1',
      mappings: {
        speed: [{ table: 'ego_motion', column: 'linear_x' }],
        accel_long: [{ table: 'ego_motion', column: 'linear_x', source: '/odom', scale: 2 }],
        heading: [{ table: 'gps', column: 'course', minSpeed: 1 }],
        lat: [{ table: 'gps', column: 'lat' }],
        throttle: [{ table: 'topics_pedals', field: 'throttle_pct', scale: 0.01 }],
        gear: [{ table: 'topics_pedals', field: 'gear_text', values: { drive: 'D', reverse: 'R' } }],
        brake: [{ table: 'topics_pedals', field: 'no_such_field' }],
      },
    });
    const bySignal = Object.fromEntries(drive.series.map((s) => [s.signal, s]));
    expect([...(bySignal.speed?.v ?? [])]).toEqual([1, 2, 3]); // the busiest source, /twist
    expect([...(bySignal.accel_long?.v ?? [])]).toEqual([18]);
    expect([...(bySignal.heading?.v ?? [])]).toEqual([NaN, 0.5, 1]);
    expect([...(bySignal.lat?.v ?? [])]).toEqual([48, 48.0001, NaN]);
    expect([...(bySignal.throttle?.v ?? [])]).toEqual([0.5, NaN]);
    expect(textValues(bySignal.gear!.text!)).toEqual(['D', 'R']);
    expect(drive.missing).toEqual(['brake']);
  });

  describe('later candidates of a signal', () => {
    /** `can_signals` rows in parts of `rowsPerPart` rows (one scan batch each). */
    async function writeParts(
      store: ObjectStore,
      rows: Row[],
      rowsPerPart: number,
      rowGroupRows?: number,
    ): Promise<void> {
      const writer = new PartitionedTableWriter({
        store,
        table: CAN_SIGNALS,
        vehicle: 'v',
        driveId: 'd1',
        rowsPerFile: rowsPerPart,
        ...(rowGroupRows ? { parquet: { rowGroupRows } } : {}),
      });
      for (let i = 0; i < rows.length; i += rowsPerPart) {
        const part = rows.slice(i, i + rowsPerPart);
        await writer.append({
          t: part.map((r) => ms(r[0])),
          bus: part.map((r) => r[1]),
          message: part.map((r) => r[2]),
          signal: part.map((r) => r[3]),
          value: part.map((r) => r[4]),
          label: part.map(() => null),
        });
      }
      await writer.close();
    }
    type Row = [number, string, string, string, number];
    /** One VEHICLE_SPEED row and four wheel speeds per 10 ms, from `from` to `to` (exclusive). */
    const frames = (from: number, to: number, vehicle = true): Row[] =>
      Array.from({ length: to - from }, (_, i) => from + i).flatMap((k): Row[] => [
        ...(vehicle ? [[k * 10, 'can0', 'VEHICLE_SPEED', 'VEHICLE_SPEED', 36 + k] as Row] : []),
        ...['FL', 'FR', 'RL', 'RR'].map((w): Row => [
          k * 10,
          'can0',
          'WHEEL_SPEEDS',
          `WHEEL_SPEED_${w}`,
          30 + k,
        ]),
      ]);
    const mappings: SignalMappings = {
      speed: [
        { table: 'can_signals', message: 'VEHICLE_SPEED', signal: 'VEHICLE_SPEED' },
        {
          table: 'can_signals',
          message: 'WHEEL_SPEEDS',
          signal: ['WHEEL_SPEED_FL', 'WHEEL_SPEED_FR', 'WHEEL_SPEED_RL', 'WHEEL_SPEED_RR'],
          combine: 'mean',
        },
      ],
    };

    it('are counted, not kept, once an earlier one has values, and still reported present', async () => {
      const store = await tempLake();
      await writeParts(store, frames(0, 10), 25); // 5 frames of 5 rows per part
      const pushes = vi.spyOn(SampleBuffer.prototype, 'pushScaled');
      const drive = await readDriveSeries(store, { driveId: 'd1', mappings });
      // The first part's rows all, then only VEHICLE_SPEED: 25 + 5.
      expect(pushes).toHaveBeenCalledTimes(30);
      pushes.mockClear();
      const kept = await readDriveSeries(store, { driveId: 'd1', mappings, skipLaterCandidates: false });
      expect(pushes).toHaveBeenCalledTimes(50);
      pushes.mockRestore();
      expect(drive.series).toEqual(kept.series);
      expect(drive.choices).toEqual(kept.choices);
      expect(drive.choices).toEqual([
        {
          signal: 'speed',
          source: 'can_signals:VEHICLE_SPEED.VEHICLE_SPEED',
          samples: 10,
          alsoPresent: [kept.choices[0]?.alsoPresent[0]],
        },
      ]);
      expect(drive.choices[0]?.alsoPresent[0]).toMatch(/^can_signals:WHEEL_SPEEDS\./);
    });

    it('go to buffers sized for the whole drive after the first batch, not grown by doublings', async () => {
      const store = await tempLake();
      // 5 parts of 1,000 VEHICLE_SPEED rows in row groups of 200: the first batch has 200 of the 5,000.
      const rows = frames(0, 5000).filter((r) => r[2] === 'VEHICLE_SPEED');
      await writeParts(store, rows, 1000, 200);
      const resizes = vi.spyOn(SampleBuffer.prototype as unknown as { resize: () => void }, 'resize');
      const drive = await readDriveSeries(store, { driveId: 'd1', mappings });
      // Once, the reservation (doubling from 256 at 1,000 rows per part would have taken three or more).
      expect(resizes).toHaveBeenCalledTimes(1);
      resizes.mockRestore();
      expect(drive.series[0]?.t).toHaveLength(5000);
      expect(drive.series[0]?.v[4999]).toBe(36 + 4999);
    });

    it('keep every row until an earlier candidate turns up later in the drive', async () => {
      const store = await tempLake();
      await writeParts(store, [...frames(0, 5, false), ...frames(5, 10)], 20);
      const drive = await readDriveSeries(store, { driveId: 'd1', mappings });
      expect(drive.series[0]?.source).toBe('can_signals:VEHICLE_SPEED.VEHICLE_SPEED');
      expect([...(drive.series[0]?.v ?? [])]).toEqual([41, 42, 43, 44, 45]);
      expect(drive.choices[0]?.alsoPresent).toHaveLength(1);
    });

    it('are read again when the candidate that had values gives no series after all', async () => {
      const store = await tempLake();
      // COARSE on two buses, FINE only on the quieter one: the pair had values on bus b, but the series
      // takes the busiest bus of COARSE (a), where FINE is missing. SPEED was dropped meanwhile.
      await writeParts(
        store,
        [
          [0, 'b', 'STEER', 'COARSE', 1],
          [0, 'b', 'STEER', 'FINE', 0.5],
          [0, 'x', 'ESP', 'SPEED', 10],
          [10, 'x', 'ESP', 'SPEED', 11],
          [10, 'a', 'STEER', 'COARSE', 2],
          [20, 'a', 'STEER', 'COARSE', 3],
          [20, 'x', 'ESP', 'SPEED', 12],
          [30, 'x', 'ESP', 'SPEED', 13],
        ],
        4,
      );
      const drive = await readDriveSeries(store, {
        driveId: 'd1',
        mappings: {
          speed: [
            { table: 'can_signals', message: 'STEER', signal: ['COARSE', 'FINE'], combine: 'sum' },
            { table: 'can_signals', message: 'ESP', signal: 'SPEED' },
          ],
        },
      });
      expect(drive.series[0]?.source).toBe('can_signals:ESP.SPEED');
      expect([...(drive.series[0]?.v ?? [])]).toEqual([10, 11, 12, 13]);
    });
  });

  it('reads can_signals parts whose names are plain strings, not dictionary-coded (other writers)', async () => {
    const store = await tempLake();
    const micros = T0 / 1000n;
    const table = new Table({
      t: makeVector(
        makeData({
          type: new TimestampMicrosecond('UTC'),
          data: BigInt64Array.of(micros, micros + 10_000n, micros + 20_000n),
        }),
      ),
      bus: vectorFromArray(['can0', 'can0', 'can0'], new Utf8()),
      message: vectorFromArray(['ESP', 'OTHER', 'ESP'], new Utf8()),
      signal: vectorFromArray(['SPD', 'SPD', 'SPD'], new Utf8()),
      value: vectorFromArray([36, 99, 72], new Float64()),
    });
    expect(table.getChild('message')?.type).toBeInstanceOf(Utf8);
    const key = partKey({ table: 'can_signals', vehicle: 'v', date: '2023-11-14', driveId: 'd1', part: 0 });
    await store.put(key, encodeParquet(table));
    const drive = await readDriveSeries(store, {
      driveId: 'd1',
      mappings: { speed: [{ table: 'can_signals', message: 'ESP', signal: 'SPD', scale: 1 / 3.6 }] },
    });
    expect([...(drive.series[0]?.v ?? [])].map((v) => Math.round(v * 1e9) / 1e9)).toEqual([10, 20]);
    expect([...(drive.series[0]?.t ?? [])]).toEqual([T0, T0 + 20_000_000n]);
  });

  it('maps text signals sample by sample: labels, raw values through `values`, and value changes', async () => {
    const store = await tempLake();
    await write(store, CAN_SIGNALS, {
      t: [0, 10, 20, 30, 40, 50, 60].map(ms),
      bus: new Array(7).fill('b'),
      message: new Array(7).fill('TRANS'),
      signal: new Array(7).fill('GEAR'),
      value: [1, 1, 2, 2, NaN, 2, 3],
      label: [null, null, null, 'SPORT', null, null, null],
    });
    const drive = await readDriveSeries(store, {
      driveId: 'd1',
      mappings: {
        gear: [
          {
            table: 'can_signals',
            message: 'TRANS',
            signal: 'GEAR',
            values: { '1': 'P', '2': 'D', SPORT: 'S' },
          },
        ],
      },
    });
    // 3 has no mapping: kept as its text; a NaN value (no value) is a null.
    expect(textValues(drive.series[0]!.text!)).toEqual(['P', 'P', 'D', 'S', null, 'D', '3']);
    expect(drive.choices[0]?.samples).toBe(6);
  });
});
