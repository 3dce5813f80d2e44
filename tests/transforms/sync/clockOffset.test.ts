import { describe, expect, it, vi } from 'vitest';
import { generateDemoDrive } from '../../../ingest/demo/generateDemoDrive.js';
import {
  argmax,
  climb,
  Correlations,
  estimateClockOffset,
  shiftTimes,
} from '../../../transforms/sync/clockOffset.js';
import type { SpeedSamples } from '../../../transforms/sync/clockOffset.js';

const drive = generateDemoDrive({ seed: 3 });

/** The vehicle's speed as the simulator knows it (100 Hz, log clock). */
const vehicle: SpeedSamples = {
  t: BigInt64Array.from(drive.states, (s) => drive.startNs + BigInt(Math.round(s.time * 1e9))),
  v: Float64Array.from(drive.states, (s) => s.speed),
};

/** The receiver's speed over ground (10 Hz, knots-rounded, with noise), its clock ahead by `offsetS`. */
function receiver(offsetS: number): SpeedSamples {
  const fixes = [...drive.fixes()];
  const t = BigInt64Array.from(fixes, (f) => f.micros * 1000n);
  return { t: shiftTimes(t, -offsetS), v: Float64Array.from(fixes, (f) => f.speed) };
}

describe('estimateClockOffset', () => {
  it.each([1.3, -2.47, 0.35, 4.2])('recovers a GPS clock %f s off within 0.05 s', (offsetS) => {
    const estimate = estimateClockOffset(vehicle, receiver(offsetS));
    expect(Math.abs(estimate.offsetS - offsetS)).toBeLessThan(0.05);
    expect(estimate.correlation).toBeGreaterThan(0.99);
    expect(estimate.samples).toBeGreaterThan(10_000);
    expect(estimate).toMatchObject({ applied: true });
    expect(estimate.reason).toBeUndefined();
  });

  it('finds ~0 and does not apply it when the clocks agree', () => {
    const estimate = estimateClockOffset(vehicle, receiver(0));
    expect(Math.abs(estimate.offsetS)).toBeLessThan(0.02);
    expect(estimate).toMatchObject({ applied: false, reason: 'below_threshold' });
  });

  it('does not apply an offset outside the search window or when disabled', () => {
    expect(estimateClockOffset(vehicle, receiver(7)).applied).toBe(false);
    expect(estimateClockOffset(vehicle, receiver(1.3), { enabled: false })).toMatchObject({
      applied: false,
      reason: 'disabled',
    });
  });

  it('says why there is no estimate', () => {
    const empty = { t: new BigInt64Array(0), v: new Float64Array(0) };
    expect(estimateClockOffset(empty, receiver(0)).reason).toBe('no_vehicle_speed');
    expect(estimateClockOffset(vehicle, empty).reason).toBe('no_gps_speed');
    const parked = { t: vehicle.t, v: new Float64Array(vehicle.t.length) };
    const gpsParked = {
      t: receiver(0).t,
      v: new Float64Array(receiver(0).t.length).map((_, i) => (i % 7) * 0.01),
    };
    expect(estimateClockOffset(parked, gpsParked).applied).toBe(false);
  });
});

describe('the fine lag search', () => {
  /** A speed trace (m/s) and the same shifted by `shift` steps with noise, as the fine grid sees them. */
  function pair(shift: number, maxLag: number): Correlations {
    const n = 20_000;
    const speed = (k: number): number => 15 + 8 * Math.sin(k / 700) + 3 * Math.sin(k / 97) + Math.sin(k / 13);
    const a = Float64Array.from({ length: n }, (_, k) => speed(k));
    // b[k + l] is compared with a[k]; the peak is at l = maxLag + shift.
    let seed = 7;
    const noise = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.4;
    const b = Float64Array.from({ length: n + 2 * maxLag }, (_, j) => speed(j - maxLag - shift) + noise());
    return new Correlations(maxLag, a, b);
  }

  it.each([-5, -3, 0, 2, 5, 12, -20])('climbs to the lag that trying every lag finds (shift %i)', (shift) => {
    const climbed = climb(pair(shift, 20), 20);
    expect(climbed).toBe(20 + shift);
    expect(climbed).toBe(argmax(pair(shift, 20)));
  });

  it('computes only the lags on its way, not all 41', () => {
    const c = pair(3, 20);
    const computed = vi.spyOn(c as unknown as { compute: (l: number) => void }, 'compute');
    expect(climb(c, 20)).toBe(23);
    // 20, 19, 21, 22, 23, 24: the start, its neighbours, and one step past the peak.
    expect(computed.mock.calls.length).toBeLessThanOrEqual(7);
  });

  it('searches every lag when the start has no correlation', () => {
    // Only lag index 0 (lag -2) has three samples both sides have.
    const c = new Correlations(
      2,
      Float64Array.of(1, 2, 4, NaN, NaN, NaN),
      Float64Array.of(1, 2, 4, NaN, NaN, NaN, NaN, NaN, NaN, NaN),
    );
    expect(c.at(2)).toBeNaN();
    expect(climb(c, 2)).toBe(0);
  });
});
