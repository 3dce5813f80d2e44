/**
 * Time inside adlake is bigint nanoseconds since the Unix epoch (UTC). Conversions live here, at the edges.
 */

export const NS_PER_US = 1_000n;
export const NS_PER_MS = 1_000_000n;
export const NS_PER_S = 1_000_000_000n;

/** The earliest and latest times the lake stores: int64 nanoseconds, 1677-09-21 to 2262-04-11. */
export const MIN_NS = -(2n ** 63n);
export const MAX_NS = 2n ** 63n - 1n;

/** What a reject says of a time `isStorableNs` refuses. */
export const TIME_OUT_OF_RANGE = 'timestamp is past what int64 nanoseconds hold (1677 to 2262)';

/** Whether int64 nanoseconds hold `ns` (the lake's `t` columns, Parquet TIMESTAMP(NANOS), Arrow). */
export function isStorableNs(ns: bigint): boolean {
  return ns >= MIN_NS && ns <= MAX_NS;
}

/**
 * Parses a decimal seconds string such as `1533226488.230547` exactly (no float rounding).
 * Returns undefined when the text is not a plain non-negative decimal number.
 */
export function parseDecimalSecondsNs(text: string): bigint | undefined {
  const match = /^(\d+)(?:\.(\d{0,9})\d*)?$/.exec(text);
  if (!match) return undefined;
  const whole = BigInt(match[1] ?? '0');
  const frac = (match[2] ?? '').padEnd(9, '0');
  return whole * NS_PER_S + BigInt(frac);
}

export function nsToMicros(ns: bigint): bigint {
  // Floor division toward -infinity keeps pre-1970 values ordered.
  const q = ns / NS_PER_US;
  return ns < 0n && q * NS_PER_US !== ns ? q - 1n : q;
}

export function nsToSeconds(ns: bigint): number {
  return Number(ns / NS_PER_MS) / 1e3 + Number(ns % NS_PER_MS) / 1e9;
}

export function secondsToNs(seconds: number): bigint {
  const whole = Math.floor(seconds);
  return BigInt(whole) * NS_PER_S + BigInt(Math.round((seconds - whole) * 1e9));
}

/** UTC calendar date `YYYY-MM-DD` of a nanosecond timestamp (the lake's `date` partition). */
export function utcDate(ns: bigint): string {
  return new Date(Number(ns / NS_PER_MS)).toISOString().slice(0, 10);
}

/** ISO 8601 with millisecond precision, for reports and JSON. */
export function isoString(ns: bigint): string {
  return new Date(Number(ns / NS_PER_MS)).toISOString();
}

/** Days since 1970-01-01 for a proleptic Gregorian UTC date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / 86_400_000);
}
