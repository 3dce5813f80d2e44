/**
 * Value axes: a "nice" upper bound and its tick values (1, 2 or 5 times a power of ten).
 */

/** The smallest 1/2/5 × 10^k at or above `max` (1 for max ≤ 0), and the ticks from 0 to it. */
export function niceScale(max: number, targetTicks = 4): { max: number; ticks: number[] } {
  if (!(max > 0)) return { max: 1, ticks: [0, 1] };
  const rough = max / targetTicks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step / 2; i++) ticks.push(round(i * step));
  return { max: round(top), ticks };
}

/** Drops binary noise (0.30000000000000004) from tick values. */
function round(x: number): number {
  return Number(x.toPrecision(12));
}
