/**
 * METAR and SPECI aviation weather reports (WMO FM 15 / FM 16, WMO-No. 306 Vol. I.1; US practice per the
 * Federal Meteorological Handbook No. 1, FMH-1), alone or inside NWS/WMO bulletins.
 *
 * Format core: reads bytes through `ByteStream`, never `node:*`. One bad report never aborts a file: it
 * is rejected with its line and byte offset and a stable `reason`, and reading goes on.
 */
import type { Batch, Reject } from '../../core/reject.js';
import { RejectTally, type RejectLimits } from '../../core/rejectTally.js';
import type { ByteStream } from '../../core/source.js';

export type MetarKind = 'METAR' | 'SPECI';

export interface MetarWind {
  /** Direction the wind blows from, degrees true; absent for `VRB` and for missing (`///`). */
  directionDeg?: number;
  /** `VRB`: direction variable. */
  variable: boolean;
  /** Mean speed in `unit`, as reported. */
  speed: number;
  gust?: number;
  unit: 'KT' | 'MPS' | 'KMH';
  speedMs: number;
  gustMs?: number;
  /** Extreme directions of a variable wind (`dddVddd` group), degrees. */
  variableFromDeg?: number;
  variableToDeg?: number;
}

export interface MetarVisibility {
  raw: string;
  /** The number as reported, in `unit` (`9999` metres means 10 km or more, as reported). */
  value: number;
  unit: 'm' | 'SM';
  metres: number;
  /** `M1/4SM` (less than) or `P6SM` (more than). */
  qualifier?: 'less_than' | 'more_than';
  /** `CAVOK`: visibility 10 km or more, no cloud below 5000 ft, no significant weather (value 9999 m). */
  cavok: boolean;
}

/** One present-weather group, e.g. `-SHRA`, `+TSRA`, `VCTS`, `BR`. */
export interface MetarWeather {
  raw: string;
  intensity: 'light' | 'moderate' | 'heavy';
  /** `VC`: in the vicinity (8 km), not at the station. */
  vicinity: boolean;
  /** MI PR BC DR BL SH TS FZ. */
  descriptor?: string;
  /** Two-letter codes in order: precipitation (DZ RA SN SG IC PL GR GS UP), obscuration (BR FG FU VA DU SA HZ PY), other (PO SQ FC SS DS). */
  phenomena: string[];
}

export type MetarCover = 'FEW' | 'SCT' | 'BKN' | 'OVC' | 'VV';

/** One cloud layer (or vertical visibility `VV`). */
export interface MetarCloud {
  raw: string;
  cover: MetarCover;
  /** Height of the base above ground, feet; absent for `///`. */
  baseFt?: number;
  type?: 'CB' | 'TCU';
}

export interface MetarAltimeter {
  raw: string;
  /** As reported: hPa for `Q`, inches of mercury for `A`. */
  value: number;
  unit: 'hPa' | 'inHg';
  hPa: number;
}

export interface MetarReport {
  kind: MetarKind;
  /** ICAO location indicator. */
  station: string;
  /** Day of month, hour and minute (UTC) as reported. */
  day: number;
  hour: number;
  minute: number;
  /** Observation time, ns since the epoch (UTC), resolved with the reference month. */
  t: bigint;
  auto: boolean;
  corrected: boolean;
  wind?: MetarWind;
  visibility?: MetarVisibility;
  weather: MetarWeather[];
  /** Cloud layers in report order; clear-sky markers are in `clearSky`. */
  clouds: MetarCloud[];
  clearSky?: 'SKC' | 'CLR' | 'NSC' | 'NCD';
  temperatureC?: number;
  dewpointC?: number;
  altimeter?: MetarAltimeter;
  /** Text after `RMK`. */
  remarks?: string;
  /** Tenths-of-a-degree temperature and dew point from the remarks `T` group (FMH-1 §12.7.2). */
  remarkTemperatureC?: number;
  remarkDewpointC?: number;
  /** Precipitation of the last hour from the remarks `Pnnnn` group (FMH-1 §12.7.1), millimetres. */
  precipitationLastHourMm?: number;
  /** Body groups before `RMK` this parser does not decode (RVR, wind shear, recent weather, trends...). */
  unparsed: string[];
  /** The report text as read, with line breaks and indentation collapsed to single spaces. */
  raw: string;
  /** 1-based line and byte offset where the report starts. */
  line: number;
  offset: number;
}

