/**
 * Speed and course over ground from a track of positions, for receivers and messages that give no
 * velocity (ROS NavSatFix, GGA-only NMEA logs).
 *
 * Each value comes from two fixes at least `windowS` apart (consecutive fixes of a 10 Hz receiver are a
 * few decimetres apart, under the position noise) and is stamped at their midpoint, so it does not lag.
 * Course needs the fixes to be `minDistanceM` apart: standing still, position noise has no direction.
 */
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
  const windowNs = BigInt(Math.round((options.windowS ?? 1) * 1e9));
  const maxGapNs = BigInt(Math.round((options.maxGapS ?? 5) * 1e9));
  const minDistance = options.minDistanceM ?? 2;
  const fixes: number[] = [];
  for (let i = 0; i < t.length; i++) if (Number.isFinite(lat[i]) && Number.isFinite(lon[i])) fixes.push(i);
  fixes.sort((a, b) => {
    const d = (t[a] as bigint) - (t[b] as bigint);
    return d < 0n ? -1 : d > 0n ? 1 : a - b;
  });
  const outT = new BigInt64Array(fixes.length);
  const speed = new Float64Array(fixes.length);
  const course = new Float64Array(fixes.length);
  let n = 0;
  let j = 0; // the latest fix at least windowNs before fix i, once found
  for (let k = 1; k < fixes.length; k++) {
    const i = fixes[k] as number;
    const ti = t[i] as bigint;
    while (j + 1 < k && ti - (t[fixes[j + 1] as number] as bigint) >= windowNs) j++;
    const a = fixes[j] as number;
    const dt = ti - (t[a] as bigint);
    if (dt < windowNs || dt > maxGapNs) continue;
    const latA = lat[a] as number;
    const latB = lat[i] as number;
    const north = (latB - latA) * RAD * EARTH_RADIUS_M;
    const east =
      ((lon[i] as number) - (lon[a] as number)) * RAD * EARTH_RADIUS_M * Math.cos(((latA + latB) / 2) * RAD);
    const distance = Math.hypot(north, east);
    outT[n] = (t[a] as bigint) + dt / 2n;
    speed[n] = distance / (Number(dt) / 1e9);
    const degrees = Math.atan2(east, north) / RAD;
    course[n] = distance >= minDistance ? (degrees + 360) % 360 : NaN;
    n++;
  }
  return { t: outT.slice(0, n), speed: speed.slice(0, n), course: course.slice(0, n) };
}
