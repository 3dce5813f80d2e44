/**
 * Objects around the ego vehicle, as perception topics (tracked objects, detections) or labels give them:
 * one track per object. Object scenarios (pedestrian, cyclist, vehicle_in_lane) are detected from these;
 * without tracks those detectors are skipped.
 *
 * Positions are relative to the ego vehicle in its ISO 8855 frame: x forward, y left, metres, measured
 * from the ego reference point (a source that gives object positions in a map frame must transform them
 * first).
 */
export interface ObjectTrack {
  /** Stable within the drive (a tracker id or a label id). */
  id: string;
  /** The source's class name ('pedestrian', 'car', 'Cyclist', ...); compared in lower case. */
  class: string;
  /** Sample times, ns since the epoch, increasing. */
  t: BigInt64Array;
  /** Longitudinal position relative to ego, m, positive ahead. NaN where unknown. */
  x: Float64Array;
  /** Lateral position relative to ego, m, positive to the left. NaN where unknown. */
  y: Float64Array;
  /** Where the track came from, for reports: a topic name or a label file. */
  source?: string;
}
