import { describe, expect, it } from 'vitest';
import { int64Bounds } from '../../../core/int64.js';
import { buildTimeline } from '../../../transforms/sync/buildTimeline.js';
import { absoluteNs, relativeNs, resampleNumeric, resampleText } from '../../../transforms/sync/resample.js';
import { tickGrid, tickTimes } from '../../../transforms/sync/tickGrid.js';
import { textColumn, textValues, type SignalSeries } from '../../../transforms/timeline.js';

const S = 1_000_000_000n;
const T0 = 1_700_000_000n * S; // a whole second: ticks at 10 Hz fall on T0 + k * 100 ms
const ms = (n: number) => T0 + BigInt(n) * 1_000_000n;
const times = (...msList: number[]) => BigInt64Array.from(msList.map(ms));
const grid10 = (fromMs: number, toMs: number) => tickGrid({ start: ms(fromMs), end: ms(toMs), hz: 10 });

describe('tickGrid', () => {
  it('covers whole ticks from the first to the last sample', () => {
    const grid = tickGrid({ start: ms(-50), end: ms(1_250), hz: 10 });
    expect(grid.origin).toBe(T0);
    expect(grid.count).toBe(13);
    expect(tickTimes(grid)[12]).toBe(ms(1_200));
  });

  it('rejects rates that do not divide a second into whole nanoseconds', () => {
    expect(() => tickGrid({ start: T0, end: T0 + S, hz: 3 })).toThrow(/divide 1e9/);
  });

  it('refuses a grid spanning years (a bad clock)', () => {
    expect(() => tickGrid({ start: 0n, end: T0, hz: 10 })).toThrow(/bad clock/);
  });
});

describe('resampleNumeric', () => {
  it('linear is exact on a straight line and NaN past the ends', () => {
    // v = 2 * seconds + 1, samples every 70 ms from 30 ms.
    const sampleMs = Array.from({ length: 20 }, (_, i) => 30 + 70 * i);
    const v = Float64Array.from(sampleMs.map((m) => 2 * (m / 1000) + 1));
    const out = resampleNumeric(times(...sampleMs), v, grid10(0, 1_500), {
      kind: 'linear',
      maxStalenessS: 0.1,
    });
    expect(out[0]).toBeNaN(); // before the first sample: no extrapolation
    for (let k = 1; k <= 13; k++) expect(out[k]).toBeCloseTo(2 * (k / 10) + 1, 12);
    expect(out[14]).toBeNaN(); // 1400 ms > last sample 1360 ms
  });

  it('previous never carries a value further than maxStalenessS', () => {
    const out = resampleNumeric(times(0, 100, 200), Float64Array.of(1, 2, 3), grid10(0, 600), {
      kind: 'previous',
      maxStalenessS: 0.25,
    });
    expect([...out]).toEqual([1, 2, 3, 3, 3, NaN, NaN]);
  });

  it('linear does not bridge a gap wider than maxStalenessS on either side', () => {
    const out = resampleNumeric(times(0, 1_000), Float64Array.of(0, 10), grid10(0, 1_000), {
      kind: 'linear',
      maxStalenessS: 0.3,
    });
    expect(out[0]).toBe(0);
    expect(out[3]).toBeNaN(); // 0.3 from the left but 0.7 from the right
    expect(out[10]).toBe(10);
  });

  it('nearest takes the earlier sample on a tie and respects staleness', () => {
    const out = resampleNumeric(times(50, 150, 240), Float64Array.of(1, 2, 3), grid10(0, 500), {
      kind: 'nearest',
      maxStalenessS: 0.05,
    });
    // tick 0: 50 ms to sample 1 (tie allowed, <= 50 ms); tick 100: 50 ms either side: the earlier (1);
    // tick 200: 40 ms to 3; tick 300: 60 ms: too far.
    expect([...out]).toEqual([1, 1, 3, NaN, NaN, NaN]);
  });

  it('sorts unsorted input stably; of duplicate timestamps the last recorded wins', () => {
    const t = times(200, 0, 100, 100, 300);
    const v = Float64Array.of(3, 0, 1, 2, 4);
    const previous = resampleNumeric(t, v, grid10(0, 300), { kind: 'previous', maxStalenessS: 1 });
    expect([...previous]).toEqual([0, 2, 3, 4]);
    const linear = resampleNumeric(t, v, grid10(0, 300), { kind: 'linear', maxStalenessS: 1 });
    expect([...linear]).toEqual([0, 2, 3, 4]);
    const t2 = times(0, 150, 150, 300);
    const between = resampleNumeric(t2, Float64Array.of(0, 5, 9, 12), grid10(0, 300), {
      kind: 'linear',
      maxStalenessS: 1,
    });
    // tick 100 lies between 0 (v 0) and the first sample at 150 in time order (v 5); tick 200 between the
    // last at 150 (v 9) and 300 (v 12).
    expect(between[1]).toBeCloseTo(5 * (100 / 150), 12);
    expect(between[2]).toBeCloseTo(9 + 3 * (50 / 150), 12);
  });

  it('interpolates angles the short way round with a period', () => {
    const out = resampleNumeric(times(0, 200), Float64Array.of(350, 10), grid10(0, 200), {
      kind: 'linear',
      maxStalenessS: 1,
      period: 360,
    });
    expect(out[1]).toBeCloseTo(0, 9);
    const back = resampleNumeric(times(0, 200), Float64Array.of(10, 340), grid10(0, 200), {
      kind: 'linear',
      maxStalenessS: 1,
      period: 360,
    });
    expect(back[1]).toBeCloseTo(355, 9);
  });

  it('keeps a null sample (NaN) as no value', () => {
    const out = resampleNumeric(times(0, 100), Float64Array.of(NaN, 1), grid10(0, 100), {
      kind: 'previous',
      maxStalenessS: 1,
    });
    expect(out[0]).toBeNaN();
    expect(out[1]).toBe(1);
  });
});

