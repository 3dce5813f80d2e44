import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import { thinTrajectory, type TimedPath } from '../../../transforms/openscenario/thinTrajectory.js';

function path(points: [number, number, number][]): TimedPath {
  return {
    t: Float64Array.from(points.map((p) => p[0])),
    x: Float64Array.from(points.map((p) => p[1])),
    y: Float64Array.from(points.map((p) => p[2])),
  };
}

/** 10 Hz along +x: 10 m/s for 10 s, standing 10 s at x = 100, then 10 m/s again for 10 s. */
function stopOnStraightRoad(): TimedPath {
  const points: [number, number, number][] = [];
  for (let k = 0; k <= 300; k++) {
    const t = k / 10;
    const x = t <= 10 ? 10 * t : t <= 20 ? 100 : 100 + 10 * (t - 20);
    points.push([t, x, 0]);
  }
  return path(points);
}

describe('thinTrajectory', () => {
  it('keeps a stop on a straight road that plain Douglas-Peucker would drop (synchronized distance)', () => {
    const kept = thinTrajectory(stopOnStraightRoad(), { maxVertices: 10 });
    // Every point is on the line y = 0: a purely spatial simplification keeps only the ends.
    expect(kept).toEqual([0, 100, 200, 300]);
  });

  it('reduces a uniform straight line to its two ends and keeps first and last exactly', () => {
    const points: [number, number, number][] = [];
    for (let k = 0; k < 1000; k++) points.push([k * 0.01, 3 + k * 0.2, -1 - k * 0.1]);
    expect(thinTrajectory(path(points), { maxVertices: 500 })).toEqual([0, 999]);
  });

  it('never exceeds the budget and spends it on the largest errors first', () => {
    const points: [number, number, number][] = [];
    for (let k = 0; k <= 2000; k++) {
      const t = k / 100;
      points.push([t, 20 * t, 5 * Math.sin(t) + 0.5 * Math.sin(7 * t)]);
    }
    const p = path(points);
    let previousError = Infinity;
    for (const maxVertices of [2, 3, 5, 20, 80, 250]) {
      const kept = thinTrajectory(p, { maxVertices, toleranceM: 0 });
      expect(kept.length).toBe(maxVertices);
      expect(kept[0]).toBe(0);
      expect(kept[kept.length - 1]).toBe(2000);
      for (let i = 1; i < kept.length; i++) expect(kept[i]).toBeGreaterThan(kept[i - 1] ?? Infinity);
      const error = maxSynchronizedError(p, kept);
      expect(error).toBeLessThanOrEqual(previousError);
      previousError = error;
    }
    expect(previousError).toBeLessThan(0.05);
  });

  it('stops at the tolerance', () => {
    const p = stopOnStraightRoad();
    for (let k = 0; k < p.y.length; k++) p.y[k] = 0.01 * Math.sin(k); // 1 cm of noise
    expect(thinTrajectory(p, { maxVertices: 300, toleranceM: 0.05 })).toEqual([0, 100, 200, 300]);
  });

  it('handles tiny inputs and rejects a budget below two', () => {
    expect(thinTrajectory(path([]), { maxVertices: 2 })).toEqual([]);
    expect(thinTrajectory(path([[0, 0, 0]]), { maxVertices: 2 })).toEqual([0]);
    expect(
      thinTrajectory(
        path([
          [0, 0, 0],
          [1, 1, 1],
        ]),
        { maxVertices: 2 },
      ),
    ).toEqual([0, 1]);
    expect(() => thinTrajectory(path([[0, 0, 0]]), { maxVertices: 1 })).toThrow(UsageError);
    expect(() => thinTrajectory(path([[0, 0, 0]]), { maxVertices: 2.5 })).toThrow(UsageError);
  });

  it('is deterministic on ties: symmetric errors split the earliest point', () => {
    // A symmetric zigzag: two interior points with the same error.
    const p = path([
      [0, 0, 0],
      [1, 1, 1],
      [2, 2, -1],
      [3, 3, 0],
    ]);
    expect(thinTrajectory(p, { maxVertices: 3, toleranceM: 0 })).toEqual([0, 1, 3]);
  });
});

/** Largest distance of any point from the kept polyline interpolated at that point's time. */
function maxSynchronizedError(p: TimedPath, kept: number[]): number {
  let worst = 0;
  for (let s = 0; s + 1 < kept.length; s++) {
    const a = kept[s] ?? 0;
    const b = kept[s + 1] ?? 0;
    for (let k = a; k <= b; k++) {
      const f = ((p.t[k] ?? 0) - (p.t[a] ?? 0)) / ((p.t[b] ?? 0) - (p.t[a] ?? 0));
      const x = (p.x[a] ?? 0) + f * ((p.x[b] ?? 0) - (p.x[a] ?? 0));
      const y = (p.y[a] ?? 0) + f * ((p.y[b] ?? 0) - (p.y[a] ?? 0));
      worst = Math.max(worst, Math.hypot((p.x[k] ?? 0) - x, (p.y[k] ?? 0) - y));
    }
  }
  return worst;
}
