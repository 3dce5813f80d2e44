import { latin1, latin1Bytes } from '../../core/latin1.js';

/**
 * NMEA 0183 sentence parser (IEC 61162-1 / NMEA 0183 v4.11 field layouts).
 *
 * A sentence is `$` + address + `,`-separated fields + `*hh` (XOR of every character between `$` and `*`).
 * The parser works on byte ranges of the input chunk: no line strings, no substrings, no regexes and no
 * per-field allocations, because drive logs hold millions of sentences.
 *
 * Units are kept as sent (knots, km/h, ns of day) except positions, which become signed decimal degrees.
 * Empty fields are `undefined`, never 0: an empty GGA altitude means "unknown", not sea level.
 */

/** Nanoseconds since 00:00 UTC of the (still unknown) day. An integer below 2^53, so a plain number is exact. */
export type TimeOfDayNs = number;

/** `ddmmyy` as sent: the two-digit year is resolved to a century by the reader (see `readNmea`). */
export interface NmeaDate {
  day: number;
  month: number;
  year2: number;
}

/**
 * A malformed field in an otherwise valid sentence. The field reads as undefined and the rest of the
 * sentence is used (as gpsd does: a Telit RMC with date `2208-1` still carries a good position); the
 * reader reports the issue as a `bad_field` reject. A malformed time rejects the whole sentence instead,
 * because it decides which epoch the sentence belongs to.
 */
export interface FieldIssue {
  message: string;
  /** 1-based column of the field in the line. */
  column: number;
}

/** GGA: time, position and fix data (NMEA 0183 §GGA). */
export interface GgaSentence {
  type: 'GGA';
  talker: string;
  issue?: FieldIssue;
  time?: TimeOfDayNs;
  lat?: number;
  lon?: number;
  /** 0 invalid, 1 GPS, 2 DGPS, 3 PPS, 4 RTK fixed, 5 RTK float, 6 dead reckoning, 7 manual, 8 simulator. */
  quality?: number;
  satellites?: number;
  hdop?: number;
  /** Antenna altitude above mean sea level (geoid), metres. */
  alt?: number;
  /** Geoid height above the WGS84 ellipsoid, metres. */
  geoidSep?: number;
  dgpsAge?: number;
  dgpsStation?: number;
}

/** RMC: recommended minimum data; the only common sentence that carries the date besides ZDA. */
export interface RmcSentence {
  type: 'RMC';
  talker: string;
  issue?: FieldIssue;
  time?: TimeOfDayNs;
  /** `A` valid, `V` warning (navigation receiver warning: nothing in the sentence should be trusted). */
  status?: string;
  lat?: number;
  lon?: number;
  speedKnots?: number;
  /** Course over ground, degrees true. */
  course?: number;
  date?: NmeaDate;
  /** Magnetic variation, degrees, east positive. */
  magvar?: number;
  /** NMEA 2.3 mode indicator: A autonomous, D differential, E estimated, F float RTK, R RTK, N no fix, ... */
  mode?: string;
}

/** VTG: course and speed over ground. */
export interface VtgSentence {
  type: 'VTG';
  talker: string;
  issue?: FieldIssue;
  courseTrue?: number;
  courseMagnetic?: number;
  speedKnots?: number;
  speedKmh?: number;
  mode?: string;
}

/** GSA: DOPs and active satellites. One per constellation on multi-GNSS receivers (NMEA 4.1 system id). */
export interface GsaSentence {
  type: 'GSA';
  talker: string;
  issue?: FieldIssue;
  /** `M` manual or `A` automatic 2D/3D selection. */
  selection?: string;
  /** 1 no fix, 2 2D, 3 3D. */
  fixMode?: number;
  /** Number of non-empty satellite id fields. */
  satellitesUsed: number;
  pdop?: number;
  hdop?: number;
  vdop?: number;
  systemId?: number;
}

