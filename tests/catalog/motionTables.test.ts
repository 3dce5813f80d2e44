import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PartitionedTableWriter } from '../../catalog/tableWriter.js';
import { EGO_MOTION, IMU } from '../../catalog/tables.js';
import { openDuck, sqlString } from './duckdb.js';
import { tempLake } from './tempLake.js';

describe('imu and ego_motion tables', () => {
  it('store nullable axes and read back as typed columns', async () => {
    const store = await tempLake();
    const t0 = 1_700_000_000_000_000_000n;
    const imu = new PartitionedTableWriter({ store, table: IMU, vehicle: 'v', driveId: 'd1' });
    await imu.append({
      t: [t0, t0 + 10_000_000n],
      source: '/imu/data',
      frame_id: ['imu_link', 'imu_link'],
      accel_x: Float64Array.of(0.1, 0.2),
      accel_y: [0, null],
      accel_z: Float64Array.of(9.81, 9.8),
      gyro_z: Float64Array.of(0.01, -0.02),
      orientation_w: [1, null],
    });
    const ego = new PartitionedTableWriter({ store, table: EGO_MOTION, vehicle: 'v', driveId: 'd1' });
    await ego.append({ t: [t0], source: '/odom', linear_x: [12.5], angular_z: [0.1], position_x: [3] });
    const files = [...(await imu.close()), ...(await ego.close())];
    expect(files.map((f) => f.table).sort()).toEqual(['ego_motion', 'imu']);

    const duck = await openDuck();
    try {
      const root = store.root;
      const rows = await duck.rows(`
        SELECT source, frame_id, accel_x, accel_y, accel_z, gyro_x, gyro_z, orientation_w
        FROM read_parquet(${sqlString(join(root, 'tables/imu/**/*.parquet'))}) ORDER BY t`);
      expect(rows).toEqual([
        {
          source: '/imu/data',
          frame_id: 'imu_link',
          accel_x: 0.1,
          accel_y: 0,
          accel_z: 9.81,
          gyro_x: null,
          gyro_z: 0.01,
          orientation_w: 1,
        },
        {
          source: '/imu/data',
          frame_id: 'imu_link',
          accel_x: 0.2,
          accel_y: null,
          accel_z: 9.8,
          gyro_x: null,
          gyro_z: -0.02,
          orientation_w: null,
        },
      ]);
      const [motion] = await duck.rows(`
        SELECT linear_x, angular_z, position_x, linear_y, typeof(t) AS t_type
        FROM read_parquet(${sqlString(join(root, 'tables/ego_motion/**/*.parquet'))})`);
      expect(motion).toEqual({
        linear_x: 12.5,
        angular_z: 0.1,
        position_x: 3,
        linear_y: null,
        t_type: 'TIMESTAMP WITH TIME ZONE',
      });
    } finally {
      duck.close();
    }
  });
});
