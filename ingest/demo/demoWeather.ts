/**
 * Synthetic weather observations for a demo drive, laid out like NOAA's ISD bucket so that
 * `observationFilesProvider` reads them like real data: `isd-history.csv` with one station and an ISD
 * full-format file for each year the observations span.
 *
 * The station is synthetic and says so: USAF 999999 / WBAN 99999, ICAO-style id XDEM (no ICAO region
 * starts with X), named "ADLAKE DEMO WX (SYNTHETIC)", 3.7 km north of the demo origin (48.0675 N,
 * 11.5367 E). Its hourly reports cover the drive with two hours to spare on each side; the seed picks the
 * weather (about 40 % clear, 25 % cloudy, 30 % rain, 5 % fog) and the temperature follows the demo
 * vehicle's outside temperature within about a degree, so vehicle and station agree.
 */
import { gzipSync } from 'node:zlib';
import type { WeatherCondition } from '../../transforms/weather/condition.js';
import type { DemoDrive } from './generateDemoDrive.js';
import { seededRandom, type Random } from './random.js';

export interface DemoWeatherFile {
  /** Path relative to the weather root (an object key under a store prefix, or a path under a folder). */
  path: string;
  bytes: Uint8Array;
}

export const DEMO_WEATHER_STATION = {
  usaf: '999999',
  wban: '99999',
  icao: 'XDEM',
  name: 'ADLAKE DEMO WX (SYNTHETIC)',
  lat: 48.1,
  lon: 11.537,
  elevationM: 560,
} as const;

const HOUR_NS = 3_600_000_000_000n;
const MARGIN_NS = 2n * HOUR_NS;

/** The weather the demo station reports during the drive of `seed`. */
export function demoWeatherCondition(seed: number): WeatherCondition {
  return pickCondition(weatherRandom(seed));
}

/**
 * The files of the demo station for `drive`: `isd-history.csv` and `data/<year>/999999-99999-<year>.gz`.
 * Pure apart from gzip; the caller writes them (under a folder or an object store prefix).
 */
export function demoWeatherFiles(drive: DemoDrive): DemoWeatherFile[] {
  const random = weatherRandom(drive.seed);
  const condition = pickCondition(random);
  // The demo vehicle's outside temperature is the first draw of this generator (see canFrames in
  // generateDemoDrive.ts); the station reports it within about a degree.
  const vehicleTemp = seededRandom(drive.seed ^ 0x5eed).uniform(8, 28);
  const endNs = drive.startNs + BigInt(Math.round(drive.groundTruth.duration_s * 1e9));
  const firstHour = ((drive.startNs - MARGIN_NS) / HOUR_NS) * HOUR_NS;
  const windDir = Math.round(random.uniform(0, 35)) * 10 + 10;
  let temp = vehicleTemp + random.uniform(-1, 1);
  const byYear = new Map<number, string[]>();
  for (let hour = firstHour; hour <= endNs + MARGIN_NS; hour += HOUR_NS) {
    // Routine reports at :50, as many METAR stations issue them.
    const t = hour + 50n * 60_000_000_000n;
    temp += random.gauss(0.2);
    const line = isdLine(observation(t, condition, temp, windDir, random));
    const year = new Date(Number(t / 1_000_000n)).getUTCFullYear();
    const lines = byYear.get(year) ?? [];
    lines.push(line);
    byYear.set(year, lines);
  }
  const files: DemoWeatherFile[] = [{ path: 'isd-history.csv', bytes: new TextEncoder().encode(historyCsv()) }];
  const id = `${DEMO_WEATHER_STATION.usaf}-${DEMO_WEATHER_STATION.wban}`;
  for (const [year, lines] of byYear) {
    files.push({ path: `data/${year}/${id}-${year}.gz`, bytes: gzipSync(`${lines.join('\n')}\n`) });
  }
  return files;
}

function weatherRandom(seed: number): Random {
  return seededRandom(seed ^ 0x3ea7);
}

function pickCondition(random: Random): WeatherCondition {
  const r = random.next();
  return r < 0.4 ? 'clear' : r < 0.65 ? 'cloudy' : r < 0.95 ? 'rain' : 'fog';
}

function historyCsv(): string {
  const s = DEMO_WEATHER_STATION;
  const header = '"USAF","WBAN","STATION NAME","CTRY","STATE","ICAO","LAT","LON","ELEV(M)","BEGIN","END"';
  const row = [s.usaf, s.wban, s.name, 'GM', '', s.icao, `+${s.lat.toFixed(3)}`, `+${s.lon.toFixed(3).padStart(7, '0')}`, `+${s.elevationM.toFixed(1)}`, '20000101', '20991231'];
  return `${header}\n${row.map((v) => `"${v}"`).join(',')}\n`;
}

interface DemoObservation {
  t: bigint;
  condition: WeatherCondition;
  tempC: number;
  dewpointC: number;
  windDir: number;
  windMs: number;
  visibilityM: number;
  /** Cloud cover, oktas, and the base of the lowest layer, metres (undefined without clouds). */
  oktas: number;
  baseM?: number;
  precipitationMm: number;
  pressureHpa: number;
}

