import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { ingestPaths } from '../../ingest/ingestPaths.js';
import type { IngestReport } from '../../ingest/ingestReport.js';
import { openDuck, sqlString, type Duck } from '../catalog/duckdb.js';

const DRIVE = resolve('../shared/data/drives/comma2k19/derived');
const DBC = resolve('../shared/data/dbc/opendbc/toyota_new_mc_pt.dbc');
const STEM = 'rav4_2018-08-02_seg40';

/** Reads one of comma's oracle CSVs: `utc_s,v0[,v1…]` → time in µs (exact, from the text) and values. */
async function oracle(name: string): Promise<Map<bigint, number[]>> {
  const text = await readFile(join(DRIVE, `${STEM}.expected.${name}.csv`), 'utf8');
  const rows = new Map<bigint, number[]>();
  for (const line of text.trim().split('\n').slice(1)) {
    const [t, ...values] = line.split(',');
    const [s, frac = ''] = (t ?? '').split('.');
    rows.set(BigInt(s ?? '0') * 1_000_000n + BigInt(frac.padEnd(6, '0').slice(0, 6)), values.map(Number));
  }
  return rows;
}

describe('comma2k19 RAV4 minute (real drive)', () => {
  let lake: string;
  let report: IngestReport;
  let duck: Duck;
  const signals = (message: string): Promise<Record<string, unknown>[]> =>
    duck.rows(`
      SELECT epoch_us(t) AS us, signal, value
      FROM read_parquet(${sqlString(join(lake, 'tables/can_signals/**/*.parquet'))}, hive_partitioning = true)
      WHERE bus = 'can0' AND message = '${message}'
      ORDER BY us, signal`);

  beforeAll(async () => {
    lake = await mkdtemp(join(tmpdir(), 'adlake-comma-'));
    const store = await LocalObjectStore.open({ root: lake });
    report = await ingestPaths({
      store,
      paths: [join(DRIVE, `${STEM}.candump.log`), join(DRIVE, `${STEM}.nmea`)],
      dbcs: [{ path: DBC }],
      vehicle: 'rav4',
    });
    duck = await openDuck();
  }, 120_000);

  afterAll(async () => {
    duck?.close();
    await rm(lake, { recursive: true, force: true });
  });

  it('keeps every frame and decodes the ones the DBC defines', () => {
    expect(report.status).toBe('ingested');
    expect(report.can?.frames).toBe(135_468);
    expect(report.tables.can_frames?.rows).toBe(135_468);
    expect(report.can?.decodedFrames).toBeGreaterThan(30_000);
    expect(report.can?.undecodedFrames).toBeGreaterThan(0);
    expect(report.gps?.fixes).toBeGreaterThan(500);
    expect(report.rows.rejected).toBe(0);
  });

  it("reproduces comma's wheel speeds and speed to 1e-9", async () => {
    const rows = await signals('WHEEL_SPEEDS');
    const byTime = new Map<bigint, Record<string, number>>();
    for (const r of rows) {
      const at = byTime.get(r.us as bigint) ?? {};
      at[r.signal as string] = r.value as number;
      byTime.set(r.us as bigint, at);
    }
    const wheels = await oracle('wheel_speed');
    const speed = await oracle('speed');
    expect(wheels.size).toBe(4974);
    expect(byTime.size).toBe(wheels.size);
    let worst = 0;
    for (const [us, expected] of wheels) {
      const got = byTime.get(us);
      expect(got, `WHEEL_SPEEDS at ${us} µs`).toBeDefined();
      const ours = ['WHEEL_SPEED_FL', 'WHEEL_SPEED_FR', 'WHEEL_SPEED_RL', 'WHEEL_SPEED_RR'].map(
        (s) => (got?.[s] ?? NaN) / 3.6,
      );
      ours.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (expected[i] ?? NaN)))));
      const mean = ours.reduce((a, b) => a + b, 0) / 4;
      worst = Math.max(worst, Math.abs(mean - (speed.get(us)?.[0] ?? NaN)));
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it("reproduces comma's steering angle to 1e-9", async () => {
    const rows = await signals('STEER_ANGLE_SENSOR');
    const byTime = new Map<bigint, number>();
    for (const r of rows) {
      if (r.signal === 'STEER_ANGLE' || r.signal === 'STEER_FRACTION') {
        byTime.set(r.us as bigint, (byTime.get(r.us as bigint) ?? 0) + (r.value as number));
      }
    }
    const expected = await oracle('steering_angle');
    expect(byTime.size).toBe(expected.size);
    let worst = 0;
    for (const [us, [value]] of expected)
      worst = Math.max(worst, Math.abs((byTime.get(us) ?? NaN) - (value ?? NaN)));
    expect(worst).toBeLessThan(1e-9);
  });

  it('lands GPS fixes on the same clock, in the drive’s date partition', async () => {
    const [row] = await duck.rows(`
      SELECT count(*) AS n, strftime(min(t), '%Y-%m-%dT%H:%M:%S.%g') AS first,
             CAST(any_value(date) AS VARCHAR) AS date, any_value(vehicle) AS vehicle
      FROM read_parquet(${sqlString(join(lake, 'tables/gps/**/*.parquet'))}, hive_partitioning = true)`);
    expect(row?.date).toBe('2018-08-02');
    expect(row?.vehicle).toBe('rav4');
    expect(row?.first).toBe('2018-08-02T16:14:48.290');
    expect(Number(row?.n)).toBe(report.gps?.fixes);
  });

  it('adds nothing when the same files are ingested again', async () => {
    const store = await LocalObjectStore.open({ root: lake });
    const again = await ingestPaths({
      store,
      paths: [join(DRIVE, `${STEM}.candump.log`), join(DRIVE, `${STEM}.nmea`)],
      dbcs: [{ path: DBC }],
      vehicle: 'rav4',
    });
    expect(again.status).toBe('unchanged');
    expect(again.inputs.filter((i) => i.status === 'duplicate')).toHaveLength(2);
    const [row] = await duck.rows(
      `SELECT count(*) AS n FROM read_parquet(${sqlString(join(lake, 'tables/can_frames/**/*.parquet'))})`,
    );
    expect(Number(row?.n)).toBe(135_468);
  });
});