/** GST: pseudorange error statistics, 1-sigma metres. */
export interface GstSentence {
  type: 'GST';
  talker: string;
  issue?: FieldIssue;
  time?: TimeOfDayNs;
  rms?: number;
  semiMajor?: number;
  semiMinor?: number;
  /** Orientation of the semi-major axis, degrees from true north. */
  orientation?: number;
  latErr?: number;
  lonErr?: number;
  altErr?: number;
}

/** ZDA: UTC time and full date (four-digit year). */
export interface ZdaSentence {
  type: 'ZDA';
  talker: string;
  issue?: FieldIssue;
  time?: TimeOfDayNs;
  day?: number;
  month?: number;
  year?: number;
}

/** GNS: multi-constellation fix data; `modes` has one character per constellation (GP, GL, GA, GB, ...). */
export interface GnsSentence {
  type: 'GNS';
  talker: string;
  issue?: FieldIssue;
  time?: TimeOfDayNs;
  lat?: number;
  lon?: number;
  modes?: string;
  satellites?: number;
  hdop?: number;
  alt?: number;
  geoidSep?: number;
  dgpsAge?: number;
  dgpsStation?: number;
}

/** GLL: geographic position. */
export interface GllSentence {
  type: 'GLL';
  talker: string;
  issue?: FieldIssue;
  lat?: number;
  lon?: number;
  time?: TimeOfDayNs;
  status?: string;
  mode?: string;
}

/** HDT (heading, true) and THS (true heading and status): vehicle heading, not course over ground. */
export interface HeadingSentence {
  type: 'HDT' | 'THS';
  talker: string;
  issue?: FieldIssue;
  heading?: number;
  /** THS mode: A autonomous, E estimated, M manual, S simulator, V invalid. HDT has none. */
  mode?: string;
}

/** A valid sentence of a standard type this reader does not use (GSV, GBS, DTM, TXT, ...). */
export interface OtherSentence {
  type: 'other';
  talker: string;
  /** Three-letter sentence formatter, e.g. `GSV`. */
  formatter: string;
}

/** A valid proprietary sentence (`$P` + manufacturer code), recognised and ignored. */
export interface ProprietarySentence {
  type: 'proprietary';
  /** The whole address field, e.g. `PGRME`, `PUBX`, `PERC`. */
  address: string;
}

/** Why a candidate sentence was not accepted. Stable strings: they are reject reasons in reports. */
export type SentenceRejectReason = 'garbage' | 'missing_checksum' | 'bad_checksum' | 'bad_field';

/** A candidate that was rejected. Never used for fixes. */
export interface SentenceError {
  type: 'error';
  reason: SentenceRejectReason;
  message: string;
  /** 1-based column in the line where the problem is. */
  column: number;
}

export type NmeaSentence =
  | GgaSentence
  | RmcSentence
  | VtgSentence
  | GsaSentence
  | GstSentence
  | ZdaSentence
  | GnsSentence
  | GllSentence
  | HeadingSentence
  | OtherSentence
  | ProprietarySentence;

const DOLLAR = 0x24;
const BANG = 0x21;
const STAR = 0x2a;
const COMMA = 0x2c;
const DOT = 0x2e;
const MINUS = 0x2d;
const PLUS = 0x2b;
const ZERO = 0x30;

/** Longest address we accept; real ones are 5 (`GPGGA`) or a few more for proprietary (`PQTMEPE`, `PGLOR`). */
const MAX_ADDRESS = 10;

/** Fields whose positions are recorded; later ones (only in long proprietary sentences) are not needed. */
const MAX_FIELDS = 64;

/**
 * Field start/end offsets of the sentence being parsed. Reused across calls (the parser is synchronous and
 * never re-entered) so that splitting allocates nothing.
 */
const fieldStart = new Int32Array(MAX_FIELDS);
const fieldEnd = new Int32Array(MAX_FIELDS);

