/**
 * Detectors of longitudinal motion and rest: high velocity, hard braking and acceleration, stops,
 * stop-and-go, standstill, reversing.
 */
import { codeOf } from '../timeline.js';
import type { Detection, Detector, DetectorInput, DetectorResult } from './detector.js';
import { G } from './detectorConfig.js';
import {
  atLeast,
  atMost,
  hysteresis,
  mergeGaps,
  minDuration,
  seededBy,
  ticksOf,
  where,
  type Interval,
} from './intervals.js';

const KMH = 1 / 3.6;

const NO_SPEED = 'no speed: needs speed, or lat/lon to derive it';

/** Speed above a motorway limit (Schmitt trigger so that cruising at the limit is one interval). */
export const highVelocity: Detector = {
  type: 'high_velocity',
  detect({ motion, config }) {
    const speed = motion.speed;
    if (!speed) return { skipped: NO_SPEED };
    const c = config.high_velocity;
    let found = hysteresis(speed.values, {
      direction: 'above',
      enter: c.enter_kmh * KMH,
      leave: c.leave_kmh * KMH,
    });
    found = minDuration(
      mergeGaps(found, ticksOf(c.merge_gap_s, motion.hz)),
      ticksOf(c.min_duration_s, motion.hz),
    );
    return detections('high_velocity', found);
  },
};

/**
 * Hard braking: a braking epoch (deceleration beyond `epoch_g`) whose deceleration reaches `peak_g` for
 * at least `min_peak_s`. The scenario spans the whole epoch, onset to release, as acceleration-epoch
 * catalogues of naturalistic driving data do, not only the part beyond the peak threshold.
 */
export const hardBraking: Detector = {
  type: 'hard_braking',
  detect(input) {
    const c = input.config.hard_braking;
    return accelerationEpochs(input, 'hard_braking', -1, c);
  },
};

/** Hard acceleration: the mirror image of hard braking. */
export const hardAcceleration: Detector = {
  type: 'hard_acceleration',
  detect(input) {
    const c = input.config.hard_acceleration;
    return accelerationEpochs(input, 'hard_acceleration', 1, c);
  },
};

function accelerationEpochs(
  { motion }: DetectorInput,
  type: 'hard_braking' | 'hard_acceleration',
  sign: 1 | -1,
  c: { peak_g: number; epoch_g: number; min_peak_s: number; merge_gap_s: number },
): DetectorResult {
  const accel = motion.accelLong;
  if (!accel) return { skipped: 'no longitudinal acceleration: needs accel_long, or a speed to derive it' };
  const beyond = (threshold: number): Interval[] =>
    sign > 0 ? atLeast(accel.values, threshold * G) : atMost(accel.values, -threshold * G);
  const strong = minDuration(beyond(c.peak_g), Math.max(1, ticksOf(c.min_peak_s, motion.hz)));
  const epochs = seededBy(beyond(c.epoch_g), strong);
  return detections(type, mergeGaps(epochs, ticksOf(c.merge_gap_s, motion.hz)));
}

/** Ticks at rest: below `stop.enter_kmh` until above `stop.leave_kmh`. */
function stationary({ motion, config }: DetectorInput): Interval[] | undefined {
  const speed = motion.speed;
  if (!speed) return undefined;
  return hysteresis(speed.values, {
    direction: 'below',
    enter: config.stop.enter_kmh * KMH,
    leave: config.stop.leave_kmh * KMH,
  });
}

/**
 * Stops: the vehicle comes to rest after moving and stays at rest at least `stop.min_duration_s`. A stop
 * lasts until the vehicle moves again, is put in park (then it is parked, see standstill) or the drive
 * ends. Rest from the first tick is no stop: nothing was seen moving before it.
 */
function stops(input: DetectorInput): Interval[] | undefined {
  const rest = stationary(input);
  const speed = input.motion.speed;
  if (!rest || !speed) return undefined;
  const gear = input.timeline.text.gear;
  const moving = input.config.stop.leave_kmh * KMH;
  const out: Interval[] = [];
  let previousEnd = 0;
  for (const r of rest) {
    // Seen moving since the previous rest: above the leave threshold at some tick (not just noise).
    let moved = false;
    for (let i = previousEnd; i < r.start && !moved; i++) moved = (speed.values[i] as number) > moving;
    previousEnd = r.end;
    if (!moved) continue;
    let end = r.end;
    const park = gear ? codeOf(gear, 'P') : -1;
    if (gear && park >= 0) {
      for (let i = r.start; i < r.end; i++) {
        if (gear.codes[i] === park) {
          end = i;
          break;
        }
      }
    }
    out.push({ start: r.start, end });
  }
  return minDuration(out, Math.max(1, ticksOf(input.config.stop.min_duration_s, input.motion.hz)));
}

