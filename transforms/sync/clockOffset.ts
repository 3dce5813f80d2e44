/**
 * Estimates a constant offset between the GPS receiver's clock and the log clock (CAN logger, bag
 * recorder) by cross-correlating the speed over ground the receiver reports with the vehicle's own speed.
 *
 * A GNSS time stamp is the receiver's fix time; the logger stamps frames on arrival with its own clock.
 * When the logger's clock is not disciplined to GNSS (no PPS, no NTP) the two drift apart by whole
 * seconds, and every GPS-derived tick (position, course) would sit beside the wrong CAN ticks.
 *
 * Search: Pearson correlation of the two speeds on a 10 Hz grid over lags of ±`maxLagS`, then on a 100 Hz
 * grid around the best coarse lag, refined by a parabola through the peak and its neighbours.
 */
import { int64Bounds } from '../../core/int64.js';
import type { ClockOffsetOptions } from './signalMapping.js';
import { resampleNumeric } from './resample.js';
import type { TickGrid } from './tickGrid.js';
import { tickGrid } from './tickGrid.js';

export interface ClockOffsetEstimate {
  /**
   * GPS clock minus log clock, seconds: a GPS sample stamped `t` was taken at log time `t - offsetS`.
   * NaN when no estimate could be made.
   */
  offsetS: number;
  /** Pearson correlation of the two speeds at the offset. */
  correlation: number;
  /** Grid samples (100 Hz) both speeds had at the offset. */
  samples: number;
  /** True when the GPS-derived series were shifted by the offset. */
  applied: boolean;
  /** Why the offset was not applied; absent when it was. */
  reason?:
    | 'disabled'
    | 'no_gps_speed'
    | 'no_vehicle_speed'
    | 'too_little_overlap'
    | 'no_motion'
    | 'low_correlation'
    | 'at_search_edge'
    | 'below_threshold';
}

/** Samples of one speed signal: ns times and m/s values. */
export interface SpeedSamples {
  t: BigInt64Array;
  v: Float64Array;
}

export const DEFAULT_CLOCK_OFFSET: Required<ClockOffsetOptions> = {
  enabled: true,
  maxLagS: 5,
  minCorrelation: 0.9,
  minOffsetS: 0.05,
};

/** Least overlap of the two speeds for an estimate, seconds. */
const MIN_OVERLAP_S = 20;
/** Least standard deviation of the vehicle speed: a parked car's speed says nothing about time. */
const MIN_SPEED_STD = 0.5;
const COARSE_HZ = 10;
const FINE_HZ = 100;

/**
 * Estimates the GPS clock offset from the receiver's speed (`gps`) and the vehicle's speed (`vehicle`,
 * on the log clock). `applied` says whether the estimate is confident and large enough to use; the caller
 * shifts the GPS series.
 */
export function estimateClockOffset(
  vehicle: SpeedSamples,
  gps: SpeedSamples,
  options: ClockOffsetOptions = {},
): ClockOffsetEstimate {
  const settings = { ...DEFAULT_CLOCK_OFFSET, ...options };
  const none = (reason: ClockOffsetEstimate['reason']): ClockOffsetEstimate => ({
    offsetS: NaN,
    correlation: NaN,
    samples: 0,
    applied: false,
    reason,
  });
  if (vehicle.t.length < 2) return none('no_vehicle_speed');
  if (gps.t.length < 2) return none('no_gps_speed');

  const coarse = correlate(vehicle, gps, COARSE_HZ, settings.maxLagS);
  if (!coarse) return none('too_little_overlap');
  const best = argmax(coarse);
  if (best < 0) return none('too_little_overlap');
  const coarseLag = best - coarse.maxLag;
  // Fine search ±0.2 s around the coarse peak, on a grid centred on it: the true peak is within half a
  // coarse step of the centre, so it climbs from there instead of trying every fine lag (an hour at
  // 100 Hz: 7-9 of the 41 lags, each a pass over 360k samples).
  const fine = correlate(vehicle, gps, FINE_HZ, 0.2, coarseLag / COARSE_HZ);
  if (!fine) return none('too_little_overlap');
  const peak = climb(fine, fine.maxLag);
  if (peak < 0) return none('too_little_overlap');
  const r0 = fine.at(peak);
  const rMinus = peak > 0 ? fine.at(peak - 1) : undefined;
  const rPlus = peak < fine.lags - 1 ? fine.at(peak + 1) : undefined;
  let delta = 0;
  if (rMinus !== undefined && rPlus !== undefined && Number.isFinite(rMinus) && Number.isFinite(rPlus)) {
    const curvature = rMinus - 2 * r0 + rPlus;
    if (curvature < 0) delta = Math.max(-0.5, Math.min(0.5, (0.5 * (rMinus - rPlus)) / curvature));
  }
  const offsetS = coarseLag / COARSE_HZ + (peak - fine.maxLag + delta) / FINE_HZ;
  const estimate: ClockOffsetEstimate = {
    offsetS,
    correlation: r0,
    samples: fine.samples[peak] as number,
    applied: false,
  };
  const reason = ((): ClockOffsetEstimate['reason'] => {
    if (!settings.enabled) return 'disabled';
    if (estimate.samples < MIN_OVERLAP_S * FINE_HZ) return 'too_little_overlap';
    if ((fine.std[peak] as number) < MIN_SPEED_STD) return 'no_motion';
    if (!(r0 >= settings.minCorrelation)) return 'low_correlation';
    if (Math.abs(coarseLag) >= coarse.maxLag) return 'at_search_edge';
    if (Math.abs(offsetS) < settings.minOffsetS) return 'below_threshold';
    return undefined;
  })();
  if (reason) estimate.reason = reason;
  else estimate.applied = true;
  return estimate;
}