/**
 * What a METAR's day-of-month is resolved against: a month, or a time the report is near (the report is
 * put in the month, among the two before, `near`'s own and the one after, that brings it closest to `near`).
 */
export type MetarReference = { year: number; month: number } | { near: bigint };

/** Why a report could not be used. `reason` is stable. */
export interface MetarProblem {
  reason:
    | 'control_character'
    | 'invalid_utf8'
    | 'non_ascii'
    | 'bad_station'
    | 'bad_time'
    | 'nil_report'
    | 'empty_report';
  message: string;
}

export interface ReadMetarOptions extends RejectLimits {
  /** Names the input in rejects. */
  uri: string;
  /**
   * Resolves day-of-month times. A `YYYY/MM/DD HH:MM` line (NOAA's per-station files) sets the month for
   * the reports after it and takes precedence.
   */
  reference: MetarReference;
  /** Reports per batch. @default 256 */
  batchSize?: number;
}

const KNOT_MS = 1852 / 3600;
const KMH_MS = 1 / 3.6;
const STATUTE_MILE_M = 1609.344;
const INHG_HPA = 33.8638866667;
const INCH_MM = 25.4;
const NS_PER_MS = 1_000_000n;

/**
 * Reads METAR/SPECI reports from a text file or an NWS/WMO bulletin stream, in bounded memory (one report
 * at a time).
 *
 * Bulletin handling (WMO-No. 386 Manual on the GTS, Part II §2.3): SOH (0x01) starts and ETX (0x03) ends a
 * bulletin; the starting line number, the abbreviated heading `TTAAii CCCC YYGGgg [BBB]`, an AWIPS id line
 * after it and a `METAR`/`SPECI` line alone are skipped (the last sets the kind of the reports after it).
 * A report starts on an unindented line, continues on indented lines and ends at `=`, at the next unindented
 * line or at the end of the bulletin. Blank lines (the `\r\r\n` line ends of NWS products) end nothing.
 * Reports glued together on one line without `=` (station + `DDHHMMZ` appearing again) are split.
 *
 * Lines are split on LF; CR counts as white space. A report with a control byte (NUL, ...), a byte
 * sequence that is not UTF-8, or a non-space non-ASCII character is rejected whole (`control_character`,
 * `invalid_utf8`, `non_ascii`); Unicode spaces (a UTF-8 no-break space) count as spaces.
 */
export async function* readMetar(
  stream: ByteStream,
  options: ReadMetarOptions,
): AsyncIterable<Batch<MetarReport>> {
  const tally = new RejectTally(options.uri, options);
  const batchSize = options.batchSize ?? 256;
  const assembler = new ReportAssembler(options.reference, tally);
  let records: MetarReport[] = [];
  let carry: Uint8Array | undefined;
  let carryOffset = 0;
  let offset = 0;
  let line = 1;
  for await (const chunk of stream) {
    let data = chunk;
    let base = offset;
    if (carry !== undefined) {
      data = concat(carry, chunk);
      base = carryOffset;
    }
    offset += chunk.length;
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      if (data[i] !== LF) continue;
      assembler.line(data, start, i, line, base + start, records);
      line += 1;
      start = i + 1;
    }
    carry = start < data.length ? data.slice(start) : undefined;
    carryOffset = base + start;
    if (carry !== undefined && carry.length > MAX_LINE_BYTES) {
      // No line break for this long: binary data. Hand it out as one line (its report is rejected) to
      // keep memory bounded.
      assembler.line(carry, 0, carry.length, line, carryOffset, records);
      carry = undefined;
    }
    if (records.length >= batchSize || tally.hasPending) {
      yield { records, rejects: tally.take() };
      records = [];
    }
  }
  if (carry !== undefined) assembler.line(carry, 0, carry.length, line, carryOffset, records);
  assembler.flush(records);
  tally.finish();
  if (records.length > 0 || tally.hasPending) yield { records, rejects: tally.take() };
}

