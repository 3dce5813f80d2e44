/**
 * The Athena views of queries/analytics and queries/quality on the embedded DuckDB (Athena macros, the
 * engine's views of the lake), over three demo drives run through ingest → transform → detect: seeds 1 and
 * 2 of the demo vehicle (same ISO week), seed 3 of another vehicle the next week, with stricter gates on
 * seeds 2 (speed expected at 40 Hz: drift warning) and 3 (a wiper signal required: fail).
 *
 * Every number is checked against values computed here from another source: the detect reports' scenarios,
 * the transform and ingest reports, and the timeseries and quality Parquet files read with plain DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURATED_TABLES } from '../../catalog/curatedTables.js';
import { readQueryViews } from '../../report/queryViews.js';
import { DuckdbEngine } from '../../sql/duckdbEngine.js';
import type { Scenario } from '../../transforms/scenario.js';
import { DEFAULT_QUALITY_CONFIG } from '../../transforms/quality/qualityConfig.js';
import { openDuck, sqlString, type Duck } from '../catalog/duckdb.js';
import { buildDemoLake, type DemoLake, type DemoLakeDrive } from './demoLake.js';

let lake: DemoLake;
let engine: DuckdbEngine;
let duck: Duck;

beforeAll(async () => {
  lake = await buildDemoLake([
    { seed: 1 },
    { seed: 2, config: { quality: { ...DEFAULT_QUALITY_CONFIG, expectedHz: { speed: 40 } } } },
    { seed: 3, vehicle: 'fleet-car-b', config: { expectedSignals: ['wiper'] } },
  ]);
  engine = await DuckdbEngine.open({
    store: lake.store,
    views: await readQueryViews({ folders: ['analytics', 'quality'] }),
    tableDefs: Object.values(CURATED_TABLES),
  });
  duck = await openDuck();
}, 240_000);

afterAll(async () => {
  duck?.close();
  await engine?.close();
  await lake?.remove();
});

async function view(sql: string): Promise<Record<string, unknown>[]> {
  const result = await engine.query(sql);
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
}

/** The Parquet files of a table, read with plain DuckDB (no views, no macros). */
function parquet(table: string): string {
  return `read_parquet(${sqlString(`${lake.root}/lake/tables/${table}/*/*/*.parquet`)}, hive_partitioning = true, hive_types = {'vehicle': VARCHAR, 'date': VARCHAR})`;
}

const DAY_MS = 86_400_000;

/** The Monday (UTC) of the ISO week of a time, and the ISO year and week number. */
function isoWeek(ns: bigint): { monday: string; year: number; week: number } {
  const day = Math.floor(Number(ns / 1_000_000n) / DAY_MS);
  // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
  const monday = day - ((((day + 3) % 7) + 7) % 7);
  const thursday = new Date((monday + 3) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const dayOfYear = (monday + 3 - Date.UTC(year, 0, 1) / DAY_MS) | 0;
  return {
    monday: new Date(monday * DAY_MS).toISOString().slice(0, 10),
    year,
    week: Math.floor(dayOfYear / 7) + 1,
  };
}

function band(speedMs: number | null): string {
  if (speedMs === null) return 'unknown';
  const kmh = Math.abs(speedMs) * 3.6;
  return kmh < 30 ? '0-30' : kmh < 60 ? '30-60' : kmh < 90 ? '60-90' : kmh < 120 ? '90-120' : '120+';
}

const scenariosOf = (d: DemoLakeDrive): Scenario[] => d.detect.scenarios;
const allScenarios = (): { drive: DemoLakeDrive; s: Scenario }[] =>
  lake.drives.flatMap((drive) => scenariosOf(drive).map((s) => ({ drive, s })));

describe('the demo lake', () => {
  it('has three drives with scenarios, of two vehicles, judged pass, warn and fail', () => {
    expect(lake.drives.map((d) => d.transform.quality.status)).toEqual(['pass', 'warn', 'fail']);
    expect(new Set(lake.drives.map((d) => d.detect.vehicle)).size).toBe(2);
    for (const d of lake.drives) expect(d.detect.scenarios.length).toBeGreaterThan(5);
  });
});

describe('scenarios_per_type_week', () => {
  it('counts and sums the detected scenarios per type, ISO week and vehicle', async () => {
    const expected = new Map<
      string,
      { n: number; duration: number; drives: Set<string>; year: number; week: number }
    >();
    for (const { drive, s } of allScenarios()) {
      const w = isoWeek(s.start_ns);
      const key = [s.type, w.monday, drive.detect.vehicle].join('|');
      const entry = expected.get(key) ?? { n: 0, duration: 0, drives: new Set(), year: w.year, week: w.week };
      entry.n += 1;
      entry.duration += s.duration_s;
      entry.drives.add(drive.driveId);
      expected.set(key, entry);
    }
    const rows = await view('SELECT * FROM scenarios_per_type_week ORDER BY type, week, vehicle');
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      const entry = expected.get([row.type, row.week, row.vehicle].join('|'));
      expect(entry, `${String(row.type)} ${String(row.week)}`).toBeDefined();
      expect(row.scenarios).toBe(BigInt(entry?.n ?? -1));
      expect(row.total_duration_s as number).toBeCloseTo(entry?.duration ?? -1, 9);
      expect(row.drives).toBe(BigInt(entry?.drives.size ?? -1));
      expect(row.iso_year).toBe(BigInt(entry?.year ?? -1));
      expect(row.iso_week).toBe(BigInt(entry?.week ?? -1));
    }
    // Seeds 1 and 2 start on Saturday 2024-06-15 and Sunday 06-16 (week 24), seed 3 on Monday 06-17 (week 25).
    expect([...new Set(rows.map((r) => r.week))].sort()).toEqual(['2024-06-10', '2024-06-17']);
    const total = rows.reduce((sum, r) => sum + Number(r.scenarios), 0);
    expect(total).toBe(allScenarios().length);
  });
});

