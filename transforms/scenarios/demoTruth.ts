/**
 * What each demo ground-truth label is as a scenario type (documented in docs/scenarios.md): the demo's
 * 'accelerate' steps are strong accelerations (2.0-2.8 m/s^2, 0.2-0.29 g) and 'hard_brake' a braking to
 * a standstill at 6.5-8 m/s^2.
 */
import type { DemoDrive } from '../../ingest/demo/generateDemoDrive.js';
import type { ManeuverType } from '../../ingest/demo/simulateRoute.js';
import type { ScenarioType } from '../scenario.js';
import type { LabelledInterval } from './scoreScenarios.js';

export const TRUTH_TYPES: Readonly<Record<ManeuverType, ScenarioType>> = {
  accelerate: 'hard_acceleration',
  high_velocity: 'high_velocity',
  lane_change: 'lane_change',
  left_turn: 'left_turn',
  right_turn: 'right_turn',
  hard_brake: 'hard_braking',
  stop: 'stop',
};

export const SCORED_TYPES: ReadonlySet<string> = new Set(Object.values(TRUTH_TYPES));

/** The drive's ground truth as scenario-typed intervals. */
export function truthOf(drive: DemoDrive): LabelledInterval[] {
  return drive.groundTruth.maneuvers.map((m) => ({
    type: TRUTH_TYPES[m.type],
    start_ns: BigInt(m.start_ns),
    end_ns: BigInt(m.end_ns),
  }));
}
