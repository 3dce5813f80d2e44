import { describe, expect, it } from 'vitest';
import { DEFAULT_QUALITY_CONFIG, parseQualityConfig } from '../../../transforms/quality/qualityConfig.js';
import type { QualityConfig } from '../../../transforms/quality/qualityConfig.js';
import {
  judgeDrive,
  reasonCodes,
  type GpsTrack,
  type QualityInput,
  type QualityRow,
} from '../../../transforms/quality/qualityGates.js';
import type { CanonicalSignal, SignalSeries } from '../../../transforms/timeline.js';

const T0 = BigInt(Date.UTC(2024, 5, 14, 7)) * 1_000_000n;
const now = () => Date.UTC(2026, 10, 26);

/** A regular series: `hz` samples per second for `seconds`, from `start`. */
function series(signal: CanonicalSignal, hz: number, seconds: number, start = T0): SignalSeries {
  const n = Math.round(hz * seconds);
  const t = new BigInt64Array(n);
  const period = 1e9 / hz;
  for (let i = 0; i < n; i++) t[i] = start + BigInt(Math.round(i * period));
  return { signal, source: `test:${signal}`, t, v: new Float64Array(n).fill(1) };
}

/** A GNSS track at `hz`, driving north at 20 m/s from Munich; good fixes. */
function track(hz: number, seconds: number): GpsTrack & { fixQuality: Float64Array; hdop: Float64Array } {
  const n = Math.round(hz * seconds);
  const gps = {
    t: new BigInt64Array(n),
    lat: new Float64Array(n),
    lon: new Float64Array(n).fill(11.5),
    fixQuality: new Float64Array(n).fill(1),
    hdop: new Float64Array(n).fill(0.8),
    satellites: new Float64Array(n).fill(12),
  };
  for (let i = 0; i < n; i++) {
    gps.t[i] = T0 + BigInt(Math.round((i * 1e9) / hz));
    gps.lat[i] = 48 + (20 * (i / hz)) / 111_195;
  }
  return gps;
}

function clean(): QualityInput {
  return {
    driveId: 'd1',
    vehicle: 'v1',
    series: [series('speed', 50, 120), series('steering_angle', 100, 120), series('gear', 10, 120)],
    gps: track(10, 120),
    decode: { frames: 10_000, decoded: 9_000, errors: 0, errorsByReason: {} },
    expectedSignals: ['speed', 'lat'],
  };
}

function judge(input: QualityInput, config: QualityConfig = DEFAULT_QUALITY_CONFIG) {
  return judgeDrive(input, config, { now });
}

function row(rows: QualityRow[], signal: string): QualityRow {
  const found = rows.find((r) => r.signal === signal);
  if (!found) throw new Error(`no row for ${signal}`);
  return found;
}

function withSpeed(t: BigInt64Array): QualityInput {
  const input = clean();
  input.series[0] = { signal: 'speed', source: 'test:speed', t, v: new Float64Array(t.length) };
  return input;
}