describe('scenario_coverage', () => {
  it('shares the ticked time by speed band, weather and light, and places each scenario', async () => {
    const ticks = await duck.rows(`
      SELECT drive_id, epoch_us(t) AS us, speed, weather_condition, light FROM ${parquet('timeseries')}`);
    const span = new Map<string, { min: bigint; max: bigint; n: number }>();
    for (const r of ticks) {
      const id = r.drive_id as string;
      const us = r.us as bigint;
      const s = span.get(id) ?? { min: us, max: us, n: 0 };
      s.min = us < s.min ? us : s.min;
      s.max = us > s.max ? us : s.max;
      s.n += 1;
      span.set(id, s);
    }
    const tickS = new Map([...span].map(([id, s]) => [id, Number(s.max - s.min) / 1e6 / (s.n - 1)]));
    const cells = new Map<string, { ticks: number; time: number; drives: Set<string>; scenarios: number }>();
    const cell = (key: string) => {
      let c = cells.get(key);
      if (!c) cells.set(key, (c = { ticks: 0, time: 0, drives: new Set(), scenarios: 0 }));
      return c;
    };
    for (const r of ticks) {
      const key = [
        band(r.speed as number | null),
        (r.weather_condition as string | null) ?? 'unknown',
        (r.light as string | null) ?? 'unknown',
      ].join('|');
      const c = cell(key);
      c.ticks += 1;
      c.time += tickS.get(r.drive_id as string) ?? NaN;
      c.drives.add(r.drive_id as string);
    }
    for (const { s } of allScenarios()) {
      cell([band(s.metrics.mean_speed), s.weather ?? 'unknown', s.light ?? 'unknown'].join('|')).scenarios +=
        1;
    }
    const totalTime = [...cells.values()].reduce((sum, c) => sum + c.time, 0);

    const rows = await view('SELECT * FROM scenario_coverage ORDER BY speed_band_order, weather, light');
    expect(rows).toHaveLength(cells.size);
    for (const row of rows) {
      const key = [row.speed_band, row.weather, row.light].join('|');
      const c = cells.get(key);
      expect(c, key).toBeDefined();
      expect(Number(row.ticks), key).toBe(c?.ticks);
      expect(row.time_s as number).toBeCloseTo(c?.time ?? -1, 6);
      expect(row.time_share as number).toBeCloseTo((c?.time ?? -1) / totalTime, 9);
      expect(Number(row.drives), key).toBe(c?.drives.size);
      expect(Number(row.scenarios), key).toBe(c?.scenarios);
    }
    expect(rows.reduce((sum, r) => sum + (r.time_share as number), 0)).toBeCloseTo(1, 9);
    expect(rows.reduce((sum, r) => sum + Number(r.ticks), 0)).toBe(ticks.length);
    // Not a degenerate matrix: the demo route spans every band, and the seeds bring two weathers.
    expect(new Set(rows.map((r) => r.speed_band))).toEqual(
      new Set([
        '0-30',
        '30-60',
        '60-90',
        '90-120',
        '120+',
        ...(rows.some((r) => r.speed_band === 'unknown') ? ['unknown'] : []),
      ]),
    );
    expect(new Set(rows.map((r) => r.weather)).size).toBeGreaterThan(1);
    // speed_band_order sorts the bands by speed, unknown last.
    const order = rows.map((r) => [r.speed_band, Number(r.speed_band_order)] as const);
    for (const [name, n] of order) {
      expect(n).toBe(['0-30', '30-60', '60-90', '90-120', '120+', 'unknown'].indexOf(name as string) + 1);
    }
  });
});

