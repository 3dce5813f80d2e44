/**
 * Time sync end to end on the demo drive: generated, written as files, ingested into a temp lake, synced,
 * and compared tick by tick against the simulator's true states (100 Hz, SI units, heading clockwise from
 * north in radians, yaw rate clockwise-positive rad/s).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../../catalog/localObjectStore.js';
import { writeDemoDrive } from '../../../ingest/demo/writeDemoDrive.js';
import type { DemoDriveFiles } from '../../../ingest/demo/writeDemoDrive.js';
import type { VehicleState } from '../../../ingest/demo/simulateRoute.js';
import { ingestPaths } from '../../../ingest/ingestPaths.js';
import { parseSyncConfig } from '../../../transforms/sync/signalMapping.js';
import { syncDrive } from '../../../transforms/sync/syncDrive.js';
import type { SyncResult } from '../../../transforms/sync/syncDrive.js';
import { writeTimeline } from '../../../transforms/sync/writeTimeline.js';
import { textValues, type Timeline } from '../../../transforms/timeline.js';
import { openDuck, sqlString } from '../../catalog/duckdb.js';

// Where the demo generator places the drive (generateDemoDrive.ts: ORIGIN, EARTH_RADIUS).
const ORIGIN = { lat: 48.0675, lon: 11.5367 };
const EARTH_RADIUS = 6_378_137;
const DEG = 180 / Math.PI;

let dir: string;
let files: DemoDriveFiles;

/** Ingests `paths` into a fresh lake under the temp dir and syncs the drive. */
async function ingestAndSync(
  lake: string,
  paths: string[],
  config?: unknown,
  dbcs: string[] = [],
): Promise<SyncResult> {
  const store = await LocalObjectStore.open({ root: join(dir, lake) });
  const report = await ingestPaths({ store, paths, dbcs: dbcs.map((path) => ({ path })), vehicle: 'demo' });
  expect(report.status).toBe('ingested');
  return syncDrive(store, {
    driveId: report.driveId ?? '',
    vehicle: 'demo',
    ...(config === undefined ? {} : { config: parseSyncConfig(config) }),
  });
}

/** The true state at each tick (ticks fall on the simulator's 10 ms steps); undefined outside the drive. */
function truthAt(timeline: Timeline): (VehicleState | undefined)[] {
  const { states, startNs } = files.drive;
  return Array.from(timeline.t, (t) => {
    if ((t - startNs) % 10_000_000n !== 0n) throw new Error(`tick ${t} is not on a simulator step`);
    return t < startNs ? undefined : states[Number((t - startNs) / 10_000_000n)];
  });
}

interface Errors {
  /** Ticks with a value / ticks. */
  coverage: number;
  max: number;
  rms: number;
}

/** Errors of `values` against `truth` over the ticks where `where` holds and the timeline has a value. */
function errors(
  values: Float64Array | undefined,
  truth: (s: VehicleState) => number,
  states: (VehicleState | undefined)[],
  where: (s: VehicleState) => boolean = () => true,
  difference: (a: number, b: number) => number = (a, b) => a - b,
): Errors {
  if (!values) throw new Error('signal missing from the timeline');
  let n = 0;
  let counted = 0;
  let max = 0;
  let squares = 0;
  states.forEach((state, k) => {
    if (!state || !where(state)) return;
    counted++;
    const value = values[k] as number;
    if (Number.isNaN(value)) return;
    n++;
    const e = Math.abs(difference(value, truth(state)));
    max = Math.max(max, e);
    squares += e * e;
  });
  return { coverage: n / counted, max, rms: Math.sqrt(squares / n) };
}

const angleDifference = (a: number, b: number): number => ((((a - b) % 360) + 540) % 360) - 180;

/** Horizontal position error in metres per tick. */
function positionErrors(timeline: Timeline, states: (VehicleState | undefined)[]): Errors {
  const cosLat = Math.cos(ORIGIN.lat / DEG);
  const metres = new Float64Array(states.length);
  states.forEach((s, k) => {
    if (!s) return;
    const lat = ORIGIN.lat + (s.north / EARTH_RADIUS) * DEG;
    const lon = ORIGIN.lon + (s.east / (EARTH_RADIUS * cosLat)) * DEG;
    const north = (((timeline.numeric.lat?.[k] ?? NaN) - lat) / DEG) * EARTH_RADIUS;
    const east = (((timeline.numeric.lon?.[k] ?? NaN) - lon) / DEG) * EARTH_RADIUS * cosLat;
    metres[k] = Math.hypot(north, east);
  });
  return errors(metres, () => 0, states);
}

