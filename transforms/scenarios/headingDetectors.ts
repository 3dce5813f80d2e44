/**
 * Detectors of heading changes: left and right turns, U-turns and lane changes, from the yaw rate and the
 * accumulated yaw angle (gyro, or GPS heading when there is no gyro: see motionSignals.ts).
 */
import type { ScenarioType } from '../scenario.js';
import type { Detection, Detector, DetectorInput, DetectorResult } from './detector.js';
import { atLeast, atMost, mergeGaps, seededBy, ticksOf, type Interval } from './intervals.js';
import { movingAverage } from './motionSignals.js';
import { codeOf } from '../timeline.js';

const KMH = 1 / 3.6;
const DEG = Math.PI / 180;
const NO_YAW = 'no heading: needs yaw_rate, heading, or lat/lon to derive one';

/** Heading change over `[start, end)`, deg, positive counter-clockwise. */
function headingChange(angle: Float64Array, start: number, end: number): number {
  return (angle[Math.min(end, angle.length - 1)] as number) - (angle[start] as number);
}

/** Largest value over `[start, end)`, ignoring NaN (NaN when there is none). */
function maxOf(values: Float64Array, start: number, end: number): number {
  let max = NaN;
  for (let i = start; i < end; i++) {
    const v = values[i] as number;
    if (!(v <= max)) max = v === v ? v : max;
  }
  return max;
}

/** A yaw "lobe": a contiguous run of yaw rate of one sign that reaches `enter` and spans down to `leave`. */
function lobes(
  yaw: Float64Array,
  enter: number,
  leave: number,
  mergeGap: number,
): { left: Interval[]; right: Interval[] } {
  const left = mergeGaps(seededBy(atLeast(yaw, leave), atLeast(yaw, enter)), mergeGap);
  const right = mergeGaps(seededBy(atMost(yaw, -leave), atMost(yaw, -enter)), mergeGap);
  return { left, right };
}

/**
 * Turns: a lobe of yaw rate (beyond `enter_deg_s`, bounded where it falls below `leave_deg_s`) whose
 * heading change is between `min_heading_deg` and `max_heading_deg`, at intersection speed (its highest
 * speed between `min_speed_kmh` and `max_speed_kmh`). At least `u_turn_min_heading_deg` is a U-turn.
 */
function turns(input: DetectorInput, want: ScenarioType): DetectorResult {
  const { motion, config } = input;
  const yaw = motion.yawRate;
  const angle = motion.yawAngle;
  if (!yaw || !angle) return { skipped: NO_YAW };
  const c = config.turn;
  const hz = motion.hz;
  const { left, right } = lobes(yaw.values, c.enter_deg_s, c.leave_deg_s, ticksOf(c.merge_gap_s, hz));
  const out: Detection[] = [];
  for (const [direction, found] of [
    ['left', left],
    ['right', right],
  ] as const) {
    for (const x of found) {
      if (x.end - x.start > ticksOf(c.max_duration_s, hz)) continue;
      const change = headingChange(angle.values, x.start, x.end);
      const size = Math.abs(change);
      if (size < c.min_heading_deg || size > c.max_heading_deg) continue;
      if (change > 0 !== (direction === 'left')) continue;
      const speed = motion.speed ? maxOf(motion.speed.values, x.start, x.end) : NaN;
      if (speed > c.max_speed_kmh * KMH || speed < c.min_speed_kmh * KMH) continue;
      const type: ScenarioType = size >= c.u_turn_min_heading_deg ? 'u_turn' : `${direction}_turn`;
      if (type !== want) continue;
      out.push({
        type,
        start: x.start,
        end: x.end,
        tags: [direction, ...signalled(input, x, direction)],
      });
    }
  }
  out.sort((a, b) => a.start - b.start);
  return { detections: out };
}

/** ['signalled'] when the turn indicator showed `direction` at some tick of the interval. */
function signalled({ timeline }: DetectorInput, x: Interval, direction: 'left' | 'right'): string[] {
  const signal = timeline.text.turn_signal;
  if (!signal) return [];
  const shown = codeOf(signal, direction);
  if (shown < 0) return [];
  for (let i = x.start; i < x.end; i++) if (signal.codes[i] === shown) return ['signalled'];
  return [];
}