describe('quality gates', () => {
  it('passes a clean drive and measures its rates exactly', () => {
    const result = judge(clean());
    expect(result.status).toBe('pass');
    expect(result.reasons).toEqual([]);
    expect(result.rows.map((r) => r.signal)).toEqual(['speed', 'steering_angle', 'gear', '_gps', '_drive']);
    expect(result.start).toBe(T0);
    const speed = row(result.rows, 'speed');
    expect(speed).toMatchObject({
      samples: 6000,
      nominal_from: 'median',
      gaps: 0,
      duplicates: 0,
      non_monotonic: 0,
      first_time: T0,
      last_time: T0 + 119_980_000_000n,
      epoch_ok: true,
      status: 'pass',
    });
    expect(speed.rate_hz).toBeCloseTo(50, 9);
    expect(speed.nominal_hz).toBeCloseTo(50, 9);
    expect(Math.abs(speed.drift_pct ?? NaN)).toBeLessThan(1e-9);
    expect(speed.max_gap_s).toBeCloseTo(0.02, 12);
    const gps = row(result.rows, '_gps');
    expect(gps.samples).toBe(1200);
    expect(gps.rate_hz).toBeCloseTo(10, 9);
    expect(gps).toMatchObject({
      gps_jumps: 0,
      gps_low_quality_share: 0,
      gps_hdop_max: 0.8,
      gps_hdop_median: 0.8,
    });
    const drive = row(result.rows, '_drive');
    expect(drive).toMatchObject({
      samples: 6000 + 12_000 + 1200,
      decode_frames: 10_000,
      decode_errors: 0,
      decode_error_rate: 0,
      epoch_ok: true,
      status: 'pass',
      first_time: T0,
    });
  });

  it('fails a clock counting from 1970 (epoch_1970), once for the drive', () => {
    const input = clean();
    input.series = input.series.map((s) => series(s.signal, 50, 10, 12_000_000_000n));
    input.gps = undefined;
    input.expectedSignals = [];
    const result = judge(input);
    expect(result.status).toBe('fail');
    expect(reasonCodes(result)).toEqual(['epoch_1970']);
    expect(result.reasons[0]?.message).toMatch(
      /speed \(test:speed\) starts at 1970-01-01T00:00:12.000Z.*\(and 2 more\)/,
    );
    expect(row(result.rows, 'speed').epoch_ok).toBe(false);
    expect(row(result.rows, '_drive').epoch_ok).toBe(false);
    // The time 0 itself is the same unset clock.
    expect(reasonCodes(judge(withSpeed(new BigInt64Array([0n, 20_000_000n]))))).toContain('epoch_1970');
  });

  it('fails times before 2000 and in the future', () => {
    const early = withSpeed(series('speed', 50, 10, BigInt(Date.UTC(1999, 11, 31)) * 1_000_000n).t);
    expect(reasonCodes(judge(early))).toEqual(['epoch_early']);
    const future = withSpeed(series('speed', 50, 10, BigInt(now() + 2 * 86_400_000) * 1_000_000n).t);
    const result = judge(future);
    expect(result.status).toBe('fail');
    expect(reasonCodes(result)).toEqual(['epoch_future']);
    // Within the day of margin is fine.
    expect(judge(withSpeed(series('speed', 50, 10, BigInt(now() + 3_600_000) * 1_000_000n).t)).status).toBe(
      'pass',
    );
  });

  it('warns on duplicate timestamps above 0.1 % of the samples', () => {
    const { t } = series('speed', 50, 120);
    for (let i = 100; i < 6000; i += 100) t[i] = t[i - 1] as bigint; // 59 duplicates = 0.98 %
    const result = judge(withSpeed(t));
    expect(result.status).toBe('warn');
    expect(reasonCodes(result)).toEqual(['duplicates:speed']);
    expect(row(result.rows, 'speed').duplicates).toBe(59);
    // One in 6000 is below the limit.
    const one = series('speed', 50, 120).t;
    one[10] = one[9] as bigint;
    expect(judge(withSpeed(one)).status).toBe('pass');
  });

  it('fails time that steps back, without reading the catch-up as a gap', () => {
    const { t } = series('speed', 50, 120);
    const a = t[500] as bigint;
    t[500] = t[501] as bigint;
    t[501] = a;
    const result = judge(withSpeed(t));
    expect(result.status).toBe('fail');
    expect(reasonCodes(result)).toEqual(['non_monotonic:speed']);
    const speed = row(result.rows, 'speed');
    expect(speed).toMatchObject({
      non_monotonic: 1,
      gaps: 0,
      first_time: T0,
      last_time: T0 + 119_980_000_000n,
    });
    expect(speed.max_gap_s).toBeCloseTo(0.04, 12);
  });

  it('warns on a 3 s gap and says where it is', () => {
    const full = series('speed', 50, 120).t;
    // Drop the samples strictly between 10 s and 13 s.
    const t = BigInt64Array.from(
      [...full].filter((x) => x <= T0 + 10_000_000_000n || x >= T0 + 13_000_000_000n),
    );
    const result = judge(withSpeed(t));
    expect(result.status).toBe('warn');
    expect(reasonCodes(result)).toEqual(['gap:speed']);
    const speed = row(result.rows, 'speed');
    expect(speed.gaps).toBe(1);
    expect(speed.max_gap_s).toBeCloseTo(3, 12);
    expect(speed.rate_hz).toBeCloseTo(50, 9);
    expect(result.reasons[0]?.message).toContain('3.000 s from 2024-06-14T07:00:10.000Z');
    // A gap gate configured to fail fails the drive.
    const strict = parseQualityConfig({ gap: { action: 'fail' } }, 'test.json');
    expect(judge(withSpeed(t), strict).status).toBe('fail');
  });

  it('warns on a rate 20 % below the expected one', () => {
    const input = withSpeed(series('speed', 40, 120).t);
    const config = parseQualityConfig({ expectedHz: { speed: 50 } }, 'test.json');
    const result = judge(input, config);
    expect(result.status).toBe('warn');
    expect(reasonCodes(result)).toEqual(['drift:speed']);
    const speed = row(result.rows, 'speed');
    expect(speed.nominal_from).toBe('expected');
    expect(speed.drift_pct).toBeCloseTo(-20, 9);
    // Without an expected rate a uniform 40 Hz is its own nominal rate.
    expect(judge(input).status).toBe('pass');
    // A source entry wins over the signal entry.
    const bySource = parseQualityConfig({ expectedHz: { speed: 50, 'test:speed': 40 } }, 'test.json');
    expect(judge(input, bySource).status).toBe('pass');
  });

  it('finds a rate that drops mid-drive against the median interval', () => {
    const first = series('speed', 50, 60).t;
    const second = series('speed', 25, 60, T0 + 60_000_000_000n).t;
    const result = judge(withSpeed(BigInt64Array.from([...first, ...second])));
    expect(reasonCodes(result)).toEqual(['drift:speed']);
    // 4500 intervals in 120 s against a median of 20 ms.
    expect(row(result.rows, 'speed').drift_pct).toBeCloseTo(-25, 1);
  });

  it('warns on a GNSS jump of 5 km in 1 s, counting it once', () => {
    const input = clean();
    const gps = track(1, 120);
    for (let i = 60; i < 120; i++) gps.lat[i] = (gps.lat[i] as number) + 5000 / 111_195;
    input.gps = gps;
    const result = judge(input);
    expect(result.status).toBe('warn');
    expect(reasonCodes(result)).toEqual(['gps_jump']);
    const row_ = row(result.rows, '_gps');
    expect(row_.gps_jumps).toBe(1);
    // 5000 m + 20 m driven in that second (haversine vs the flat metre-per-degree used here: < 0.5 %).
    expect(row_.gps_max_jump_mps).toBeGreaterThan(5020 * 0.995);
    expect(row_.gps_max_jump_mps).toBeLessThan(5020 * 1.005);
  });

  it('does not read position noise between fast fixes as a jump', () => {
    const input = clean();
    const gps = track(10, 120);
    // +-5 m of noise at 10 Hz implies up to 100 m/s between fixes.
    for (let i = 0; i < gps.lat.length; i++) gps.lat[i] = (gps.lat[i] as number) + ((i % 2) * 10) / 111_195;
    input.gps = gps;
    expect(judge(input).status).toBe('pass');
  });

  it('warns on HDOP 25', () => {
    const input = clean();
    const gps = track(10, 120);
    gps.hdop.fill(25);
    input.gps = gps;
    const result = judge(input);
    expect(reasonCodes(result)).toEqual(['gps_hdop']);
    expect(result.status).toBe('warn');
    expect(row(result.rows, '_gps')).toMatchObject({
      gps_hdop_max: 25,
      gps_hdop_median: 25,
      gps_high_hdop_share: 1,
    });
  });

  it('warns on fix quality 0 and does not judge jumps between invalid fixes', () => {
    const input = clean();
    const gps = track(10, 120);
    gps.fixQuality.fill(0);
    gps.lat[50] = 10; // a made-up position while the receiver says it has no fix
    input.gps = gps;
    input.expectedSignals = [];
    const result = judge(input);
    expect(reasonCodes(result)).toEqual(['gps_fix']);
    expect(row(result.rows, '_gps')).toMatchObject({ gps_low_quality_share: 1, gps_jumps: 0 });
  });

  it('warns on fewer than 4 satellites', () => {
    const input = clean();
    const gps = track(10, 120);
    (gps.satellites as Float64Array).fill(3);
    input.gps = gps;
    expect(reasonCodes(judge(input))).toEqual(['gps_satellites']);
  });

  it('warns on 10 % decode errors and names the reasons', () => {
    const input = clean();
    input.decode = {
      frames: 1000,
      decoded: 900,
      errors: 100,
      errorsByReason: { short_frame: 60, bad_line: 40 },
    };
    const result = judge(input);
    expect(result.status).toBe('warn');
    expect(reasonCodes(result)).toEqual(['decode_errors']);
    expect(row(result.rows, '_drive').decode_error_rate).toBeCloseTo(0.1, 12);
    expect(result.reasons[0]?.message).toContain('(short_frame 60, bad_line 40)');
  });

  it('fails a missing expected signal and gives it a row', () => {
    const input = clean();
    input.expectedSignals = ['speed', 'yaw_rate'];
    const config = parseQualityConfig({ missingSignal: { signals: ['lon'] } }, 'test.json');
    const result = judge(input, config);
    expect(result.status).toBe('fail');
    expect(reasonCodes(result)).toEqual(['missing:yaw_rate']);
    expect(row(result.rows, 'yaw_rate')).toMatchObject({ samples: 0, source: null, status: 'fail' });
    // lat/lon count as present from the GNSS track; without it they are missing.
    input.gps = undefined;
    expect(reasonCodes(judge(input, config))).toEqual(['missing:lon', 'missing:yaw_rate']);
  });

  it('warns on a clock offset beyond 1 s and fails a drive without data', () => {
    const input = clean();
    input.clockOffsetS = -3.2;
    const result = judge(input);
    expect(reasonCodes(result)).toEqual(['clock_offset']);
    expect(row(result.rows, '_drive').clock_offset_s).toBe(-3.2);
    // No estimate (NaN) is no offset.
    expect(judge({ ...input, clockOffsetS: NaN }).status).toBe('pass');
    const empty = judge({ driveId: 'd', vehicle: 'v', series: [] });
    expect(empty.status).toBe('fail');
    expect(reasonCodes(empty)).toEqual(['no_data']);
    expect(empty.start).toBe(0n);
  });

  it('skips gates set to off and keeps the worst status when reasons combine', () => {
    const input = clean();
    input.decode = { frames: 100, decoded: 0, errors: 50, errorsByReason: {} };
    input.expectedSignals = ['yaw_rate'];
    const result = judge(input);
    expect(result.status).toBe('fail');
    expect(result.reasons.map((r) => [r.code, r.status])).toEqual([
      ['missing:yaw_rate', 'fail'],
      ['decode_errors', 'warn'],
    ]);
    const off = parseQualityConfig(
      { decodeErrors: { action: 'off' }, missingSignal: { action: 'off' } },
      'x',
    );
    expect(judge(input, off).status).toBe('pass');
  });

  it('judges a long drive (1 h at 100 Hz x 15 signals) with the same results as a short one', () => {
    const names: CanonicalSignal[] = [
      'speed',
      'accel_long',
      'accel_lat',
      'yaw_rate',
      'heading',
      'steering_angle',
      'brake',
      'throttle',
      'lat',
      'lon',
      'alt',
      'outside_temp',
      'wiper',
      'gear',
      'turn_signal',
    ];
    const input: QualityInput = {
      driveId: 'long',
      vehicle: 'v',
      series: names.map((s) => series(s, 100, 3600)),
    };
    const result = judge(input);
    expect(result.status).toBe('pass');
    for (const r of result.rows.slice(0, 15)) {
      expect(r.samples).toBe(360_000);
      expect(r.rate_hz).toBeCloseTo(100, 6);
    }
  });
});