/** Shifts the time of day of every GGA/RMC sentence by `seconds` (the demo drives in the morning). */
function shiftNmea(text: string, seconds: number): string {
  return text
    .split('\r\n')
    .map((line) => {
      const match = /^\$(GPGGA|GPRMC),(\d\d)(\d\d)(\d\d\.\d\d),(.*)\*[0-9A-F]{2}$/.exec(line);
      if (!match) return line;
      const [, kind, h, m, s, rest] = match as unknown as [string, string, string, string, string, string];
      const centis = Math.round((Number(h) * 3600 + Number(m) * 60 + Number(s) + seconds) * 100);
      const pad = (x: number): string => String(x).padStart(2, '0');
      const time = `${pad(Math.floor(centis / 360_000))}${pad(Math.floor(centis / 6000) % 60)}${pad(Math.floor(centis / 100) % 60)}.${pad(centis % 100)}`;
      const body = `${kind},${time},${rest}`;
      let checksum = 0;
      for (let i = 0; i < body.length; i++) checksum ^= body.charCodeAt(i);
      return `$${body}*${checksum.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('\r\n');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adlake-sync-'));
  files = await writeDemoDrive(join(dir, 'demo'), { seed: 5 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('syncDrive on the demo drive (CAN + NMEA)', () => {
  let result: SyncResult;
  let states: (VehicleState | undefined)[];

  beforeAll(async () => {
    result = await ingestAndSync('lake', [files.folder]);
    states = truthAt(result.timeline);
  }, 60_000);

  it('picks the demo sources and finds every default signal', () => {
    expect(result.missing).toEqual([]);
    const sources = Object.fromEntries(result.report.sources.map((c) => [c.signal, c.source]));
    expect(sources).toMatchObject({
      speed: 'can_signals:VEHICLE_SPEED.VEHICLE_SPEED',
      yaw_rate: 'can_signals:IMU.YAW_RATE',
      heading: 'gps:course',
      lat: 'gps:lat',
      gear: 'can_signals:VEHICLE_SPEED.GEAR',
    });
    expect(result.timeline.hz).toBe(10);
    expect(result.timeline.t[1]! - result.timeline.t[0]!).toBe(100_000_000n);
    expect(result.timeline.t[0]! % 100_000_000n).toBe(0n);
    // The drive runs ~2 minutes: ticks from the first to the last sample.
    expect(result.timeline.t.length).toBe(Math.floor(files.drive.groundTruth.duration_s * 10) + 1);
  });

  it('does not shift a GPS clock that agrees with the log clock', () => {
    expect(Math.abs(result.clockOffset.offsetS)).toBeLessThan(0.02);
    expect(result.clockOffset.applied).toBe(false);
  });

  it('matches the true speed, accelerations and yaw rate in canonical units and signs', () => {
    const speed = errors(result.timeline.numeric.speed, (s) => s.speed, states);
    expect(speed.coverage).toBeGreaterThan(0.99);
    expect(speed.max).toBeLessThan(0.1); // m/s: 0.01 km/h resolution, 0.03 km/h noise
    const accelLong = errors(result.timeline.numeric.accel_long, (s) => s.accel, states);
    expect(accelLong.max).toBeLessThan(0.3); // m/s^2: 0.05 noise
    expect(accelLong.rms).toBeLessThan(0.08);
    // Left positive: the simulator's yaw rate is clockwise positive.
    const accelLat = errors(result.timeline.numeric.accel_lat, (s) => -s.speed * s.yawRate, states);
    expect(accelLat.max).toBeLessThan(0.3);
    const yawRate = errors(result.timeline.numeric.yaw_rate, (s) => -s.yawRate * DEG, states);
    expect(yawRate.coverage).toBeGreaterThan(0.99);
    expect(yawRate.max).toBeLessThan(0.3); // deg/s: 0.01 resolution, 0.05 noise
  });

  it('matches the true heading and position', () => {
    const heading = errors(
      result.timeline.numeric.heading,
      (s) => s.heading * DEG,
      states,
      (s) => s.speed > 1,
      angleDifference,
    );
    expect(heading.coverage).toBeGreaterThan(0.99);
    expect(heading.max).toBeLessThan(0.3); // degrees: NMEA carries 0.1
    const position = positionErrors(result.timeline, states);
    expect(position.coverage).toBe(1);
    expect(position.max).toBeLessThan(2); // metres: 0.3 m receiver noise
    expect(position.rms).toBeLessThan(0.7);
  });

  it('steers left when yawing left, and holds gear, turn signal and brake', () => {
    const steering = result.timeline.numeric.steering_angle!;
    const yaw = result.timeline.numeric.yaw_rate!;
    let agree = 0;
    let turning = 0;
    states.forEach((s, k) => {
      if (!s || Math.abs(s.yawRate * DEG) < 2 || s.speed < 1) return;
      turning++;
      if (Math.sign(steering[k]!) === Math.sign(yaw[k]!)) agree++;
    });
    expect(turning).toBeGreaterThan(50);
    expect(agree / turning).toBeGreaterThan(0.99);
    const gear = textValues(result.timeline.text.gear!);
    const turn = textValues(result.timeline.text.turn_signal!);
    const brake = result.timeline.numeric.brake!;
    let gearOk = 0;
    let turnOk = 0;
    let brakeOk = 0;
    states.forEach((s, k) => {
      if (!s) return;
      if (gear[k] === s.gear) gearOk++;
      if (turn[k] === ['off', 'left', 'right'][s.turnSignal]) turnOk++;
      if (brake[k] === (s.accel < -0.3 || (s.speed <= 0.05 && s.gear === 'D') ? 1 : 0)) brakeOk++;
    });
    expect(gearOk / states.length).toBeGreaterThan(0.99);
    expect(turnOk / states.length).toBeGreaterThan(0.98);
    expect(brakeOk / states.length).toBeGreaterThan(0.98);
    expect(new Set(turn)).toEqual(new Set(['off', 'left', 'right', null]));
  });

  it('writes the timeline to the timeseries table, NaN as NULL, replacing on re-run', async () => {
    const store = await LocalObjectStore.open({ root: join(dir, 'lake') });
    const first = await writeTimeline(store, result.timeline);
    const again = await writeTimeline(store, result.timeline);
    expect(again.map((f) => f.key)).toEqual(first.map((f) => f.key));
    expect(first[0]?.key).toMatch(/^tables\/timeseries\/vehicle=demo\/date=\d{4}-\d\d-\d\d\//);
    const duck = await openDuck();
    try {
      const [row] = await duck.rows(`
        SELECT count(*) AS n, count(speed) AS speeds, count(heading) AS headings,
               max(speed) AS top, any_value(drive_id) AS drive, count(DISTINCT gear) AS gears,
               count(sun_elevation) AS sun
        FROM read_parquet(${sqlString(join(dir, 'lake', 'tables/timeseries/**/*.parquet'))}, hive_partitioning = true)`);
      const ticks = result.timeline.t.length;
      const finite = (values: Float64Array | undefined): number =>
        values?.filter((x) => !Number.isNaN(x)).length ?? 0;
      expect(Number(row?.n)).toBe(ticks);
      expect(Number(row?.speeds)).toBe(finite(result.timeline.numeric.speed));
      expect(Number(row?.headings)).toBe(finite(result.timeline.numeric.heading));
      expect(Number(row?.headings)).toBeLessThan(ticks);
      expect(row?.top).toBeCloseTo(Math.max(...states.map((s) => s?.speed ?? 0)), 1);
      expect(row?.drive).toBe(result.timeline.driveId);
      expect(Number(row?.gears)).toBe(2);
      expect(Number(row?.sun)).toBe(0);
    } finally {
      duck.close();
    }
  });

  it('resamples at 100 Hz on request', async () => {
    const store = await LocalObjectStore.open({ root: join(dir, 'lake') });
    const fast = await syncDrive(store, {
      driveId: result.timeline.driveId,
      vehicle: 'demo',
      config: parseSyncConfig({ hz: 100 }),
    });
    expect(fast.timeline.t[1]! - fast.timeline.t[0]!).toBe(10_000_000n);
    const fastStates = truthAt(fast.timeline);
    expect(errors(fast.timeline.numeric.speed, (s) => s.speed, fastStates).max).toBeLessThan(0.1);
    expect(errors(fast.timeline.numeric.yaw_rate, (s) => -s.yawRate * DEG, fastStates).max).toBeLessThan(0.3);
  });
});

describe('syncDrive with the GPS clock 1.3 s ahead of the CAN logger', () => {
  let shifted: SyncResult;
  let uncorrected: SyncResult;

  beforeAll(async () => {
    const folder = join(dir, 'shifted');
    await rm(folder, { recursive: true, force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'demo.dbc'), await readFile(files.dbc));
    await writeFile(join(folder, 'can0.log'), await readFile(files.candump));
    await writeFile(join(folder, 'gps.nmea'), shiftNmea(await readFile(files.nmea, 'latin1'), 1.3));
    shifted = await ingestAndSync('lake-shifted', [folder]);
    const store = await LocalObjectStore.open({ root: join(dir, 'lake-shifted') });
    uncorrected = await syncDrive(store, {
      driveId: shifted.timeline.driveId,
      vehicle: 'demo',
      config: parseSyncConfig({ clockOffset: { enabled: false } }),
    });
  }, 60_000);

  it('recovers the offset within 0.05 s and applies it', () => {
    expect(shifted.clockOffset.offsetS).toBeGreaterThan(1.25);
    expect(shifted.clockOffset.offsetS).toBeLessThan(1.35);
    expect(shifted.clockOffset.correlation).toBeGreaterThan(0.99);
    expect(shifted.clockOffset.applied).toBe(true);
    expect(uncorrected.clockOffset).toMatchObject({ applied: false, reason: 'disabled' });
  });

  it('puts positions back where the vehicle was (and they are far off without the correction)', () => {
    const states = truthAt(shifted.timeline);
    expect(positionErrors(shifted.timeline, states).max).toBeLessThan(2);
    expect(positionErrors(uncorrected.timeline, truthAt(uncorrected.timeline)).max).toBeGreaterThan(20);
  });
});

describe('syncDrive on the demo ROS bag (imu, ego_motion, NavSatFix)', () => {
  let result: SyncResult;
  let states: (VehicleState | undefined)[];

  beforeAll(async () => {
    // Prefer the ROS sources over the CAN frames the bag also carries.
    result = await ingestAndSync(
      'lake-bag',
      [files.bag],
      {
        signals: {
          speed: [{ table: 'ego_motion', column: 'linear_x', source: '/vehicle/twist' }],
          yaw_rate: [{ table: 'imu', column: 'gyro_z', scale: DEG }],
          accel_lat: [{ table: 'imu', column: 'accel_y' }],
        },
      },
      [files.dbc],
    );
    states = truthAt(result.timeline);
  }, 60_000);

  it('reads the ROS sources in canonical units and signs', () => {
    const sources = Object.fromEntries(result.report.sources.map((c) => [c.signal, c.source]));
    expect(sources).toMatchObject({
      speed: 'ego_motion:/vehicle/twist:linear_x',
      yaw_rate: 'imu:gyro_z',
      heading: 'gps:course_from_track',
      alt: 'gps:alt_hae',
    });
    expect(errors(result.timeline.numeric.speed, (s) => s.speed, states).max).toBeLessThan(0.02);
    const yaw = errors(result.timeline.numeric.yaw_rate, (s) => -s.yawRate * DEG, states);
    expect(yaw.coverage).toBeGreaterThan(0.99);
    expect(yaw.max).toBeLessThan(0.6); // deg/s: 0.002 rad/s noise
    expect(errors(result.timeline.numeric.accel_lat, (s) => -s.speed * s.yawRate, states).max).toBeLessThan(
      0.3,
    );
  });

  it('derives heading from the NavSatFix track', () => {
    const heading = errors(
      result.timeline.numeric.heading,
      (s) => s.heading * DEG,
      states,
      (s) => s.speed > 5,
      angleDifference,
    );
    expect(heading.coverage).toBeGreaterThan(0.95);
    // Degrees: 0.3 m noise on each of two fixes >= 5 m apart is up to 5 degrees (1 sigma) at 5 m/s.
    expect(heading.rms).toBeLessThan(3);
    expect(heading.max).toBeLessThan(20);
  });
});
