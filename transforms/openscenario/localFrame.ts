/**
 * A local east-north-up frame at a WGS84 origin, for OpenSCENARIO WorldPositions: x east, y north, z up,
 * metres, the way ASAM OpenDRIVE lays out its georeferenced inertial frame (x east, y north, z up) and
 * OpenSCENARIO's world frame follows it.
 */

/** WGS84 semi-major axis (m) and flattening (NIMA TR8350.2 §3). */
const A = 6_378_137;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const DEG = Math.PI / 180;

export interface GeoOrigin {
  /** Degrees. */
  lat: number;
  lon: number;
  /** Metres; the height the frame's z = 0 stands for. */
  alt: number;
}

export interface LocalPoint {
  x: number;
  y: number;
}

/**
 * x/y are the east/north components on the plane tangent to the ellipsoid at the origin (geodetic to ECEF,
 * then the ECEF-to-ENU rotation; exact, no small-area approximation), both taken at the origin's height so
 * that altitude noise never moves a point sideways. z is not the tangent plane's: callers use
 * altitude - origin altitude, as a map does, because a simulator's world is flat and 5 km away the plane
 * already sits 2 m above the ground.
 */
export class LocalFrame {
  private readonly x0: number;
  private readonly y0: number;
  private readonly z0: number;
  private readonly sinLat0: number;
  private readonly cosLat0: number;
  private readonly sinLon0: number;
  private readonly cosLon0: number;

  constructor(readonly origin: GeoOrigin) {
    this.sinLat0 = Math.sin(origin.lat * DEG);
    this.cosLat0 = Math.cos(origin.lat * DEG);
    this.sinLon0 = Math.sin(origin.lon * DEG);
    this.cosLon0 = Math.cos(origin.lon * DEG);
    const n = A / Math.sqrt(1 - E2 * this.sinLat0 * this.sinLat0);
    this.x0 = (n + origin.alt) * this.cosLat0 * this.cosLon0;
    this.y0 = (n + origin.alt) * this.cosLat0 * this.sinLon0;
    this.z0 = (n * (1 - E2) + origin.alt) * this.sinLat0;
  }

  /** East and north of the origin, metres, for a latitude/longitude in degrees. */
  toLocal(lat: number, lon: number): LocalPoint {
    const sinLat = Math.sin(lat * DEG);
    const cosLat = Math.cos(lat * DEG);
    const h = this.origin.alt;
    const n = A / Math.sqrt(1 - E2 * sinLat * sinLat);
    const dx = (n + h) * cosLat * Math.cos(lon * DEG) - this.x0;
    const dy = (n + h) * cosLat * Math.sin(lon * DEG) - this.y0;
    const dz = (n * (1 - E2) + h) * sinLat - this.z0;
    return {
      x: -this.sinLon0 * dx + this.cosLon0 * dy,
      y: -this.sinLat0 * this.cosLon0 * dx - this.sinLat0 * this.sinLon0 * dy + this.cosLat0 * dz,
    };
  }

  /**
   * OpenSCENARIO heading (radians, counter-clockwise from +x, [0, 2π)) of a course given in degrees
   * clockwise from true north at (lat, lon). True north away from the origin is not +y: meridians converge,
   * by about Δlon·sin(lat) (0.05° at 5 km east of an origin at 48° N), so it is measured, not assumed.
   */
  headingToLocal(courseDeg: number, lat: number, lon: number): number {
    const here = this.toLocal(lat, lon);
    const north = this.toLocal(lat + 1e-4, lon);
    const northAngle = Math.atan2(north.y - here.y, north.x - here.x);
    return wrapTwoPi(northAngle - courseDeg * DEG);
  }
}

/** OpenSCENARIO heading in a geographic frame (x east, y north at the point): π/2 - course. */
export function courseToHeading(courseDeg: number): number {
  return wrapTwoPi(Math.PI / 2 - courseDeg * DEG);
}

/** An angle in radians wrapped to [0, 2π). */
export function wrapTwoPi(angle: number): number {
  const r = angle % (2 * Math.PI);
  const wrapped = r < 0 ? r + 2 * Math.PI : r;
  // -1e-17 + 2π rounds to 2π itself.
  return wrapped >= 2 * Math.PI ? 0 : wrapped;
}
