/**
 * NOAA Integrated Surface Database (ISD, "ISH") full format: one observation per line, a fixed-width
 * control section (positions 1-60) and mandatory data section (61-105), then the variable additional data
 * (`ADD` + identified groups), remarks (`REM`) and element quality (`EQD`) sections. Positions and codes
 * follow the "Federal Climate Complex Data Documentation for Integrated Surface Data" (NCEI, the ISD format
 * document); sections are cited by their part.
 *
 * Format core: reads a `ByteStream` (already gunzipped: NOAA stores the files gzip-compressed, and the
 * adapters unzip), never `node:*`.
 */
import { readLines } from '../../core/lines.js';
import type { Batch } from '../../core/reject.js';
import { RejectTally, type RejectLimits } from '../../core/rejectTally.js';
import type { ByteStream } from '../../core/source.js';

/** AA1-AA4 liquid precipitation (ISD format document, additional data, precipitation). */
export interface IsdPrecipitation {
  /** Hours the depth accumulated over. */
  periodHours: number;
  /** Depth in millimetres; absent when missing (9999). */
  depthMm?: number;
  /** Condition code: 1 = measurement impossible or inaccurate, 2 = trace, 3 = begin accumulation, ... 9 = missing. */
  condition: string;
  quality: string;
}

/**
 * Present weather: AU1-AU9 (ASOS/AWOS, coded like METAR groups), AW1-AW4 (automated, WMO code table 4680),
 * MW1-MW7 (manual, WMO code table 4677).
 */
export type IsdPresentWeather =
  | {
      source: 'AU';
      /** 0 not reported, 1 light, 2 moderate, 3 heavy, 4 vicinity, 9 missing. */
      intensity: number;
      /** 0 none, 1 MI, 2 PR, 3 BC, 4 DR, 5 BL, 6 SH, 7 TS, 8 FZ, 9 missing. */
      descriptor: number;
      /** 00 none, 01 DZ, 02 RA, 03 SN, 04 SG, 05 IC, 06 PL, 07 GR, 08 GS, 09 UP, 99 missing. */
      precipitation: number;
      /** 0 none, 1 BR, 2 FG, 3 FU, 4 VA, 5 DU, 6 SA, 7 HZ, 8 PY, 9 missing. */
      obscuration: number;
      /** 0 none, 1 PO, 2 SQ, 3 FC, 4 SS, 5 DS, 9 missing. */
      other: number;
      quality: string;
    }
  | { source: 'AW'; code: number; quality: string }
  | { source: 'MW'; code: number; quality: string };

/** GA1-GA6 sky cover layer. */
export interface IsdSkyLayer {
  /** Coverage code: 00-08 oktas, 09 sky obscured, 10 partial obscuration; absent when missing (99). */
  coverage?: number;
  /** Base above ground level, metres; absent when missing. */
  baseM?: number;
}

export interface IsdRemark {
  /** `MET` (the METAR/SPECI as received), `SYN` (SYNOP), `AWY`, `SOD`, ... */
  id: string;
  text: string;
}

export interface IsdRecord {
  /** USAF (WMO-based) station id, 6 characters. */
  usaf: string;
  /** NCEI WBAN id, 5 digits. */
  wban: string;
  /** Observation time, ns since the epoch (UTC). */
  t: bigint;
  lat?: number;
  lon?: number;
  /** Metres above sea level. */
  elevationM?: number;
  /** FM-12 (SYNOP), FM-15 (METAR), FM-16 (SPECI), SAO, SOD, ... */
  reportType: string;
  callLetters?: string;
  /** Degrees true the wind blows from; absent when missing (999) or calm. */
  windDirDeg?: number;
  /** A calm, N normal, V variable, C calm, ... 9 missing. */
  windType: string;
  windSpeedMs?: number;
  /** Height of the lowest layer covering 5/8 of the sky or more, metres; 22000 means unlimited (no ceiling). */
  ceilingM?: number;
  cavok?: boolean;
  visibilityM?: number;
  airTempC?: number;
  dewpointC?: number;
  seaLevelPressureHpa?: number;
  /** Quality codes of the mandatory values, by field: 0-9, A, C, I, M, P, R, U (see `isErroneous`). */
  quality: {
    windDir: string;
    windSpeed: string;
    ceiling: string;
    visibility: string;
    airTemp: string;
    dewpoint: string;
    seaLevelPressure: string;
  };
  precipitation: IsdPrecipitation[];
  presentWeather: IsdPresentWeather[];
  skyLayers: IsdSkyLayer[];
  /** GF1 total coverage code (00-08 oktas, 09 obscured, 10 partial); absent when missing or not reported. */
  totalCoverage?: number;
  /** Identifiers of the additional data groups, in order. */
  additional: string[];
  /** An additional data identifier this reader has no length for; the groups after it were not read. */
  unknownAdditional?: string;
  remarks: IsdRemark[];
  /** The METAR/SPECI text carried in a `MET` remark, without the local-time prefix NCEI adds. */
  metar?: string;
  /** 1-based line in the file. */
  line: number;
}