function observation(t: bigint, condition: WeatherCondition, temp: number, windDir: number, random: Random): DemoObservation {
  const tempC = Math.round(temp * 10) / 10;
  const spread = { clear: [5, 12], cloudy: [3, 7], rain: [0.5, 2], fog: [0, 0.5], snow: [0.5, 2], thunderstorm: [1, 4] }[condition];
  const dewpointC = Math.round((tempC - random.uniform(spread[0] ?? 0, spread[1] ?? 0)) * 10) / 10;
  const o: DemoObservation = {
    t,
    condition,
    tempC,
    dewpointC,
    windDir,
    windMs: Math.round(random.uniform(1, 7) * 10) / 10,
    visibilityM: 10000,
    oktas: 1,
    precipitationMm: 0,
    pressureHpa: Math.round(random.uniform(1005, 1025) * 10) / 10,
  };
  if (condition === 'clear') {
    o.oktas = random.int(0, 3);
    if (o.oktas > 0) o.baseM = 1200;
  } else if (condition === 'cloudy') {
    o.oktas = random.int(5, 9);
    o.baseM = Math.round(random.uniform(600, 1500) / 30) * 30;
  } else if (condition === 'rain') {
    o.oktas = 8;
    o.baseM = Math.round(random.uniform(300, 900) / 30) * 30;
    o.visibilityM = Math.round(random.uniform(3000, 8000) / 100) * 100;
    o.precipitationMm = Math.round(random.uniform(0.3, 4) * 10) / 10;
  } else {
    o.oktas = 9; // sky obscured
    o.baseM = 30;
    o.visibilityM = Math.round(random.uniform(100, 800) / 100) * 100;
  }
  return o;
}

/** One ISD full-format line (positions as in isd.ts / the ISD format document). */
function isdLine(o: DemoObservation): string {
  const s = DEMO_WEATHER_STATION;
  const when = new Date(Number(o.t / 1_000_000n));
  const date = `${when.getUTCFullYear()}${pad(when.getUTCMonth() + 1, 2)}${pad(when.getUTCDate(), 2)}`;
  const time = `${pad(when.getUTCHours(), 2)}${pad(when.getUTCMinutes(), 2)}`;
  const ceiling = o.oktas >= 5 && o.baseM !== undefined ? o.baseM : 22000;
  const mandatory =
    `${s.usaf}${s.wban}${date}${time}7` +
    `${signed(Math.round(s.lat * 1000), 5)}${signed(Math.round(s.lon * 1000), 6)}FM-15${signed(s.elevationM, 4)}${s.icao} V020` +
    `${pad(o.windDir, 3)}1N${pad(Math.round(o.windMs * 10), 4)}1` +
    `${pad(ceiling, 5)}19N` +
    `${pad(o.visibilityM, 6)}1N1` +
    `${signed(Math.round(o.tempC * 10), 4)}1${signed(Math.round(o.dewpointC * 10), 4)}1` +
    `${pad(Math.round(o.pressureHpa * 10), 5)}1`;
  let add = 'ADD';
  add += `AA101${pad(Math.round(o.precipitationMm * 10), 4)}91`;
  const weather = presentWeather(o);
  // AU1 ends with the combination indicator (1) and quality (1).
  if (weather !== undefined) add += `AU1${weather.au}11AW1${weather.aw}1MW1${weather.mw}1`;
  add += `GF1${pad(o.oktas, 2)}991${o.baseM === undefined ? '99' : pad(Math.min(o.oktas, 8), 2)}1991${o.baseM === undefined ? '99999' : pad(o.baseM, 5)}1999999`;
  const metar = metarText(o);
  const remarks = `REMMET${pad(metar.length, 3)}${metar}`;
  const variable = add + remarks;
  return `${pad(variable.length, 4)}${mandatory}${variable}`;
}

/** AU (intensity, descriptor, precipitation, obscuration, other), AW (WMO 4680) and MW (WMO 4677) codes. */
function presentWeather(o: DemoObservation): { au: string; aw: string; mw: string; metar: string } | undefined {
  if (o.condition === 'rain') {
    const moderate = o.precipitationMm >= 2.5;
    return moderate
      ? { au: '202000', aw: '62', mw: '63', metar: 'RA' }
      : { au: '102000', aw: '61', mw: '61', metar: '-RA' };
  }
  if (o.condition === 'fog') return { au: '000200', aw: '30', mw: '45', metar: 'FG' };
  return undefined;
}

function metarText(o: DemoObservation): string {
  const when = new Date(Number(o.t / 1_000_000n));
  const groups = [
    'METAR',
    DEMO_WEATHER_STATION.icao,
    `${pad(when.getUTCDate(), 2)}${pad(when.getUTCHours(), 2)}${pad(when.getUTCMinutes(), 2)}Z`,
    `${pad(o.windDir, 3)}${pad(Math.round(o.windMs / (1852 / 3600)), 2)}KT`,
    o.visibilityM >= 10000 ? '9999' : pad(o.visibilityM, 4),
  ];
  const weather = presentWeather(o);
  if (weather !== undefined) groups.push(weather.metar);
  if (o.oktas >= 9) groups.push('VV001');
  else if (o.baseM === undefined || o.oktas === 0) groups.push('NSC');
  else {
    const cover = o.oktas <= 2 ? 'FEW' : o.oktas <= 4 ? 'SCT' : o.oktas <= 7 ? 'BKN' : 'OVC';
    groups.push(`${cover}${pad(Math.round(o.baseM / 30.48), 3)}`);
  }
  const temp = (c: number): string => (Math.round(c) < 0 ? `M${pad(-Math.round(c), 2)}` : pad(Math.round(c), 2));
  groups.push(`${temp(o.tempC)}/${temp(o.dewpointC)}`, `Q${pad(Math.round(o.pressureHpa), 4)}`);
  return groups.join(' ');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function signed(n: number, digits: number): string {
  return `${n < 0 ? '-' : '+'}${pad(Math.abs(n), digits)}`;
}
