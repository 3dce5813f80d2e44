import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PartitionedTableWriter } from '../../../catalog/tableWriter.js';
import { generateDemoDrive } from '../../../ingest/demo/generateDemoDrive.js';
import { DETECTOR_VERSION, scenarioId } from '../../../transforms/scenarios/buildScenarios.js';
import { detectScenarios } from '../../../transforms/scenarios/detectScenarios.js';
import { SCENARIOS, scenariosToBatch } from '../../../transforms/scenarios/scenariosTable.js';
import { openDuck, sqlString } from '../../catalog/duckdb.js';
import { tempLake } from '../../catalog/tempLake.js';
import { demoTimeline } from './demoTimelines.js';

describe('scenarios table', () => {
  const drive = generateDemoDrive({ seed: 4 });
  const timeline = demoTimeline(drive);
  const { scenarios } = detectScenarios(timeline);

  it('gives deterministic, distinct ids that depend on drive, type, start and detector version', () => {
    expect(detectScenarios(timeline).scenarios.map((s) => s.id)).toEqual(scenarios.map((s) => s.id));
    expect(new Set(scenarios.map((s) => s.id)).size).toBe(scenarios.length);
    const s = scenarios[0];
    expect(s).toBeDefined();
    if (!s) return;
    expect(s.id).toMatch(/^[0-9a-f]{16}$/);
    expect(scenarioId(s.drive_id, s.type, s.start_ns, DETECTOR_VERSION)).toBe(s.id);
    expect(scenarioId(s.drive_id, s.type, s.start_ns, 'scenarios/0')).not.toBe(s.id);
    expect(scenarioId('other', s.type, s.start_ns, DETECTOR_VERSION)).not.toBe(s.id);
    expect(scenarioId(s.drive_id, s.type, s.start_ns + 1n, DETECTOR_VERSION)).not.toBe(s.id);
  });

  it('writes typed columns that DuckDB reads back as the records hold them', async () => {
    const store = await tempLake();
    const writer = new PartitionedTableWriter({
      store,
      table: SCENARIOS,
      vehicle: 'demo',
      driveId: timeline.driveId,
    });
    await writer.append(scenariosToBatch(scenarios));
    const files = await writer.close();
    expect(files.map((f) => f.key)).toEqual([
      `tables/scenarios/vehicle=demo/date=${drive.groundTruth.start.slice(0, 10)}/${timeline.driveId}-00000.parquet`,
    ]);
    const duck = await openDuck();
    try {
      const glob = sqlString(join(store.root, 'tables/scenarios/**/*.parquet'));
      const types = await duck.rows(`DESCRIBE SELECT * FROM read_parquet(${glob}, hive_partitioning = true)`);
      const typeOf: Record<string, unknown> = Object.fromEntries(
        types.map((r): [string, unknown] => [String(r.column_name), r.column_type]),
      );
      expect(typeOf).toMatchObject({
        scenario_id: 'VARCHAR',
        start_time: 'TIMESTAMP WITH TIME ZONE',
        max_speed: 'DOUBLE',
        tags: 'VARCHAR[]',
        vehicle: 'VARCHAR',
      });
      const rows = await duck.rows(`
        SELECT scenario_id, type, epoch_ns(start_time) AS start_ns, epoch_ns(end_time) AS end_ns, duration_s,
               min_accel, yaw_change, start_lat, max_lon, weather, tags, description, detector_version, drive_id
        FROM read_parquet(${glob}, hive_partitioning = true) ORDER BY start_time, type`);
      expect(rows.length).toBe(scenarios.length);
      const byId = new Map(scenarios.map((s) => [s.id, s]));
      for (const row of rows) {
        const s = byId.get(row.scenario_id as string);
        expect(s).toBeDefined();
        if (!s) continue;
        expect(row).toEqual({
          scenario_id: s.id,
          type: s.type,
          // Parquet stores microseconds.
          start_ns: (s.start_ns / 1000n) * 1000n,
          end_ns: (s.end_ns / 1000n) * 1000n,
          duration_s: s.duration_s,
          min_accel: s.metrics.min_accel,
          yaw_change: s.metrics.yaw_change,
          start_lat: s.start_lat,
          max_lon: s.max_lon,
          weather: null,
          tags: s.tags,
          description: s.description,
          detector_version: DETECTOR_VERSION,
          drive_id: timeline.driveId,
        });
      }
      const [braking] = await duck.rows(
        `SELECT description FROM read_parquet(${glob}) WHERE type = 'hard_braking' AND min_accel < -5`,
      );
      expect(braking?.description).toMatch(/^Hard braking from \d+ km\/h to \d+/);
    } finally {
      duck.close();
    }
  });
});
