/**
 * What a scenario detector is: a function of a timeline (through its motion signals), the thresholds and
 * optional object tracks, giving tick intervals of one scenario type, or the reason it could not run.
 */
import type { ScenarioType } from '../scenario.js';
import type { Timeline } from '../timeline.js';
import type { DetectorConfig } from './detectorConfig.js';
import type { MotionSignals } from './motionSignals.js';
import type { ObjectTrack } from './objectTrack.js';

/** One detected occurrence: the tick range `[start, end)` and what the detector knows about it. */
export interface Detection {
  type: ScenarioType;
  start: number;
  end: number;
  /** Qualifiers a search can filter on: 'left', 'signalled', 'rain', 'object:17', ... */
  tags: string[];
  /** Numbers the detector measured that the metrics do not hold (for the description). */
  facts?: Readonly<Record<string, number>>;
}

export interface DetectorInput {
  timeline: Timeline;
  config: DetectorConfig;
  motion: MotionSignals;
  objects: readonly ObjectTrack[] | undefined;
}

/** Detections, or why the detector did not run (a missing signal): never an exception for missing data. */
export type DetectorResult = { detections: Detection[] } | { skipped: string };

export interface Detector {
  readonly type: ScenarioType;
  detect(input: DetectorInput): DetectorResult;
}