export interface ReadIsdOptions extends RejectLimits {
  /** Names the input in rejects. */
  uri: string;
}

/** Length of the control and mandatory data sections (positions 1-105). */
const FIXED_LENGTH = 105;

/**
 * Lengths of additional data groups after their 3-character identifier, from the ISD format document.
 * Keyed by the two-letter prefix; identifiers whose numbered variants differ are listed in full. The groups
 * found in the reference data (`../shared/data/weather/eeweather/ISD.gz`) are checked by a test that walks
 * every record to the `REM` marker.
 */
const GROUP_LENGTHS: Readonly<Record<string, number>> = {
  AA: 8,
  AB: 7,
  AC: 3,
  AD: 19,
  AE: 12,
  AG: 4,
  AH: 15,
  AI: 15,
  AJ: 14,
  AK: 12,
  AL: 7,
  AM: 18,
  AN: 9,
  AO: 8,
  AP: 6,
  AT: 9,
  AU: 8,
  AW: 3,
  AX: 6,
  AY: 5,
  AZ: 5,
  CB: 10,
  CF: 6,
  CG: 8,
  CH: 15,
  CI: 28,
  CN1: 18,
  CN2: 18,
  CN3: 16,
  CN4: 16,
  CO1: 5,
  CO: 8,
  CR: 7,
  CT: 7,
  CU: 13,
  CV: 26,
  CW: 14,
  CX: 26,
  ED: 8,
  GA: 13,
  GD: 12,
  GE: 19,
  GF: 23,
  GG: 15,
  GH: 28,
  GJ: 5,
  GK: 4,
  GL: 6,
  GM: 30,
  GN: 28,
  GO: 19,
  GP: 31,
  GQ: 14,
  GR: 14,
  HL: 4,
  IA1: 3,
  IA2: 9,
  IB1: 27,
  IB2: 13,
  IC: 25,
  KA: 10,
  KB: 10,
  KC: 14,
  KD: 9,
  KE: 12,
  KF: 6,
  KG: 11,
  MA: 12,
  MD: 11,
  ME: 6,
  MF: 12,
  MG: 12,
  MH: 12,
  MK: 24,
  MV: 3,
  MW: 3,
  OA: 8,
  OB: 28,
  OC: 5,
  OD: 11,
  OE: 16,
  RH: 9,
  SA: 5,
  ST: 17,
  UA: 10,
  UG: 9,
  WA: 6,
  WD: 20,
  WG: 11,
  WJ: 19,
};

/** Length of the data of one additional group, or undefined for an identifier not in the table. */
export function additionalGroupLength(id: string): number | undefined {
  return GROUP_LENGTHS[id] ?? GROUP_LENGTHS[id.slice(0, 2)];
}

/**
 * Reads an ISD full-format file (uncompressed) into records, in bounded memory. A line that is too short
 * for its declared length, or whose station, date or time fields are not numbers, is rejected with its line
 * number (`truncated`, `bad_length`, `bad_field`); other lines are never affected. Values that are missing
 * (9999-style markers) or flagged erroneous (quality code 3 or 7) are left out of the record; the quality
 * codes are kept.
 */
export async function* readIsd(stream: ByteStream, options: ReadIsdOptions): AsyncIterable<Batch<IsdRecord>> {
  const tally = new RejectTally(options.uri, options);
  for await (const batch of readLines(stream, { batchLines: 2048 })) {
    const records: IsdRecord[] = [];
    for (let k = 0; k < batch.lines.length; k++) {
      const text = batch.lines[k] ?? '';
      const line = batch.firstLine + k;
      if (text.trim().length === 0) continue;
      const parsed = parseIsdLine(text, line);
      if ('reason' in parsed) tally.add(parsed.reason, parsed.message, { line }, text);
      else records.push(parsed);
    }
    yield { records, rejects: tally.take() };
  }
  tally.finish();
  if (tally.hasPending) yield { records: [], rejects: tally.take() };
}

/** Why a line is not a usable ISD record. */
export interface IsdProblem {
  reason: 'truncated' | 'bad_length' | 'bad_field';
  message: string;
}