/**
 * Correlations of two speeds resampled on one grid, per lag index (lag = index - maxLag), computed when
 * first asked for: correlation (NaN with too few samples or no variance), overlapping samples, and the
 * vehicle speed's standard deviation over them.
 */
export class Correlations {
  readonly lags: number;
  readonly samples: Int32Array;
  readonly std: Float64Array;
  private readonly correlations: Float64Array;
  private readonly done: Uint8Array;

  constructor(
    /** Lags searched each side, in grid steps. */
    readonly maxLag: number,
    private readonly a: Float64Array,
    private readonly b: Float64Array,
  ) {
    this.lags = 2 * maxLag + 1;
    this.correlations = new Float64Array(this.lags).fill(NaN);
    this.samples = new Int32Array(this.lags);
    this.std = new Float64Array(this.lags);
    this.done = new Uint8Array(this.lags);
  }

  /** The correlation at lag index `l`. */
  at(l: number): number {
    if (this.done[l] === 0) this.compute(l);
    return this.correlations[l] as number;
  }

  private compute(l: number): void {
    this.done[l] = 1;
    pairSums(this.a, this.b, l);
    const n = sumN;
    this.samples[l] = n;
    if (n < 3) return;
    const va = sumAA - (sumA * sumA) / n;
    const vb = sumBB - (sumB * sumB) / n;
    this.std[l] = Math.sqrt(Math.max(0, va) / n);
    if (va > 0 && vb > 0) this.correlations[l] = (sumAB - (sumA * sumB) / n) / Math.sqrt(va * vb);
  }
}

// What `pairSums` found last: module variables, whose stores need no type feedback (an object's do).
let sumN = 0;
let sumA = 0;
let sumB = 0;
let sumAA = 0;
let sumBB = 0;
let sumAB = 0;

/**
 * Sums over the samples both `a[k]` and `b[k + l]` have, into `sumN`... The loop is the whole function
 * and its results go out through module variables set once at the end: a loop compiled while running
 * (on-stack replacement) and then entered again at the next lag otherwise ran on into code without type
 * feedback and deoptimised, once per lag.
 */
function pairSums(a: Float64Array, b: Float64Array, l: number): void {
  let n = 0;
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k] as number;
    const y = b[k + l] as number;
    // NaN fails every comparison: one test skips samples either side lacks.
    if (!(x === x && y === y)) continue;
    n++;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  sumN = n;
  sumA = sa;
  sumB = sb;
  sumAA = saa;
  sumBB = sbb;
  sumAB = sab;
}

/**
 * Correlations of `vehicle(t)` with `gps(t + centre + lag)` for lags of ±`maxLagS` on a `hz` grid.
 * Both are resampled linearly (GPS across its fix interval, at most 1.5 s).
 */
function correlate(
  vehicle: SpeedSamples,
  gps: SpeedSamples,
  hz: number,
  maxLagS: number,
  centreS = 0,
): Correlations | undefined {
  const [start, end] = int64Bounds(vehicle.t);
  const grid = tickGrid({ start, end, hz });
  if (grid.count < 2) return undefined;
  const maxLag = Math.round(maxLagS * hz);
  const centre = Math.round(centreS * hz);
  const shifted: TickGrid = {
    origin: grid.origin + BigInt((centre - maxLag) * grid.periodNs),
    periodNs: grid.periodNs,
    count: grid.count + 2 * maxLag,
  };
  const a = resampleNumeric(vehicle.t, vehicle.v, grid, { kind: 'linear', maxStalenessS: 0.5 });
  const b = resampleNumeric(gps.t, gps.v, shifted, { kind: 'linear', maxStalenessS: 1.5 });
  return new Correlations(maxLag, a, b);
}

/** The lag index of the highest correlation (every lag computed); -1 when none is finite. */
export function argmax(c: Correlations): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let l = 0; l < c.lags; l++) {
    const value = c.at(l);
    if (Number.isFinite(value) && (best < 0 || value > bestValue)) {
      best = l;
      bestValue = value;
    }
  }
  return best;
}

/**
 * The local maximum reached by climbing from lag index `from` towards the higher neighbour; the global
 * search (`argmax`) when the start has no finite correlation.
 */
export function climb(c: Correlations, from: number): number {
  if (!Number.isFinite(c.at(from))) return argmax(c);
  let peak = from;
  for (;;) {
    const here = c.at(peak);
    const left = peak > 0 ? c.at(peak - 1) : NaN;
    const right = peak < c.lags - 1 ? c.at(peak + 1) : NaN;
    // NaN compares false: a neighbour without a correlation is never climbed to.
    if (left > here && !(right > left)) peak--;
    else if (right > here) peak++;
    else return peak;
  }
}

/** The series shifted onto the log clock: every time minus the offset. */
export function shiftTimes(t: BigInt64Array, offsetS: number): BigInt64Array {
  const shift = BigInt(Math.round(offsetS * 1e9));
  const out = new BigInt64Array(t.length);
  for (let i = 0; i < t.length; i++) out[i] = (t[i] as bigint) - shift;
  return out;
}
