/**
 * ISO 8601 timestamps as Ground Truth writes them: `2019-04-18T16:10:53Z` (worker responses),
 * `2019-04-18T16:40:59.217995` (manifest `creation-date`, no zone), `2020-12-28T18:59:58.321Z`.
 */
import { daysFromCivil, NS_PER_S } from '../core/time.js';

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9})\d*)?)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

const NS_PER_MINUTE = 60n * NS_PER_S;
const NS_PER_DAY = 86_400n * NS_PER_S;

/**
 * Parses an ISO 8601 date or date-time into nanoseconds since the epoch, exactly (fractions to 9 digits,
 * further digits dropped). No zone means UTC, as Athena's `from_iso8601_timestamp` reads it in its UTC
 * session. Returns undefined for anything else, including impossible dates (`2019-02-30`) and leap
 * seconds (a JS `Date` and DuckDB refuse them too).
 */
export function parseIsoTimestampNs(text: string): bigint | undefined {
  const m = ISO_TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4] ?? '0');
  const minute = Number(m[5] ?? '0');
  const second = Number(m[6] ?? '0');
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = BigInt((m[7] ?? '').padEnd(9, '0'));
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11] ?? '0');
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const seconds = BigInt(hour * 3600 + minute * 60 + second);
  return (
    BigInt(daysFromCivil(year, month, day)) * NS_PER_DAY +
    seconds * NS_PER_S +
    fraction -
    BigInt(offsetMinutes) * NS_PER_MINUTE
  );
}

/** True when the text is a date without a time (`2024-06-14`): a `--to` date then means the whole day. */
export function isDateOnly(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text.trim());
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 31);
}
