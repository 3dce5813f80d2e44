import { describe, expect, it } from 'vitest';
import { MEDIAN_SAMPLE, measureTiming } from '../../../transforms/quality/measureTiming.js';
import { selectMedian } from '../../../transforms/quality/selectMedian.js';
import { seededRandom } from '../../../ingest/demo/random.js';

const T0 = BigInt(Date.UTC(2024, 5, 14, 7)) * 1_000_000n;
const options = { gapPeriods: 5, gapSeconds: 1 };

/** Seeded uniform numbers in [0, 1), so a failure reproduces. */
function random(seed: number): () => number {
  const generator = seededRandom(seed);
  return () => generator.next();
}

describe('selectMedian', () => {
  it('agrees with sorting on random, repeated and sorted values', () => {
    const next = random(7);
    for (const n of [1, 2, 3, 10, 101, 1000, 4096]) {
      for (const shape of ['random', 'few', 'sorted', 'reversed'] as const) {
        const values = Float64Array.from({ length: n }, (_, i) =>
          shape === 'random'
            ? next()
            : shape === 'few'
              ? Math.floor(next() * 3)
              : shape === 'sorted'
                ? i
                : n - i,
        );
        const sorted = Float64Array.from(values).sort();
        expect(selectMedian(values), `${shape} ${n}`).toBe(sorted[n >> 1]);
      }
    }
    expect(selectMedian(new Float64Array(0))).toBeUndefined();
    // Only the first `length` values count.
    expect(selectMedian(Float64Array.from([5, 1, 3, 100, 100]), 3)).toBe(3);
  });
});

describe('measureTiming', () => {
  it('takes the nominal rate from an even sample of a long series: both rates of a source that changed', () => {
    // 100 Hz with ±1 ms jitter for 30%, then 50 Hz for 70%: the median interval is in the 50 Hz part.
    const next = random(11);
    const n = 10 * MEDIAN_SAMPLE;
    const t = new BigInt64Array(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      t[i] = T0 + BigInt(Math.round(at * 1e6));
      at += (i < 0.3 * n ? 10 : 20) + (next() - 0.5) * 2;
    }
    const timing = measureTiming(t, options);
    expect(timing.nominalFrom).toBe('median');
    const intervals = Float64Array.from({ length: n - 1 }, (_, i) =>
      Number((t[i + 1] as bigint) - (t[i] as bigint)),
    );
    const exactHz = 1e9 / (selectMedian(intervals) as number);
    expect(exactHz).toBeGreaterThan(50);
    expect(exactHz).toBeLessThan(52);
    expect(Math.abs((timing.nominalHz as number) / exactHz - 1)).toBeLessThan(0.002);
    // The intervals themselves are all still there for the rate: no gaps, ~1.4 samples per 20 ms.
    expect(timing.gaps).toBe(0);
    expect(timing.rateHz).toBeCloseTo(n / (at / 1000), 0);
    // With a scratch reused between series, a shorter series after a longer one is measured alike.
    const scratch = { buffer: new Float64Array(0) };
    measureTiming(t, { ...options, scratch });
    const short = measureTiming(t.subarray(0, 1000), { ...options, scratch });
    expect(short.nominalHz).toBeGreaterThan(99);
    expect(short.nominalHz).toBeLessThan(101);
  });

  it('handles no samples, one sample, and all-equal times', () => {
    expect(measureTiming(new BigInt64Array(0), options)).toEqual({
      samples: 0,
      duplicates: 0,
      nonMonotonic: 0,
      gaps: 0,
    });
    expect(measureTiming(BigInt64Array.from([T0]), options)).toEqual({
      samples: 1,
      duplicates: 0,
      nonMonotonic: 0,
      gaps: 0,
      first: T0,
      last: T0,
    });
    const same = measureTiming(BigInt64Array.from([T0, T0, T0]), options);
    expect(same).toMatchObject({ duplicates: 2, first: T0, last: T0 });
    expect(same.rateHz).toBeUndefined();
  });

  it('is exact to the nanosecond at today’s epoch', () => {
    const timing = measureTiming(BigInt64Array.from([T0, T0 + 1n, T0 + 2n, T0 + 2n]), options);
    expect(timing).toMatchObject({ duplicates: 1, nonMonotonic: 0, first: T0, last: T0 + 2n, gaps: 0 });
    expect(timing.maxGapS).toBe(1e-9);
    expect(timing.nominalHz).toBe(1e9);
  });

  it('finds the earliest and latest time when the series is out of order', () => {
    const timing = measureTiming(
      BigInt64Array.from([T0 + 10n, T0 + 5n, T0 + 20n, T0 - 7n, T0 + 30n]),
      options,
    );
    expect(timing).toMatchObject({ first: T0 - 7n, last: T0 + 30n, nonMonotonic: 2, duplicates: 0 });
  });

  it('takes the gap threshold as the larger of periods and seconds', () => {
    // 1 Hz: 5 periods (5 s) beat 1 s, so a 3 s interval is no gap; a 6 s one is.
    const t = BigInt64Array.from([0, 1, 2, 3, 6, 7, 13, 14].map((s) => T0 + BigInt(s) * 1_000_000_000n));
    const timing = measureTiming(t, options);
    expect(timing).toMatchObject({ gaps: 1, gapThresholdS: 5, maxGapS: 6, maxGapAt: T0 + 7_000_000_000n });
    expect(timing.nominalHz).toBe(1);
    // Rate over the intervals that are not gaps: 6 intervals in 8 s.
    expect(timing.rateHz).toBeCloseTo(6 / 8, 12);
  });
});
