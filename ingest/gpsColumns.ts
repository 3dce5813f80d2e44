import type { GpsBatch } from '../catalog/tables.js';
import type { GpsFix } from './nmea/gpsFix.js';

/** The `gps` table columns for a batch of fixes; absent fields become nulls. */
export function gpsColumns(fixes: readonly GpsFix[]): GpsBatch {
  const n = fixes.length;
  const t = new BigInt64Array(n);
  const col = (): (number | null)[] => new Array<number | null>(n);
  const lat = col();
  const lon = col();
  const alt = col();
  const altHae = col();
  const speed = col();
  const course = col();
  const fixQuality = col();
  const satellites = col();
  const hdop = col();
  const pdop = col();
  const vdop = col();
  for (let i = 0; i < n; i++) {
    const f = fixes[i] as GpsFix;
    t[i] = f.t;
    lat[i] = f.lat ?? null;
    lon[i] = f.lon ?? null;
    alt[i] = f.alt ?? null;
    altHae[i] = f.altHae ?? null;
    speed[i] = f.speed ?? null;
    course[i] = f.course ?? null;
    fixQuality[i] = f.fixQuality ?? null;
    satellites[i] = f.satellites ?? null;
    hdop[i] = f.hdop ?? null;
    pdop[i] = f.pdop ?? null;
    vdop[i] = f.vdop ?? null;
  }
  return {
    t,
    lat,
    lon,
    alt,
    alt_hae: altHae,
    speed,
    course,
    fix_quality: fixQuality,
    satellites,
    hdop,
    pdop,
    vdop,
  };
}

const EARTH_RADIUS_M = 6_371_008.8; // IUGG mean radius

/**
 * Sums great-circle (haversine) distances between consecutive fixes that have a position and a valid fix.
 * Jumps implying more than `maxSpeed` are skipped, so one bad fix does not add kilometres.
 * @default maxSpeed 100 m/s
 */
export function trackDistance(options: { maxSpeed?: number } = {}): {
  add(fix: GpsFix): void;
  readonly metres: number;
} {
  const maxSpeed = options.maxSpeed ?? 100;
  let metres = 0;
  let previous: { lat: number; lon: number; t: bigint } | undefined;
  return {
    add(fix) {
      if (fix.lat === undefined || fix.lon === undefined || fix.fixQuality === 0) return;
      if (previous) {
        const d = haversine(previous.lat, previous.lon, fix.lat, fix.lon);
        const seconds = Number(fix.t - previous.t) / 1e9;
        if (seconds > 0 && d / seconds <= maxSpeed) metres += d;
      }
      previous = { lat: fix.lat, lon: fix.lon, t: fix.t };
    },
    get metres() {
      return metres;
    },
  };
}

export function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}
