/**
 * The quality step on drives ingested into a temporary lake: the demo drive passes, a damaged CAN log warns
 * with the decode statistics of its ingest run, and the `quality` table reads back in DuckDB.
 *
 * The demo drive is written as writeDemoDrive writes its recordings (candump, NMEA, DBC). The signal series are built from `can_signals` by a small reader here (`seriesFromLake`), standing in for
 * time sync's series reader (`transforms/sync`), which was not ready when this test was written.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../../catalog/localObjectStore.js';
import { readDriveTable } from '../../../catalog/readTable.js';
import { CAN_SIGNALS } from '../../../catalog/tables.js';
import { PartitionedTableWriter } from '../../../catalog/tableWriter.js';
import { generateDemoDrive } from '../../../ingest/demo/generateDemoDrive.js';
import { ingestPaths } from '../../../ingest/ingestPaths.js';
import type { IngestReport } from '../../../ingest/ingestReport.js';
import { DEFAULT_QUALITY_CONFIG } from '../../../transforms/quality/qualityConfig.js';
import { judgeDrive, reasonCodes, type QualityResult } from '../../../transforms/quality/qualityGates.js';
import { QUALITY, qualityToBatch } from '../../../transforms/quality/qualityTable.js';
import { readQualityInputs } from '../../../transforms/quality/readQualityInputs.js';
import type { CanonicalSignal, SignalSeries } from '../../../transforms/timeline.js';
import { openDuck, sqlString } from '../../catalog/duckdb.js';

/** DBC `message.signal` → canonical signal and the factor to canonical units. */
const CANONICAL: Record<string, { signal: CanonicalSignal; scale: number }> = {
  'VEHICLE_SPEED.VEHICLE_SPEED': { signal: 'speed', scale: 1 / 3.6 },
  'STEERING.STEER_ANGLE': { signal: 'steering_angle', scale: 1 },
  'IMU.YAW_RATE': { signal: 'yaw_rate', scale: 1 },
  'IMU.LONG_ACCEL': { signal: 'accel_long', scale: 1 },
  'PEDALS.THROTTLE_POS': { signal: 'throttle', scale: 0.01 },
  'BODY.OUTSIDE_TEMP': { signal: 'outside_temp', scale: 1 },
};

/** The mapped `can_signals` of a drive as SignalSeries, in recorded order. */
async function seriesFromLake(store: LocalObjectStore, driveId: string): Promise<SignalSeries[]> {
  const collected = new Map<string, { t: bigint[]; v: number[] }>();
  for await (const { rows } of readDriveTable(store, CAN_SIGNALS.name, driveId, [
    't',
    'message',
    'signal',
    'value',
  ])) {
    const t = rows.getChild('t');
    const message = rows.getChild('message');
    const signal = rows.getChild('signal');
    const value = rows.getChild('value');
    if (!t || !message || !signal || !value) throw new Error('can_signals part without its columns');
    const micros: bigint[] = t.data.flatMap((d) => [...(d.values as BigInt64Array)]);
    for (let i = 0; i < rows.numRows; i++) {
      const key = `${String(message.get(i))}.${String(signal.get(i))}`;
      if (!(key in CANONICAL)) continue;
      let entry = collected.get(key);
      if (!entry) collected.set(key, (entry = { t: [], v: [] }));
      entry.t.push((micros[i] as bigint) * 1000n);
      entry.v.push(value.get(i) as number);
    }
  }
  return [...collected.entries()].map(([key, { t, v }]) => {
    const map = CANONICAL[key] as { signal: CanonicalSignal; scale: number };
    return {
      signal: map.signal,
      source: `can_signals:${key}`,
      t: BigInt64Array.from(t),
      v: Float64Array.from(v, (x) => x * map.scale),
    };
  });
}