describe('drive_kpis', () => {
  it('gives each drive its distance, duration, verdict, scenario counts and time shares', async () => {
    const rows = await view('SELECT * FROM drive_kpis ORDER BY start_time');
    expect(rows.map((r) => r.drive_id)).toEqual(lake.drives.map((d) => d.driveId));
    for (const [i, row] of rows.entries()) {
      const d = lake.drives[i] as DemoLakeDrive;
      const drive = d.ingest.drive;
      expect(drive).toBeDefined();
      expect(row.vehicle).toBe(d.detect.vehicle);
      expect(row.duration_s as number).toBeCloseTo(drive?.durationS ?? -1, 6);
      expect(row.distance_m as number).toBeCloseTo(drive?.distanceM ?? -1, 6);
      expect(row.mean_speed_kmh as number).toBeCloseTo(
        ((drive?.distanceM ?? 0) / (drive?.durationS ?? 1)) * 3.6,
        6,
      );
      expect(row.quality_status).toBe(d.transform.quality.status);
      const counts: Record<string, number> = {};
      const seconds: Record<string, number> = {};
      for (const s of d.detect.scenarios) {
        counts[s.type] = (counts[s.type] ?? 0) + 1;
        seconds[s.type] = (seconds[s.type] ?? 0) + s.duration_s;
      }
      expect(Number(row.scenarios)).toBe(d.detect.scenarios.length);
      expect(Number(row.scenario_types)).toBe(Object.keys(counts).length);
      const viewCounts = row.scenario_counts as Record<string, bigint>;
      expect(Object.fromEntries(Object.entries(viewCounts).map(([k, v]) => [k, Number(v)]))).toEqual(counts);
      const shares = row.scenario_time_share as Record<string, number>;
      expect(Object.keys(shares).sort()).toEqual(Object.keys(seconds).sort());
      for (const [type, s] of Object.entries(seconds)) {
        expect(shares[type], type).toBeCloseTo(Math.min(1, s / (drive?.durationS ?? 1)), 6);
      }
      expect(row.scenarios_per_hour as number).toBeCloseTo(
        d.detect.scenarios.length / ((drive?.durationS ?? 1) / 3600),
        6,
      );
      expect(row.scenarios_per_100km as number).toBeCloseTo(
        d.detect.scenarios.length / ((drive?.distanceM ?? 1) / 100_000),
        6,
      );
    }
  });
});

