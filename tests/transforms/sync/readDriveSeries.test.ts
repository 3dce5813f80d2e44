import { Float64, Schema, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../../catalog/objectStore.js';
import { PartitionedTableWriter } from '../../../catalog/tableWriter.js';
import type { TableDef } from '../../../catalog/tables.js';
import { CAN_SIGNALS, EGO_MOTION, GPS, PARTITION_KEYS, column, driveId, t } from '../../../catalog/tables.js';
import { readDriveSeries } from '../../../transforms/sync/readDriveSeries.js';
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
    expect(bySignal.gear?.text).toEqual(['D', 'P']);
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
    expect(bySignal.gear?.text).toEqual(['D', 'R']);
    expect(drive.missing).toEqual(['brake']);
  });
});