/** Parses one ISD line (without its line break). */
export function parseIsdLine(text: string, line: number): IsdRecord | IsdProblem {
  if (text.length < FIXED_LENGTH) {
    return {
      reason: 'truncated',
      message: `ISD line of ${text.length} characters is shorter than the ${FIXED_LENGTH} of the control and mandatory sections`,
    };
  }
  // POS 1-4: the number of characters after position 105.
  const variable = field(text, 1, 4);
  if (Number.isNaN(variable)) return badField('total variable characters', 1, text, 4);
  if (text.length !== FIXED_LENGTH + variable) {
    return {
      reason: text.length < FIXED_LENGTH + variable ? 'truncated' : 'bad_length',
      message: `ISD line has ${text.length} characters, its length field (positions 1-4) says ${FIXED_LENGTH + variable}`,
    };
  }
  const usaf = text.slice(4, 10);
  const wban = text.slice(10, 15);
  const year = field(text, 16, 4);
  const month = field(text, 20, 2);
  const day = field(text, 22, 2);
  const hour = field(text, 24, 2);
  const minute = field(text, 26, 2);
  if ([year, month, day].some(Number.isNaN)) return badField('date', 16, text, 8);
  if (Number.isNaN(hour) || Number.isNaN(minute) || hour > 23 || minute > 59)
    return badField('time', 24, text, 4);
  const ms = Date.UTC(year, month - 1, day, hour, minute);
  if (new Date(ms).getUTCDate() !== day || month < 1 || month > 12) return badField('date', 16, text, 8);
  if (!/^\d{5}$/.test(wban)) return badField('WBAN id', 11, text, 5);

  const quality = {
    windDir: text.charAt(63),
    windSpeed: text.charAt(69),
    ceiling: text.charAt(75),
    visibility: text.charAt(84),
    airTemp: text.charAt(92),
    dewpoint: text.charAt(98),
    seaLevelPressure: text.charAt(104),
  };
  const record: IsdRecord = {
    usaf,
    wban,
    t: BigInt(ms) * 1_000_000n,
    reportType: text.slice(41, 46).trim(),
    windType: text.charAt(64),
    quality,
    precipitation: [],
    presentWeather: [],
    skyLayers: [],
    additional: [],
    remarks: [],
    line,
  };
  // POS 29-34 latitude and 35-41 longitude, thousandths of a degree; 47-51 elevation, metres.
  setValue(record, 'lat', field(text, 29, 6), 99999, 1000);
  setValue(record, 'lon', field(text, 35, 7), 999999, 1000);
  setValue(record, 'elevationM', field(text, 47, 5), 9999, 1);
  const call = text.slice(51, 56).trim();
  if (call !== '' && call !== '99999') record.callLetters = call;
  // POS 61-63 wind direction (999 missing; also 999 with type C for calm), 66-69 speed m/s x10.
  if (!isErroneous(quality.windDir)) setValue(record, 'windDirDeg', field(text, 61, 3), 999, 1);
  if (!isErroneous(quality.windSpeed)) setValue(record, 'windSpeedMs', field(text, 66, 4), 9999, 10);
  // POS 71-75 ceiling height m (99999 missing, 22000 unlimited); 78 CAVOK code.
  if (!isErroneous(quality.ceiling)) setValue(record, 'ceilingM', field(text, 71, 5), 99999, 1);
  const cavok = text.charAt(77);
  if (cavok === 'Y' || cavok === 'N') record.cavok = cavok === 'Y';
  // POS 79-84 visibility m (999999 missing); 88-92 air temperature and 94-98 dew point, deg C x10
  // (+9999 missing); 100-104 sea level pressure hPa x10 (99999 missing).
  if (!isErroneous(quality.visibility)) setValue(record, 'visibilityM', field(text, 79, 6), 999999, 1);
  if (!isErroneous(quality.airTemp)) setValue(record, 'airTempC', field(text, 88, 5), 9999, 10);
  if (!isErroneous(quality.dewpoint)) setValue(record, 'dewpointC', field(text, 94, 5), 9999, 10);
  if (!isErroneous(quality.seaLevelPressure)) {
    setValue(record, 'seaLevelPressureHpa', field(text, 100, 5), 99999, 10);
  }
  parseVariable(text.slice(FIXED_LENGTH), record);
  return record;
}

/** Quality codes 3 and 7 mark a value as erroneous (ISD format document, quality code tables). */
export function isErroneous(quality: string): boolean {
  return quality === '3' || quality === '7';
}

type NumericKey =
  | 'lat'
  | 'lon'
  | 'elevationM'
  | 'windDirDeg'
  | 'windSpeedMs'
  | 'ceilingM'
  | 'visibilityM'
  | 'airTempC'
  | 'dewpointC'
  | 'seaLevelPressureHpa';

function setValue(record: IsdRecord, key: NumericKey, value: number, missing: number, scale: number): void {
  if (Number.isNaN(value) || Math.abs(value) === missing) return;
  record[key] = value / scale;
}

