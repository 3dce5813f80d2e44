/**
 * Time sync on a real drive: one minute of the comma2k19 Toyota RAV4 (CAN + NMEA), decoded with opendbc's
 * DBC, checked against comma's own processed speed and against the physics the signals must agree on.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../../catalog/localObjectStore.js';
import { parseDecimalSecondsNs } from '../../../core/time.js';
import { ingestPaths } from '../../../ingest/ingestPaths.js';
import { syncDrive } from '../../../transforms/sync/syncDrive.js';
import type { SyncResult } from '../../../transforms/sync/syncDrive.js';
import { textValues } from '../../../transforms/timeline.js';

const DRIVE = resolve('../shared/data/drives/comma2k19/derived');
const DBC = resolve('../shared/data/dbc/opendbc/toyota_new_mc_pt.dbc');
const STEM = 'rav4_2018-08-02_seg40';

/** comma's processed speed (m/s, mean of the wheel speeds) at its own sample times (ns). */
async function speedOracle(): Promise<{ t: bigint[]; v: number[] }> {
  const text = await readFile(join(DRIVE, `${STEM}.expected.speed.csv`), 'utf8');
  const t: bigint[] = [];
  const v: number[] = [];
  for (const line of text.trim().split('\n').slice(1)) {
    const [time = '', value = ''] = line.split(',');
    t.push(parseDecimalSecondsNs(time) ?? -1n);
    v.push(Number(value));
  }
  return { t, v };
}

/** Means of blocks of `n` ticks (NaN-free blocks only): the physics checks look at 1 s trends, not noise. */
function blockMeans(values: Float64Array, n = 10): Float64Array {
  const out = new Float64Array(Math.floor(values.length / n));
  for (let b = 0; b < out.length; b++) {
    let sum = 0;
    for (let i = b * n; i < (b + 1) * n; i++) sum += values[i] as number;
    out[b] = sum / n;
  }
  return out;
}

function correlation(a: Float64Array, b: Float64Array): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    n++;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  return (sab - (sa * sb) / n) / Math.sqrt((saa - (sa * sa) / n) * (sbb - (sb * sb) / n));
}

describe('syncDrive on the comma2k19 RAV4 minute', () => {
  let lake: string;
  let result: SyncResult;

  beforeAll(async () => {
    lake = await mkdtemp(join(tmpdir(), 'adlake-sync-comma-'));
    const store = await LocalObjectStore.open({ root: lake });
    const report = await ingestPaths({
      store,
      paths: [join(DRIVE, `${STEM}.candump.log`), join(DRIVE, `${STEM}.nmea`)],
      dbcs: [{ path: DBC }],
      vehicle: 'rav4',
    });
    result = await syncDrive(store, { driveId: report.driveId ?? '', vehicle: 'rav4' });
  }, 120_000);

  afterAll(async () => {
    await rm(lake, { recursive: true, force: true });
  });

  it('maps the Toyota signals', () => {
    const sources = Object.fromEntries(result.report.sources.map((c) => [c.signal, c.source]));
    expect(sources).toEqual({
      speed: 'can_signals:WHEEL_SPEEDS.mean(WHEEL_SPEED_FL,WHEEL_SPEED_FR,WHEEL_SPEED_RL,WHEEL_SPEED_RR)',
      accel_long: 'can_signals:KINEMATICS.ACCEL_X',
      accel_lat: 'can_signals:KINEMATICS.ACCEL_Y',
      yaw_rate: 'can_signals:KINEMATICS.YAW_RATE',
      heading: 'gps:course',
      steering_angle: 'can_signals:STEER_ANGLE_SENSOR.sum(STEER_ANGLE,STEER_FRACTION)',
      brake: 'can_signals:BRAKE_MODULE.BRAKE_PRESSED',
      throttle: 'can_signals:GAS_PEDAL.GAS_PEDAL',
      lat: 'gps:lat',
      lon: 'gps:lon',
      alt: 'gps:alt',
      gear: 'can_signals:GEAR_PACKET.GEAR',
      turn_signal: 'can_signals:BLINKERS_STATE.TURN_SIGNALS',
    });
    expect(result.missing).toEqual(['outside_temp']);
    expect(result.timeline.t.length).toBe(601);
    expect(new Set(textValues(result.timeline.text.gear!))).toEqual(new Set(['D', null]));
  });

  it("reproduces comma's speed at every tick", async () => {
    const oracle = await speedOracle();
    const speed = result.timeline.numeric.speed;
    expect(speed).toBeDefined();
    let interpolated = 0;
    let nearest = 0;
    let compared = 0;
    let j = 0;
    result.timeline.t.forEach((tick, k) => {
      while (j + 1 < oracle.t.length && (oracle.t[j + 1] as bigint) <= tick) j++;
      const t0 = oracle.t[j] as bigint;
      const t1 = oracle.t[j + 1];
      if (t0 > tick || t1 === undefined) return;
      const value = speed?.[k] ?? NaN;
      expect(value, `speed at tick ${k}`).not.toBeNaN();
      const f = Number(tick - t0) / Number(t1 - t0);
      const v0 = oracle.v[j] as number;
      const v1 = oracle.v[j + 1] as number;
      interpolated = Math.max(interpolated, Math.abs(value - (v0 + (v1 - v0) * f)));
      nearest = Math.max(nearest, Math.abs(value - (f < 0.5 ? v0 : v1)));
      compared++;
    });
    expect(compared).toBeGreaterThan(590);
    expect(interpolated).toBeLessThan(1e-6); // m/s: the same samples, the same interpolation
    // m/s: against comma's sample at most 6 ms away; wheel speeds jitter by ~0.1 m/s frame to frame.
    expect(nearest).toBeLessThan(0.15);
  });

  it('gives signals whose signs agree with each other (ISO 8855)', () => {
    const { numeric } = result.timeline;
    const speed = numeric.speed!;
    // dv/dt over one second, against the longitudinal acceleration.
    const dvdt = new Float64Array(speed.length).fill(NaN);
    for (let k = 5; k + 5 < speed.length; k++) dvdt[k] = (speed[k + 5]! - speed[k - 5]!) / 1;
    expect(correlation(numeric.accel_long!, dvdt)).toBeGreaterThan(0.75);
    // Left-positive steering turns the car left: counter-clockwise yaw, acceleration to the left.
    expect(correlation(blockMeans(numeric.steering_angle!), blockMeans(numeric.yaw_rate!))).toBeGreaterThan(
      0.6,
    );
    const centripetal = speed.map((v, k) => (v * numeric.yaw_rate![k]!) / (180 / Math.PI));
    expect(correlation(blockMeans(numeric.accel_lat!), blockMeans(centripetal))).toBeGreaterThan(0.6);
  });

  it('estimates the GPS clock against the wheel speeds', () => {
    const offset = result.clockOffset;
    expect(offset.correlation).toBeGreaterThan(0.99);
    expect(offset.samples).toBeGreaterThan(5000);
    // A real logger: the receiver's speed lags the wheels by a fraction of a second.
    expect(Math.abs(offset.offsetS)).toBeLessThan(0.5);
    expect(result.report.coverage.lat).toBeGreaterThan(0.98);
  });
});
