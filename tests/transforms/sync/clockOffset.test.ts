import { describe, expect, it } from 'vitest';
import { generateDemoDrive } from '../../../ingest/demo/generateDemoDrive.js';
import { estimateClockOffset, shiftTimes } from '../../../transforms/sync/clockOffset.js';
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
