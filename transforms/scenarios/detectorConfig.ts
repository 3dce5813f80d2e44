/**
 * Thresholds of the scenario detectors. Units are in the key names (km/h, g, deg, s, m) because that is
 * how the literature and people state them; the detectors convert to SI. The defaults and where each
 * comes from are listed in docs/scenarios.md.
 */
import { UsageError } from '../../core/errors.js';

/** Standard gravity, m/s^2 (ISO 80000-3). */
export const G = 9.80665;

export interface DetectorConfig {
  signals: {
    /** Centred moving-average window for accel_long, accel_lat and yaw_rate, seconds. */
    smoothing_s: number;
    /** Speed derived from positions (no speed signal): centred difference over this window, seconds. */
    position_speed_window_s: number;
    /** Below this speed a heading from GPS course or track is not trusted (it is noise at rest), km/h. */
    heading_min_speed_kmh: number;
  };
  high_velocity: { enter_kmh: number; leave_kmh: number; min_duration_s: number; merge_gap_s: number };
  hard_braking: {
    /** Deceleration (magnitude) the event must reach, g. */
    peak_g: number;
    /** The event spans the braking epoch: from where deceleration exceeds this to where it falls below, g. */
    epoch_g: number;
    /** The peak must be held this long (rejects single-sample spikes), seconds. */
    min_peak_s: number;
    merge_gap_s: number;
  };
  hard_acceleration: { peak_g: number; epoch_g: number; min_peak_s: number; merge_gap_s: number };
  turn: {
    /** |yaw rate| a turn must reach, deg/s. */
    enter_deg_s: number;
    /** |yaw rate| below which the turn has ended, deg/s. */
    leave_deg_s: number;
    /** Heading change of a left or right turn: at least this, deg. */
    min_heading_deg: number;
    /** At least this heading change is a U-turn, deg. */
    u_turn_min_heading_deg: number;
    /** More than this is a loop (a ramp, a roundabout circled), not reported, deg. */
    max_heading_deg: number;
    /** Turns happen at low speed: the highest speed during one, km/h. */
    max_speed_kmh: number;
    /**
     * A turn moves the vehicle: its highest speed reaches at least this, km/h (yawing on the spot, a gyro
     * drifting at a standstill, a robot rotating in place are not turns). Not applied without a speed.
     */
    min_speed_kmh: number;
    max_duration_s: number;
    /** Candidates of the same direction closer than this are one turn, seconds. */
    merge_gap_s: number;
  };
  lane_change: {
    /** Yaw-rate smoothing for lane changes (their yaw rates are small), seconds. */
    smoothing_s: number;
    /** |yaw rate| one lobe of the S-shaped yaw profile must reach, deg/s. */
    lobe_enter_deg_s: number;
    /** |yaw rate| where a lobe starts and ends, deg/s. */
    lobe_leave_deg_s: number;
    /** Longest pause between the two lobes, seconds. */
    max_lobe_gap_s: number;
    lane_width_m: number;
    /** Lateral offset over the maneuver, as a fraction of the lane width: at least. */
    min_offset_lanes: number;
    /** ... and at most (more is two lane changes or a swerve around something). */
    max_offset_lanes: number;
    /** A lane change ends on the heading it started with, within this, deg. */
    max_net_heading_deg: number;
    min_duration_s: number;
    max_duration_s: number;
    min_speed_kmh: number;
  };
  stop: {
    /** At rest below this speed, km/h. */
    enter_kmh: number;
    /** Moving again above this speed, km/h. */
    leave_kmh: number;
    min_duration_s: number;
  };
  standstill: {
    /** Standing still at least this long is a standstill whatever the gear, seconds. */
    min_duration_s: number;
    /** Standing still in park (gear P) at least this long is a standstill, seconds. */
    parked_min_duration_s: number;
  };
  stop_and_go: {
    min_stops: number;
    /** Longest drive between two stops of one stop-and-go episode, seconds. */
    max_gap_s: number;
    /** Highest speed between the stops, km/h. */
    max_speed_kmh: number;
    /** A stop longer than this is not part of stop-and-go (the traffic stands), seconds. */
    max_stop_s: number;
  };
  reversing: { min_duration_s: number; merge_gap_s: number };
  night_driving: { min_duration_s: number; merge_gap_s: number };
  adverse_weather: {
    /** Observed weather conditions that count as adverse. */
    conditions: string[];
    /** Without a weather condition: visibility below this is fog, metres. */
    fog_visibility_m: number;
    /** Without a weather condition: precipitation at least this is rain (snow at or below 0 degC), mm/h. */
    precipitation_mm_h: number;
    min_duration_s: number;
    merge_gap_s: number;
  };
  pedestrian: ObjectZoneConfig;
  cyclist: ObjectZoneConfig;
  vehicle_in_lane: ObjectZoneConfig;
}