/**
 * Parses one sentence occupying `line[start, end)`, where `line[start]` is `$` (or `!`) and `end` is just
 * past the checksum (or the end of the candidate when there is none), trailing CR/LF/spaces excluded.
 * `line` is bytes (the reader's path) or, for convenience, a string (read as Latin-1). Columns in results
 * are 1-based positions in `line`.
 *
 * Checks, in order: an address of 2–10 upper-case letters/digits (else `garbage`, which is how binary data
 * that happens to contain `$` is told apart from a damaged sentence), a `*hh` checksum (else
 * `missing_checksum`), the checksum value (`bad_checksum`), then the fields this reader uses (a malformed
 * time is a `bad_field` error; other malformed fields become a `FieldIssue` on the sentence).
 */
export function parseSentence(
  line: string | Uint8Array,
  start = 0,
  end = line.length,
): NmeaSentence | SentenceError {
  const bytes = typeof line === 'string' ? latin1Bytes(line) : line;
  const lead = bytes[start] ?? -1;
  if (lead !== DOLLAR && lead !== BANG) return error('garbage', 'does not start with $ or !', start);

  // Address field: [A-Z0-9]{2,10} followed by ',' or '*' (NMEA 0183 §5.2.3 approved and proprietary addresses).
  let i = start + 1;
  let sum = 0;
  while (i < end) {
    const c = bytes[i] ?? -1;
    if (!((c >= 0x41 && c <= 0x5a) || (c >= ZERO && c <= 0x39))) break;
    sum ^= c;
    i += 1;
  }
  const addressLength = i - start - 1;
  const next = i < end ? (bytes[i] ?? -1) : -1;
  if (addressLength < 2 || addressLength > MAX_ADDRESS || (next !== COMMA && next !== STAR && next !== -1)) {
    return error('garbage', 'no NMEA address after $', start);
  }

  // Split fields while accumulating the checksum; field 0 is the address.
  let count = 0;
  fieldStart[0] = start + 1;
  let star = -1;
  for (; i < end; i += 1) {
    const c = bytes[i] ?? -1;
    if (c === STAR) {
      star = i;
      break;
    }
    // `$` and `!` are reserved delimiters (NMEA 0183 §5.1.3): here they start another sentence, so this one
    // was cut off.
    if (c === DOLLAR || c === BANG)
      return error('missing_checksum', 'cut off by the start of another sentence', i);
    sum ^= c;
    if (c === COMMA && count < MAX_FIELDS - 1) {
      fieldEnd[count] = i;
      count += 1;
      fieldStart[count] = i + 1;
    }
  }
  fieldEnd[count] = star < 0 ? end : star;
  count += 1;

  if (star < 0)
    return error('missing_checksum', 'no *hh checksum (sentence cut off or sent without one)', end);
  const hi = hexValue(bytes[star + 1] ?? -1);
  const lo = hexValue(bytes[star + 2] ?? -1);
  if (hi < 0 || lo < 0 || star + 3 !== end) {
    return error('bad_checksum', `malformed checksum '${latin1(bytes, star, end)}'`, star);
  }
  const sent = (hi << 4) | lo;
  if (sent !== sum) {
    return error('bad_checksum', `checksum ${hex2(sent)} does not match computed ${hex2(sum)}`, star);
  }

  // `!` starts encapsulation sentences (AIS VDM/VDO), valid NMEA but nothing a GNSS fix uses.
  if (lead === BANG)
    return {
      type: 'other',
      talker: talkerOf(bytes, start + 1),
      formatter: latin1(bytes, start + 3, start + 1 + addressLength),
    };
  if ((bytes[start + 1] ?? -1) === 0x50 /* P */) {
    return { type: 'proprietary', address: latin1(bytes, start + 1, start + 1 + addressLength) };
  }
  if (addressLength !== 5)
    return error('garbage', 'address is not talker + three-letter formatter', start + 1);

  const talker = talkerOf(bytes, start + 1);
  const key = ((bytes[start + 3] ?? -1) << 16) | ((bytes[start + 4] ?? -1) << 8) | (bytes[start + 5] ?? -1);
  const f = fields.reset(bytes, count);
  switch (key) {
    case GGA:
      return parseGga(f, talker);
    case RMC:
      return parseRmc(f, talker);
    case VTG:
      return parseVtg(f, talker);
    case GSA:
      return parseGsa(f, talker);
    case GST:
      return parseGst(f, talker);
    case ZDA:
      return parseZda(f, talker);
    case GNS:
      return parseGns(f, talker);
    case GLL:
      return parseGll(f, talker);
    case HDT:
      return parseHeading(f, talker, 'HDT');
    case THS:
      return parseHeading(f, talker, 'THS');
    default:
      return { type: 'other', talker, formatter: latin1(bytes, start + 3, start + 6) };
  }
}

