/**
 * The evenly spaced ticks a drive's signals are resampled onto. Ticks sit on whole multiples of the period
 * since the epoch, so two drives (or two runs) at the same rate share tick times and join exactly.
 */
import { UsageError } from '../../core/errors.js';
import { LITTLE_ENDIAN, int64Halves, setInt64Sum } from '../../core/int64.js';

export interface TickGrid {
  /** Time of the first tick, ns since the epoch; a whole multiple of the period. */
  origin: bigint;
  /** Tick period, ns (an integer). */
  periodNs: number;
  count: number;
}

export const DEFAULT_HZ = 10;

/**
 * A drive longer than this is almost surely a bad clock (a 1970 sample among 2024 ones), and its grid
 * would not fit in memory. Quality gates report such clocks; sync refuses rather than allocate.
 */
export const MAX_GRID_SPAN_S = 7 * 86_400;

/**
 * The ticks from the first whole tick at or after `start` to the last at or before `end`.
 * @param hz ticks per second; 1e9 / hz must be a whole number of nanoseconds (1, 2, 10, 50, 100, 1000 ...).
 */
export function tickGrid(options: { start: bigint; end: bigint; hz: number }): TickGrid {
  const { start, end, hz } = options;
  const periodNs = checkHz(hz);
  const period = BigInt(periodNs);
  if (end < start) return { origin: ceilTo(start, period), periodNs, count: 0 };
  if (Number(end - start) / 1e9 > MAX_GRID_SPAN_S)
    throw new UsageError(
      `drive spans ${(Number(end - start) / 86_400e9).toFixed(1)} days (${start} .. ${end} ns); ` +
        `more than ${MAX_GRID_SPAN_S / 86_400} days is a bad clock: check the quality report`,
    );
  const origin = ceilTo(start, period);
  const last = floorTo(end, period);
  const count = last < origin ? 0 : Number((last - origin) / period) + 1;
  return { origin, periodNs, count };
}

/** The tick times of `grid`, ns since the epoch. */
export function tickTimes(grid: TickGrid): BigInt64Array {
  const out = new BigInt64Array(grid.count);
  // In steps of 2^20 ticks from an exact BigInt base; within a step the offset k * period is an exact
  // double, added to the base's low word with the carry into the high word (no BigInt per tick).
  const words = new Int32Array(out.buffer);
  const STEP = 1 << 20;
  for (let from = 0; from < grid.count; from += STEP) {
    const base = grid.origin + BigInt(from) * BigInt(grid.periodNs);
    const to = Math.min(grid.count, from + STEP);
    if (!LITTLE_ENDIAN) {
      for (let k = from; k < to; k++) out[k] = base + BigInt((k - from) * grid.periodNs);
      continue;
    }
    const [high, low] = int64Halves(base);
    for (let k = from; k < to; k++) setInt64Sum(words, k, high, low, (k - from) * grid.periodNs);
  }
  return out;
}

/** The tick period in ns for `hz`; UsageError when it is not a whole number of ns. */
export function checkHz(hz: number): number {
  const periodNs = 1e9 / hz;
  if (!(hz > 0) || !Number.isInteger(periodNs))
    throw new UsageError(`tick rate must divide 1e9 ns evenly (10, 50, 100 ...), got ${hz} Hz`);
  return periodNs;
}

function floorTo(ns: bigint, period: bigint): bigint {
  const q = ns / period;
  return ns < 0n && q * period !== ns ? (q - 1n) * period : q * period;
}

function ceilTo(ns: bigint, period: bigint): bigint {
  const floor = floorTo(ns, period);
  return floor === ns ? floor : floor + period;
}
