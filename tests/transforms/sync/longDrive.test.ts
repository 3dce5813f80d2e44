/**
 * A one-hour drive at 100 Hz: the resampling must stay linear in the samples. The time is printed, not
 * asserted (shared CI machines); the values are checked.
 */
import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../../transforms/sync/buildTimeline.js';
import type { SignalSeries } from '../../../transforms/timeline.js';

const HOUR_S = 3600;
const T0 = 1_700_000_000_000_000_000n;

/** `hz` samples per second with ±2 ms jitter, value a straight line in time (exact for linear). */
function series(signal: SignalSeries['signal'], hz: number, seed: number): SignalSeries {
  const n = HOUR_S * hz;
  const t = new BigInt64Array(n);
  const v = new Float64Array(n);
  let state = seed;
  for (let i = 0; i < n; i++) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const jitterNs = Math.round((state / 2_147_483_648 - 0.5) * 4e6);
    const ns = Math.round((i * 1e9) / hz) + jitterNs;
    t[i] = T0 + BigInt(ns);
    v[i] = 3 + ns * 1e-9 * 0.5;
  }
  return { signal, source: `synthetic:${signal}`, t, v };
}

describe('buildTimeline on one hour at 100 Hz', () => {
  it('resamples 8 signals of 360k samples each onto 360k ticks, exactly', () => {
    const input = [
      series('speed', 100, 1),
      series('accel_long', 100, 2),
      series('accel_lat', 100, 3),
      series('yaw_rate', 100, 4),
      series('steering_angle', 100, 5),
      series('brake', 50, 6),
      series('throttle', 50, 7),
      series('lat', 10, 8),
    ];
    const started = performance.now();
    const timeline = buildTimeline(input, { driveId: 'long', vehicle: 'v', hz: 100 });
    const elapsed = performance.now() - started;
    const samples = input.reduce((sum, s) => sum + s.t.length, 0);
    console.info(
      `buildTimeline: ${samples} samples -> ${timeline.t.length} ticks x ${input.length} signals in ${elapsed.toFixed(0)} ms`,
    );
    expect(timeline.t.length).toBeGreaterThan(HOUR_S * 100 - 2);
    const speed = timeline.numeric.speed;
    expect(speed).toBeDefined();
    let worst = 0;
    timeline.t.forEach((tick, k) => {
      const value = speed?.[k] ?? NaN;
      if (Number.isNaN(value)) return;
      worst = Math.max(worst, Math.abs(value - (3 + Number(tick - T0) * 1e-9 * 0.5)));
    });
    expect(worst).toBeLessThan(1e-9);
    // 50 Hz brake with a 'previous' hold of at most 1 s: never missing inside the drive.
    expect(timeline.numeric.brake?.slice(1, -1).some(Number.isNaN)).toBe(false);
  });
});
