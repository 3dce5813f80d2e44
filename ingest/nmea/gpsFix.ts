/**
 * One GNSS epoch: everything a receiver said about one time of day, fused from the sentences that carry
 * that time (GGA, RMC, GNS, GLL, GST, ZDA) and the untimed ones that follow them (VTG, GSA, HDT, THS).
 * Optional fields are absent when no valid sentence of the epoch reported them; they are never 0 by default.
 */
export interface GpsFix {
  /** ns since the Unix epoch, UTC. */
  t: bigint;
  /** Degrees WGS84; absent when the receiver had no valid fix. */
  lat?: number;
  lon?: number;
  /** Metres above mean sea level (GGA/GNS altitude). */
  alt?: number;
  /** Metres above the WGS84 ellipsoid: `alt` + geoid separation, when the receiver sent the separation. */
  altHae?: number;
  /** Speed over ground, m/s (from RMC knots or VTG). */
  speed?: number;
  /** Course over ground, degrees true. */
  course?: number;
  /** Vehicle heading, degrees true (HDT/THS from dual-antenna or INS receivers); not the course. */
  heading?: number;
  /** GGA quality 0..8, or derived from the GNS/RMC mode letter when there is no GGA. */
  fixQuality?: number;
  /** 1 no fix, 2 2D, 3 3D, as in gpsd (0 = unknown): from GSA, else 3 with altitude, 2 without, 1 without position. */
  mode?: number;
  satellites?: number;
  hdop?: number;
  vdop?: number;
  pdop?: number;
  /** GST 1-sigma position errors, metres. */
  latErr?: number;
  lonErr?: number;
  altErr?: number;
  /** First source line of the epoch (1-based). */
  line: number;
}