/** Where an object must be, relative to the ego vehicle, and for how long, to make a scenario. */
export interface ObjectZoneConfig {
  /** Object classes (lower case) that count, as perception or label sources name them. */
  classes: string[];
  /** Longitudinal distance ahead (x forward, ISO 8855), metres: from ... */
  min_ahead_m: number;
  /** ... to. */
  max_ahead_m: number;
  /** Lateral distance either side of the ego centre line, metres. */
  max_lateral_m: number;
  min_duration_s: number;
  merge_gap_s: number;
}

export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = {
  signals: { smoothing_s: 0.5, position_speed_window_s: 2, heading_min_speed_kmh: 5 },
  high_velocity: { enter_kmh: 120, leave_kmh: 118, min_duration_s: 5, merge_gap_s: 3 },
  hard_braking: { peak_g: 0.4, epoch_g: 0.1, min_peak_s: 0.2, merge_gap_s: 1 },
  hard_acceleration: { peak_g: 0.2, epoch_g: 0.05, min_peak_s: 0.5, merge_gap_s: 1 },
  turn: {
    enter_deg_s: 5,
    leave_deg_s: 1,
    min_heading_deg: 60,
    u_turn_min_heading_deg: 150,
    max_heading_deg: 220,
    max_speed_kmh: 50,
    min_speed_kmh: 2,
    max_duration_s: 30,
    merge_gap_s: 1,
  },
  lane_change: {
    smoothing_s: 1,
    lobe_enter_deg_s: 0.4,
    lobe_leave_deg_s: 0.1,
    max_lobe_gap_s: 1.5,
    lane_width_m: 3.5,
    min_offset_lanes: 0.6,
    max_offset_lanes: 1.6,
    max_net_heading_deg: 5,
    min_duration_s: 2,
    max_duration_s: 12,
    min_speed_kmh: 30,
  },
  stop: { enter_kmh: 1, leave_kmh: 3, min_duration_s: 1 },
  standstill: { min_duration_s: 60, parked_min_duration_s: 2 },
  stop_and_go: { min_stops: 3, max_gap_s: 60, max_speed_kmh: 30, max_stop_s: 60 },
  reversing: { min_duration_s: 1, merge_gap_s: 1 },
  night_driving: { min_duration_s: 60, merge_gap_s: 60 },
  adverse_weather: {
    conditions: ['rain', 'snow', 'fog', 'thunderstorm'],
    fog_visibility_m: 1000,
    precipitation_mm_h: 0.5,
    min_duration_s: 60,
    merge_gap_s: 60,
  },
  pedestrian: {
    classes: ['pedestrian', 'person', 'walker'],
    min_ahead_m: 0,
    max_ahead_m: 30,
    max_lateral_m: 5,
    min_duration_s: 0.5,
    merge_gap_s: 1,
  },
  cyclist: {
    classes: ['cyclist', 'bicycle', 'bicyclist', 'bike'],
    min_ahead_m: 0,
    max_ahead_m: 30,
    max_lateral_m: 5,
    min_duration_s: 0.5,
    merge_gap_s: 1,
  },
  vehicle_in_lane: {
    classes: ['vehicle', 'car', 'truck', 'bus', 'van', 'motorcycle'],
    min_ahead_m: 0,
    max_ahead_m: 60,
    max_lateral_m: 1.75,
    min_duration_s: 2,
    merge_gap_s: 1,
  },
};

/**
 * Reads a detector configuration: JSON text, or a value already parsed from JSON. Keys left out keep their
 * defaults; an unknown key, a value of the wrong type, a negative number or an inconsistent pair (a leave
 * threshold beyond its enter threshold) is an error. Every problem is collected before one UsageError,
 * each named by its key path (`turn.enter_deg_s`).
 *
 * @param uri names the configuration in errors.
 * @throws UsageError listing every problem.
 */