/** Reads a whole METAR text held in memory. For small inputs and tests. */
export async function readMetarBytes(
  bytes: Uint8Array,
  options: ReadMetarOptions,
): Promise<{ reports: MetarReport[]; rejects: Reject[] }> {
  const reports: MetarReport[] = [];
  const rejects: Reject[] = [];
  async function* once(): ByteStream {
    await Promise.resolve();
    yield bytes;
  }
  for await (const batch of readMetar(once(), options)) {
    reports.push(...batch.records);
    rejects.push(...batch.rejects);
  }
  return { reports, rejects };
}

const LF = 0x0a;
/** Longest line kept in memory while looking for its end; METAR lines are under 100 bytes. */
const MAX_LINE_BYTES = 1 << 16;
const CR = 0x0d;
const SOH = 0x01;
const ETX = 0x03;
const TAB = 0x09;
const SPACE = 0x20;

interface PendingReport {
  parts: string[];
  line: number;
  offset: number;
  kind: MetarKind;
  problem?: MetarProblem;
}

/** Assembles lines into reports (bulletin framing, continuation lines, `=`) and parses each. */
class ReportAssembler {
  private current: PendingReport | undefined;
  private kind: MetarKind = 'METAR';
  private afterHeading = false;
  private reference: MetarReference;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly ascii = new TextDecoder('latin1');

  constructor(
    reference: MetarReference,
    private readonly tally: RejectTally,
  ) {
    this.reference = reference;
  }

