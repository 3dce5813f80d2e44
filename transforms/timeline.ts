/**
 * The synchronized timeline of one drive: one entry per tick, columnar. Time sync produces it from the
 * curated tables; quality gates, weather and sun enrichment add to it; scenario detection reads it; the
 * `timeseries` table stores it. Numbers are `Float64Array`s with `NaN` for "no value at this tick" (never
 * a forward-filled guess); categories are arrays of strings or `null`.
 *
 * Units and signs follow ISO 8855 (vehicle axes: x forward, y left, z up) and SI, except where a unit
 * people read every day is clearer (degrees, km/h never: speeds stay m/s).
 */

/** Numeric canonical signals. */
export const NUMERIC_SIGNALS = {
  speed: 'Vehicle speed over ground, m/s (>= 0).',
  accel_long: 'Longitudinal acceleration, m/s^2; positive speeds up, negative brakes.',
  accel_lat: 'Lateral acceleration, m/s^2; positive to the left.',
  yaw_rate: 'Yaw rate, deg/s; positive counter-clockwise seen from above (turning left).',
  heading: 'Course over ground, degrees clockwise from true north, [0, 360).',
  steering_angle: 'Steering wheel angle, degrees; positive to the left.',
  brake: 'Brake pedal: 0 released .. 1 fully applied (a pressed switch gives 0 or 1).',
  throttle: 'Accelerator pedal: 0 .. 1.',
  lat: 'WGS84 latitude, degrees.',
  lon: 'WGS84 longitude, degrees.',
  alt: 'Altitude, metres (as the source gives it: above mean sea level for NMEA).',
  outside_temp: 'Outside air temperature the vehicle measures, degrees Celsius.',
  wiper:
    'Wiper activity the vehicle reports: 0 off, 1 intermittent/slow, 2 fast (rain sensor level when given).',
} as const;

/** Categorical canonical signals. */
export const TEXT_SIGNALS = {
  gear: "Gear selector: 'P', 'R', 'N', 'D', or a forward gear number as text.",
  turn_signal: "Turn indicator: 'off', 'left', 'right' or 'hazard'.",
} as const;

export type NumericSignal = keyof typeof NUMERIC_SIGNALS;
export type TextSignal = keyof typeof TEXT_SIGNALS;
export type CanonicalSignal = NumericSignal | TextSignal;

export const NUMERIC_SIGNAL_NAMES = Object.keys(NUMERIC_SIGNALS) as NumericSignal[];
export const TEXT_SIGNAL_NAMES = Object.keys(TEXT_SIGNALS) as TextSignal[];

/** Enrichment columns that transforms after time sync add per tick. */
export interface TimelineEnrichment {
  /** Sun elevation above the horizon at the tick's position and time, degrees (NaN without a position). */
  sun_elevation?: Float64Array;
  /** 'day' | 'twilight' | 'night' from the sun elevation; null without a position. */
  light?: (string | null)[];
  /** Normalised observed weather: 'clear' | 'cloudy' | 'rain' | 'snow' | 'fog' | 'thunderstorm'. */
  weather_condition?: (string | null)[];
  /** Observed air temperature, degrees Celsius. */
  air_temp?: Float64Array;
  /** Observed precipitation, mm per hour. */
  precipitation?: Float64Array;
  /** Observed visibility, metres. */
  visibility?: Float64Array;
  /** Observed wind speed, m/s. */
  wind_speed?: Float64Array;
}

/** A column of a stored timeline besides its tick times: a canonical signal or an enrichment. */
export type TimelineColumn = CanonicalSignal | keyof TimelineEnrichment;

export interface Timeline {
  driveId: string;
  /** The pseudonymised vehicle id (the `vehicle=` partition). */
  vehicle: string;
  /** Ticks per second. */
  hz: number;
  /** Tick times, nanoseconds since the epoch (UTC), strictly increasing, evenly spaced by 1e9 / hz. */
  t: BigInt64Array;
  /** Numeric signals found for this drive; a signal with no source is absent (not all-NaN). */
  numeric: Partial<Record<NumericSignal, Float64Array>>;
  text: Partial<Record<TextSignal, (string | null)[]>>;
  enrichment: TimelineEnrichment;
}

/** Number of ticks. */
export function tickCount(timeline: Timeline): number {
  return timeline.t.length;
}

/** Seconds since the first tick, as doubles (exact enough: 1 ns at 100 days). */
export function tickSeconds(timeline: Timeline): Float64Array {
  const out = new Float64Array(timeline.t.length);
  const t0 = timeline.t[0] ?? 0n;
  for (let i = 0; i < out.length; i++) out[i] = Number((timeline.t[i] ?? t0) - t0) / 1e9;
  return out;
}

/**
 * One signal as recorded (before resampling): sample times and values, in time order as read. Time sync
 * resamples these onto ticks; quality gates judge them (rates, gaps, monotonicity).
 */
export interface SignalSeries {
  /** Canonical name, e.g. 'speed'. */
  signal: CanonicalSignal;
  /** Where it came from, for reports: 'can_signals:VEHICLE_SPEED.VEHICLE_SPEED', 'gps:speed', 'imu:/imu:gyro_z'. */
  source: string;
  /** Sample times, ns since the epoch, in the order recorded (may be unsorted: quality gates look). */
  t: BigInt64Array;
  /** Values already in canonical units; NaN for a null sample. For text signals, unused (NaN). */
  v: Float64Array;
  /** Text values for text signals. */
  text?: (string | null)[];
}