export function parseDetectorConfig(json: unknown, uri: string): DetectorConfig {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json) as unknown;
    } catch (cause) {
      throw new UsageError(`detector config is not JSON: ${(cause as Error).message}`, { uri }, { cause });
    }
  }
  const problems: string[] = [];
  const config = merge(DEFAULT_DETECTOR_CONFIG, value, '', problems) as DetectorConfig;
  if (problems.length === 0) checkConsistency(config, problems);
  if (problems.length > 0) throw new UsageError(`detector config: ${problems.join('; ')}`, { uri });
  return config;
}

/** Copies `defaults`, overriding with `value`'s keys, checking each against the default's type. */
function merge(defaults: unknown, value: unknown, path: string, problems: string[]): unknown {
  if (Array.isArray(defaults)) {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      problems.push(`${path || '(root)'} must be an array of strings`);
      return defaults;
    }
    return (value as string[]).map((v) => v.toLowerCase());
  }
  if (typeof defaults === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`${path} must be a number, got ${describe(value)}`);
      return defaults;
    }
    if (value < 0) problems.push(`${path} must be >= 0, got ${value}`);
    return value;
  }
  const base = defaults as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path || '(root)'} must be an object, got ${describe(value)}`);
    return structuredClone(base);
  }
  const given = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(base, key)) problems.push(`unknown key ${path ? `${path}.` : ''}${key}`);
  }
  for (const [key, def] of Object.entries(base)) {
    const child = path ? `${path}.${key}` : key;
    out[key] = Object.hasOwn(given, key) ? merge(def, given[key], child, problems) : structuredClone(def);
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value}"` : typeof value;
}

function checkConsistency(c: DetectorConfig, problems: string[]): void {
  const below = (lower: string, lo: number, upper: string, hi: number): void => {
    if (!(lo < hi)) problems.push(`${lower} (${lo}) must be less than ${upper} (${hi})`);
  };
  below(
    'high_velocity.leave_kmh',
    c.high_velocity.leave_kmh,
    'high_velocity.enter_kmh',
    c.high_velocity.enter_kmh,
  );
  below('hard_braking.epoch_g', c.hard_braking.epoch_g, 'hard_braking.peak_g', c.hard_braking.peak_g);
  below(
    'hard_acceleration.epoch_g',
    c.hard_acceleration.epoch_g,
    'hard_acceleration.peak_g',
    c.hard_acceleration.peak_g,
  );
  below('turn.leave_deg_s', c.turn.leave_deg_s, 'turn.enter_deg_s', c.turn.enter_deg_s);
  below('turn.min_speed_kmh', c.turn.min_speed_kmh, 'turn.max_speed_kmh', c.turn.max_speed_kmh);
  below(
    'turn.min_heading_deg',
    c.turn.min_heading_deg,
    'turn.u_turn_min_heading_deg',
    c.turn.u_turn_min_heading_deg,
  );
  below(
    'turn.u_turn_min_heading_deg',
    c.turn.u_turn_min_heading_deg,
    'turn.max_heading_deg',
    c.turn.max_heading_deg,
  );
  below(
    'lane_change.lobe_leave_deg_s',
    c.lane_change.lobe_leave_deg_s,
    'lane_change.lobe_enter_deg_s',
    c.lane_change.lobe_enter_deg_s,
  );
  below(
    'lane_change.min_offset_lanes',
    c.lane_change.min_offset_lanes,
    'lane_change.max_offset_lanes',
    c.lane_change.max_offset_lanes,
  );
  below(
    'lane_change.min_duration_s',
    c.lane_change.min_duration_s,
    'lane_change.max_duration_s',
    c.lane_change.max_duration_s,
  );
  below('stop.enter_kmh', c.stop.enter_kmh, 'stop.leave_kmh', c.stop.leave_kmh);
  for (const key of ['pedestrian', 'cyclist', 'vehicle_in_lane'] as const) {
    below(`${key}.min_ahead_m`, c[key].min_ahead_m, `${key}.max_ahead_m`, c[key].max_ahead_m);
  }
  if (c.signals.smoothing_s <= 0) problems.push('signals.smoothing_s must be > 0');
  if (c.lane_change.smoothing_s <= 0) problems.push('lane_change.smoothing_s must be > 0');
  if (c.signals.position_speed_window_s <= 0) problems.push('signals.position_speed_window_s must be > 0');
  if (c.stop_and_go.min_stops < 2) problems.push('stop_and_go.min_stops must be at least 2');
}
