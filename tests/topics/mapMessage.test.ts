import { describe, expect, it } from 'vitest';
import { mapMessage, normaliseType, stampOf } from '../../ingest/topics/mapMessage.js';

const header = { seq: 1, stamp: { sec: 1_432_235_498, nsec: 25_043_000 }, frame_id: 'base_link' };
const logTime = 1_432_235_498_100_000_000n;

describe('mapMessage', () => {
  it('maps NavSatFix to gps with the header stamp, ellipsoid altitude and fix quality', () => {
    const mapped = mapMessage({
      topic: '/fix',
      schemaName: 'sensor_msgs/NavSatFix',
      logTime,
      message: {
        header,
        status: { status: 0, service: 1 },
        latitude: 41.1,
        longitude: -73.2,
        altitude: 12.5,
      },
    });
    expect(mapped).toEqual({
      table: 'gps',
      row: {
        t: 1_432_235_498_025_043_000n,
        line: 0,
        source: '/fix',
        fixQuality: 1,
        lat: 41.1,
        lon: -73.2,
        altHae: 12.5,
      },
    });
    const noFix = mapMessage({
      topic: '/fix',
      schemaName: 'sensor_msgs/msg/NavSatFix',
      logTime,
      message: { header, status: { status: -1 }, latitude: 0, longitude: 0, altitude: 0 },
    });
    expect(noFix).toMatchObject({ table: 'gps', row: { fixQuality: 0 } });
    expect(noFix.table === 'gps' ? noFix.row.lat : 'not gps').toBeUndefined();
  });

  it('maps Imu, dropping an orientation marked unknown', () => {
    const mapped = mapMessage({
      topic: '/imu/data',
      schemaName: 'sensor_msgs/Imu',
      logTime,
      message: {
        header,
        orientation: { x: 0, y: 0, z: 0, w: 1 },
        orientation_covariance: [-1, 0, 0, 0, 0, 0, 0, 0, 0],
        angular_velocity: { x: 0.1, y: 0.2, z: 0.3 },
        linear_acceleration: { x: 1, y: 2, z: 9.8 },
      },
    });
    expect(mapped).toEqual({
      table: 'imu',
      row: {
        t: 1_432_235_498_025_043_000n,
        source: '/imu/data',
        frameId: 'base_link',
        accel: [1, 2, 9.8],
        gyro: [0.1, 0.2, 0.3],
        orientation: null,
      },
    });
  });

  it('maps Odometry (twist in the child frame, position) and bare Twist (log time) to ego_motion', () => {
    const odom = mapMessage({
      topic: '/odom',
      schemaName: 'nav_msgs/msg/Odometry',
      logTime,
      message: {
        header: { stamp: { sec: 10, nanosec: 5 }, frame_id: 'odom' },
        child_frame_id: 'base_link',
        pose: { pose: { position: { x: 1, y: 2, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } },
        twist: { twist: { linear: { x: 3, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.5 } } },
      },
    });
    expect(odom).toEqual({
      table: 'ego_motion',
      row: {
        t: 10_000_000_005n,
        source: '/odom',
        frameId: 'base_link',
        linear: [3, 0, 0],
        angular: [0, 0, 0.5],
        position: [1, 2, 0],
      },
    });
    const twist = mapMessage({
      topic: '/turtle1/cmd_vel',
      schemaName: 'geometry_msgs/Twist',
      logTime,
      message: { linear: { x: 2, y: 0, z: 0 }, angular: { x: 0, y: 0, z: -1 } },
    });
    expect(twist).toMatchObject({
      table: 'ego_motion',
      row: { t: logTime, frameId: null, linear: [2, 0, 0] },
    });
  });

  it('maps can_msgs/Frame to a CAN frame cut to its DLC, and leaves other types as topics', () => {
    const frame = mapMessage({
      topic: '/can/received',
      schemaName: 'can_msgs/Frame',
      logTime,
      message: {
        header,
        id: 0x18fef100,
        is_extended: true,
        is_rtr: false,
        is_error: false,
        dlc: 3,
        data: Uint8Array.of(1, 2, 3, 0, 0, 0, 0, 0),
      },
    });
    expect(frame).toMatchObject({
      table: 'can_frames',
      row: { id: 0x18fef100, extended: true, dlc: 3, bus: 'base_link' },
    });
    expect(frame.table === 'can_frames' && [...frame.row.data]).toEqual([1, 2, 3]);
    expect(mapMessage({ topic: '/rosout', schemaName: 'rosgraph_msgs/Log', logTime, message: {} })).toEqual({
      table: 'topics',
      topic: '/rosout',
    });
  });

  it('normalises ROS 2 type names and treats a zero stamp as unset', () => {
    expect(normaliseType('sensor_msgs/msg/Imu')).toBe('sensor_msgs/Imu');
    expect(normaliseType('tf2_msgs/TFMessage')).toBe('tf2_msgs/TFMessage');
    expect(stampOf({ header: { stamp: { sec: 0, nsec: 0 } } }, 7n)).toBe(7n);
  });
});