function badField(what: string, position: number, text: string, length: number): IsdProblem {
  return {
    reason: 'bad_field',
    message: `ISD ${what} at positions ${position}-${position + length - 1} is '${text.slice(position - 1, position - 1 + length)}', not a number`,
  };
}

/** An optionally signed decimal integer at 1-based `position`; NaN if it is not one. */
function field(text: string, position: number, length: number): number {
  let i = position - 1;
  const end = i + length;
  let sign = 1;
  if (text[i] === '+' || text[i] === '-') {
    sign = text[i] === '-' ? -1 : 1;
    i += 1;
  }
  if (i >= end) return Number.NaN;
  let value = 0;
  for (; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    value = value * 10 + c;
  }
  return sign * value;
}

/** The additional data (ADD), remarks (REM) and the start of the element quality (EQD) sections. */
function parseVariable(text: string, record: IsdRecord): void {
  let pos = 0;
  if (text.startsWith('ADD')) {
    pos = 3;
    while (pos + 3 <= text.length) {
      const id = text.slice(pos, pos + 3);
      if (id === 'REM' || id === 'EQD' || id === 'QNN') break;
      const length = additionalGroupLength(id);
      if (length === undefined || pos + 3 + length > text.length) {
        record.unknownAdditional = id;
        pos = text.indexOf('REM', pos);
        if (pos < 0) return;
        break;
      }
      additionalGroup(id, text.slice(pos + 3, pos + 3 + length), record);
      record.additional.push(id);
      pos += 3 + length;
    }
  }
  if (text.startsWith('REM', pos)) parseRemarks(text, pos + 3, record);
}

function additionalGroup(id: string, data: string, record: IsdRecord): void {
  const kind = id.slice(0, 2);
  if (kind === 'AA') {
    // AA1-AA4: period hours (2), depth mm x10 (4, 9999 missing), condition (1), quality (1).
    const periodHours = field(data, 1, 2);
    const depth = field(data, 3, 4);
    const quality = data.charAt(7);
    const precipitation: IsdPrecipitation = { periodHours, condition: data.charAt(6), quality };
    if (!Number.isNaN(depth) && depth !== 9999 && !isErroneous(quality)) precipitation.depthMm = depth / 10;
    if (!Number.isNaN(periodHours) && periodHours !== 99) record.precipitation.push(precipitation);
  } else if (kind === 'AU') {
    // AU1-AU9: intensity (1), descriptor (1), precipitation (2), obscuration (1), other (1), combination (1), quality (1).
    record.presentWeather.push({
      source: 'AU',
      intensity: field(data, 1, 1),
      descriptor: field(data, 2, 1),
      precipitation: field(data, 3, 2),
      obscuration: field(data, 5, 1),
      other: field(data, 6, 1),
      quality: data.charAt(7),
    });
  } else if (kind === 'AW' || kind === 'MW') {
    // AW1-AW4 (WMO 4680) and MW1-MW7 (WMO 4677): condition code (2), quality (1).
    const code = field(data, 1, 2);
    if (!Number.isNaN(code)) record.presentWeather.push({ source: kind, code, quality: data.charAt(2) });
  } else if (kind === 'GA') {
    // GA1-GA6: coverage (2, 99 missing), quality (1), base height m (+5 digits, +99999 missing), ...
    const layer: IsdSkyLayer = {};
    const coverage = field(data, 1, 2);
    const base = field(data, 4, 6);
    if (!Number.isNaN(coverage) && coverage !== 99 && !isErroneous(data.charAt(2))) layer.coverage = coverage;
    if (!Number.isNaN(base) && Math.abs(base) !== 99999 && !isErroneous(data.charAt(9))) layer.baseM = base;
    record.skyLayers.push(layer);
  } else if (id === 'GF1') {
    // GF1: total coverage (2, 99 missing), opaque coverage (2), quality (1), ...
    const total = field(data, 1, 2);
    if (!Number.isNaN(total) && total !== 99 && !isErroneous(data.charAt(4))) record.totalCoverage = total;
  }
}

/** REM: repeated [id (3), length (3), text]; the MET remark carries the report as NCEI received it. */
function parseRemarks(text: string, from: number, record: IsdRecord): void {
  let pos = from;
  while (pos + 6 <= text.length) {
    const id = text.slice(pos, pos + 3);
    if (id === 'EQD' || id === 'QNN') return;
    const length = field(text, pos + 4, 3);
    if (Number.isNaN(length)) return;
    const remark = text.slice(pos + 6, pos + 6 + length);
    record.remarks.push({ id, text: remark });
    if (id === 'MET' && record.metar === undefined) {
      const at = remark.search(/\b(METAR|SPECI) /);
      if (at >= 0) record.metar = remark.slice(at).trim();
    }
    pos += 6 + length;
  }
}
