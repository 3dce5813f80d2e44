/**
 * Turns detections (tick intervals) into Scenario records: times, metrics, positions, weather and light,
 * a deterministic id and a one-line description.
 */
import type { Scenario, ScenarioMetrics, ScenarioType } from '../scenario.js';
import type { TextColumn, Timeline } from '../timeline.js';
import type { Detection } from './detector.js';
import type { MotionSignals } from './motionSignals.js';

/**
 * Version of the detectors' definitions. Part of every scenario id: bump it when a definition or a
 * default threshold changes, so ids of differently detected scenarios never collide.
 */
export const DETECTOR_VERSION = 'scenarios/2';

/**
 * Deterministic scenario id: 16 hex digits of FNV-1a 64 over the drive, type, start time and detector
 * version. The same detection run twice gets the same id, so re-running a drive replaces its rows.
 */
export function scenarioId(driveId: string, type: ScenarioType, startNs: bigint, version: string): string {
  const text = `${driveId}\u0000${type}\u0000${startNs}\u0000${version}`;
  let hash = 0xcbf29ce484222325n;
  const bytes = new TextEncoder().encode(text);
  for (const byte of bytes) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** Builds one Scenario per detection, in the order given. */
export function buildScenarios(
  timeline: Timeline,
  motion: MotionSignals,
  found: readonly Detection[],
): Scenario[] {
  return found.map((d) => buildScenario(timeline, motion, d));
}

function buildScenario(timeline: Timeline, motion: MotionSignals, d: Detection): Scenario {
  const hz = timeline.hz;
  const startNs = timeline.t[d.start] as bigint;
  const endNs = startNs + BigInt(Math.round(((d.end - d.start) * 1e9) / hz));
  const metrics = measure(motion, d.start, d.end);
  const place = positions(motion, d.start, d.end);
  const scenario: Scenario = {
    id: scenarioId(timeline.driveId, d.type, startNs, DETECTOR_VERSION),
    drive_id: timeline.driveId,
    vehicle: timeline.vehicle,
    type: d.type,
    start_ns: startNs,
    end_ns: endNs,
    duration_s: (d.end - d.start) / hz,
    metrics,
    ...place,
    weather: dominant(timeline.enrichment.weather_condition, d.start, d.end),
    light: dominant(timeline.enrichment.light, d.start, d.end),
    tags: d.tags,
    description: '',
    detector_version: DETECTOR_VERSION,
  };
  scenario.description = describe(scenario, motion, d);
  return scenario;
}

function measure(motion: MotionSignals, start: number, end: number): ScenarioMetrics {
  const speed = motion.speed?.values;
  let maxSpeed = -Infinity;
  let minSpeed = Infinity;
  let sum = 0;
  let count = 0;
  if (speed) {
    for (let i = start; i < end; i++) {
      const v = speed[i] as number;
      if (v !== v) continue;
      maxSpeed = Math.max(maxSpeed, v);
      minSpeed = Math.min(minSpeed, v);
      sum += v;
      count++;
    }
  }
  const accel = extremes(motion.accelLong?.values, start, end);
  const lat = extremes(motion.accelLat?.values, start, end);
  const angle = motion.yawAngle?.values;
  return {
    max_speed: count > 0 ? maxSpeed : null,
    min_speed: count > 0 ? minSpeed : null,
    mean_speed: count > 0 ? sum / count : null,
    min_accel: accel?.min ?? null,
    max_accel: accel?.max ?? null,
    max_lat_accel: lat ? Math.max(-lat.min, lat.max) : null,
    yaw_change: angle ? (angle[Math.min(end, angle.length - 1)] as number) - (angle[start] as number) : null,
    // Ticks are evenly spaced, so distance is the sum of speed over ticks times the period.
    distance: count > 0 ? sum / motion.hz : null,
  };
}

function extremes(
  values: Float64Array | undefined,
  start: number,
  end: number,
): { min: number; max: number } | undefined {
  if (!values) return undefined;
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < end; i++) {
    const v = values[i] as number;
    if (v !== v) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return min <= max ? { min, max } : undefined;
}

type Place = Pick<
  Scenario,
  'start_lat' | 'start_lon' | 'end_lat' | 'end_lon' | 'min_lat' | 'min_lon' | 'max_lat' | 'max_lon'
>;

const NO_PLACE: Place = {
  start_lat: null,
  start_lon: null,
  end_lat: null,
  end_lon: null,
  min_lat: null,
  min_lon: null,
  max_lat: null,
  max_lon: null,
};

/** First and last valid position in the interval and their bounding box; nulls without a position. */
function positions(motion: MotionSignals, start: number, end: number): Place {
  const { lat, lon } = motion;
  if (!lat || !lon) return NO_PLACE;
  let first = -1;
  let last = -1;
  let minLat = Infinity;
  let maxLat = -Infinity;
  let minLon = Infinity;
  let maxLon = -Infinity;
  for (let i = start; i < end; i++) {
    const a = lat[i] as number;
    const o = lon[i] as number;
    if (a !== a || o !== o) continue;
    if (first < 0) first = i;
    last = i;
    minLat = Math.min(minLat, a);
    maxLat = Math.max(maxLat, a);
    minLon = Math.min(minLon, o);
    maxLon = Math.max(maxLon, o);
  }
  if (first < 0) return NO_PLACE;
  return {
    start_lat: lat[first] as number,
    start_lon: lon[first] as number,
    end_lat: lat[last] as number,
    end_lon: lon[last] as number,
    min_lat: minLat,
    min_lon: minLon,
    max_lat: maxLat,
    max_lon: maxLon,
  };
}

/** The most frequent non-null value over the interval (ties: the first to reach the count). */
function dominant(values: TextColumn | undefined, start: number, end: number): string | null {
  if (!values) return null;
  const counts = new Array<number>(values.names.length).fill(0);
  const codes = values.codes;
  let best = -1;
  let bestCount = 0;
  for (let i = start; i < end; i++) {
    const code = codes[i] as number;
    if (code < 0) continue;
    const c = (counts[code] as number) + 1;
    counts[code] = c;
    if (c > bestCount) {
      best = code;
      bestCount = c;
    }
  }
  return best < 0 ? null : (values.names[best] ?? null);
}

const LABELS: Record<ScenarioType, string> = {
  high_velocity: 'High velocity',
  hard_braking: 'Hard braking',
  hard_acceleration: 'Hard acceleration',
  left_turn: 'Left turn',
  right_turn: 'Right turn',
  u_turn: 'U-turn',
  lane_change: 'Lane change',
  stop: 'Stop',
  stop_and_go: 'Stop-and-go',
  standstill: 'Standstill',
  reversing: 'Reversing',
  night_driving: 'Night driving',
  adverse_weather: 'Adverse weather',
  pedestrian: 'Pedestrian',
  cyclist: 'Cyclist',
  vehicle_in_lane: 'Vehicle in lane',
};

/** One line for search results, e.g. "Hard braking from 62 km/h to 0 at −7.1 m/s² (2.3 s)". */
function describe(s: Scenario, motion: MotionSignals, d: Detection): string {
  const m = s.metrics;
  const label = LABELS[s.type];
  const time = duration(s.duration_s);
  const speedAt = (i: number): number | null => {
    const v = motion.speed?.values[i];
    return v === undefined || v !== v ? null : v;
  };
  const fromTo = (): string => {
    // Speeds at the boundaries: the first tick in, and the first tick after (where end_ns is).
    const a = speedAt(d.start);
    const b = speedAt(Math.min(d.end, (motion.speed?.values.length ?? 1) - 1));
    return a === null || b === null ? '' : ` from ${kmhUnit(a)} to ${kmh(b) === '0' ? '0' : kmhUnit(b)}`;
  };
  const signalled = s.tags.includes('signalled') ? ', signalled' : '';
  switch (s.type) {
    case 'high_velocity':
      return `${label} up to ${kmhUnit(m.max_speed)} (${time})`;
    case 'hard_braking':
      return `${label}${fromTo()}${m.min_accel === null ? '' : ` at ${accel(m.min_accel)}`} (${time})`;
    case 'hard_acceleration':
      return `${label}${fromTo()}${m.max_accel === null ? '' : ` at ${accel(m.max_accel)}`} (${time})`;
    case 'left_turn':
    case 'right_turn':
    case 'u_turn': {
      const side = s.type === 'u_turn' ? ` (${s.tags[0] ?? ''})` : '';
      const angle = m.yaw_change === null ? '' : ` of ${Math.round(Math.abs(m.yaw_change))}°`;
      const at = m.mean_speed === null ? '' : ` at ${kmhUnit(m.mean_speed)}`;
      return `${label}${side}${angle}${at} (${time}${signalled})`;
    }
    case 'lane_change': {
      const offset = d.facts?.lateral_offset_m;
      const by = offset === undefined ? '' : ` by ${Math.abs(offset).toFixed(1)} m`;
      const at = m.mean_speed === null ? '' : ` at ${kmhUnit(m.mean_speed)}`;
      return `${label} to the ${s.tags[0] ?? ''}${by}${at} (${time}${signalled})`;
    }
    case 'stop':
      return `${label} for ${time}`;
    case 'stop_and_go':
      return `${label} with ${d.facts?.stops ?? '?'} stops (${time})`;
    case 'standstill':
      return `${label} for ${time}${s.tags.includes('parked') ? ', parked' : ''}`;
    case 'reversing': {
      const far = m.distance === null ? '' : ` ${Math.round(m.distance)} m`;
      return `${label}${far} (${time})`;
    }
    case 'night_driving':
    case 'adverse_weather': {
      const what = s.type === 'adverse_weather' && s.tags.length > 0 ? ` (${s.tags.join(', ')})` : '';
      const far = m.distance === null ? '' : `, ${(m.distance / 1000).toFixed(1)} km`;
      return `${label}${what} for ${time}${far}`;
    }
    case 'pedestrian':
    case 'cyclist':
    case 'vehicle_in_lane': {
      const nearest = d.facts?.nearest_m;
      const within = nearest === undefined ? '' : ` within ${nearest.toFixed(1)} m`;
      return `${label}${within} ahead for ${time}`;
    }
  }
}

function kmh(mps: number): string {
  return String(Math.round(mps * 3.6));
}

function kmhUnit(mps: number | null): string {
  return mps === null ? '?' : `${kmh(mps)} km/h`;
}

function accel(mps2: number): string {
  const text = Math.abs(mps2).toFixed(1);
  return `${mps2 < 0 ? '−' : ''}${text} m/s²`;
}

function duration(seconds: number): string {
  return seconds < 120 ? `${seconds.toFixed(1)} s` : `${(seconds / 60).toFixed(1)} min`;
}
