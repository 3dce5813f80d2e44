/**
 * Speed and course over ground from a track of positions, for receivers and messages that give no
 * velocity (ROS NavSatFix, GGA-only NMEA logs).
 *
 * Each value comes from two fixes at least `windowS` apart (consecutive fixes of a 10 Hz receiver are a
 * few decimetres apart, under the position noise) and is stamped at their midpoint, so it does not lag.
 * Course needs the fixes to be `minDistanceM` apart: standing still, position noise has no direction.
 */
import { absoluteNs, relativeNs } from './resample.js';

const EARTH_RADIUS_M = 6_378_137;
const RAD = Math.PI / 180;

export interface TrackOptions {
  /** Least time between the two fixes of a value, seconds. @default 1 */
  windowS?: number;
  /** Most time between them; a longer gap gives no value. @default 5 */
  maxGapS?: number;
  /** Least distance for a course, metres. @default 2 */
  minDistanceM?: number;
}

/**
 * @param t fix times (ns), in any order; `lat`/`lon` in degrees, NaN for a fix without a position.
 * @returns values at pair midpoints, in time order: speed in m/s, course in degrees clockwise from north.
 */
export function trackDerivatives(
  t: BigInt64Array,
  lat: Float64Array,
  lon: Float64Array,
  options: TrackOptions = {},
): { t: BigInt64Array; speed: Float64Array; course: Float64Array } {
  const windowNs = Math.round((options.windowS ?? 1) * 1e9);
  const maxGapNs = Math.round((options.maxGapS ?? 5) * 1e9);
  const minDistance = options.minDistanceM ?? 2;
  // Times as doubles of ns after the first fix (exact within 104 days): no BigInt per comparison.
  const origin = t.length > 0 ? (t[0] as bigint) : 0n;
  const rel = relativeNs(t, origin);
  let count = 0;
  const fixes = new Int32Array(t.length);
  for (let i = 0; i < t.length; i++)
    if (Number.isFinite(lat[i]) && Number.isFinite(lon[i])) fixes[count++] = i;
  let sorted = true;
  for (let k = 1; k < count && sorted; k++)
    sorted = (rel[fixes[k - 1] as number] as number) <= (rel[fixes[k] as number] as number);
  if (!sorted) fixes.subarray(0, count).sort((a, b) => (rel[a] as number) - (rel[b] as number) || a - b);
  const outRel = new Float64Array(count);
  const speed = new Float64Array(count);
  const course = new Float64Array(count);
  let n = 0;
  let j = 0; // the latest fix at least windowNs before fix i, once found
  for (let k = 1; k < count; k++) {
    const i = fixes[k] as number;
    const ti = rel[i] as number;
    while (j + 1 < k && ti - (rel[fixes[j + 1] as number] as number) >= windowNs) j++;
    const a = fixes[j] as number;
    const dt = ti - (rel[a] as number);
    if (dt < windowNs || dt > maxGapNs) continue;
    const latA = lat[a] as number;
    const latB = lat[i] as number;
    const north = (latB - latA) * RAD * EARTH_RADIUS_M;
    const east =
      ((lon[i] as number) - (lon[a] as number)) * RAD * EARTH_RADIUS_M * Math.cos(((latA + latB) / 2) * RAD);
    const distance = Math.hypot(north, east);
    // The midpoint, rounded down to whole ns as the integer division did.
    outRel[n] = (rel[a] as number) + Math.floor(dt / 2);
    speed[n] = distance / (dt / 1e9);
    const degrees = Math.atan2(east, north) / RAD;
    course[n] = distance >= minDistance ? (degrees + 360) % 360 : NaN;
    n++;
  }
  return {
    t: absoluteNs(outRel.subarray(0, n), origin),
    speed: speed.slice(0, n),
    course: course.slice(0, n),
  };
}