  /** One LF-terminated line, `bytes[start, end)`; SOH and ETX split it into pieces. */
  line(
    bytes: Uint8Array,
    start: number,
    end: number,
    line: number,
    offset: number,
    out: MetarReport[],
  ): void {
    let from = start;
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c !== SOH && c !== ETX) continue;
      this.piece(bytes, from, i, line, offset + (from - start), out);
      // Both framing bytes end the report in progress; SOH starts a new bulletin (kind back to METAR).
      this.flush(out);
      if (c === SOH) {
        this.kind = 'METAR';
        this.afterHeading = false;
      }
      from = i + 1;
    }
    this.piece(bytes, from, end, line, offset + (from - start), out);
  }

  private piece(
    bytes: Uint8Array,
    start: number,
    end: number,
    line: number,
    offset: number,
    out: MetarReport[],
  ): void {
    const decoded = this.decode(bytes, start, end);
    const text = decoded.text.trimEnd();
    if (text.trim().length === 0) return;
    const indented = text.charCodeAt(0) === SPACE;
    if (!indented || this.current === undefined) {
      if (decoded.problem === undefined && this.header(text.trim(), out)) return;
      this.flush(out);
      this.current = { parts: [], line, offset, kind: this.kind };
    }
    this.afterHeading = false;
    const current = this.current;
    if (current === undefined) return;
    if (decoded.problem !== undefined) current.problem ??= decoded.problem;
    let rest = text;
    let restOffset = offset;
    for (;;) {
      const eq = rest.indexOf('=');
      if (eq < 0) break;
      this.current?.parts.push(rest.slice(0, eq));
      this.flush(out);
      rest = rest.slice(eq + 1);
      restOffset += eq + 1;
      if (rest.trim().length === 0) return;
      this.current = { parts: [], line, offset: restOffset, kind: this.kind };
      if (decoded.problem !== undefined) this.current.problem = decoded.problem;
    }
    this.current?.parts.push(rest);
  }

  /** Skips bulletin header lines; true when `text` was one. */
  private header(text: string, out: MetarReport[]): boolean {
    if (/^\d+$/.test(text)) {
      // The GTS channel sequence number that starts a bulletin.
      this.flush(out);
      return true;
    }
    if (/^[A-Z]{4}\d{2} [A-Z]{4} \d{6}( [A-Z]{3})?$/.test(text)) {
      // Abbreviated heading TTAAii CCCC YYGGgg [BBB] (WMO-No. 386 Part II §2.3.2).
      this.flush(out);
      this.afterHeading = true;
      return true;
    }
    const date = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})$/.exec(text);
    if (date !== null) {
      // NOAA's per-station files (tgftp) give the full date on the line before the report.
      this.flush(out);
      this.reference = { year: Number(date[1]), month: Number(date[2]) };
      return true;
    }
    if (text === 'METAR' || text === 'SPECI') {
      this.flush(out);
      this.kind = text;
      return true;
    }
    if (this.afterHeading && /^[A-Z0-9]{4,6}$/.test(text)) {
      // The AWIPS product id (e.g. MTRNZY) on the line after the heading.
      this.flush(out);
      this.afterHeading = false;
      return true;
    }
    return false;
  }

  /** Ends the report in progress: parses it (splitting glued reports) or rejects it. */
  flush(out: MetarReport[]): void {
    const report = this.current;
    this.current = undefined;
    if (report === undefined) return;
    const text = report.parts.join(' ').trim();
    if (text.length === 0) return;
    const where = { line: report.line, offset: report.offset };
    if (report.problem !== undefined) {
      this.tally.add(report.problem.reason, report.problem.message, where, text);
      return;
    }
    for (const tokens of splitGlued(text.split(/ +/))) {
      const parsed = parseMetarTokens(tokens, this.reference, report.kind, report.line, report.offset);
      if ('reason' in parsed) this.tally.add(parsed.reason, parsed.message, where, tokens.join(' '));
      else out.push(parsed);
    }
  }

  /** Decodes one line piece; problems are kept so the whole report can be rejected. */
  private decode(bytes: Uint8Array, start: number, end: number): { text: string; problem?: MetarProblem } {
    let spaces = false;
    for (let i = start; i < end; i++) {
      const c = bytes[i] ?? 0;
      if (c >= SPACE && c < 0x7f) continue;
      if (c === CR || c === TAB) {
        spaces = true;
      } else if (c < SPACE || c === 0x7f) {
        return {
          text: latin1Text(bytes, start, end),
          problem: {
            reason: 'control_character',
            message: `control byte 0x${c.toString(16).padStart(2, '0')} inside the report (binary noise on the line)`,
          },
        };
      } else {
        return this.decodeUnicode(bytes, start, end);
      }
    }
    // ASCII (the usual case): one decoder call per line, no per-character strings.
    const text = this.ascii.decode(bytes.subarray(start, end));
    return { text: spaces ? text.replace(/[\r\t]/g, ' ') : text };
  }

  private decodeUnicode(
    bytes: Uint8Array,
    start: number,
    end: number,
  ): { text: string; problem?: MetarProblem } {
    let unicode: string;
    try {
      unicode = this.utf8.decode(bytes.subarray(start, end));
    } catch {
      return {
        text: latin1Text(bytes, start, end),
        problem: { reason: 'invalid_utf8', message: 'bytes that are not UTF-8 inside the report' },
      };
    }
    // A no-break space and other Unicode spaces separate groups like a space does.
    const spaced = unicode.replace(/\s/gu, ' ');
    for (let i = 0; i < spaced.length; i++) {
      const c = spaced.charCodeAt(i);
      if (c < SPACE || c > 0x7e) {
        return {
          text: spaced,
          problem: {
            reason: c < SPACE || c === 0x7f ? 'control_character' : 'non_ascii',
            message: `${c < SPACE ? 'control' : 'non-ASCII'} character U+${c.toString(16).toUpperCase().padStart(4, '0')} inside the report`,
          },
        };
      }
    }
    return { text: spaced };
  }
}

