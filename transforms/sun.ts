/**
 * Where the sun stands for a place and time, and whether that is day, twilight or night.
 *
 * The algorithm is NOAA's solar calculator (NOAA Global Monitoring Laboratory, "NOAA Solar Calculator" and its
 * spreadsheet NOAA_Solar_Calculations_day.xls), which implements the low-accuracy solar coordinates of
 * J. Meeus, "Astronomical Algorithms", 2nd ed. (1998): ch. 25 (solar coordinates), ch. 22 (obliquity),
 * ch. 28 (equation of time, Smart's formula 28.3) and ch. 13 (horizontal coordinates). NOAA states it
 * good to about a minute for sunrise and sunset within ±72° latitude between 1800 and 2100. Like NOAA it
 * uses UT where Meeus uses TT: ΔT (about 70 s) moves the sun by 0.001°, far below the algorithm's error.
 */

import { LITTLE_ENDIAN } from '../core/int64.js';
import type { TextColumn, Timeline } from './timeline.js';

/** The sun's position seen from a place at a time. Angles in degrees. */
export interface SolarPosition {
  /** Apparent elevation above the horizon: geometric elevation plus NOAA's atmospheric refraction. */
  elevation: number;
  /** Geometric (airless) elevation of the sun's centre. */
  geometricElevation: number;
  /** Azimuth, clockwise from true north, [0, 360). */
  azimuth: number;
  /** Apparent declination. */
  declination: number;
  /** Equation of time, minutes (true solar time minus mean solar time). */
  equationOfTime: number;
  /** Hour angle, [-180, 180): negative before local solar noon. */
  hourAngle: number;
}

export type Light = 'day' | 'twilight' | 'night';

const DEG = Math.PI / 180;
const RAD = 180 / Math.PI;
/** Julian day of the Unix epoch, 1970-01-01T00:00Z. */
const JD_UNIX_EPOCH = 2_440_587.5;
/** Julian day of J2000.0. */
const JD_J2000 = 2_451_545;

interface Ephemeris {
  /** Apparent declination, degrees. */
  declination: number;
  /** Minutes. */
  equationOfTime: number;
}

/**
 * The date-dependent part of the NOAA calculator (its spreadsheet columns G..V): declination and equation
 * of time for Julian centuries `jc` since J2000.0.
 */
function ephemeris(jc: number): Ephemeris {
  // Meeus 25.2-25.4: geometric mean longitude, mean anomaly, eccentricity.
  const l0 = mod(280.46646 + jc * (36000.76983 + jc * 0.0003032), 360);
  const m = 357.52911 + jc * (35999.05029 - 0.0001537 * jc);
  const e = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc);
  const mr = m * DEG;
  // Equation of centre (Meeus p. 164), true and apparent longitude (25.8 with Ω).
  const c =
    Math.sin(mr) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) +
    Math.sin(2 * mr) * (0.019993 - 0.000101 * jc) +
    Math.sin(3 * mr) * 0.000289;
  const omega = (125.04 - 1934.136 * jc) * DEG;
  const apparentLongitude = l0 + c - 0.00569 - 0.00478 * Math.sin(omega);
  // Mean obliquity (Meeus 22.2), corrected for nutation as NOAA does (25.8).
  const meanObliquity = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60;
  const obliquity = (meanObliquity + 0.00256 * Math.cos(omega)) * DEG;
  const declination = Math.asin(Math.sin(obliquity) * Math.sin(apparentLongitude * DEG)) * RAD;
  // Equation of time, Smart's formula (Meeus 28.3), in minutes of time (4 min per degree).
  const y = Math.tan(obliquity / 2) ** 2;
  const l0r = l0 * DEG;
  const eqTime =
    4 *
    RAD *
    (y * Math.sin(2 * l0r) -
      2 * e * Math.sin(mr) +
      4 * e * y * Math.sin(mr) * Math.cos(2 * l0r) -
      0.5 * y * y * Math.sin(4 * l0r) -
      1.25 * e * e * Math.sin(2 * mr));
  return { declination, equationOfTime: eqTime };
}

/**
 * NOAA's atmospheric refraction correction (spreadsheet column AE, after Bennett/Saemundsson fits for a
 * standard atmosphere), in degrees to add to a geometric elevation in degrees. Zero above 85°.
 */
export function refractionCorrection(geometricElevation: number): number {
  const h = geometricElevation;
  if (h > 85) return 0;
  let arcsec: number;
  if (h > 5) {
    const t = Math.tan(h * DEG);
    const t3 = t * t * t;
    arcsec = 58.1 / t - 0.07 / t3 + 0.000086 / (t3 * t * t);
  } else if (h > -0.575) {
    arcsec = 1735 + h * (-518.2 + h * (103.4 + h * (-12.79 + h * 0.711)));
  } else {
    arcsec = -20.772 / Math.tan(h * DEG);
  }
  return arcsec / 3600;
}

