/**
 * The `scenarios` table: one row per detected scenario, partitioned like the other curated tables by
 * vehicle and the UTC date of the scenario's start.
 */
import { Field, Float64, List, Schema, Utf8 } from 'apache-arrow';
import type {
  Float64Column,
  StringColumn,
  TimestampColumn,
  ValueColumn,
} from '../../catalog/columnBuffer.js';
import { column, driveId, name, PARTITION_KEYS, timestamp, type TableDef } from '../../catalog/tables.js';
import type { Scenario, ScenarioMetrics } from '../scenario.js';

/** Column shapes of `scenarios` rows. `drive_id` is filled in by the writer; `vehicle` is the partition. */
export interface ScenariosBatch {
  scenario_id: StringColumn;
  type: StringColumn;
  start_time: TimestampColumn;
  end_time: TimestampColumn;
  duration_s: Float64Column;
  max_speed: Float64Column;
  min_speed: Float64Column;
  mean_speed: Float64Column;
  min_accel: Float64Column;
  max_accel: Float64Column;
  max_lat_accel: Float64Column;
  yaw_change: Float64Column;
  distance: Float64Column;
  start_lat: Float64Column;
  start_lon: Float64Column;
  end_lat: Float64Column;
  end_lon: Float64Column;
  min_lat: Float64Column;
  min_lon: Float64Column;
  max_lat: Float64Column;
  max_lon: Float64Column;
  weather: StringColumn;
  light: StringColumn;
  tags: ValueColumn<readonly string[]>;
  description: StringColumn;
  detector_version: StringColumn;
}

const metric = (key: keyof ScenarioMetrics, doc: string, unit: string): Field =>
  column(key, new Float64(), `${doc}; null when the signal is missing.`, { nullable: true, unit });

const degrees = (key: string, doc: string): Field =>
  column(key, new Float64(), `${doc}, WGS84; null without a position.`, { nullable: true, unit: 'deg' });

export const SCENARIOS: TableDef<ScenariosBatch> = {
  name: 'scenarios',
  doc: 'Detected driving scenarios (maneuvers, events, conditions): one row each, with metrics and place.',
  schema: new Schema([
    column('scenario_id', new Utf8(), 'Deterministic id: hash of drive, type, start and detector version.'),
    driveId(),
    column('type', name(), 'Scenario type (high_velocity, hard_braking, left_turn, ...).'),
    column('start_time', timestamp(), 'Start of the scenario, UTC.'),
    column('end_time', timestamp(), 'End of the scenario, UTC.'),
    column('duration_s', new Float64(), 'end_time - start_time.', { unit: 's' }),
    metric('max_speed', 'Highest speed', 'm/s'),
    metric('min_speed', 'Lowest speed', 'm/s'),
    metric('mean_speed', 'Mean speed', 'm/s'),
    metric('min_accel', 'Most negative longitudinal acceleration (strongest braking)', 'm/s^2'),
    metric('max_accel', 'Largest longitudinal acceleration', 'm/s^2'),
    metric('max_lat_accel', 'Largest absolute lateral acceleration', 'm/s^2'),
    metric('yaw_change', 'Heading change, positive counter-clockwise (left)', 'deg'),
    metric('distance', 'Distance travelled', 'm'),
    degrees('start_lat', 'Latitude at the start'),
    degrees('start_lon', 'Longitude at the start'),
    degrees('end_lat', 'Latitude at the end'),
    degrees('end_lon', 'Longitude at the end'),
    degrees('min_lat', 'Bounding box of the positions: south'),
    degrees('min_lon', 'Bounding box: west'),
    degrees('max_lat', 'Bounding box: north'),
    degrees('max_lon', 'Bounding box: east'),
    column('weather', name(), 'Dominant observed weather condition; null when unknown.', { nullable: true }),
    column('light', name(), 'Dominant light: day, twilight or night; null when unknown.', { nullable: true }),
    column(
      'tags',
      new List(new Field('item', new Utf8(), false)),
      'Qualifiers: direction, signalled, weather conditions, object class and id.',
    ),
    column(
      'description',
      new Utf8(),
      'One line for a person, e.g. "Hard braking from 62 km/h to 0 at −7.1 m/s² (2.3 s)".',
    ),
    column('detector_version', name(), 'Version of the detector definitions that found it.'),
  ]),
  partitionKeys: PARTITION_KEYS,
  timeColumn: 'start_time',
  // A drive has tens of scenarios, not millions: default encodings.
  encodings: {},
};

/** Columns of `SCENARIOS` for one drive's scenarios (in the order given). */
export function scenariosToBatch(scenarios: readonly Scenario[]): ScenariosBatch {
  const pick = (get: (s: Scenario) => number | null): (number | null)[] => scenarios.map(get);
  return {
    scenario_id: scenarios.map((s) => s.id),
    type: scenarios.map((s) => s.type),
    start_time: scenarios.map((s) => s.start_ns),
    end_time: scenarios.map((s) => s.end_ns),
    duration_s: scenarios.map((s) => s.duration_s),
    max_speed: pick((s) => s.metrics.max_speed),
    min_speed: pick((s) => s.metrics.min_speed),
    mean_speed: pick((s) => s.metrics.mean_speed),
    min_accel: pick((s) => s.metrics.min_accel),
    max_accel: pick((s) => s.metrics.max_accel),
    max_lat_accel: pick((s) => s.metrics.max_lat_accel),
    yaw_change: pick((s) => s.metrics.yaw_change),
    distance: pick((s) => s.metrics.distance),
    start_lat: pick((s) => s.start_lat),
    start_lon: pick((s) => s.start_lon),
    end_lat: pick((s) => s.end_lat),
    end_lon: pick((s) => s.end_lon),
    min_lat: pick((s) => s.min_lat),
    min_lon: pick((s) => s.min_lon),
    max_lat: pick((s) => s.max_lat),
    max_lon: pick((s) => s.max_lon),
    weather: scenarios.map((s) => s.weather),
    light: scenarios.map((s) => s.light),
    tags: scenarios.map((s) => s.tags),
    description: scenarios.map((s) => s.description),
    detector_version: scenarios.map((s) => s.detector_version),
  };
}
