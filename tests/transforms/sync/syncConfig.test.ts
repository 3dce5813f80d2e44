import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import { DEFAULT_MAPPINGS, mappingsFor } from '../../../transforms/sync/defaultMappings.js';
import { parseSyncConfig } from '../../../transforms/sync/signalMapping.js';

/** The problems a config is rejected for, one per line of the error. */
function problems(json: unknown): string[] {
  try {
    parseSyncConfig(json, 'file:///cfg/sync.json');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).where.uri).toBe('file:///cfg/sync.json');
    return (error as UsageError).cause as string[];
  }
  throw new Error('config was accepted');
}

describe('parseSyncConfig', () => {
  it('accepts a full config and keeps its values', () => {
    const config = parseSyncConfig({
      hz: 100,
      signals: {
        speed: [
          { table: 'can_signals', message: 'ESP', signal: 'VehSpd', bus: 'can1', scale: 0.2777778 },
          { table: 'gps', column: 'speed' },
        ],
        yaw_rate: [{ table: 'imu', column: 'gyro_z', source: '/imu/data', scale: 57.29577951308232 }],
        gear: [{ table: 'can_signals', message: 'TRANS', signal: 'GEAR', values: { '1': 'P', DRIVE: 'D' } }],
        throttle: [{ table: 'topics_vehicle_pedals', field: 'throttle', scale: 0.01 }],
        steering_angle: [
          { table: 'can_signals', message: 'STEER', signal: ['COARSE', 'FINE'], combine: 'sum', offset: -1 },
        ],
        wiper: [],
      },
      policies: {
        speed: { kind: 'nearest', maxStalenessS: 0.2 },
        heading: { kind: 'linear', maxStalenessS: 2, period: 360 },
      },
      clockOffset: { enabled: false, maxLagS: 10 },
      replaceDefaults: false,
    });
    expect(config.hz).toBe(100);
    expect(config.signals?.speed?.[0]).toEqual({
      table: 'can_signals',
      message: 'ESP',
      signal: 'VehSpd',
      bus: 'can1',
      scale: 0.2777778,
    });
    expect(config.signals?.gear?.[0]).toMatchObject({ values: { '1': 'P', DRIVE: 'D' } });
    expect(config.signals?.steering_angle?.[0]).toMatchObject({ signal: ['COARSE', 'FINE'], combine: 'sum' });
    expect(config.policies?.heading).toEqual({ kind: 'linear', maxStalenessS: 2, period: 360 });
    expect(config.clockOffset).toEqual({ enabled: false, maxLagS: 10 });
    const mappings = mappingsFor(config);
    expect(mappings.wiper).toEqual([]);
    expect(mappings.lat).toBe(DEFAULT_MAPPINGS.lat);
    expect(mappingsFor({ ...config, replaceDefaults: true }).lat).toBeUndefined();
  });

  it('names the key path of every problem, all at once', () => {
    expect(
      problems({
        hz: 3,
        signals: {
          speed: [
            { table: 'can_signals', message: 'ESP', signal: 'VehSpd', scale: '0.27' },
            { table: 'gps', column: 'speedd' },
            { table: 'can_signals', message: 'WHEELS', signal: ['FL', 'FR'] },
          ],
          sped: [],
          heading: [{ table: 'imu', column: 'gyro_z', source: 5, unit: 'deg' }],
          gear: [{ table: 'gps', column: 'speed' }],
          yaw_rate: { table: 'imu', column: 'gyro_z' },
          lat: [{ table: 'maps', column: 'lat' }],
          brake: [{ table: 'can_signals', message: 'PEDALS', signal: 'BRAKE', values: { '1': 'on' } }],
        },
        policies: {
          gear: { kind: 'linear', maxStalenessS: 1 },
          speed: { kind: 'cubic' },
          yaw_rate: { kind: 'nearest' },
        },
        clockOffset: { maxLagS: -1, enable: true },
        extra: 1,
      }),
    ).toEqual([
      'extra: unknown key (expected one of hz, signals, policies, clockOffset, replaceDefaults)',
      'hz: expected a rate that divides 1e9 ns evenly (10, 50, 100 ...)',
      'signals.speed[0].scale: expected a number',
      'signals.speed[1].column: gps has no numeric column speedd (expected one of lat, lon, alt, alt_hae, speed, course, fix_quality, satellites, hdop, pdop, vdop, speed_from_track, course_from_track)',
      "signals.speed[2].combine: required with several signals: 'mean' or 'sum'",
      'signals.sped: unknown signal (expected one of speed, accel_long, accel_lat, yaw_rate, heading, steering_angle, brake, throttle, lat, lon, alt, outside_temp, wiper, gear, turn_signal)',
      'signals.heading[0].unit: unknown key (expected one of table, column, source, scale, offset)',
      'signals.heading[0].source: expected a non-empty string',
      'signals.gear[0].table: gps has no text columns for gear',
      'signals.yaw_rate: expected an array of sources',
      "signals.lat[0].table: expected 'can_signals', 'gps', 'imu', 'ego_motion' or 'topics_<name>'",
      'signals.brake[0].values: only applies to text signals (gear, turn_signal)',
      'policies.gear.kind: text signals cannot be interpolated',
      "policies.speed.kind: expected 'previous', 'nearest' or 'linear'",
      'policies.yaw_rate.maxStalenessS: expected a number',
      'clockOffset.enable: unknown key (expected one of enabled, maxLagS, minCorrelation, minOffsetS)',
      'clockOffset.maxLagS: expected a number >= 0',
    ]);
  });

  it('puts the first problem in the message with where the config came from', () => {
    expect(() => parseSyncConfig({ signals: { speed: [{ table: 'gps' }] } }, 'sync.json')).toThrow(
      /invalid sync config: signals.speed\[0\].column: expected a non-empty string \(at sync.json\)/,
    );
    expect(() => parseSyncConfig([], 'sync.json')).toThrow(/\(config\): expected an object/);
  });
});