/**
 * Solar position for a WGS84 latitude/longitude (degrees, east positive) at `tNs` (ns since the epoch, UTC).
 * NOAA solar calculator; see the module comment for sources and accuracy.
 */
export function solarPosition(tNs: bigint, lat: number, lon: number): SolarPosition {
  const seconds = Number(tNs) / 1e9;
  const eph = ephemeris(julianCentury(seconds));
  return horizontal(seconds, lat, lon, eph);
}

function julianCentury(unixSeconds: number): number {
  return (unixSeconds / 86_400 + JD_UNIX_EPOCH - JD_J2000) / 36_525;
}

function horizontal(unixSeconds: number, lat: number, lon: number, eph: Ephemeris): SolarPosition {
  const hourAngle = hourAngleDeg(unixSeconds, lon, eph.equationOfTime);
  const latR = lat * DEG;
  const decR = eph.declination * DEG;
  const haR = hourAngle * DEG;
  const geometricElevation = elevationDeg(Math.sin(latR), Math.cos(latR), decR, haR);
  // Meeus 13.5 (azimuth from south, westward), turned to clockwise from north. atan2 stays defined at the
  // poles and the zenith, where NOAA's acos form divides by zero.
  const azSouth = Math.atan2(Math.sin(haR), Math.cos(haR) * Math.sin(latR) - Math.tan(decR) * Math.cos(latR));
  const azimuth = mod(azSouth * RAD + 180, 360);
  return {
    elevation: geometricElevation + refractionCorrection(geometricElevation),
    geometricElevation,
    azimuth,
    declination: eph.declination,
    equationOfTime: eph.equationOfTime,
    hourAngle,
  };
}

/** NOAA columns AB/AC: true solar time from UTC, then the hour angle in [-180, 180). */
function hourAngleDeg(unixSeconds: number, lon: number, equationOfTime: number): number {
  const minutesOfDay = mod(unixSeconds, 86_400) / 60;
  const trueSolarTime = mod(minutesOfDay + equationOfTime + 4 * lon, 1440);
  return trueSolarTime / 4 - 180;
}

function elevationDeg(sinLat: number, cosLat: number, decR: number, haR: number): number {
  const cosZenith = sinLat * Math.sin(decR) + cosLat * Math.cos(decR) * Math.cos(haR);
  return 90 - Math.acos(Math.min(1, Math.max(-1, cosZenith))) * RAD;
}

/**
 * Apparent elevations at which the light class changes. The definitions are geometric (US Naval Observatory,
 * also NOAA's): sunrise/sunset when the centre is 0.833° below the horizon, i.e. the upper limb touches it
 * with 34' standard refraction and a 16' semi-diameter; civil twilight ends at -6°. Mapped through NOAA's
 * refraction so that `lightFromElevation` takes the same apparent elevation `enrichSun` stores.
 */
export const SUNRISE_ELEVATION = -0.833 + refractionCorrection(-0.833);
export const CIVIL_TWILIGHT_ELEVATION = -6 + refractionCorrection(-6);

/**
 * Light class from an apparent (refraction-corrected) solar elevation in degrees: 'day' while the upper limb
 * is above the horizon (after NOAA sunrise, before NOAA sunset), 'twilight' during civil twilight (centre
 * down to -6°; nautical twilight counts as night: drivers need headlights by then), else 'night'.
 * NaN gives null.
 */
export function lightFromElevation(elevation: number): Light | null {
  if (Number.isNaN(elevation)) return null;
  if (elevation > SUNRISE_ELEVATION) return 'day';
  if (elevation > CIVIL_TWILIGHT_ELEVATION) return 'twilight';
  return 'night';
}

/** The light classes, in the order of their codes. */
const LIGHTS: readonly Light[] = ['day', 'twilight', 'night'];
const LIGHT_CODE: Readonly<Record<Light, number>> = { day: 0, twilight: 1, night: 2 };

/** Per elevation, the code in LIGHTS of `lightFromElevation`'s class (-1 for NaN). */
function lightCodes(elevation: Float64Array, out: Int32Array): void {
  for (let i = 0; i < elevation.length; i++) {
    const light = lightFromElevation(elevation[i] as number);
    out[i] = light === null ? -1 : LIGHT_CODE[light];
  }
}

/** Seconds between ephemeris evaluations; declination and equation of time are interpolated in between. */
const EPHEMERIS_STEP_S = 600;

/**
 * Sun elevation (apparent, degrees) and light class for every tick of a timeline, from its lat/lon signals.
 * NaN and null where the position is unknown (or the timeline has no position at all).
 *
 * Speed: the elevation is computed exactly once a second (anchor ticks) and interpolated linearly in time
 * for the ticks between two anchors when every tick in between has a position; otherwise each tick is
 * computed. In one second the sun moves at most 0.004° and a car at 60 m/s 0.0005° of latitude; the
 * interpolation error stays below 1e-4°, and below 1e-3° within a second of the two elevations where NOAA's
 * piecewise refraction switches formula (-0.575°, a kink; 5°, a 0.0005° jump).
 * Declination and equation of time change by at most 0.4° and 30 s per day: they are evaluated every
 * 10 minutes and interpolated too.
 */