describe('resampleText', () => {
  it('holds labels with staleness and rejects linear', () => {
    const t = times(0, 150);
    const labels = textColumn(['P', 'D']);
    const out = resampleText(t, labels, grid10(0, 500), { kind: 'previous', maxStalenessS: 0.2 });
    expect(textValues(out)).toEqual(['P', 'P', 'D', 'D', null, null]);
    expect(out.names).toBe(labels.names);
    expect(() => resampleText(t, labels, grid10(0, 500), { kind: 'linear', maxStalenessS: 1 })).toThrow(
      /linear/,
    );
  });

  it('takes samples out of time order by their times', () => {
    const t = times(150, 0);
    const out = resampleText(t, textColumn(['D', 'P']), grid10(0, 300), {
      kind: 'previous',
      maxStalenessS: 0.2,
    });
    expect(textValues(out)).toEqual(['P', 'P', 'D', 'D']);
  });
});

describe('buildTimeline', () => {
  it('grids from the first to the last sample and fills gaps of the first source from the next', () => {
    const series: SignalSeries[] = [
      { signal: 'speed', source: 'can', t: times(0, 100, 200), v: Float64Array.of(1, 1, 1) },
      { signal: 'speed', source: 'gps', t: times(0, 1_000), v: Float64Array.of(2, 2) },
      { signal: 'gear', source: 'can', t: times(50), v: Float64Array.of(NaN), text: textColumn(['D']) },
      // A second source of gear fills the first one's gaps, its labels joined into one table.
      { signal: 'gear', source: 'gps', t: times(300), v: Float64Array.of(NaN), text: textColumn(['R']) },
    ];
    const timeline = buildTimeline(series, {
      driveId: 'd',
      vehicle: 'v',
      policies: {
        speed: { kind: 'previous', maxStalenessS: 0.1 },
        gear: { kind: 'nearest', maxStalenessS: 0.1 },
      },
    });
    expect(timeline.hz).toBe(10);
    expect(timeline.t.length).toBe(11);
    expect(timeline.t[0]).toBe(T0);
    expect([...(timeline.numeric.speed ?? [])]).toEqual([1, 1, 1, 1, NaN, NaN, NaN, NaN, NaN, NaN, 2]);
    expect(textValues(timeline.text.gear!).slice(0, 6)).toEqual(['D', 'D', 'R', 'R', 'R', null]);
    expect(timeline.text.gear?.names).toEqual(['D', 'R']);
    expect(timeline.numeric.yaw_rate).toBeUndefined();
  });
});

describe('relativeNs and absoluteNs', () => {
  it('convert int64 ns to doubles after an origin and back, across 32-bit word carries', () => {
    const origin = T0 + 0xffff_fff0n; // low word near the top: small steps carry into the high word
    const t = BigInt64Array.from([
      origin,
      origin + 0x10n,
      origin + 0x1_0000_0005n,
      origin - 3n,
      origin - S * 86_400n,
    ]);
    const rel = relativeNs(t, origin);
    expect([...rel]).toEqual([0, 16, 0x1_0000_0005, -3, -86_400e9]);
    expect([...absoluteNs(rel, origin)]).toEqual([...t]);
    expect([...absoluteNs(Float64Array.from([0, -1]), -5n)]).toEqual([-5n, -6n]);
  });
});

describe('tickTimes and int64Bounds', () => {
  it('give every tick exactly, also past 2^20 ticks and across word carries', () => {
    const grid = tickGrid({
      start: T0 + 0xffff_0000n,
      end: T0 + 0xffff_0000n + 1_100_000n * 1_000_000n,
      hz: 1000,
    });
    const ticks = tickTimes(grid);
    expect(ticks.length).toBe(1_100_000); // the start is not on a whole ms
    for (const k of [0, 1, 4295, 1 << 20, (1 << 20) + 5, 1_099_999])
      expect(ticks[k]).toBe(grid.origin + BigInt(k) * 1_000_000n);
  });

  it('find the least and greatest time by value, negatives and equal high words included', () => {
    expect(int64Bounds(BigInt64Array.from([5n, -7n, 0x1_0000_0000n, 0xffff_ffffn, -0x1_0000_0001n]))).toEqual(
      [-0x1_0000_0001n, 0x1_0000_0000n],
    );
    expect(int64Bounds(BigInt64Array.from([T0 + 2n, T0 + 1n, T0 + 3n]))).toEqual([T0 + 1n, T0 + 3n]);
  });
});
