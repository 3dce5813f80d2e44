/**
 * Resampling one recorded signal onto an evenly spaced tick grid. One pass over samples and ticks
 * together (two pointers), after a stable sort when the samples are not in time order.
 *
 * A value is never carried further than the policy's `maxStalenessS`: a tick with no sample close enough
 * is NaN (or null for text), so a dropped-out sensor shows as missing, not as its last value forever.
 */
import { UsageError } from '../../core/errors.js';
import { LITTLE_ENDIAN, int64Halves, setInt64Sum } from '../../core/int64.js';
import type { TextColumn } from '../timeline.js';
import type { TickGrid } from './tickGrid.js';

/**
 * How a signal's samples become tick values.
 * - `previous`: the last sample at or before the tick (a zero-order hold), if at most `maxStalenessS` old.
 * - `nearest`: the closest sample before or after the tick, if at most `maxStalenessS` away; on a tie
 *   the earlier sample wins (a tick never depends on the future when the past is as close).
 * - `linear`: interpolation between the samples on each side of the tick, each at most `maxStalenessS`
 *   away; a sample exactly on the tick is taken as is. No extrapolation past the first or last sample.
 *   Text signals cannot be interpolated.
 */
export type ResampleKind = 'previous' | 'nearest' | 'linear';

export interface ResamplePolicy {
  kind: ResampleKind;
  /** The oldest (or, for `nearest`/`linear`, farthest) sample a tick may take its value from, seconds. */
  maxStalenessS: number;
  /**
   * For angles: the period (360 for degrees) across which `linear` takes the short way round and wraps the
   * result into [0, period). Without it, 359 and 1 interpolate through 180.
   */
  period?: number;
}

/** Samples ordered by time: sample times relative to the grid origin (ns, as doubles) and their order. */
export interface SortedSamples {
  /** `rel[k]` is the time of the k-th sample in time order, ns after the grid's first tick. */
  rel: Float64Array;
  /** `order[k]` is that sample's index in the input; undefined when the input was already sorted. */
  order: Int32Array | undefined;
}

/**
 * Puts samples in time order for resampling. Stable: samples with the same timestamp keep their recorded
 * order, so the last one recorded is the one `previous` takes. Times become doubles of ns relative to the
 * grid origin, exact for 104 days either side of it.
 */
export function sortSamples(t: BigInt64Array, origin: bigint): SortedSamples {
  const n = t.length;
  const raw = relativeNs(t, origin);
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if ((raw[i] as number) < (raw[i - 1] as number)) sorted = false;
  if (sorted) return { rel: raw, order: undefined };
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // The index tie-break makes the sort stable whatever the engine's typed-array sort does.
  order.sort((a, b) => (raw[a] as number) - (raw[b] as number) || a - b);
  const rel = new Float64Array(n);
  for (let k = 0; k < n; k++) rel[k] = raw[order[k] as number] as number;
  return { rel, order };
}

/**
 * `t - origin` as doubles, exact while |t - origin| < 2^53 ns (104 days). Reads the int64s as two int32
 * words instead of one BigInt subtraction per sample, which allocates (measured several times slower on 2M samples).
 */
export function relativeNs(t: BigInt64Array, origin: bigint): Float64Array {
  const out = new Float64Array(t.length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < t.length; i++) out[i] = Number((t[i] as bigint) - origin);
    return out;
  }
  const words = new Int32Array(t.buffer, t.byteOffset, t.length * 2);
  const [high, low] = int64Halves(origin);
  for (let i = 0; i < t.length; i++) {
    out[i] = ((words[2 * i + 1] as number) - high) * 4294967296 + (((words[2 * i] as number) >>> 0) - low);
  }
  return out;
}

/** The inverse of `relativeNs`: `origin + rel` as int64s, for whole `rel` (|rel| < 2^52 ns). */
export function absoluteNs(rel: Float64Array, origin: bigint): BigInt64Array {
  const out = new BigInt64Array(rel.length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < rel.length; i++) out[i] = origin + BigInt(rel[i] as number);
    return out;
  }
  const words = new Int32Array(out.buffer);
  const [high, low] = int64Halves(origin);
  for (let i = 0; i < rel.length; i++) setInt64Sum(words, i, high, low, rel[i] as number);
  return out;
}

/**
 * For each tick, the position (in time order) of the sample a `previous` or `nearest` policy takes, or -1.
 * @param stalenessNs the policy's `maxStalenessS` in nanoseconds.
 */