function latin1Text(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i] ?? 0);
  return text;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/**
 * Splits tokens where a second report starts without a `=` before it: a station id followed by a
 * `DDHHMMZ` time after the first report's own time group (optionally after `METAR`/`SPECI`).
 */
function splitGlued(tokens: string[]): string[][] {
  const reports: string[][] = [];
  let start = 0;
  // The first report's own station and time occupy at most the first three tokens.
  for (let i = start + 2; i < tokens.length - 1; i++) {
    const token = tokens[i] ?? '';
    const next = tokens[i + 1] ?? '';
    if (i - start < 2 || !isStation(token) || !isTimeGroup(next)) continue;
    let cut = i;
    const before = tokens[i - 1];
    if ((before === 'METAR' || before === 'SPECI') && i - 1 > start) cut = i - 1;
    reports.push(tokens.slice(start, cut));
    start = cut;
    i = start + 1;
  }
  reports.push(tokens.slice(start));
  return reports;
}

/** ICAO location indicator: a letter and three letters or digits. */
function isStation(token: string): boolean {
  if (token.length !== 4) return false;
  const first = token.charCodeAt(0);
  if (first < 65 || first > 90) return false;
  for (let i = 1; i < 4; i++) {
    const c = token.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/** `DDHHMMZ` (the Z is sometimes left out). */
function isTimeGroup(token: string): boolean {
  if (token.length !== 7 && token.length !== 6) return false;
  if (token.length === 7 && token[6] !== 'Z') return false;
  return isDigits(token, 0, 6);
}

function isDigits(text: string, from: number, to: number): boolean {
  if (to > text.length || from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Parses one report from its text (one report; no bulletin framing; `line` 1 and `offset` 0 refer to the
 * text). The report's `kind` is METAR unless the text starts with `SPECI`.
 */
export function parseMetarReport(text: string, reference: MetarReference): MetarReport | MetarProblem {
  const tokens = text.replace(/=\s*$/, '').trim().split(/\s+/);
  return parseMetarTokens(tokens, reference, 'METAR', 1, 0);
}

type ParsedReport = MetarReport;

function parseMetarTokens(
  tokens: string[],
  reference: MetarReference,
  defaultKind: MetarKind,
  line: number,
  offset: number,
): MetarReport | MetarProblem {
  let i = 0;
  let kind = defaultKind;
  if (tokens[i] === 'METAR' || tokens[i] === 'SPECI') {
    kind = tokens[i] as MetarKind;
    i += 1;
  }
  const station = tokens[i] ?? '';
  if (!isStation(station)) {
    return {
      reason: 'bad_station',
      message: `'${station}' is not an ICAO station id (a letter and 3 letters or digits)`,
    };
  }
  const time = tokens[i + 1] ?? '';
  if (!isTimeGroup(time)) return { reason: 'bad_time', message: `'${time}' is not a DDHHMMZ time group` };
  const day = Number(time.slice(0, 2));
  const hour = Number(time.slice(2, 4));
  const minute = Number(time.slice(4, 6));
  const t = resolveMetarTime(day, hour, minute, reference);
  if (t === undefined) {
    return {
      reason: 'bad_time',
      message: `time group '${time}' is not a valid day/hour/minute for the reference month`,
    };
  }
  i += 2;
  const body: string[] = [];
  let remarks: string[] | undefined;
  for (; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (token === 'RMK') {
      remarks = tokens.slice(i + 1);
      break;
    }
    body.push(token);
  }
  if (body.length === 0)
    return { reason: 'empty_report', message: 'station and time but no observation groups' };
  if (body[0] === 'NIL') return { reason: 'nil_report', message: 'NIL report: the observation is missing' };

  const report: ParsedReport = {
    kind,
    station,
    day,
    hour,
    minute,
    t,
    auto: false,
    corrected: false,
    weather: [],
    clouds: [],
    unparsed: [],
    raw: tokens.join(' '),
    line,
    offset,
  };
  parseBody(body, report);
  if (remarks !== undefined) parseRemarks(remarks, report);
  return report;
}

/** Resolves day/hour/minute against a reference month; undefined when impossible (31st of April, hour 25). */
export function resolveMetarTime(
  day: number,
  hour: number,
  minute: number,
  reference: MetarReference,
): bigint | undefined {
  if (day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  const at = (year: number, month: number): number | undefined => {
    const ms = Date.UTC(year, month - 1, day, hour, minute);
    // Date.UTC rolls 31 April over to 1 May: such a day does not exist in that month.
    return new Date(ms).getUTCDate() === day ? ms : undefined;
  };
  if ('year' in reference) {
    const ms = at(reference.year, reference.month);
    return ms === undefined ? undefined : BigInt(ms) * NS_PER_MS;
  }
  const near = new Date(Number(reference.near / NS_PER_MS));
  let best: number | undefined;
  // Two months back: on 1 March a report of the 31st is from January (February has no 31st).
  for (const delta of [-2, -1, 0, 1]) {
    const month = near.getUTCMonth() + delta;
    const year = near.getUTCFullYear() + Math.floor(month / 12);
    const ms = at(year, (((month % 12) + 12) % 12) + 1);
    if (ms === undefined) continue;
    const nearMs = near.getTime();
    if (best === undefined || Math.abs(ms - nearMs) < Math.abs(best - nearMs)) best = ms;
  }
  return best === undefined ? undefined : BigInt(best) * NS_PER_MS;
}

const DESCRIPTORS = new Set(['MI', 'PR', 'BC', 'DR', 'BL', 'SH', 'TS', 'FZ']);
const PHENOMENA = new Set([
  'DZ',
  'RA',
  'SN',
  'SG',
  'IC',
  'PL',
  'GR',
  'GS',
  'UP',
  'BR',
  'FG',
  'FU',
  'VA',
  'DU',
  'SA',
  'HZ',
  'PY',
  'PO',
  'SQ',
  'FC',
  'SS',
  'DS',
]);
const COVERS = new Set(['FEW', 'SCT', 'BKN', 'OVC']);
const CLEAR_SKY = new Set(['SKC', 'CLR', 'NSC', 'NCD']);

/** Decodes the groups before `RMK` in WMO FM 15 order; groups it does not know are kept in `unparsed`. */
function parseBody(body: string[], report: ParsedReport): void {
  let wind: MetarWind | null | undefined;
  for (let i = 0; i < body.length; i++) {
    const token = body[i] ?? '';
    if (token === 'AUTO') {
      report.auto = true;
    } else if (token === 'COR' || /^CC[A-Z]$/.test(token)) {
      report.corrected = true;
    } else if (token === 'BECMG' || token === 'TEMPO') {
      // A trend forecast follows (FM 15 §15.14): its groups are not the observation.
      report.unparsed.push(...body.slice(i));
      return;
    } else if (token === 'CAVOK') {
      report.visibility = { raw: token, value: 9999, unit: 'm', metres: 9999, cavok: true };
    } else if (report.wind === undefined && (wind = parseWind(token)) !== undefined) {
      if (wind !== null) {
        report.wind = wind;
        const next = body[i + 1];
        if (next !== undefined && /^\d{3}V\d{3}$/.test(next)) {
          wind.variableFromDeg = Number(next.slice(0, 3));
          wind.variableToDeg = Number(next.slice(4, 7));
          i += 1;
        }
      }
    } else if (
      report.visibility === undefined &&
      /^\d$/.test(token) &&
      /^\d\/\d{1,2}SM$/.test(body[i + 1] ?? '')
    ) {
      // Whole miles and a fraction in two groups: `1 1/2SM`.
      const next = body[i + 1] ?? '';
      report.visibility = statuteVisibility(`${token} ${next}`, Number(token) + fraction(next.slice(0, -2)));
      i += 1;
    } else if (report.visibility === undefined && parseVisibility(token, report)) {
      // parsed
    } else if (parseWeather(token, report)) {
      // parsed
    } else if (parseCloud(token, report)) {
      // parsed
    } else if (report.temperatureC === undefined && parseTemperature(token, report)) {
      // parsed
    } else if (report.altimeter === undefined && /^[AQ]\d{4}$/.test(token)) {
      const number = Number(token.slice(1));
      report.altimeter =
        token[0] === 'Q'
          ? { raw: token, value: number, unit: 'hPa', hPa: number }
          : { raw: token, value: number / 100, unit: 'inHg', hPa: (number / 100) * INHG_HPA };
    } else {
      report.unparsed.push(token);
    }
  }
}

/** A wind group (FM 15 §15.5): the wind, `null` for a group with the values missing, undefined for no wind group. */
function parseWind(token: string): MetarWind | null | undefined {
  const match = /^(\d{3}|VRB|\/\/\/)(\d{2,3}|\/\/)(?:G(\d{2,3}))?(KT|MPS|KMH)$/.exec(token);
  if (match === null) return undefined;
  const [, dir = '', speedText = '', gustText, unit = 'KT'] = match;
  if (speedText === '//') return null; // wind not measured
  const factor = unit === 'KT' ? KNOT_MS : unit === 'MPS' ? 1 : KMH_MS;
  const speed = Number(speedText);
  const wind: MetarWind = {
    variable: dir === 'VRB',
    speed,
    unit: unit as MetarWind['unit'],
    speedMs: speed * factor,
  };
  if (dir !== 'VRB' && dir !== '///') wind.directionDeg = Number(dir);
  if (gustText !== undefined) {
    wind.gust = Number(gustText);
    wind.gustMs = wind.gust * factor;
  }
  return wind;
}

function fraction(text: string): number {
  const slash = text.indexOf('/');
  if (slash < 0) return Number(text);
  return Number(text.slice(0, slash)) / Number(text.slice(slash + 1));
}

function statuteVisibility(
  raw: string,
  value: number,
  qualifier?: MetarVisibility['qualifier'],
): MetarVisibility {
  const visibility: MetarVisibility = {
    raw,
    value,
    unit: 'SM',
    metres: value * STATUTE_MILE_M,
    cavok: false,
  };
  if (qualifier !== undefined) visibility.qualifier = qualifier;
  return visibility;
}

function parseVisibility(token: string, report: ParsedReport): boolean {
  if (/^\d{4}(NDV)?$/.test(token)) {
    const metres = Number(token.slice(0, 4));
    report.visibility = { raw: token, value: metres, unit: 'm', metres, cavok: false };
    return true;
  }
  const match = /^([MP])?(\d{1,2}|\d\/\d{1,2}|\d{1,2}\/\d{1,2})SM$/.exec(token);
  if (match === null) return false;
  const qualifier = match[1] === 'M' ? 'less_than' : match[1] === 'P' ? 'more_than' : undefined;
  report.visibility = statuteVisibility(token, fraction(match[2] ?? ''), qualifier);
  return true;
}

/** Present weather (FM 15 §15.8, w'w'): [intensity or VC] [descriptor] [phenomena...]. */
function parseWeather(token: string, report: ParsedReport): boolean {
  let pos = 0;
  let intensity: MetarWeather['intensity'] = 'moderate';
  let vicinity = false;
  if (token[0] === '-') {
    intensity = 'light';
    pos = 1;
  } else if (token[0] === '+') {
    intensity = 'heavy';
    pos = 1;
  } else if (token.startsWith('VC')) {
    vicinity = true;
    pos = 2;
  }
  let descriptor: string | undefined;
  const head = token.slice(pos, pos + 2);
  if (DESCRIPTORS.has(head)) {
    descriptor = head;
    pos += 2;
  }
  const phenomena: string[] = [];
  for (; pos < token.length; pos += 2) {
    const code = token.slice(pos, pos + 2);
    if (code.length !== 2 || !PHENOMENA.has(code)) return false;
    phenomena.push(code);
  }
  if (descriptor === undefined && phenomena.length === 0) return false;
  const weather: MetarWeather = { raw: token, intensity, vicinity, phenomena };
  if (descriptor !== undefined) weather.descriptor = descriptor;
  report.weather.push(weather);
  return true;
}

/** Cloud groups (FM 15 §15.9): NsNsNs hshshs [CB|TCU], VVhshshs, or a clear-sky marker. */
function parseCloud(token: string, report: ParsedReport): boolean {
  if (CLEAR_SKY.has(token)) {
    report.clearSky = token as MetarReport['clearSky'];
    return true;
  }
  const cover = token.startsWith('VV') ? 'VV' : token.slice(0, 3);
  if (cover !== 'VV' && !COVERS.has(cover)) return false;
  const rest = token.slice(cover.length);
  const height = rest.slice(0, 3);
  const type = rest.slice(3);
  if (height.length !== 3 || (height !== '///' && !isDigits(height, 0, 3))) return false;
  if (type !== '' && type !== 'CB' && type !== 'TCU' && type !== '///') return false;
  const cloud: MetarCloud = { raw: token, cover: cover as MetarCover };
  if (height !== '///') cloud.baseFt = Number(height) * 100;
  if (type === 'CB' || type === 'TCU') cloud.type = type;
  report.clouds.push(cloud);
  return true;
}

/** `TT/TdTd` with `M` for minus (FM 15 §15.11); either part may be missing. */
function parseTemperature(token: string, report: ParsedReport): boolean {
  const match = /^(M?\d{2}|\/\/)\/(M?\d{2}|\/\/)?$/.exec(token);
  if (match === null) return false;
  const value = (text: string | undefined): number | undefined => {
    if (text === undefined || text === '//') return undefined;
    return text.startsWith('M') ? -Number(text.slice(1)) : Number(text);
  };
  const temperature = value(match[1]);
  const dewpoint = value(match[2]);
  if (temperature !== undefined) report.temperatureC = temperature;
  if (dewpoint !== undefined) report.dewpointC = dewpoint;
  return true;
}

/** The remarks this module uses: the `T` group and the hourly precipitation `P` group (FMH-1 §12.7). */
function parseRemarks(tokens: string[], report: ParsedReport): void {
  report.remarks = tokens.join(' ');
  for (const token of tokens) {
    if (token.length >= 5 && token[0] === 'T' && isDigits(token, 1, token.length)) {
      // T snTTT [snTdTdTd]: sign digit 1 = minus, tenths of a degree.
      if (token.length !== 5 && token.length !== 9) continue;
      const tenths = (at: number): number =>
        (token[at] === '1' ? -1 : 1) * (Number(token.slice(at + 1, at + 4)) / 10);
      if (token[1] !== '0' && token[1] !== '1') continue;
      report.remarkTemperatureC = tenths(1);
      if (token.length === 9 && (token[5] === '0' || token[5] === '1')) report.remarkDewpointC = tenths(5);
    } else if (token.length === 5 && token[0] === 'P' && isDigits(token, 1, 5)) {
      // Hundredths of an inch in the last hour; P0000 is a trace (less than 0.01 in), counted as 0.
      report.precipitationLastHourMm = (Number(token.slice(1)) / 100) * INCH_MM;
    }
  }
}
