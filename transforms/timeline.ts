/**
 * The synchronized timeline of one drive: one entry per tick, columnar. Time sync produces it from the
 * curated tables; quality gates, weather and sun enrichment add to it; scenario detection reads it; the
 * `timeseries` table stores it. Numbers are `Float64Array`s with `NaN` for "no value at this tick" (never
 * a forward-filled guess); categories are `TextColumn`s: codes into a few labels, -1 for no value.
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

/**
 * A categorical column: per tick (or sample) a code into `names`, -1 for no value. A few distinct labels
 * (gears, turn signals, light, weather) over many ticks, in one typed array: no JS array of strings per
 * tick, whose allocation alone cost ~15 ms per hour at 100 Hz on the benchmark host.
 */
export interface TextColumn {
  codes: Int32Array;
  /** Distinct labels; a name no code points at is allowed. */
  names: readonly string[];
}

/** The label at `i`, or null. */
export function textAt(column: TextColumn | undefined, i: number): string | null {
  if (!column) return null;
  const code = column.codes[i] as number;
  return code < 0 ? null : (column.names[code] ?? null);
}

/** A growing table of labels: each label gets the next code at its first appearance. */
export class LabelCodes {
  readonly names: string[] = [];
  private readonly byName = new Map<string, number>();

  /** The code of `text`, given now if it has none. */
  readonly code = (text: string): number => {
    let code = this.byName.get(text);
    if (code === undefined) {
      code = this.names.length;
      this.names.push(text);
      this.byName.set(text, code);
    }
    return code;
  };
}

/** Codes `values` (null or undefined: no value). */
export function textColumn(values: readonly (string | null | undefined)[]): TextColumn {
  const labels = new LabelCodes();
  const codes = Int32Array.from(values, (text) =>
    text === null || text === undefined ? -1 : labels.code(text),
  );
  return { codes, names: labels.names };
}

/** The labels of a column, one per tick (null: no value): for tests and reports, not hot paths. */
export function textValues(column: TextColumn): (string | null)[] {
  return Array.from(column.codes, (code) => (code < 0 ? null : (column.names[code] ?? null)));
}

/** Whether some tick has a label. */
export function hasText(column: TextColumn): boolean {
  const { codes } = column;
  for (let i = 0; i < codes.length; i++) if ((codes[i] as number) >= 0) return true;
  return false;
}

/** Ticks `[start, end)` per code: `counts[code]` for each name. */
export function codeCounts(column: TextColumn, start = 0, end = column.codes.length): number[] {
  const counts = new Array<number>(column.names.length).fill(0);
  const codes = column.codes;
  for (let i = start; i < end; i++) {
    const code = codes[i] as number;
    if (code >= 0) counts[code] = (counts[code] as number) + 1;
  }
  return counts;
}

/** The code of `name` in the column, or -1 when no tick can have it. */
export function codeOf(column: TextColumn, name: string): number {
  return column.names.indexOf(name);
}

/** Enrichment columns that transforms after time sync add per tick. */
export const NUMERIC_ENRICHMENT_NAMES = [
  'sun_elevation',
  'air_temp',
  'precipitation',
  'visibility',
  'wind_speed',
] as const satisfies readonly (keyof TimelineEnrichment)[];
export const TEXT_ENRICHMENT_NAMES = [
  'light',
  'weather_condition',
] as const satisfies readonly (keyof TimelineEnrichment)[];

export interface TimelineEnrichment {
  /** Sun elevation above the horizon at the tick's position and time, degrees (NaN without a position). */
  sun_elevation?: Float64Array;
  /** 'day' | 'twilight' | 'night' from the sun elevation; null without a position. */
  light?: TextColumn;
  /** Normalised observed weather: 'clear' | 'cloudy' | 'rain' | 'snow' | 'fog' | 'thunderstorm'. */
  weather_condition?: TextColumn;
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
  text: Partial<Record<TextSignal, TextColumn>>;
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
  text?: TextColumn;
}