export const leftTurn: Detector = { type: 'left_turn', detect: (input) => turns(input, 'left_turn') };
export const rightTurn: Detector = { type: 'right_turn', detect: (input) => turns(input, 'right_turn') };
export const uTurn: Detector = { type: 'u_turn', detect: (input) => turns(input, 'u_turn') };

/**
 * Lane changes. Moving sideways by a lane takes an S-shaped yaw-rate profile: a lobe one way, then one the
 * other way, ending on the heading it started with. Candidates are such lobe pairs; the lateral offset is
 * the integral of lateral velocity `v * sin(psi - psi_road)`, with the road heading taken as the straight
 * line between the headings at both ends (so a gently curving road does not add offset). A candidate is
 * a lane change when the offset is about one lane width, the net heading change is small, and the
 * duration and speed are those of a lane change.
 *
 * Not detected: lane changes on curves tight enough that the yaw rate never changes sign, and changes
 * slow enough that their yaw rate stays within `lobe_enter_deg_s` (their offset can only come from a map
 * or lane markings).
 */
export const laneChange: Detector = {
  type: 'lane_change',
  detect(input) {
    const { motion, config } = input;
    const yawRate = motion.yawRate;
    const angle = motion.yawAngle;
    const speed = motion.speed;
    if (!yawRate || !angle) return { skipped: NO_YAW };
    if (!speed) return { skipped: 'no speed: needs speed, or lat/lon to derive it (for the lateral offset)' };
    const c = config.lane_change;
    const hz = motion.hz;
    const yaw = movingAverage(yawRate.values, Math.max(1, ticksOf(c.smoothing_s, hz)));
    const { left, right } = lobes(yaw, c.lobe_enter_deg_s, c.lobe_leave_deg_s, 0);
    // Lobes of opposite sign never overlap: order them all by start, remembering the sign.
    const all = [...left.map((x) => ({ ...x, sign: 1 })), ...right.map((x) => ({ ...x, sign: -1 }))].sort(
      (x, y) => x.start - y.start,
    );
    const maxGap = ticksOf(c.max_lobe_gap_s, hz);
    const out: Detection[] = [];
    for (let k = 0; k + 1 < all.length; k++) {
      const a = all[k] as Interval & { sign: number };
      const b = all[k + 1] as Interval & { sign: number };
      if (a.sign === b.sign || b.start - a.end > maxGap) continue;
      const start = a.start;
      const end = b.end;
      const duration = (end - start) / hz;
      if (duration < c.min_duration_s || duration > c.max_duration_s) continue;
      const net = headingChange(angle.values, start, end);
      if (Math.abs(net) > c.max_net_heading_deg) continue;
      const offset = lateralOffset(speed.values, angle.values, start, end, hz);
      if (offset === undefined) continue;
      const lanes = Math.abs(offset.offset) / c.lane_width_m;
      if (lanes < c.min_offset_lanes || lanes > c.max_offset_lanes) continue;
      if (offset.minSpeed < c.min_speed_kmh * KMH) continue;
      const direction = offset.offset > 0 ? 'left' : 'right';
      if (a.sign > 0 !== (direction === 'left')) continue; // a left change starts turning left
      out.push({
        type: 'lane_change',
        start,
        end,
        tags: [direction, ...signalled(input, { start, end }, direction)],
        facts: { lateral_offset_m: offset.offset },
      });
      k++; // both lobes are used
    }
    return { detections: out };
  },
};

/**
 * Lateral offset over `[start, end)` relative to a road whose heading goes linearly from the heading at
 * `start` to the heading at `end`, m, positive to the left; undefined when a speed is missing.
 */
function lateralOffset(
  speed: Float64Array,
  angle: Float64Array,
  start: number,
  end: number,
  hz: number,
): { offset: number; minSpeed: number } | undefined {
  const last = Math.min(end, angle.length - 1);
  const a0 = angle[start] as number;
  const slope = last > start ? ((angle[last] as number) - a0) / (last - start) : 0;
  let offset = 0;
  let minSpeed = Infinity;
  for (let i = start; i < end; i++) {
    const v = speed[i] as number;
    if (v !== v) return undefined;
    minSpeed = Math.min(minSpeed, v);
    const deviation = ((angle[i] as number) - (a0 + slope * (i - start))) * DEG;
    offset += (v * Math.sin(deviation)) / hz;
  }
  return { offset, minSpeed };
}