describe('quality_summary', () => {
  it('counts drives per ISO week, vehicle, status and reason code', async () => {
    const expected = new Map<string, { drives: number; duration: number }>();
    const statusDrives = new Map<string, number>();
    for (const d of lake.drives) {
      const week = isoWeek(BigInt(Date.parse(d.ingest.drive?.start ?? '')) * 1_000_000n).monday;
      const status = d.transform.quality.status;
      const codes = [
        ...new Set([
          ...d.transform.quality.reasons.map((r) => r.code),
          ...(d.transform.weatherDisagreement.length > 0 ? ['weather_disagreement'] : []),
        ]),
      ];
      const statusKey = [week, d.detect.vehicle, status].join('|');
      statusDrives.set(statusKey, (statusDrives.get(statusKey) ?? 0) + 1);
      for (const reason of codes.length > 0 ? codes : ['none']) {
        const key = [statusKey, reason].join('|');
        const e = expected.get(key) ?? { drives: 0, duration: 0 };
        e.drives += 1;
        e.duration += d.ingest.drive?.durationS ?? NaN;
        expected.set(key, e);
      }
    }
    const rows = await view('SELECT * FROM quality_summary ORDER BY week, vehicle, status, reason');
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      const statusKey = [row.week, row.vehicle, row.status].join('|');
      const e = expected.get([statusKey, row.reason].join('|'));
      expect(e, `${statusKey} ${String(row.reason)}`).toBeDefined();
      expect(Number(row.drives)).toBe(e?.drives);
      expect(row.duration_s as number).toBeCloseTo(e?.duration ?? -1, 6);
      expect(Number(row.status_drives)).toBe(statusDrives.get(statusKey));
      expect(row.reason_group).toBe(String(row.reason).split(':')[0]);
    }
    expect(rows.map((r) => [r.status, r.reason])).toEqual(
      expect.arrayContaining([
        ['pass', 'none'],
        ['warn', 'drift:speed'],
        ['fail', 'missing:wiper'],
      ]),
    );
  });
});

describe('signal_quality', () => {
  it("aggregates each signal's rows of the quality table over the drives", async () => {
    const raw = await duck.rows(`
      SELECT signal, drive_id, vehicle, samples, rate_hz, nominal_hz, drift_pct, max_gap_s, gaps, duplicates,
        non_monotonic, status, reasons
      FROM ${parquet('quality')} WHERE signal <> '_drive'`);
    const bySignal = new Map<string, Record<string, unknown>[]>();
    for (const r of raw) bySignal.set(r.signal as string, [...(bySignal.get(r.signal as string) ?? []), r]);
    const rows = await view('SELECT * FROM signal_quality ORDER BY signal');
    expect(rows.map((r) => r.signal)).toEqual([...bySignal.keys()].sort());
    const values = (list: Record<string, unknown>[], key: string): number[] =>
      list
        .map((r) => r[key])
        .filter((v) => v !== null && v !== undefined)
        .map(Number);
    const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
    const sum = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0));
    for (const row of rows) {
      const list = bySignal.get(row.signal as string) ?? [];
      const signal = row.signal as string;
      expect(Number(row.drives), signal).toBe(new Set(list.map((r) => r.drive_id)).size);
      expect(Number(row.vehicles), signal).toBe(new Set(list.map((r) => r.vehicle)).size);
      expect(Number(row.samples), signal).toBe(sum(values(list, 'samples')));
      const close = (got: unknown, want: number | null) =>
        want === null ? expect(got, signal).toBeNull() : expect(got as number, signal).toBeCloseTo(want, 9);
      close(row.mean_rate_hz, mean(values(list, 'rate_hz')));
      close(row.min_rate_hz, values(list, 'rate_hz').length ? Math.min(...values(list, 'rate_hz')) : null);
      close(row.mean_nominal_hz, mean(values(list, 'nominal_hz')));
      close(row.mean_drift_pct, mean(values(list, 'drift_pct')));
      const drifts = values(list, 'drift_pct').map(Math.abs);
      close(row.max_abs_drift_pct, drifts.length ? Math.max(...drifts) : null);
      close(row.max_gap_s, values(list, 'max_gap_s').length ? Math.max(...values(list, 'max_gap_s')) : null);
      expect(row.gaps === null ? null : Number(row.gaps), signal).toBe(sum(values(list, 'gaps')));
      for (const status of ['pass', 'warn', 'fail']) {
        expect(Number(row[`drives_${status}`]), `${signal} ${status}`).toBe(
          list.filter((r) => r.status === status).length,
        );
      }
      const reasons = [...new Set(list.flatMap((r) => r.reasons as string[]))].sort();
      expect(row.reasons, signal).toEqual(reasons);
    }
    // The stricter gates show where they should: speed drifts against 40 Hz on one drive, wiper is missing on one.
    const speed = rows.find((r) => r.signal === 'speed');
    expect(speed).toMatchObject({ drives_warn: 1n, reasons: ['drift:speed'] });
    expect(speed?.max_abs_drift_pct as number).toBeCloseTo(25, 3);
    expect(rows.find((r) => r.signal === 'wiper')).toMatchObject({
      drives: 1n,
      samples: 0n,
      drives_fail: 1n,
    });
    expect(rows.some((r) => r.signal === '_drive')).toBe(false);
  });
});