export function enrichSun(timeline: Timeline): { sun_elevation: Float64Array; light: TextColumn } {
  const n = timeline.t.length;
  const elevation = new Float64Array(n).fill(Number.NaN);
  const light: TextColumn = { codes: new Int32Array(n).fill(-1), names: LIGHTS };
  const lat = timeline.numeric.lat;
  const lon = timeline.numeric.lon;
  if (!lat || !lon || n === 0) return { sun_elevation: elevation, light };

  const sun = new TickSun(timeline.t, lat, lon);
  const step = Math.max(1, Math.round(timeline.hz));
  let a = 0;
  let ea = sun.at(0);
  while (a < n - 1) {
    const b = Math.min(a + step, n - 1);
    const eb = sun.at(b);
    let complete = !Number.isNaN(ea) && !Number.isNaN(eb);
    for (let i = a + 1; complete && i < b; i++) complete = sun.valid(i);
    if (complete) {
      const ta = sun.seconds(a);
      const span = sun.seconds(b) - ta;
      for (let i = a + 1; i < b; i++) elevation[i] = ea + ((eb - ea) * (sun.seconds(i) - ta)) / span;
    } else {
      for (let i = a + 1; i < b; i++) elevation[i] = sun.at(i);
    }
    elevation[a] = ea;
    elevation[b] = eb;
    a = b;
    ea = eb;
  }
  elevation[a] = ea;
  lightCodes(elevation, light.codes);
  return { sun_elevation: elevation, light };
}

/** Exact per-tick solar elevation over a timeline's columns, with the ephemeris cached per 10 minutes. */
class TickSun {
  private segStart = Number.NaN;
  private dayStart = 0;
  private eph0: Ephemeris = { declination: 0, equationOfTime: 0 };
  private eph1: Ephemeris = this.eph0;

  /** The ticks' 32-bit words (little-endian hosts): a BigInt read per tick allocated one. */
  private readonly words: Int32Array | undefined;

  constructor(
    private readonly t: BigInt64Array,
    private readonly lat: Float64Array,
    private readonly lon: Float64Array,
  ) {
    if (LITTLE_ENDIAN) this.words = new Int32Array(t.buffer, t.byteOffset, t.length * 2);
  }

  /** Tick i's time, seconds since the epoch (rounded once to a double, as `Number(t) / 1e9`). */
  seconds(i: number): number {
    const words = this.words;
    if (!words) return Number(this.t[i] ?? 0n) / 1e9;
    return ((words[2 * i + 1] as number) * 4294967296 + ((words[2 * i] as number) >>> 0)) / 1e9;
  }

  valid(i: number): boolean {
    return !Number.isNaN(this.lat[i] ?? Number.NaN) && !Number.isNaN(this.lon[i] ?? Number.NaN);
  }

  /** Apparent elevation at tick i, degrees; NaN without a position. */
  at(i: number): number {
    const la = this.lat[i] ?? Number.NaN;
    const lo = this.lon[i] ?? Number.NaN;
    if (Number.isNaN(la) || Number.isNaN(lo)) return Number.NaN;
    const seconds = this.seconds(i);
    if (!(seconds >= this.segStart && seconds < this.segStart + EPHEMERIS_STEP_S)) {
      this.segStart = Math.floor(seconds / EPHEMERIS_STEP_S) * EPHEMERIS_STEP_S;
      // 86 400 is a multiple of the step, so a segment never spans midnight UTC.
      this.dayStart = Math.floor(this.segStart / 86_400) * 86_400;
      this.eph0 = ephemeris(julianCentury(this.segStart));
      this.eph1 = ephemeris(julianCentury(this.segStart + EPHEMERIS_STEP_S));
    }
    const f = (seconds - this.segStart) / EPHEMERIS_STEP_S;
    const declination = this.eph0.declination + f * (this.eph1.declination - this.eph0.declination);
    const equationOfTime =
      this.eph0.equationOfTime + f * (this.eph1.equationOfTime - this.eph0.equationOfTime);
    // The hour angle as in hourAngleDeg without the two floating-point mods: the cosine does not need them.
    const ha = (seconds - this.dayStart) / 240 + equationOfTime / 4 + lo - 180;
    const geometric = elevationDeg(Math.sin(la * DEG), Math.cos(la * DEG), declination * DEG, ha * DEG);
    return geometric + refractionCorrection(geometric);
  }
}

function mod(x: number, m: number): number {
  const r = x % m;
  return r < 0 ? r + m : r;
}