/** The NMEA checksum of `text[start, end)`: XOR of all character codes. */
export function nmeaChecksum(text: string | Uint8Array, start = 0, end = text.length): number {
  let sum = 0;
  if (typeof text === 'string') for (let i = start; i < end; i += 1) sum ^= text.charCodeAt(i) & 0xff;
  else for (let i = start; i < end; i += 1) sum ^= text[i] ?? 0;
  return sum;
}

function formatterKey(name: string): number {
  return (name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2);
}
const GGA = formatterKey('GGA');
const RMC = formatterKey('RMC');
const VTG = formatterKey('VTG');
const GSA = formatterKey('GSA');
const GST = formatterKey('GST');
const ZDA = formatterKey('ZDA');
const GNS = formatterKey('GNS');
const GLL = formatterKey('GLL');
const HDT = formatterKey('HDT');
const THS = formatterKey('THS');

function error(reason: SentenceRejectReason, message: string, at: number): SentenceError {
  return { type: 'error', reason, message, column: at + 1 };
}

/** Talker ids are few (GP, GN, GL, GA, GB, BD, ...): intern them so sentences share one string each. */
const talkers = new Map<number, string>();
function talkerOf(bytes: Uint8Array, at: number): string {
  const key = ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
  let talker = talkers.get(key);
  if (talker === undefined) {
    talker = latin1(bytes, at, at + 2);
    talkers.set(key, talker);
  }
  return talker;
}

