/**
 * Detectors of other road users around the ego vehicle, from object tracks (perception topics or labels):
 * a pedestrian or cyclist in the zone ahead, a vehicle ahead in the ego lane.
 */
import type { ScenarioType } from '../scenario.js';
import type { Detection, Detector, DetectorInput, DetectorResult } from './detector.js';
import type { ObjectZoneConfig } from './detectorConfig.js';
import { mergeGaps, minDuration, ticksOf, where } from './intervals.js';

/**
 * One scenario per track and stretch of time the object spends in the zone (`min_ahead_m` to
 * `max_ahead_m` ahead, within `max_lateral_m` either side). Tracks sampled more slowly than the ticks
 * cover the ticks between two in-zone samples up to `merge_gap_s` apart.
 */
function objectsInZone(input: DetectorInput, type: ScenarioType, zone: ObjectZoneConfig): DetectorResult {
  const { objects, timeline, motion } = input;
  if (objects === undefined) return { skipped: 'no object tracks: needs perception objects or labels' };
  const classes = new Set(zone.classes);
  const n = motion.n;
  const t0 = timeline.t[0];
  if (t0 === undefined) return { detections: [] };
  const periodNs = 1e9 / motion.hz;
  const maxGapNs = zone.merge_gap_s * 1e9;
  const tickOf = (t: bigint): number => Math.round(Number(t - t0) / periodNs);
  const out: Detection[] = [];
  const mask = new Uint8Array(n);
  const near = new Float64Array(n);
  for (const track of objects) {
    const kind = track.class.toLowerCase();
    if (!classes.has(kind)) continue;
    mask.fill(0);
    near.fill(Infinity);
    let previous = -1;
    for (let k = 0; k < track.t.length; k++) {
      const x = track.x[k] as number;
      const y = track.y[k] as number;
      const inside = x >= zone.min_ahead_m && x <= zone.max_ahead_m && Math.abs(y) <= zone.max_lateral_m;
      if (!inside) {
        previous = -1;
        continue;
      }
      const t = track.t[k] as bigint;
      const tick = tickOf(t);
      if (tick >= 0 && tick < n) near[tick] = Math.min(near[tick] as number, Math.hypot(x, y));
      const from =
        previous >= 0 && Number(t - (track.t[previous] as bigint)) <= maxGapNs
          ? tickOf(track.t[previous] as bigint)
          : tick;
      for (let i = Math.max(0, from); i <= Math.min(n - 1, tick); i++) mask[i] = 1;
      previous = k;
    }
    let found = where(n, (i) => mask[i] === 1);
    found = minDuration(
      mergeGaps(found, ticksOf(zone.merge_gap_s, motion.hz)),
      ticksOf(zone.min_duration_s, motion.hz),
    );
    for (const f of found) {
      let nearest = Infinity;
      for (let i = f.start; i < f.end; i++) nearest = Math.min(nearest, near[i] as number);
      out.push({
        type,
        start: f.start,
        end: f.end,
        tags: [kind, `object:${track.id}`],
        facts: { nearest_m: nearest },
      });
    }
  }
  out.sort((a, b) => a.start - b.start);
  return { detections: out };
}

export const pedestrian: Detector = {
  type: 'pedestrian',
  detect: (input) => objectsInZone(input, 'pedestrian', input.config.pedestrian),
};

export const cyclist: Detector = {
  type: 'cyclist',
  detect: (input) => objectsInZone(input, 'cyclist', input.config.cyclist),
};

export const vehicleInLane: Detector = {
  type: 'vehicle_in_lane',
  detect: (input) => objectsInZone(input, 'vehicle_in_lane', input.config.vehicle_in_lane),
};
