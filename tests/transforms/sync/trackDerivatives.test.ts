import { describe, expect, it } from 'vitest';
import { trackDerivatives } from '../../../transforms/sync/trackDerivatives.js';

const T0 = 1_718_000_000_000_000_000n;
/** Metres per degree of latitude on the sphere trackDerivatives uses. */
const M_PER_DEG = (6_378_137 * Math.PI) / 180;

describe('trackDerivatives', () => {
  it('gives speed and course from fixes a window apart, stamped at their midpoint', () => {
    // Due north at 10 m/s, a fix every 0.5 s (one 0.5 s step is 1 ns longer: the midpoint rounds down).
    const times = [0n, 500_000_000n, 1_000_000_001n, 1_500_000_001n, 2_000_000_001n].map((d) => T0 + d);
    const seconds = times.map((x) => Number(x - T0) / 1e9);
    const lat = Float64Array.from(seconds, (s) => 48 + (10 * s) / M_PER_DEG);
    const lon = new Float64Array(times.length).fill(11);
    const track = trackDerivatives(BigInt64Array.from(times), lat, lon);
    expect([...track.t]).toEqual([T0 + 500_000_000n, T0 + 1_000_000_000n, T0 + 1_500_000_001n]);
    for (const v of track.speed) expect(v).toBeCloseTo(10, 6);
    for (const c of track.course) expect(c).toBeCloseTo(0, 6);
  });

  it('sorts fixes given out of order and skips those without a position, gaps and standstill courses', () => {
    const at = (s: number): bigint => T0 + BigInt(s * 1e9);
    const times = BigInt64Array.from([at(3), at(0), at(1), at(2), at(10), at(11)]);
    const east = (m: number): number => 11 + m / (M_PER_DEG * Math.cos((48 * Math.PI) / 180));
    const lat = Float64Array.from([48, 48, 48, NaN, 48, 48]);
    const lon = Float64Array.from([east(30), east(0), east(15), east(20), east(100), east(101)]);
    const track = trackDerivatives(times, lat, lon);
    // 0 s → 1 s: 15 m east; 1 s → 3 s: 15 m (no fix at 2 s); 3 s → 10 s: a 7 s gap; 10 s → 11 s: 1 m.
    expect([...track.t]).toEqual([at(0.5), at(2), at(10.5)]);
    expect(track.speed[0]).toBeCloseTo(15, 3);
    expect(track.speed[1]).toBeCloseTo(7.5, 3);
    expect(track.course[0]).toBeCloseTo(90, 3);
    expect(track.speed[2]).toBeCloseTo(1, 3);
    expect(track.course[2]).toBeNaN();
  });
});
