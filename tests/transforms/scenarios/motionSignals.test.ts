import { describe, expect, it } from 'vitest';
import { movingAverage } from '../../../transforms/scenarios/motionSignals.js';

/** The average of the non-NaN values in the centred window, by brute force. */
function reference(values: Float64Array, window: number): number[] {
  const before = Math.floor((window - 1) / 2);
  const after = window - 1 - before;
  return Array.from(values, (v, i) => {
    if (Number.isNaN(v)) return NaN;
    let sum = 0;
    let count = 0;
    for (let j = Math.max(0, i - before); j <= Math.min(values.length - 1, i + after); j++) {
      const x = values[j] as number;
      if (!Number.isNaN(x)) {
        sum += x;
        count++;
      }
    }
    return sum / count;
  });
}

describe('movingAverage', () => {
  it('averages the non-NaN neighbours in a centred window, call after call of other lengths', () => {
    const long = Float64Array.from({ length: 50 }, (_, i) => (i % 7 === 3 ? NaN : Math.sin(i) * 10));
    const short = Float64Array.of(4, NaN, 8, 1, 2);
    for (const [values, window] of [
      [long, 5],
      [short, 3],
      [long, 4],
      [short, 1],
      [short, 9],
    ] as const) {
      const got = [...movingAverage(values, window)];
      const want = reference(values, window);
      got.forEach((v, i) =>
        Number.isNaN(want[i]) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(want[i] as number, 12),
      );
    }
  });
});
