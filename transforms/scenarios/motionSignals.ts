/**
 * The motion signals detectors read, taken from a timeline or derived from what it has: speed from
 * positions when there is no speed signal, yaw rate from heading when there is no gyro, heading from
 * integrating yaw rate, accelerations from speed and yaw rate. Each derived signal names its source so a
 * scenario can say what it rests on. A signal that cannot be had is undefined; detectors that need it
 * are skipped, never crash.
 *
 * Signs follow the timeline (ISO 8855): yaw rate and yaw angle positive counter-clockwise (left),
 * lateral acceleration positive to the left.
 */
import type { Timeline } from '../timeline.js';
import type { DetectorConfig } from './detectorConfig.js';

export interface MotionSignal {
  values: Float64Array;
  /** What it was taken or derived from, for reports: 'speed', 'lat/lon', 'heading', 'speed * yaw_rate'. */
  source: string;
}

export interface MotionSignals {
  n: number;
  hz: number;
  /** m/s. */
  speed?: MotionSignal;
  /** m/s^2, smoothed. */
  accelLong?: MotionSignal;
  /** m/s^2, smoothed; positive to the left. */
  accelLat?: MotionSignal;
  /** deg/s, smoothed; positive counter-clockwise. */
  yawRate?: MotionSignal;
  /**
   * Accumulated heading change since the first tick, deg, positive counter-clockwise, unwrapped (a full
   * circle is 360, not 0): heading differences over an interval are `yawAngle[end] - yawAngle[start]`.
   */
  yawAngle?: MotionSignal;
  /** WGS84 degrees, as the timeline has them. */
  lat?: Float64Array;
  lon?: Float64Array;
}

const EARTH_RADIUS = 6_371_008.8; // mean radius, m (IUGG)
const KMH = 1 / 3.6;
const DEG = Math.PI / 180;

/** Collects and derives the motion signals of a timeline. O(ticks). */
export function motionSignals(timeline: Timeline, config: DetectorConfig): MotionSignals {
  const n = timeline.t.length;
  const hz = timeline.hz;
  const dt = 1 / hz;
  const smooth = Math.max(1, Math.round(config.signals.smoothing_s * hz));
  const out: MotionSignals = { n, hz };
  const { numeric } = timeline;

  const lat = numeric.lat;
  const lon = numeric.lon;
  if (lat && lon) {
    out.lat = lat;
    out.lon = lon;
  }

  // Position noise (~0.3 m per fix) over 0.1 s is metres per second of speed noise: difference over a
  // window of a few seconds instead.
  const positionHalf = Math.max(1, Math.round((config.signals.position_speed_window_s * hz) / 2));
  if (numeric.speed) out.speed = { values: numeric.speed, source: 'speed' };
  else if (lat && lon) {
    const half = positionHalf;
    out.speed = { values: speedFromPositions(lat, lon, half, dt), source: 'lat/lon' };
  }

  if (numeric.accel_long)
    out.accelLong = { values: movingAverage(numeric.accel_long, smooth), source: 'accel_long' };
  else if (out.speed) {
    // A speed from positions is noisier than a measured one: differentiate it over the position window.
    const half = out.speed.source === 'lat/lon' ? positionHalf : Math.max(1, Math.round(smooth / 2));
    out.accelLong = { values: derivative(out.speed.values, half, dt), source: `d/dt ${out.speed.source}` };
  }

  const minHeadingSpeed = config.signals.heading_min_speed_kmh * KMH;
  if (numeric.yaw_rate) {
    out.yawRate = { values: movingAverage(numeric.yaw_rate, smooth), source: 'yaw_rate' };
    out.yawAngle = { values: integrate(numeric.yaw_rate, dt), source: 'integrated yaw_rate' };
  } else {
    const heading =
      numeric.heading !== undefined
        ? { values: numeric.heading, source: 'heading' }
        : lat && lon
          ? { values: trackFromPositions(lat, lon, positionHalf), source: 'lat/lon track' }
          : undefined;
    if (heading) {
      const angle = unwrapHeading(heading.values, out.speed?.values, minHeadingSpeed);
      out.yawAngle = { values: angle, source: heading.source };
      const half = heading.source === 'heading' ? Math.max(1, Math.round(smooth / 2)) : positionHalf;
      out.yawRate = { values: derivative(angle, half, dt), source: `d/dt ${heading.source}` };
    }
  }

  if (numeric.accel_lat)
    out.accelLat = { values: movingAverage(numeric.accel_lat, smooth), source: 'accel_lat' };
  else if (out.speed && out.yawRate) {
    const values = new Float64Array(n);
    const v = out.speed.values;
    const w = out.yawRate.values;
    for (let i = 0; i < n; i++) values[i] = (v[i] as number) * (w[i] as number) * DEG;
    out.accelLat = { values, source: `${out.speed.source} * ${out.yawRate.source}` };
  }
  return out;
}

let prefix = { sum: new Float64Array(0), count: new Int32Array(0) };

/**
 * Centred moving average over `window` ticks that skips NaN neighbours; a tick that is NaN itself stays
 * NaN (smoothing never invents a value). Prefix sums: O(n) whatever the window.
 */
export function movingAverage(values: Float64Array, window: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (window <= 1) {
    out.set(values);
    return out;
  }
  // Prefix sums in scratch kept between calls (a detection run smooths several signals of one length).
  if (prefix.sum.length < n + 1) prefix = { sum: new Float64Array(n + 1), count: new Int32Array(n + 1) };
  const { sum, count } = prefix;
  prefixSums(values, sum, count);
  const before = Math.floor((window - 1) / 2);
  averageWindows(values, sum, count, before, window - 1 - before, out);
  return out;
}

