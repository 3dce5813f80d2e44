import { describe, expect, it } from 'vitest';
import { expectLikeOracle } from './oracleCompare.js';

describe('expectLikeOracle', () => {
  const oracle = {
    header: { stamp: { secs: 1, nsecs: 2 }, frame_id: 'gps' },
    latitude: 42.375812,
    cov: [0.81, 0],
  };
  it('accepts equal values within 1e-9 relative, typed arrays and {sec,nsec}', () => {
    expectLikeOracle(oracle, {
      header: { stamp: { sec: 1, nsec: 2 }, frame_id: 'gps' },
      latitude: 42.375812 * (1 + 5e-10),
      cov: Float64Array.of(0.81, 0),
    });
  });
  it('fails on a float off by more than the tolerance, a wrong stamp, or a missing key', () => {
    expect(() =>
      expectLikeOracle(oracle, {
        header: { stamp: { sec: 1, nsec: 2 }, frame_id: 'gps' },
        latitude: 42.3758121,
        cov: [0.81, 0],
      }),
    ).toThrow();
    expect(() =>
      expectLikeOracle(oracle, {
        header: { stamp: { sec: 1, nsec: 3 }, frame_id: 'gps' },
        latitude: 42.375812,
        cov: [0.81, 0],
      }),
    ).toThrow();
    expect(() =>
      expectLikeOracle(oracle, {
        header: { stamp: { sec: 1, nsec: 2 } },
        latitude: 42.375812,
        cov: [0.81, 0],
      }),
    ).toThrow();
  });
});
