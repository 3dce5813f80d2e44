/**
 * Scenario detection for one drive: every detector over the drive's timeline (and object tracks when
 * there are some), as Scenario records, with the detectors that could not run and why.
 */
import { SCENARIO_TYPES, type Scenario, type ScenarioType } from '../scenario.js';
import type { Timeline, TimelineColumn } from '../timeline.js';
import { buildScenarios } from './buildScenarios.js';
import type { Detection } from './detector.js';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from './detectorConfig.js';
import { DETECTORS } from './detectors.js';
import { motionSignals } from './motionSignals.js';
import type { ObjectTrack } from './objectTrack.js';

/**
 * Every timeline column detection can read (the detectors, the motion signals they derive, the scenario
 * records' weather and light): `adlake detect` decodes only these from the stored timeline. A test runs the
 * detectors over timelines that lack each column in turn and fails on a read outside this list.
 */
export const DETECTION_COLUMNS = [
  'speed',
  'accel_long',
  'accel_lat',
  'yaw_rate',
  'heading',
  'lat',
  'lon',
  'gear',
  'turn_signal',
  'light',
  'weather_condition',
  'precipitation',
  'visibility',
  'air_temp',
] as const satisfies readonly TimelineColumn[];

export interface SkippedDetector {
  type: ScenarioType;
  /** The missing input, e.g. 'no heading: needs yaw_rate, heading, or lat/lon to derive one'. */
  reason: string;
}

export interface DetectedScenarios {
  /** Ordered by start time, then type. */
  scenarios: Scenario[];
  skipped: SkippedDetector[];
}

/**
 * Runs every detector over `timeline`. A detector whose signals the timeline lacks is skipped and
 * reported, never an error; object detectors are skipped when `objects` is undefined (an empty array
 * means "objects were looked for and none were there").
 *
 * @param config thresholds (see `parseDetectorConfig`). @default DEFAULT_DETECTOR_CONFIG
 */
export function detectScenarios(
  timeline: Timeline,
  config: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
  objects?: readonly ObjectTrack[],
): DetectedScenarios {
  const motion = motionSignals(timeline, config);
  const found: Detection[] = [];
  const skipped: SkippedDetector[] = [];
  if (timeline.t.length === 0) return { scenarios: [], skipped };
  const input = { timeline, config, motion, objects };
  for (const type of SCENARIO_TYPES) {
    const result = DETECTORS[type].detect(input);
    if ('skipped' in result) skipped.push({ type, reason: result.skipped });
    else found.push(...result.detections);
  }
  const order = new Map(SCENARIO_TYPES.map((type, i) => [type, i]));
  found.sort((a, b) => a.start - b.start || (order.get(a.type) ?? 0) - (order.get(b.type) ?? 0));
  return { scenarios: buildScenarios(timeline, motion, found), skipped };
}
