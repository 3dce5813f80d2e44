import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../ingest/demo/random.js';
import {
  and,
  atLeast,
  atMost,
  hysteresis,
  iou,
  maxDuration,
  mergeGaps,
  minDuration,
  not,
  or,
  pad,
  seededBy,
  ticksOf,
  where,
  type Interval,
} from '../../../transforms/scenarios/intervals.js';

/** Intervals from a string of '#' (in) and '.' (out). */
function parse(mask: string): Interval[] {
  return where(mask.length, (i) => mask[i] === '#');
}

/** The mask string of intervals over n ticks. */
function show(intervals: readonly Interval[], n: number): string {
  const chars = new Array<string>(n).fill('.');
  for (const x of intervals) for (let i = x.start; i < x.end; i++) chars[i] = '#';
  return chars.join('');
}

function isNormal(intervals: readonly Interval[]): boolean {
  return intervals.every(
    (x, k) => x.start < x.end && (k === 0 || (intervals[k - 1] as Interval).end < x.start),
  );
}

describe('interval algebra', () => {
  it('builds intervals from a predicate, including ones at both ends', () => {
    expect(parse('##..###.#')).toEqual([
      { start: 0, end: 2 },
      { start: 4, end: 7 },
      { start: 8, end: 9 },
    ]);
    expect(parse('....')).toEqual([]);
    expect(atLeast(Float64Array.of(1, 3, NaN, 3, 2), 3)).toEqual([
      { start: 1, end: 2 },
      { start: 3, end: 4 },
    ]);
    expect(atMost(Float64Array.of(1, 3, NaN, 0), 1)).toEqual([
      { start: 0, end: 1 },
      { start: 3, end: 4 },
    ]);
  });

  it('agrees with per-tick boolean logic for and, or, not on random masks', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 100; round++) {
      const n = 1 + random.int(0, 60);
      const a = Array.from({ length: n }, () => random.next() < 0.5);
      const b = Array.from({ length: n }, () => random.next() < 0.4);
      const A = where(n, (i) => a[i] === true);
      const B = where(n, (i) => b[i] === true);
      expect(and(A, B)).toEqual(where(n, (i) => a[i] === true && b[i] === true));
      expect(or(A, B)).toEqual(where(n, (i) => a[i] === true || b[i] === true));
      expect(not(A, n)).toEqual(where(n, (i) => a[i] !== true));
      for (const result of [and(A, B), or(A, B), not(A, n)]) expect(isNormal(result)).toBe(true);
    }
  });

  it('filters by duration, merges gaps, pads within the drive', () => {
    const x = parse('#..###.##....####');
    expect(show(minDuration(x, 3), 17)).toBe('...###.......####');
    expect(show(maxDuration(x, 2), 17)).toBe('#......##........');
    expect(show(mergeGaps(x, 1), 17)).toBe('#..######....####');
    expect(show(mergeGaps(x, 2), 17)).toBe('#########....####');
    expect(show(pad(x, { before: 1, after: 2, n: 17 }), 17)).toBe('###########.#####');
    expect(show(pad(parse('.#.......#'), { before: 2, after: 1, n: 10 }), 10)).toBe('###....###');
  });

  it('hysteresis enters at one threshold and leaves at the other; NaN ends an interval', () => {
    const v = Float64Array.of(0, 5, 9, 11, 9, 6, 4, 9, 11, 12, NaN, 12, 12);
    expect(hysteresis(v, { direction: 'above', enter: 10, leave: 5 })).toEqual([
      { start: 3, end: 6 },
      { start: 8, end: 10 },
      { start: 11, end: 13 },
    ]);
    const w = Float64Array.from(v, (x) => -x);
    expect(hysteresis(w, { direction: 'below', enter: -10, leave: -5 })).toEqual(
      hysteresis(v, { direction: 'above', enter: 10, leave: 5 }),
    );
  });

  it('seededBy keeps the weak intervals that contain a strong one', () => {
    const weak = parse('.####..###..##.');
    const strong = parse('..#..........#.');
    expect(show(seededBy(weak, strong), 15)).toBe('.####.......##.');
    expect(seededBy(weak, [])).toEqual([]);
  });

  it('computes IoU and converts seconds to ticks', () => {
    expect(iou({ start: 0, end: 10 }, { start: 5, end: 15 })).toBeCloseTo(5 / 15, 12);
    expect(iou({ start: 0, end: 10 }, { start: 0, end: 10 })).toBe(1);
    expect(iou({ start: 0, end: 1 }, { start: 2, end: 3 })).toBe(0);
    expect(iou({ start: 1, end: 1 }, { start: 1, end: 1 })).toBe(0);
    expect(ticksOf(2.5, 10)).toBe(25);
  });
});
