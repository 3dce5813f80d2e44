import { describe, expect, it } from 'vitest';
import { generateDemoDrive, type DemoDrive } from '../../../ingest/demo/generateDemoDrive.js';
import { detectScenarios } from '../../../transforms/scenarios/detectScenarios.js';
import {
  scoreScenarios,
  type LabelledInterval,
  type TypeScore,
} from '../../../transforms/scenarios/scoreScenarios.js';
import { buildTimeline } from '../../../transforms/sync/buildTimeline.js';
import type { Timeline } from '../../../transforms/timeline.js';
import { demoSeries, demoTimeline } from './demoTimelines.js';
import { SCORED_TYPES, truthOf } from '../../../transforms/scenarios/demoTruth.js';

function score(seeds: readonly number[], timelineOf: (drive: DemoDrive) => Timeline): TypeScore[] {
  const truth: LabelledInterval[] = [];
  const detected: LabelledInterval[] = [];
  for (const seed of seeds) {
    const drive: DemoDrive = generateDemoDrive({ seed });
    truth.push(...truthOf(drive));
    const { scenarios } = detectScenarios(timelineOf(drive));
    for (const s of scenarios) if (SCORED_TYPES.has(s.type)) detected.push(s);
  }
  return scoreScenarios(truth, detected, { minIoU: 0.5 });
}

function table(title: string, scores: TypeScore[]): string {
  const rows = scores.map(
    (s) =>
      `${s.type.padEnd(18)} ${String(s.tp).padStart(3)} ${String(s.fp).padStart(3)} ${String(s.fn).padStart(3)}` +
      `  ${s.precision.toFixed(3)}  ${s.recall.toFixed(3)}  ${s.meanIoU.toFixed(3)}`,
  );
  return [title, `${'type'.padEnd(18)}  TP  FP  FN  prec.  recall  meanIoU`, ...rows].join('\n');
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Positions only: a logger that kept lat/lon from the GNSS receiver and nothing else. */
function positionsOnly(drive: DemoDrive): Timeline {
  const series = demoSeries(drive, { can: false }).filter((s) => s.signal === 'lat' || s.signal === 'lon');
  return buildTimeline(series, { driveId: `demo-${drive.seed}`, vehicle: 'demo', hz: 10 });
}

function expectAtLeast(scores: TypeScore[], bound: number): void {
  expect(scores.map((s) => s.type).sort()).toEqual([...SCORED_TYPES].sort());
  for (const s of scores) {
    expect(s.precision, `${s.type} precision`).toBeGreaterThanOrEqual(bound);
    expect(s.recall, `${s.type} recall`).toBeGreaterThanOrEqual(bound);
  }
}

// Generating a demo drive's CAN frames takes 1-2 s (bit-wise BigInt packing in ingest/demo/packSignal.ts),
// so 20 drives need more than the default timeout on a busy machine.
const CAN_TIMEOUT_MS = 300_000;

describe('scenario detection accuracy on demo drives, IoU >= 0.5', () => {
  for (const [name, seeds] of [
    ['seeds 1-20 (tuning)', range(1, 20)],
    ['seeds 21-40 (held out)', range(21, 40)],
  ] as const) {
    it(
      `CAN (DBC-decoded) + GPS through buildTimeline: precision and recall >= 0.95 per type, ${name}`,
      () => {
        const scores = score(seeds, (drive) => demoTimeline(drive));
        console.log(table(`CAN + GPS, ${name}`, scores));
        expectAtLeast(scores, 0.95);
      },
      CAN_TIMEOUT_MS,
    );
  }

  it('GNSS fixes only (lat/lon, speed, course; no CAN): >= 0.95 per type, seeds 1-40', () => {
    const scores = score(range(1, 40), (drive) => demoTimeline(drive, { can: false }));
    console.log(table('GNSS only, seeds 1-40', scores));
    expectAtLeast(scores, 0.95);
  });

  it('positions only (speed, acceleration and heading derived from lat/lon): >= 0.85 per type, seeds 1-40', () => {
    const scores = score(range(1, 40), positionsOnly);
    console.log(table('lat/lon only, seeds 1-40', scores));
    expectAtLeast(scores, 0.85);
  });
});