export function pickSamples(
  rel: Float64Array,
  grid: TickGrid,
  kind: 'previous' | 'nearest',
  stalenessNs: number,
): Int32Array {
  const picks = new Int32Array(grid.count);
  const n = rel.length;
  const step = grid.periodNs;
  let j = -1; // last sample with time <= tick
  for (let k = 0; k < grid.count; k++) {
    const tick = k * step;
    while (j + 1 < n && (rel[j + 1] as number) <= tick) j++;
    let pick = -1;
    let distance = Infinity;
    if (j >= 0) {
      pick = j;
      distance = tick - (rel[j] as number);
    }
    if (kind === 'nearest' && j + 1 < n) {
      const ahead = (rel[j + 1] as number) - tick;
      if (ahead < distance) {
        pick = j + 1;
        distance = ahead;
      }
    }
    picks[k] = pick >= 0 && distance <= stalenessNs ? pick : -1;
  }
  return picks;
}

/** Resamples numeric samples (`t` in ns since the epoch, `v` with NaN for a null) onto `grid`. */
export function resampleNumeric(
  t: BigInt64Array,
  v: Float64Array,
  grid: TickGrid,
  policy: ResamplePolicy,
): Float64Array {
  checkLengths(t.length, v.length);
  const stalenessNs = stalenessOf(policy);
  const { rel, order } = sortSamples(t, grid.origin);
  const values = order ? permute(v, order) : v;
  if (policy.kind === 'linear') return interpolate(rel, values, grid, stalenessNs, policy.period);
  const picks = pickSamples(rel, grid, policy.kind, stalenessNs);
  const out = new Float64Array(grid.count);
  for (let k = 0; k < out.length; k++) {
    const pick = picks[k] as number;
    out[k] = pick >= 0 ? (values[pick] as number) : NaN;
  }
  return out;
}

/** Resamples text samples onto `grid` with a `previous` or `nearest` policy (codes: same names). */
export function resampleText(
  t: BigInt64Array,
  text: TextColumn,
  grid: TickGrid,
  policy: ResamplePolicy,
): TextColumn {
  checkLengths(t.length, text.codes.length);
  if (policy.kind === 'linear') throw new UsageError('text signals cannot be resampled with linear');
  const { rel, order } = sortSamples(t, grid.origin);
  const picks = pickSamples(rel, grid, policy.kind, stalenessOf(policy));
  return { codes: pickCodes(text.codes, picks, order), names: text.names };
}

/** Per tick, the code of the picked sample (`order` maps time order to input order), -1 where none. */
function pickCodes(codes: Int32Array, picks: Int32Array, order: Int32Array | undefined): Int32Array {
  const out = new Int32Array(picks.length);
  for (let k = 0; k < out.length; k++) {
    const pick = picks[k] as number;
    out[k] = pick < 0 ? -1 : (codes[order ? (order[pick] as number) : pick] as number);
  }
  return out;
}

function interpolate(
  rel: Float64Array,
  v: Float64Array,
  grid: TickGrid,
  stalenessNs: number,
  period: number | undefined,
): Float64Array {
  // Every tick is written once below (NaN where no value): no separate fill pass over fresh memory.
  const out = new Float64Array(grid.count);
  const n = rel.length;
  const step = grid.periodNs;
  let j = -1;
  for (let k = 0; k < grid.count; k++) {
    const tick = k * step;
    while (j + 1 < n && (rel[j + 1] as number) <= tick) j++;
    if (j < 0) {
      out[k] = NaN;
      continue;
    }
    const before = rel[j] as number;
    const a = v[j] as number;
    if (before === tick) {
      out[k] = a; // of duplicates on the tick, the last recorded
      continue;
    }
    if (j + 1 >= n) {
      out[k] = NaN;
      continue;
    }
    const after = rel[j + 1] as number; // > tick, so after > before
    if (tick - before > stalenessNs || after - tick > stalenessNs) {
      out[k] = NaN;
      continue;
    }
    const b = v[j + 1] as number;
    const f = (tick - before) / (after - before);
    if (period === undefined) {
      out[k] = a + (b - a) * f;
    } else {
      // Short way round: the difference wrapped into [-period/2, period/2).
      const d = b - a - period * Math.floor((b - a) / period + 0.5);
      const x = a + d * f;
      out[k] = x - period * Math.floor(x / period);
    }
  }
  return out;
}

function permute(v: Float64Array, order: Int32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) out[k] = v[order[k] as number] as number;
  return out;
}

function stalenessOf(policy: ResamplePolicy): number {
  if (!(policy.maxStalenessS >= 0) || !Number.isFinite(policy.maxStalenessS))
    throw new UsageError(`maxStalenessS must be a finite number >= 0, got ${policy.maxStalenessS}`);
  return policy.maxStalenessS * 1e9;
}

function checkLengths(times: number, values: number): void {
  if (times !== values)
    throw new UsageError(`signal has ${times} timestamps but ${values} values; they must match`);
}