export const stop: Detector = {
  type: 'stop',
  detect(input) {
    const found = stops(input);
    return found ? detections('stop', found) : { skipped: NO_SPEED };
  },
};

/**
 * Stop-and-go: at least `min_stops` stops, each reached within `max_gap_s` of driving from the previous
 * one, never faster than `max_speed_kmh` in between (queues, congested traffic). A stop longer than
 * `max_stop_s` ends an episode: the traffic stands.
 */
export const stopAndGo: Detector = {
  type: 'stop_and_go',
  detect(input) {
    const found = stops(input);
    const speed = input.motion.speed;
    if (!found || !speed) return { skipped: NO_SPEED };
    const c = input.config.stop_and_go;
    const hz = input.motion.hz;
    const maxGap = ticksOf(c.max_gap_s, hz);
    const maxStop = ticksOf(c.max_stop_s, hz);
    const out: Detection[] = [];
    let episode: Interval[] = [];
    const close = (): void => {
      const first = episode[0];
      const last = episode[episode.length - 1];
      if (first && last && episode.length >= c.min_stops)
        out.push({
          type: 'stop_and_go',
          start: first.start,
          end: last.end,
          tags: [],
          facts: { stops: episode.length },
        });
      episode = [];
    };
    for (const s of found) {
      if (s.end - s.start > maxStop) {
        close();
        continue;
      }
      const previous = episode[episode.length - 1];
      if (previous) {
        let fastest = 0;
        for (let i = previous.end; i < s.start; i++) fastest = Math.max(fastest, speed.values[i] as number);
        if (s.start - previous.end > maxGap || !(fastest <= c.max_speed_kmh * KMH)) close();
      }
      episode.push(s);
    }
    close();
    return { detections: out };
  },
};

/** Standstill: at rest at least `min_duration_s`, or parked (gear P) at least `parked_min_duration_s`. */
export const standstill: Detector = {
  type: 'standstill',
  detect(input) {
    const rest = stationary(input);
    if (!rest) return { skipped: NO_SPEED };
    const c = input.config.standstill;
    const hz = input.motion.hz;
    const gear = input.timeline.text.gear;
    const parkedTicks = Math.max(1, ticksOf(c.parked_min_duration_s, hz));
    const park = gear ? codeOf(gear, 'P') : -1;
    const out: Detection[] = [];
    for (const r of rest) {
      let parked = 0;
      let longestParked = 0;
      if (gear && park >= 0) {
        for (let i = r.start; i < r.end; i++) {
          parked = gear.codes[i] === park ? parked + 1 : 0;
          longestParked = Math.max(longestParked, parked);
        }
      }
      const isParked = longestParked >= parkedTicks;
      if (isParked || r.end - r.start >= ticksOf(c.min_duration_s, hz))
        out.push({ type: 'standstill', start: r.start, end: r.end, tags: isParked ? ['parked'] : [] });
    }
    return { detections: out };
  },
};

/** Reversing: gear R, or a negative speed from a source that signs it. */
export const reversing: Detector = {
  type: 'reversing',
  detect({ timeline, motion, config }) {
    const gear = timeline.text.gear;
    const speed = motion.speed?.values;
    const signed = speed !== undefined && speed.some((v) => v < 0);
    if (!gear && !signed)
      return { skipped: 'no gear: needs gear (R), or a signed speed (canonical speed is never negative)' };
    const c = config.reversing;
    const reverse = gear ? codeOf(gear, 'R') : -1;
    const codes = gear?.codes;
    let found = where(
      motion.n,
      (i) => (reverse >= 0 && codes?.[i] === reverse) || (signed && (speed[i] as number) < -0.1),
    );
    found = minDuration(
      mergeGaps(found, ticksOf(c.merge_gap_s, motion.hz)),
      ticksOf(c.min_duration_s, motion.hz),
    );
    return detections('reversing', found);
  },
};

/** Wraps tick intervals as detections without tags. */
function detections(type: Detection['type'], found: readonly Interval[]): DetectorResult {
  return { detections: found.map((x) => ({ type, start: x.start, end: x.end, tags: [] })) };
}
