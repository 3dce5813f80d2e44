/**
 * One detected scenario: what the `scenarios` table stores per row, what search indexes and what
 * OpenSCENARIO export starts from.
 */

export const SCENARIO_TYPES = [
  'high_velocity',
  'hard_braking',
  'hard_acceleration',
  'left_turn',
  'right_turn',
  'u_turn',
  'lane_change',
  'stop',
  'stop_and_go',
  'standstill',
  'reversing',
  'night_driving',
  'adverse_weather',
  'pedestrian',
  'cyclist',
  'vehicle_in_lane',
] as const;

export type ScenarioType = (typeof SCENARIO_TYPES)[number];

export interface ScenarioMetrics {
  /** m/s */
  max_speed: number | null;
  min_speed: number | null;
  mean_speed: number | null;
  /** m/s^2; most negative longitudinal acceleration (strongest braking). */
  min_accel: number | null;
  max_accel: number | null;
  /** m/s^2, absolute. */
  max_lat_accel: number | null;
  /** Signed heading change over the interval, degrees; positive = counter-clockwise (left). */
  yaw_change: number | null;
  /** metres travelled. */
  distance: number | null;
}

export interface Scenario {
  /** Deterministic: the same drive, type, start and detector version give the same id. */
  id: string;
  drive_id: string;
  vehicle: string;
  type: ScenarioType;
  /** ns since the epoch (UTC). */
  start_ns: bigint;
  end_ns: bigint;
  duration_s: number;
  metrics: ScenarioMetrics;
  start_lat: number | null;
  start_lon: number | null;
  end_lat: number | null;
  end_lon: number | null;
  /** Bounding box of the positions during the scenario. */
  min_lat: number | null;
  min_lon: number | null;
  max_lat: number | null;
  max_lon: number | null;
  /** Dominant observed weather condition during the scenario, null when unknown. */
  weather: string | null;
  /** Dominant light: 'day' | 'twilight' | 'night', null when unknown. */
  light: string | null;
  tags: string[];
  /** One line a person reads in a search result. */
  description: string;
  detector_version: string;
}
