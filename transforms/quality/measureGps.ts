/**
 * Fix statistics of a drive's GNSS track: fix quality, HDOP, satellites, and position jumps (an implied
 * speed between consecutive valid fixes no vehicle reaches). One pass plus a selection for the HDOP median.
 */
import { selectMedian } from './selectMedian.js';

/** A drive's GNSS fixes, columnar. Missing values are NaN. */
export interface GpsTrack {
  /** ns since the epoch, in recorded order. */
  t: BigInt64Array;
  lat: Float64Array;
  lon: Float64Array;
  /** NMEA GGA fix quality (0 invalid, 1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float...). */
  fixQuality?: Int32Array | Float64Array;
  hdop?: Float64Array;
  satellites?: Int32Array | Float64Array;
}

export interface GpsLimits {
  minQuality: number;
  maxHdop: number;
  minSatellites: number;
  maxSpeedMps: number;
  minJumpDistanceM: number;
}

export interface GpsStats {
  fixes: number;
  /** Fixes with a position (finite lat and lon, fix quality not below the minimum when reported). */
  validFixes: number;
  /** Fixes below the minimum quality / all fixes reporting a quality; undefined when none does. */
  lowQualityShare?: number;
  hdopMax?: number;
  hdopMedian?: number;
  /** Fixes with HDOP above the limit / fixes reporting HDOP. */
  highHdopShare?: number;
  /** Fixes with fewer satellites than the minimum / fixes reporting a count. */
  lowSatellitesShare?: number;
  jumps: number;
  /** The largest jump: implied speed (m/s), distance (m), seconds and where it starts. */
  largestJump?: { speedMps: number; distanceM: number; seconds: number; at: bigint };
}

/** Mean Earth radius (IUGG), metres: haversine distances are good to ~0.5 % at this scale, plenty for jumps. */
const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Measures a GNSS track against `limits`. */
export function measureGps(gps: GpsTrack, limits: GpsLimits): GpsStats {
  const n = gps.t.length;
  const stats: GpsStats = { fixes: n, validFixes: 0, jumps: 0 };

  const quality = gps.fixQuality;
  if (quality) {
    let reported = 0;
    let low = 0;
    for (let i = 0; i < n; i++) {
      const q = quality[i] as number;
      if (Number.isNaN(q)) continue;
      reported++;
      if (q < limits.minQuality) low++;
    }
    if (reported > 0) stats.lowQualityShare = low / reported;
  }

  if (gps.hdop) {
    const finite = new Float64Array(n);
    let reported = 0;
    let high = 0;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const h = gps.hdop[i] as number;
      if (!Number.isFinite(h)) continue;
      finite[reported++] = h;
      if (h > limits.maxHdop) high++;
      if (h > max) max = h;
    }
    if (reported > 0) {
      stats.hdopMax = max;
      stats.hdopMedian = selectMedian(finite, reported);
      stats.highHdopShare = high / reported;
    }
  }

  if (gps.satellites) {
    let reported = 0;
    let low = 0;
    for (let i = 0; i < n; i++) {
      const s = gps.satellites[i] as number;
      if (Number.isNaN(s)) continue;
      reported++;
      if (s < limits.minSatellites) low++;
    }
    if (reported > 0) stats.lowSatellitesShare = low / reported;
  }

  let previous = -1;
  for (let i = 0; i < n; i++) {
    const lat = gps.lat[i] as number;
    const lon = gps.lon[i] as number;
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) continue;
    // A fix the receiver marks invalid carries a stale or made-up position: it is not a jump of the vehicle.
    if (quality && (quality[i] as number) < limits.minQuality) continue;
    stats.validFixes++;
    if (previous >= 0) {
      const seconds = Number((gps.t[i] as bigint) - (gps.t[previous] as bigint)) / 1e9;
      // Equal or backwards times are judged by the timing gates; a speed from them means nothing.
      if (seconds > 0) {
        const distance = haversineM(gps.lat[previous] as number, gps.lon[previous] as number, lat, lon);
        const speed = distance / seconds;
        if (speed > limits.maxSpeedMps && distance > limits.minJumpDistanceM) {
          stats.jumps++;
          if (!stats.largestJump || speed > stats.largestJump.speedMps) {
            stats.largestJump = {
              speedMps: speed,
              distanceM: distance,
              seconds,
              at: gps.t[previous] as bigint,
            };
          }
        }
      }
    }
    previous = i;
  }
  return stats;
}

/** Great-circle distance in metres (haversine). */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}