describe('quality gates on drives in a lake', () => {
  let dir: string;
  let store: LocalObjectStore;
  let demo: IngestReport;
  let demoResult: QualityResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adlake-quality-'));
    store = await LocalObjectStore.open({ root: join(dir, 'lake') });
    // The demo drive's text logs only (writeDemoDrive also writes MCAP and bag copies, not needed here).
    const drive = generateDemoDrive({ seed: 2 });
    const folder = join(dir, 'demo');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'demo.dbc'), drive.dbc);
    await writeFile(join(folder, 'can0.log'), `${[...drive.candump()].join('\n')}\n`);
    await writeFile(join(folder, 'gps.nmea'), `${[...drive.nmea()].join('\r\n')}\r\n`);
    demo = await ingestPaths({ store, paths: [folder], dbcs: [], vehicle: 'demo' });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes the demo drive, with the GNSS track and decode statistics read from the lake', async () => {
    const driveId = demo.driveId as string;
    const series = await seriesFromLake(store, driveId);
    expect(series.map((s) => s.signal).sort()).toEqual(
      ['accel_long', 'outside_temp', 'speed', 'steering_angle', 'throttle', 'yaw_rate'].sort(),
    );
    const input = await readQualityInputs({
      store,
      driveId,
      series,
      expectedSignals: ['speed', 'steering_angle', 'lat', 'lon'],
    });
    expect(input.vehicle).toBe('demo');
    expect(input.ingestRunId).toBe(demo.runId);
    expect(input.start).toBe(BigInt(Date.parse(demo.drive?.start ?? '')) * 1_000_000n);
    expect(input.gps?.t.length).toBe(demo.gps?.fixes);
    expect(input.decode).toEqual({
      frames: demo.can?.frames,
      decoded: demo.can?.decodedFrames,
      errors: 0,
      errorsByReason: {},
    });

    demoResult = judgeDrive(input, DEFAULT_QUALITY_CONFIG);
    expect(demoResult.reasons).toEqual([]);
    expect(demoResult.status).toBe('pass');
    const speed = demoResult.rows.find((r) => r.signal === 'speed');
    // VEHICLE_SPEED is sent every 20 ms; the demo adds up to 40 us of jitter per frame.
    expect(speed?.nominal_hz).toBeCloseTo(50, 0);
    expect(speed?.rate_hz).toBeCloseTo(50, 1);
    const gps = demoResult.rows.find((r) => r.signal === '_gps');
    expect(gps?.rate_hz).toBeCloseTo(10, 3);
    expect(gps).toMatchObject({ gps_jumps: 0, gps_low_quality_share: 0, gps_hdop_max: 0.8 });
  });

  it('writes the quality table, which DuckDB reads back partitioned by the drive start', async () => {
    const writer = new PartitionedTableWriter({
      store,
      table: QUALITY,
      vehicle: demoResult.vehicle,
      driveId: demoResult.driveId,
    });
    await writer.append(qualityToBatch(demoResult));
    const written = await writer.close();
    expect(written.map((f) => f.key)).toEqual([
      `tables/quality/vehicle=demo/date=${demo.drive?.start.slice(0, 10)}/${demoResult.driveId}-00000.parquet`,
    ]);
    const duck = await openDuck();
    try {
      const rows = await duck.rows(`
        SELECT signal, source, samples, status, reasons, messages, epoch_ok, first_time, start_time, gps_jumps
        FROM read_parquet(${sqlString(join(dir, 'lake/tables/quality/**/*.parquet'))}, hive_partitioning = true)
        ORDER BY signal`);
      expect(rows.map((r) => r.signal)).toEqual(demoResult.rows.map((r) => r.signal).sort());
      const drive = rows.find((r) => r.signal === '_drive');
      expect(drive).toMatchObject({
        source: null,
        status: 'pass',
        reasons: [],
        messages: [],
        epoch_ok: true,
      });
      const gps = rows.find((r) => r.signal === '_gps');
      expect(gps?.samples).toBe(BigInt(demo.gps?.fixes ?? 0));
      expect(gps?.gps_jumps).toBe(0);
    } finally {
      duck.close();
    }
  });

  it('warns on a damaged CAN log with the rejects and short frames of its ingest run', async () => {
    const folder = join(dir, 'damaged');
    await mkdir(folder, { recursive: true });
    const lines: string[] = [];
    const t0 = 1_718_348_400; // 2024-06-14T07:00:00Z
    for (let i = 0; i < 1000; i++) {
      const time = (t0 + i / 100).toFixed(6);
      // Every 20th frame is 2 bytes long where the DBC message has 8; every 20th line (others) is garbage.
      if (i % 20 === 5) lines.push(`(${time}) can0 100#E803`);
      else lines.push(`(${time}) can0 100#E803000000001234`);
      if (i % 20 === 15) lines.push(`(${time}) can0 zz#not a frame`);
    }
    await writeFile(join(folder, 'can0.log'), `${lines.join('\n')}\n`);
    await writeFile(
      join(folder, 'car.dbc'),
      [
        'VERSION ""',
        'BU_: ECU',
        'BO_ 256 SPEED: 8 ECU',
        ' SG_ VEHICLE_SPEED : 0|16@1+ (0.01,0) [0|655.35] "km/h" ECU',
        ' SG_ COUNTER : 48|16@1+ (1,0) [0|65535] "" ECU',
        '',
      ].join('\n'),
    );
    const report = await ingestPaths({ store, paths: [folder], dbcs: [], vehicle: 'damaged' });
    expect(report.rows.rejected).toBe(50);
    expect(report.can?.shortFrames).toBe(50);
    const driveId = report.driveId as string;
    const input = await readQualityInputs({ store, driveId, series: [] });
    expect(input.gps).toBeUndefined();
    expect(input.decode).toEqual({
      frames: 1050,
      decoded: 1000,
      errors: 100,
      errorsByReason: { short_frame: 50, bad_id: 50 },
    });
    const series: SignalSeries[] = [
      { signal: 'speed', source: 'can_signals:SPEED.VEHICLE_SPEED', ...(await speedSeries(store, driveId)) },
    ];
    const result = judgeDrive({ ...input, series }, DEFAULT_QUALITY_CONFIG);
    expect(result.status).toBe('warn');
    expect(reasonCodes(result)).toEqual(['decode_errors']);
    const drive = result.rows.find((r) => r.signal === '_drive');
    expect(drive?.decode_error_rate).toBeCloseTo(100 / 1050, 12);

    // Without the input ledger the run is found by reading the run records; without those, no decode stats.
    const damaged = await store.get(
      `_inputs/${report.inputs.find((i) => i.format === 'candump')?.sha256}.json`,
    );
    await rm(join(dir, 'lake/_inputs'), { recursive: true });
    const again = await readQualityInputs({ store, driveId, series: [] });
    expect(again.ingestRunId).toBe(report.runId);
    expect(again.decode).toEqual(input.decode);
    expect(JSON.parse(new TextDecoder().decode(damaged))).toMatchObject({ driveId, runId: report.runId });
    await rm(join(dir, 'lake/_runs'), { recursive: true });
    const bare = await readQualityInputs({ store, driveId, series: [] });
    expect(bare.decode).toBeUndefined();
    expect(bare.ingestRunId).toBeUndefined();
  });
});

async function speedSeries(
  store: LocalObjectStore,
  driveId: string,
): Promise<{ t: BigInt64Array; v: Float64Array }> {
  const t: bigint[] = [];
  for await (const { rows } of readDriveTable(store, CAN_SIGNALS.name, driveId, ['t', 'signal'])) {
    const signal = rows.getChild('signal');
    const micros = rows.getChild('t')?.data.flatMap((d) => [...(d.values as BigInt64Array)]) ?? [];
    for (let i = 0; i < rows.numRows; i++) {
      if (signal?.get(i) === 'VEHICLE_SPEED') t.push((micros[i] as bigint) * 1000n);
    }
  }
  return { t: BigInt64Array.from(t), v: new Float64Array(t.length) };
}