// The two passes are functions of their own: a loop compiled while it runs (on-stack replacement) then
// never runs on into a second loop it has no type feedback for (which deoptimised it once per signal).

/** `sum[i]`, `count[i]`: the sum and count of the non-NaN values before index `i`. */
function prefixSums(values: Float64Array, sum: Float64Array, count: Int32Array): void {
  sum[0] = 0;
  count[0] = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const ok = v === v;
    sum[i + 1] = (sum[i] as number) + (ok ? v : 0);
    count[i + 1] = (count[i] as number) + (ok ? 1 : 0);
  }
}

/** The mean of the non-NaN values from `before` ticks before to `after` ticks after each non-NaN one. */
function averageWindows(
  values: Float64Array,
  sum: Float64Array,
  count: Int32Array,
  before: number,
  after: number,
  out: Float64Array,
): void {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (v !== v) {
      out[i] = NaN;
      continue;
    }
    const lo = Math.max(0, i - before);
    const hi = Math.min(n, i + after + 1);
    out[i] = ((sum[hi] as number) - (sum[lo] as number)) / ((count[hi] as number) - (count[lo] as number));
  }
}

/**
 * The `2 * half`-tick window a difference at tick `i` spans: centred, shifted inwards at the ends of the
 * drive so that it keeps its full width (a narrower window there would be noisier than everywhere else).
 */
function windowAt(i: number, half: number, n: number): { lo: number; hi: number } {
  const lo = Math.max(0, Math.min(i - half, n - 1 - 2 * half));
  return { lo, hi: Math.min(n - 1, lo + 2 * half) };
}

/** Centred difference over `half` ticks each side (see `windowAt` at the ends); NaN where a side is NaN. */
export function derivative(values: Float64Array, half: number, dt: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const { lo, hi } = windowAt(i, half, n);
    out[i] = hi > lo ? ((values[hi] as number) - (values[lo] as number)) / ((hi - lo) * dt) : NaN;
  }
  return out;
}

/** Trapezoidal running integral from 0 at the first tick; a NaN sample adds nothing (held, not guessed). */
export function integrate(rate: Float64Array, dt: number): Float64Array {
  const n = rate.length;
  const out = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const a = rate[i - 1] as number;
    const b = rate[i] as number;
    const step = a === a && b === b ? ((a + b) / 2) * dt : 0;
    out[i] = (out[i - 1] as number) + step;
  }
  return out;
}

/**
 * Turns a compass heading (clockwise from north, [0, 360)) into an unwrapped counter-clockwise angle. At
 * rest (speed below `minSpeed`) or without a heading the angle is held: a course over ground at a
 * standstill is noise.
 */
function unwrapHeading(
  heading: Float64Array,
  speed: Float64Array | undefined,
  minSpeed: number,
): Float64Array {
  const n = heading.length;
  const out = new Float64Array(n);
  let last = NaN;
  for (let i = 0; i < n; i++) {
    const h = heading[i] as number;
    const moving = speed === undefined || (speed[i] as number) >= minSpeed;
    let angle = i > 0 ? (out[i - 1] as number) : 0;
    if (h === h && moving) {
      if (last === last) {
        const d = h - last - 360 * Math.floor((h - last) / 360 + 0.5); // shortest way, [-180, 180)
        angle -= d; // clockwise heading, counter-clockwise angle
      }
      last = h;
    }
    out[i] = angle;
  }
  return out;
}

/** Local east/north offsets from the first position, metres (equirectangular: fine over a drive). */
function localXY(lat: Float64Array, lon: Float64Array): { east: Float64Array; north: Float64Array } {
  const n = lat.length;
  let lat0 = NaN;
  let lon0 = NaN;
  for (let i = 0; i < n && lat0 !== lat0; i++) {
    if ((lat[i] as number) === (lat[i] as number) && (lon[i] as number) === (lon[i] as number)) {
      lat0 = lat[i] as number;
      lon0 = lon[i] as number;
    }
  }
  const east = new Float64Array(n);
  const north = new Float64Array(n);
  const kx = EARTH_RADIUS * Math.cos(lat0 * DEG) * DEG;
  const ky = EARTH_RADIUS * DEG;
  for (let i = 0; i < n; i++) {
    east[i] = ((lon[i] as number) - lon0) * kx;
    north[i] = ((lat[i] as number) - lat0) * ky;
  }
  return { east, north };
}

/** Speed from positions: distance between the fixes `half` ticks either side, over the time between. */
function speedFromPositions(lat: Float64Array, lon: Float64Array, half: number, dt: number): Float64Array {
  const { east, north } = localXY(lat, lon);
  const n = lat.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const { lo, hi } = windowAt(i, half, n);
    const de = (east[hi] as number) - (east[lo] as number);
    const dn = (north[hi] as number) - (north[lo] as number);
    out[i] = hi > lo ? Math.hypot(de, dn) / ((hi - lo) * dt) : NaN;
  }
  return out;
}

/** Course over ground from positions `half` ticks either side, degrees clockwise from north. */
function trackFromPositions(lat: Float64Array, lon: Float64Array, half: number): Float64Array {
  const { east, north } = localXY(lat, lon);
  const n = lat.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const { lo, hi } = windowAt(i, half, n);
    const de = (east[hi] as number) - (east[lo] as number);
    const dn = (north[hi] as number) - (north[lo] as number);
    const deg = Math.atan2(de, dn) / DEG;
    out[i] = hi > lo && (de !== 0 || dn !== 0) ? (deg + 360) % 360 : NaN;
  }
  return out;
}
