import { describe, expect, it } from 'vitest';
import { recordTimeNs } from '../../ingest/mdf4/recordTime.js';

describe('recordTimeNs', () => {
  const INT64_MAX = 2n ** 63n - 1n;
  const INT64_MIN = -(2n ** 63n);

  it('adds the master seconds to the start, in ns', () => {
    expect(recordTimeNs({ startTimeNs: 1_000_000_000n }, 1.5)).toBe(2_500_000_000n);
    expect(recordTimeNs({ startTimeNs: 0n }, -0.25)).toBe(-250_000_000n);
  });

  it('gives nothing for a value that is not a number or a time past what int64 nanoseconds hold', () => {
    expect(recordTimeNs({ startTimeNs: 0n }, Number.NaN)).toBeUndefined();
    expect(recordTimeNs({ startTimeNs: 0n }, Number.POSITIVE_INFINITY)).toBeUndefined();
    const nearEnd = INT64_MAX - 1_000_000_000n;
    expect(recordTimeNs({ startTimeNs: nearEnd }, 1)).toBe(INT64_MAX - 1_000_000_000n + 1_000_000_000n);
    expect(recordTimeNs({ startTimeNs: nearEnd }, 2)).toBeUndefined();
    expect(recordTimeNs({ startTimeNs: INT64_MIN + 1_000_000_000n }, -2)).toBeUndefined();
    // A time master counting nanoseconds but labelled seconds (1e10 "s" after 2023) is past 2262.
    expect(recordTimeNs({ startTimeNs: 1_686_082_945_335_777_024n }, 1e10)).toBeUndefined();
  });
});
