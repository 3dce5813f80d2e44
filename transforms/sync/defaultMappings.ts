/**
 * The mappings sync uses unless a config replaces them: the adlake demo vehicle, the 2017-18 Toyota RAV4
 * as opendbc decodes it (comma2k19), J1939 trucks, and bag/MCAP drives (ROS REP 103 frames), with GNSS
 * as the fallback for speed, heading and position. First present source wins, so more specific sources
 * come first.
 *
 * Units and signs were checked against the sources, not assumed from names:
 * - Demo vehicle (`ingest/demo/generateDemoDrive.ts`): speeds in km/h; `IMU.YAW_RATE`, `IMU.LAT_ACCEL` and
 *   `STEERING.STEER_ANGLE` are positive turning right (the simulator's clockwise heading), so they are negated.
 * - Toyota `KINEMATICS` (opendbc notes "verify"): on the comma2k19 RAV4 minute `ACCEL_X` is -dv/dt
 *   (reads -1.5 while speeding up at +1.5 m/s^2) and `ACCEL_Y` correlates at -0.81 with speed x yaw rate, so
 *   both are negated; `YAW_RATE` correlates at +0.83 with the left-positive steering angle and at -0.60 with
 *   the rate of the clockwise GPS course, so it is counter-clockwise positive already.
 * - Toyota steering angle is `STEER_ANGLE` (1.5 deg steps) + `STEER_FRACTION` (0.1 deg), left positive,
 *   as openpilot reads it; comma's speed is the mean of the four wheel speeds (km/h).
 * - ROS (REP 103): x forward, y left, z up; angular velocity in rad/s, counter-clockwise positive.
 */
import type { CanonicalSignal } from '../timeline.js';
import type { SignalSource, SyncConfig } from './signalMapping.js';

const KMH = 1 / 3.6;
const DEG_PER_RAD = 180 / Math.PI;

export const DEFAULT_MAPPINGS: Readonly<Partial<Record<CanonicalSignal, readonly SignalSource[]>>> = {
  speed: [
    { table: 'can_signals', message: 'VEHICLE_SPEED', signal: 'VEHICLE_SPEED', scale: KMH },
    {
      table: 'can_signals',
      message: 'WHEEL_SPEEDS',
      signal: ['WHEEL_SPEED_FL', 'WHEEL_SPEED_FR', 'WHEEL_SPEED_RL', 'WHEEL_SPEED_RR'],
      combine: 'mean',
      scale: KMH,
    },
    { table: 'can_signals', message: 'SPEED', signal: 'SPEED', scale: KMH },
    // J1939 CCVS (PGN 65265) wheel-based vehicle speed.
    { table: 'can_signals', message: 'CCVS', signal: 'WHEEL_BASED_SPEED', scale: KMH },
    { table: 'can_signals', message: 'CCVS1', signal: 'WheelBasedVehicleSpeed', scale: KMH },
    { table: 'ego_motion', column: 'linear_x' },
    { table: 'gps', column: 'speed' },
    { table: 'gps', column: 'speed_from_track' },
  ],
  accel_long: [
    { table: 'can_signals', message: 'IMU', signal: 'LONG_ACCEL' },
    { table: 'can_signals', message: 'KINEMATICS', signal: 'ACCEL_X', scale: -1 },
    { table: 'imu', column: 'accel_x' },
  ],
  accel_lat: [
    { table: 'can_signals', message: 'IMU', signal: 'LAT_ACCEL', scale: -1 },
    { table: 'can_signals', message: 'KINEMATICS', signal: 'ACCEL_Y', scale: -1 },
    { table: 'imu', column: 'accel_y' },
  ],
  yaw_rate: [
    { table: 'can_signals', message: 'IMU', signal: 'YAW_RATE', scale: -1 },
    { table: 'can_signals', message: 'KINEMATICS', signal: 'YAW_RATE' },
    { table: 'imu', column: 'gyro_z', scale: DEG_PER_RAD },
    { table: 'ego_motion', column: 'angular_z', scale: DEG_PER_RAD },
  ],
  heading: [
    // Course over ground is noise when the vehicle hardly moves.
    { table: 'gps', column: 'course', minSpeed: 1 },
    { table: 'gps', column: 'course_from_track' },
  ],
  steering_angle: [
    { table: 'can_signals', message: 'STEERING', signal: 'STEER_ANGLE', scale: -1 },
    {
      table: 'can_signals',
      message: 'STEER_ANGLE_SENSOR',
      signal: ['STEER_ANGLE', 'STEER_FRACTION'],
      combine: 'sum',
    },
  ],
  brake: [
    { table: 'can_signals', message: 'PEDALS', signal: 'BRAKE_PRESSED' },
    { table: 'can_signals', message: 'BRAKE_MODULE', signal: 'BRAKE_PRESSED' },
  ],
  throttle: [
    { table: 'can_signals', message: 'PEDALS', signal: 'THROTTLE_POS', scale: 0.01 },
    { table: 'can_signals', message: 'GAS_PEDAL', signal: 'GAS_PEDAL', scale: 0.01 },
    { table: 'can_signals', message: 'GAS_PEDAL_HYBRID', signal: 'GAS_PEDAL' },
  ],
  lat: [{ table: 'gps', column: 'lat' }],
  lon: [{ table: 'gps', column: 'lon' }],
  alt: [
    { table: 'gps', column: 'alt' },
    { table: 'gps', column: 'alt_hae' },
  ],
  outside_temp: [{ table: 'can_signals', message: 'BODY', signal: 'OUTSIDE_TEMP' }],
  gear: [
    { table: 'can_signals', message: 'VEHICLE_SPEED', signal: 'GEAR' },
    // Toyota: S (sport) and B (engine brake) are forward gears.
    { table: 'can_signals', message: 'GEAR_PACKET', signal: 'GEAR', values: { S: 'D' } },
    { table: 'can_signals', message: 'GEAR_PACKET_HYBRID', signal: 'GEAR', values: { B: 'D' } },
  ],
  turn_signal: [
    { table: 'can_signals', message: 'BODY', signal: 'TURN_SIGNAL' },
    { table: 'can_signals', message: 'BLINKERS_STATE', signal: 'TURN_SIGNALS', values: { none: 'off' } },
  ],
};

/**
 * The mappings a config asks for: the defaults with the config's signals replacing theirs (a signal
 * listed with `[]` is turned off), or only the config's signals with `replaceDefaults`.
 */
export function mappingsFor(
  config?: Pick<SyncConfig, 'signals' | 'replaceDefaults'>,
): Partial<Record<CanonicalSignal, readonly SignalSource[]>> {
  if (!config) return DEFAULT_MAPPINGS;
  return config.replaceDefaults ? { ...config.signals } : { ...DEFAULT_MAPPINGS, ...config.signals };
}
