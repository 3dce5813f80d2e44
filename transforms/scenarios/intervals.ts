/**
 * Interval algebra over the ticks of a timeline. An interval is a half-open tick range `[start, end)`; a
 * set of intervals is an array sorted by `start` whose members neither overlap nor touch (every function
 * here returns that normal form and expects it). Detectors are written as compositions of these
 * functions: thresholds give intervals, algebra combines them, duration filters clean them up.
 *
 * Every function is O(ticks) or O(intervals) and allocates only its result.
 */

export interface Interval {
  /** First tick inside. */
  start: number;
  /** First tick after (exclusive). */
  end: number;
}

/** Ticks in an interval. */
export function length(interval: Interval): number {
  return interval.end - interval.start;
}

/** Intervals of the ticks `i` in `[0, n)` for which `predicate(i)` holds. */
export function where(n: number, predicate: (i: number) => boolean): Interval[] {
  const out: Interval[] = [];
  let start = -1;
  for (let i = 0; i < n; i++) {
    if (predicate(i)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push({ start, end: i });
      start = -1;
    }
  }
  if (start >= 0) out.push({ start, end: n });
  return out;
}

/** Ticks whose value is `>= threshold` (NaN never is). */
export function atLeast(values: Float64Array, threshold: number): Interval[] {
  return beyond(values, threshold, true);
}

/** Ticks whose value is `<= threshold` (NaN never is). */
export function atMost(values: Float64Array, threshold: number): Interval[] {
  return beyond(values, threshold, false);
}

/**
 * `atLeast` (`above`) or `atMost` in one loop of their own, not `where` with a closure: the one call site
 * of `where`'s predicate sees every detector's closure and stays slow (measured ~3x on 360k ticks).
 */
function beyond(values: Float64Array, threshold: number, above: boolean): Interval[] {
  const out: Interval[] = [];
  let start = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (above ? v >= threshold : v <= threshold) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push({ start, end: i });
      start = -1;
    }
  }
  if (start >= 0) out.push({ start, end: values.length });
  return out;
}

export interface HysteresisOptions {
  /** `'above'`: enter at `value >= enter`, stay while `value > leave` (leave < enter). `'below'` mirrors it. */
  direction: 'above' | 'below';
  enter: number;
  leave: number;
}

/**
 * A Schmitt trigger: an interval starts at the first tick that reaches `enter` and lasts while the value
 * stays beyond `leave`, so noise around one threshold does not split an event. A NaN tick ends an
 * interval (a condition is never claimed over missing data).
 */
export function hysteresis(values: Float64Array, options: HysteresisOptions): Interval[] {
  const sign = options.direction === 'above' ? 1 : -1;
  const enter = sign * options.enter;
  const leave = sign * options.leave;
  const out: Interval[] = [];
  let start = -1;
  for (let i = 0; i < values.length; i++) {
    const v = sign * (values[i] as number);
    if (start < 0) {
      if (v >= enter) start = i;
    } else if (!(v > leave)) {
      out.push({ start, end: i });
      start = -1;
    }
  }
  if (start >= 0) out.push({ start, end: values.length });
  return out;
}

/** Ticks in both `a` and `b`. */
export function and(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval;
    const y = b[j] as Interval;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (start < end) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

/** Ticks in `a` or `b` (touching intervals merge). */
export function or(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    let next: Interval;
    if (y === undefined || (x !== undefined && x.start <= y.start)) {
      next = x as Interval;
      i++;
    } else {
      next = y;
      j++;
    }
    const last = out[out.length - 1];
    if (last !== undefined && next.start <= last.end) last.end = Math.max(last.end, next.end);
    else out.push({ start: next.start, end: next.end });
  }
  return out;
}

/** Ticks of `[0, n)` not in `a`. */
export function not(a: readonly Interval[], n: number): Interval[] {
  const out: Interval[] = [];
  let at = 0;
  for (const x of a) {
    if (x.start > at) out.push({ start: at, end: Math.min(x.start, n) });
    at = Math.max(at, x.end);
  }
  if (at < n) out.push({ start: at, end: n });
  return out;
}

/** Intervals at least `ticks` long. */
export function minDuration(a: readonly Interval[], ticks: number): Interval[] {
  return a.filter((x) => x.end - x.start >= ticks);
}

/** Intervals at most `ticks` long. */
export function maxDuration(a: readonly Interval[], ticks: number): Interval[] {
  return a.filter((x) => x.end - x.start <= ticks);
}

/** Joins neighbours separated by at most `gap` ticks (the gap becomes part of the interval). */
export function mergeGaps(a: readonly Interval[], gap: number): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    const last = out[out.length - 1];
    if (last !== undefined && x.start - last.end <= gap) last.end = Math.max(last.end, x.end);
    else out.push({ start: x.start, end: x.end });
  }
  return out;
}

/** Extends every interval by `before` and `after` ticks, clipped to `[0, n)`; overlaps merge. */
export function pad(
  a: readonly Interval[],
  options: { before: number; after: number; n: number },
): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    const start = Math.max(0, x.start - options.before);
    const end = Math.min(options.n, x.end + options.after);
    const last = out[out.length - 1];
    if (last !== undefined && start <= last.end) last.end = Math.max(last.end, end);
    else if (start < end) out.push({ start, end });
  }
  return out;
}

/**
 * The intervals of `weak` that overlap some interval of `strong`: hysteresis thresholding as in Canny's
 * edge detector. With `weak` = "beyond a low threshold" and `strong` = "beyond a high one" this gives the
 * whole epoch around each peak (onset to end), not only the part above the high threshold.
 */
export function seededBy(weak: readonly Interval[], strong: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const w of weak) {
    while (j < strong.length && (strong[j] as Interval).end <= w.start) j++;
    const s = strong[j];
    if (s !== undefined && s.start < w.end) out.push({ start: w.start, end: w.end });
  }
  return out;
}

/** Intersection over union of two intervals (0 when disjoint or both empty). */
export function iou(a: Interval, b: Interval): number {
  const inter = Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
  const union = a.end - a.start + (b.end - b.start) - inter;
  return union > 0 ? inter / union : 0;
}

/** Seconds to whole ticks at `hz`, rounded. */
export function ticksOf(seconds: number, hz: number): number {
  return Math.round(seconds * hz);
}
