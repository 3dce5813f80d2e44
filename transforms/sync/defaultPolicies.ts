/**
 * How each canonical signal is resampled unless a config says otherwise. Staleness limits follow the
 * slowest source a default mapping uses for the signal: 1 Hz GNSS for speed, heading and position (a tick
 * halfway between two fixes is 0.5 s from each; 1.5 s tolerates one late fix), 10-100 Hz CAN and IMU for
 * dynamics, and slow body messages (1 Hz or on change) for states such as gear and temperature.
 */
import type { CanonicalSignal } from '../timeline.js';
import type { ResamplePolicy } from './resample.js';

export const DEFAULT_POLICIES: Readonly<Record<CanonicalSignal, ResamplePolicy>> = {
  speed: { kind: 'linear', maxStalenessS: 1.5 },
  accel_long: { kind: 'linear', maxStalenessS: 0.5 },
  accel_lat: { kind: 'linear', maxStalenessS: 0.5 },
  yaw_rate: { kind: 'linear', maxStalenessS: 0.5 },
  heading: { kind: 'linear', maxStalenessS: 1.5, period: 360 },
  steering_angle: { kind: 'linear', maxStalenessS: 0.5 },
  brake: { kind: 'previous', maxStalenessS: 1 },
  throttle: { kind: 'previous', maxStalenessS: 1 },
  // Longitude is not wrapped at the antimeridian: interpolating across it would need a [-180, 180) wrap.
  lat: { kind: 'linear', maxStalenessS: 1.5 },
  lon: { kind: 'linear', maxStalenessS: 1.5 },
  alt: { kind: 'linear', maxStalenessS: 1.5 },
  outside_temp: { kind: 'previous', maxStalenessS: 10 },
  wiper: { kind: 'previous', maxStalenessS: 5 },
  gear: { kind: 'previous', maxStalenessS: 2 },
  turn_signal: { kind: 'previous', maxStalenessS: 2 },
};