function hexValue(c: number): number {
  if (c >= ZERO && c <= 0x39) return c - ZERO;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57; // lower-case hex is out of spec but harmless
  return -1;
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

const NO_BYTES = new Uint8Array(0);
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Typed access to the fields of the current sentence. Field 0 is the address. Fields past the end of a
 * short (older NMEA version) sentence read as empty. A malformed field reads as undefined and records the
 * first problem (see `FieldIssue`). One instance is reused for every sentence (the parser is synchronous
 * and never re-entered).
 */
class Fields {
  bytes: Uint8Array = NO_BYTES;
  count = 0;
  /** The first malformed field. */
  error: SentenceError | undefined = undefined;
  /** The time field was malformed: the whole sentence is rejected. */
  fatal = false;

  reset(bytes: Uint8Array, count: number): this {
    this.bytes = bytes;
    this.count = count;
    this.error = undefined;
    this.fatal = false;
    return this;
  }

  /** The sentence, carrying the first field issue, or the error when the time was malformed. */
  finish<T extends { issue?: FieldIssue }>(sentence: T): T | SentenceError {
    this.bytes = NO_BYTES; // do not keep the caller's chunk alive
    if (this.error === undefined) return sentence;
    if (this.fatal) return this.error;
    sentence.issue = { message: this.error.message, column: this.error.column };
    return sentence;
  }

  isEmpty(n: number): boolean {
    return n >= this.count || fieldStart[n] === fieldEnd[n];
  }

  /** A decimal number (`-12.5`, `0003.4`, `+5`); NMEA has no exponents. */
  number(n: number, name: string): number | undefined {
    if (this.isEmpty(n)) return undefined;
    const value = parseDecimal(this.bytes, fieldStart[n] ?? 0, fieldEnd[n] ?? 0);
    return Number.isNaN(value) ? this.fail(n, name, 'a number') : value;
  }

  /** A non-negative integer (satellite counts, fix quality, day, year). */
  integer(n: number, name: string): number | undefined {
    if (this.isEmpty(n)) return undefined;
    const a = fieldStart[n] ?? 0;
    const b = fieldEnd[n] ?? 0;
    if (b - a > 9) return this.fail(n, name, 'an integer');
    let value = 0;
    for (let i = a; i < b; i += 1) {
      const d = (this.bytes[i] ?? -1) - ZERO;
      if (d < 0 || d > 9) return this.fail(n, name, 'an integer');
      value = value * 10 + d;
    }
    return value;
  }

  /** An integer, or undefined when the field is not one (for fields receivers are known to misuse). */
  lenientInteger(n: number): number | undefined {
    const error = this.error;
    const value = this.integer(n, '');
    this.error = error;
    return value;
  }

  /** A flag field as sent (status `A`/`V`, mode letters, GNS per-constellation mode string). */
  flag(n: number): string | undefined {
    if (this.isEmpty(n)) return undefined;
    return latin1(this.bytes, fieldStart[n] ?? 0, fieldEnd[n]);
  }

  /** `hhmmss[.s…]` UTC → ns of day. Up to 9 fractional digits are exact. */
  time(n: number): TimeOfDayNs | undefined {
    if (this.isEmpty(n)) return undefined;
    const bytes = this.bytes;
    const a = fieldStart[n] ?? 0;
    const b = fieldEnd[n] ?? 0;
    const hh = twoDigits(bytes, a);
    const mm = twoDigits(bytes, a + 2);
    const ss = twoDigits(bytes, a + 4);
    // ss = 60 admits a leap second (UTC 23:59:60).
    if (b - a < 6 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return this.failTime(n);
    let frac = 0;
    if (b > a + 6) {
      if ((bytes[a + 6] ?? -1) !== DOT || b - a - 7 > 9) return this.failTime(n);
      let scale = 100_000_000;
      for (let i = a + 7; i < b; i += 1) {
        const d = (bytes[i] ?? -1) - ZERO;
        if (d < 0 || d > 9) return this.failTime(n);
        frac += d * scale;
        scale /= 10;
      }
    }
    return ((hh * 60 + mm) * 60 + ss) * 1e9 + frac;
  }

  /**
   * `ddmm.mmmm` / `dddmm.mmmm` with the hemisphere in the next field → signed degrees. Degrees and minutes
   * are split in the text rather than by dividing a float by 100, so 8–10 decimal RTK minutes keep every
   * printed digit.
   */
  angle(n: number, isLon: boolean): number | undefined {
    if (this.isEmpty(n)) return undefined;
    const bytes = this.bytes;
    const a = fieldStart[n] ?? 0;
    const b = fieldEnd[n] ?? 0;
    const name = isLon ? 'longitude' : 'latitude';
    const shape = isLon ? 'dddmm.mmmm' : 'ddmm.mmmm';
    let dot = a;
    while (dot < b && (bytes[dot] ?? -1) !== DOT) dot += 1;
    if (dot - a < 3 || dot - a > 5) return this.fail(n, name, shape);
    let degrees = 0;
    for (let i = a; i < dot - 2; i += 1) {
      const d = (bytes[i] ?? -1) - ZERO;
      if (d < 0 || d > 9) return this.fail(n, name, shape);
      degrees = degrees * 10 + d;
    }
    const minutes = parseDecimal(bytes, dot - 2, b);
    // Exactly 60 minutes occurs in placeholder positions (MTK `8960.000000,N` = 90°N before the first fix).
    if (Number.isNaN(minutes) || minutes < 0 || minutes > 60) return this.fail(n, name, shape);
    const value = degrees + minutes / 60;
    if (value > (isLon ? 180 : 90)) return this.fail(n, name, isLon ? 'within ±180°' : 'within ±90°');
    const hemi = this.isEmpty(n + 1) ? 0 : (bytes[fieldStart[n + 1] ?? 0] ?? -1);
    if (hemi === (isLon ? 0x57 /* W */ : 0x53) /* S */) return -value;
    if (hemi === (isLon ? 0x45 /* E */ : 0x4e) /* N */) return value;
    return this.fail(n + 1, isLon ? 'E/W' : 'N/S', isLon ? 'E or W' : 'N or S');
  }

  /** `ddmmyy` → day, month, two-digit year (checked like gpsd's merge_ddmmyy: digits only, real month/day). */
  date(n: number): NmeaDate | undefined {
    if (this.isEmpty(n)) return undefined;
    const a = fieldStart[n] ?? 0;
    const day = twoDigits(this.bytes, a);
    const month = twoDigits(this.bytes, a + 2);
    const year2 = twoDigits(this.bytes, a + 4);
    if ((fieldEnd[n] ?? 0) - a !== 6 || day < 1 || day > 31 || month < 1 || month > 12 || year2 < 0) {
      return this.fail(n, 'date', 'ddmmyy');
    }
    return { day, month, year2 };
  }

  private failTime(n: number): undefined {
    this.fail(n, 'time', 'hhmmss[.sss]');
    this.fatal = true;
    return undefined;
  }

  /** Records the first malformed field (see `FieldIssue`). */
  fail(n: number, name: string, expected: string): undefined {
    if (this.error === undefined) {
      const a = fieldStart[n] ?? 0;
      const text = latin1(this.bytes, a, fieldEnd[n]);
      this.error = error('bad_field', `field ${n} (${name}) '${text}' is not ${expected}`, a);
    }
    return undefined;
  }
}

const fields = new Fields();

/** Parses `[+-]digits[.digits]` to the same double as `parseFloat` (one correctly rounded division); NaN if malformed. */
function parseDecimal(bytes: Uint8Array, a: number, b: number): number {
  let i = a;
  let negative = false;
  const first = bytes[i] ?? -1;
  if (first === MINUS || first === PLUS) {
    negative = first === MINUS;
    i += 1;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < b; i += 1) {
    const c = bytes[i] ?? -1;
    if (c === DOT && fraction < 0) {
      fraction = 0;
      continue;
    }
    const d = c - ZERO;
    if (d < 0 || d > 9) return NaN;
    mantissa = mantissa * 10 + d;
    digits += 1;
    if (fraction >= 0) fraction += 1;
  }
  if (digits === 0) return NaN;
  // Past 15 digits the integer mantissa is no longer exact: defer to the runtime's correctly rounded parser.
  if (digits > 15) return Number.parseFloat(latin1(bytes, a, b));
  const value = fraction > 0 ? mantissa / (POW10[fraction] ?? 1) : mantissa;
  return negative ? -value : value;
}

function twoDigits(bytes: Uint8Array, at: number): number {
  const a = (bytes[at] ?? -1) - ZERO;
  const b = (bytes[at + 1] ?? -1) - ZERO;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

// Field numbers below follow NMEA 0183 v4.11; field 0 is the address.

function parseGga(f: Fields, talker: string): GgaSentence | SentenceError {
  const sentence: GgaSentence = {
    type: 'GGA',
    talker,
    time: f.time(1),
    lat: f.angle(2, false),
    lon: f.angle(4, true),
    quality: f.integer(6, 'fix quality'),
    satellites: f.integer(7, 'satellites'),
    hdop: f.number(8, 'HDOP'),
    alt: f.number(9, 'altitude'),
    geoidSep: f.number(11, 'geoid separation'),
    dgpsAge: f.number(13, 'DGPS age'),
    dgpsStation: f.integer(14, 'DGPS station'),
  };
  return f.finish(sentence);
}

function parseRmc(f: Fields, talker: string): RmcSentence | SentenceError {
  const magvar = f.number(10, 'magnetic variation');
  const sentence: RmcSentence = {
    type: 'RMC',
    talker,
    time: f.time(1),
    status: f.flag(2),
    lat: f.angle(3, false),
    lon: f.angle(5, true),
    speedKnots: f.number(7, 'speed'),
    course: f.number(8, 'course'),
    date: f.date(9),
    magvar: magvar !== undefined && f.flag(11) === 'W' ? -magvar : magvar,
    mode: f.flag(12),
  };
  return f.finish(sentence);
}

function parseVtg(f: Fields, talker: string): VtgSentence | SentenceError {
  // NMEA 2.0 and later tag each value with a unit letter (`054.7,T,034.4,M,005.5,N,010.2,K`); NMEA 1.x
  // receivers send four bare numbers.
  const tagged = f.count >= 9 || f.flag(2) === 'T';
  const sentence: VtgSentence = {
    type: 'VTG',
    talker,
    courseTrue: f.number(1, 'course true'),
    courseMagnetic: f.number(tagged ? 3 : 2, 'course magnetic'),
    speedKnots: f.number(tagged ? 5 : 3, 'speed knots'),
    speedKmh: f.number(tagged ? 7 : 4, 'speed km/h'),
    mode: tagged ? f.flag(9) : undefined,
  };
  return f.finish(sentence);
}

function parseGsa(f: Fields, talker: string): GsaSentence | SentenceError {
  let satellitesUsed = 0;
  for (let n = 3; n <= 14; n += 1) if (!f.isEmpty(n)) satellitesUsed += 1;
  const sentence: GsaSentence = {
    type: 'GSA',
    talker,
    selection: f.flag(1),
    fixMode: f.integer(2, 'fix mode'),
    satellitesUsed,
    pdop: f.number(15, 'PDOP'),
    hdop: f.number(16, 'HDOP'),
    vdop: f.number(17, 'VDOP'),
    // NMEA 4.1 system id. SiRF TriG sends a DOP here instead: a non-integer is read as absent, not an issue.
    systemId: f.isEmpty(18) ? undefined : f.lenientInteger(18),
  };
  return f.finish(sentence);
}

function parseGst(f: Fields, talker: string): GstSentence | SentenceError {
  const sentence: GstSentence = {
    type: 'GST',
    talker,
    time: f.time(1),
    rms: f.number(2, 'RMS'),
    semiMajor: f.number(3, 'semi-major'),
    semiMinor: f.number(4, 'semi-minor'),
    orientation: f.number(5, 'orientation'),
    latErr: f.number(6, 'latitude error'),
    lonErr: f.number(7, 'longitude error'),
    altErr: f.number(8, 'altitude error'),
  };
  return f.finish(sentence);
}

function parseZda(f: Fields, talker: string): ZdaSentence | SentenceError {
  const time = f.time(1);
  let day = f.integer(2, 'day');
  let month = f.integer(3, 'month');
  let year = f.integer(4, 'year');
  if (day !== undefined && (day < 1 || day > 31)) day = f.fail(2, 'day', '1..31');
  if (month !== undefined && (month < 1 || month > 12)) month = f.fail(3, 'month', '1..12');
  if (year !== undefined && year < 1980) year = f.fail(4, 'year', 'a four-digit year');
  return f.finish<ZdaSentence>({ type: 'ZDA', talker, time, day, month, year });
}

function parseGns(f: Fields, talker: string): GnsSentence | SentenceError {
  const sentence: GnsSentence = {
    type: 'GNS',
    talker,
    time: f.time(1),
    lat: f.angle(2, false),
    lon: f.angle(4, true),
    modes: f.flag(6),
    satellites: f.integer(7, 'satellites'),
    hdop: f.number(8, 'HDOP'),
    alt: f.number(9, 'altitude'),
    geoidSep: f.number(10, 'geoid separation'),
    dgpsAge: f.number(11, 'DGPS age'),
    dgpsStation: f.integer(12, 'DGPS station'),
  };
  return f.finish(sentence);
}

function parseGll(f: Fields, talker: string): GllSentence | SentenceError {
  const sentence: GllSentence = {
    type: 'GLL',
    talker,
    lat: f.angle(1, false),
    lon: f.angle(3, true),
    time: f.time(5),
    status: f.flag(6),
    mode: f.flag(7),
  };
  return f.finish(sentence);
}

function parseHeading(f: Fields, talker: string, type: 'HDT' | 'THS'): HeadingSentence | SentenceError {
  const sentence: HeadingSentence = {
    type,
    talker,
    heading: f.number(1, 'heading'),
    mode: type === 'THS' ? f.flag(2) : undefined,
  };
  return f.finish(sentence);
}
