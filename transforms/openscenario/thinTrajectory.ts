/**
 * Reduces a timed trajectory to at most `maxVertices` vertices, keeping the first and last exactly.
 *
 * Top-down Douglas-Peucker with the synchronized Euclidean distance (SED) of Meratnia & de By,
 * "Spatiotemporal compression techniques for moving point objects" (EDBT 2004, "TD-TR"): a point's error is
 * its distance from where the simplified trajectory puts the vehicle *at that point's time*, not from the
 * nearest point of the line. Plain Douglas-Peucker would drop a 30 s stop on a straight road; SED keeps it,
 * which matters because OpenSCENARIO replays vertex times (Timing, followingMode position).
 *
 * Instead of one tolerance pass, segments are split worst-first from a priority queue until the budget is
 * spent or every remaining error is within `toleranceM`, so the budget goes where the error is largest.
 * Ties split the earliest segment first and the earliest point within it: deterministic.
 */

import { UsageError } from '../../core/errors.js';

export interface TimedPath {
  /** Seconds, strictly increasing. */
  t: Float64Array;
  /** Metres in a local plane. */
  x: Float64Array;
  y: Float64Array;
}

export interface ThinOptions {
  /** At most this many vertices (>= 2). */
  maxVertices: number;
  /**
   * Stop splitting once every dropped point is within this synchronized distance, metres.
   * @default 0.05
   */
  toleranceM?: number;
}

/** Indices of the kept points, ascending; always includes 0 and the last index. */
export function thinTrajectory(path: TimedPath, options: ThinOptions): number[] {
  const n = path.t.length;
  if (!Number.isInteger(options.maxVertices) || options.maxVertices < 2) {
    throw new UsageError(`thinTrajectory: maxVertices must be an integer >= 2, got ${options.maxVertices}`);
  }
  const tolerance = options.toleranceM ?? 0.05;
  if (n <= 2) return Array.from({ length: n }, (_, i) => i);

  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  let kept = 2;
  const queue = new SegmentQueue(2 * Math.min(options.maxVertices, n));
  const first = worstPoint(path, 0, n - 1);
  if (first) queue.push(first);
  while (kept < options.maxVertices) {
    const worst = queue.pop();
    if (!worst || worst.error <= tolerance) break;
    keep[worst.split] = 1;
    kept++;
    const left = worstPoint(path, worst.start, worst.split);
    const right = worstPoint(path, worst.split, worst.end);
    if (left) queue.push(left);
    if (right) queue.push(right);
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(i);
  return out;
}

interface Segment {
  start: number;
  end: number;
  /** Interior point with the largest synchronized distance. */
  split: number;
  /** That distance, metres. */
  error: number;
}

/** The interior point of (start, end) farthest from its time-interpolated position; undefined if none. */
function worstPoint(path: TimedPath, start: number, end: number): Segment | undefined {
  if (end - start < 2) return undefined;
  const { t, x, y } = path;
  const t0 = t[start] ?? 0;
  const x0 = x[start] ?? 0;
  const y0 = y[start] ?? 0;
  const span = (t[end] ?? 0) - t0;
  const dx = (x[end] ?? 0) - x0;
  const dy = (y[end] ?? 0) - y0;
  let split = start + 1;
  let worst = -1;
  for (let k = start + 1; k < end; k++) {
    const f = ((t[k] ?? 0) - t0) / span;
    const ex = (x[k] ?? 0) - (x0 + f * dx);
    const ey = (y[k] ?? 0) - (y0 + f * dy);
    const d2 = ex * ex + ey * ey;
    if (d2 > worst) {
      worst = d2;
      split = k;
    }
  }
  return { start, end, split, error: Math.sqrt(worst) };
}

/**
 * Binary max-heap of segments by error (ties: earlier start first), in flat typed arrays: a split pushes
 * at most two segments, so `capacity` = 2 * min(maxVertices, points) always suffices.
 */
class SegmentQueue {
  private readonly error: Float64Array;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly split: Int32Array;
  private size = 0;

  constructor(capacity: number) {
    this.error = new Float64Array(capacity);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
    this.split = new Int32Array(capacity);
  }

  push(segment: Segment): void {
    let i = this.size++;
    this.set(i, segment.error, segment.start, segment.end, segment.split);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): Segment | undefined {
    if (this.size === 0) return undefined;
    const top = {
      error: this.error[0] ?? 0,
      start: this.start[0] ?? 0,
      end: this.end[0] ?? 0,
      split: this.split[0] ?? 0,
    };
    this.size--;
    this.swap(0, this.size);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.size && this.before(l, best)) best = l;
      if (r < this.size && this.before(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const ea = this.error[a] ?? 0;
    const eb = this.error[b] ?? 0;
    return ea > eb || (ea === eb && (this.start[a] ?? 0) < (this.start[b] ?? 0));
  }

  private set(i: number, error: number, start: number, end: number, split: number): void {
    this.error[i] = error;
    this.start[i] = start;
    this.end[i] = end;
    this.split[i] = split;
  }

  private swap(a: number, b: number): void {
    const error = this.error[a] ?? 0;
    const start = this.start[a] ?? 0;
    const end = this.end[a] ?? 0;
    const split = this.split[a] ?? 0;
    this.set(a, this.error[b] ?? 0, this.start[b] ?? 0, this.end[b] ?? 0, this.split[b] ?? 0);
    this.set(b, error, start, end, split);
  }
}
