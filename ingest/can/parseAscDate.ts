import { daysFromCivil } from '../../core/time.js';

/**
 * Month names as CANoe/CANalyzer write them in ASC `date` and `Begin Triggerblock` lines: English, or
 * German when Windows runs in German (`Mär`/`Mai`/`Okt`/`Dez`). Keyed by the first three letters,
 * lower-cased; `mã¤` is `mä` of a UTF-8 file decoded as Latin-1, `mrz` the other German short form.
 */
const MONTHS: ReadonlyMap<string, number> = new Map([
  ['jan', 1],
  ['feb', 2],
  ['mar', 3],
  ['mär', 3],
  ['mã¤', 3],
  ['mrz', 3],
  ['apr', 4],
  ['may', 5],
  ['mai', 5],
  ['jun', 6],
  ['jul', 7],
  ['aug', 8],
  ['sep', 9],
  ['oct', 10],
  ['okt', 10],
  ['nov', 11],
  ['dec', 12],
  ['dez', 12],
]);

const CLOCK = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/**
 * Parses the date of an ASC header, e.g. `Sam Sep 30 15:06:13.191 2017` or `Tue May 27 04:09:35.000 pm
 * 2014` (weekday, month, day, clock with optional milliseconds, optional am/pm, year). The weekday is not
 * checked (its language varies). ASC dates are the logging PC's local time with no zone:
 * `utcOffsetMinutes` says how far east of UTC that clock was. Returns ns since the epoch, or undefined.
 */
export function parseAscDate(text: string, utcOffsetMinutes = 0): bigint | undefined {
  const tokens = text.trim().split(/\s+/);
  const at = tokens.findIndex((token) => MONTHS.has(token.slice(0, 3).toLowerCase()));
  if (at < 0) return undefined;
  const month = MONTHS.get((tokens[at] ?? '').slice(0, 3).toLowerCase()) ?? 0;
  const day = Number(tokens[at + 1]);
  const clock = CLOCK.exec(tokens[at + 2] ?? '');
  let yearToken = tokens[at + 3];
  const meridiem = yearToken?.toLowerCase();
  const twelveHour = meridiem === 'am' || meridiem === 'pm';
  if (twelveHour) yearToken = tokens[at + 4];
  const year = Number(yearToken);
  if (!clock || !Number.isInteger(day) || day < 1 || day > 31 || !Number.isInteger(year) || year < 1900) {
    return undefined;
  }
  let hour = Number(clock[1]);
  if (twelveHour) {
    if (hour < 1 || hour > 12) return undefined;
    // 12 am is midnight, 12 pm is noon.
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  const minute = Number(clock[2]);
  const second = Number(clock[3]);
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const seconds =
    daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - utcOffsetMinutes * 60;
  return BigInt(seconds) * 1_000_000_000n + BigInt((clock[4] ?? '').padEnd(9, '0'));
}
