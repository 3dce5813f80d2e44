/**
 * One small vocabulary for the weather at a drive, whatever the source: METAR present weather and clouds,
 * ISD present-weather groups, WMO code tables 4677/4680 and Open-Meteo's WMO weather codes.
 *
 * The mapping, in order of precedence (the first that applies wins; a report with rain and mist is 'rain'):
 *
 * | condition    | METAR / ISD AU                            | WMO 4677 (manual, ISD MW)              | WMO 4680 (automatic, ISD AW)           | Open-Meteo              |
 * |--------------|-------------------------------------------|----------------------------------------|----------------------------------------|-------------------------|
 * | thunderstorm | TS in any group, FC (funnel cloud)        | 13, 17, 19, 95-99                      | 90-99                                  | 95, 96, 99              |
 * | snow         | SN SG IC PL GS (also mixed with RA/DZ)    | 36-39, 68-79, 83-88, 93, 94            | 27-29, 45, 46, 67, 68, 70-78, 85-87    | 71-77, 85, 86           |
 * | rain         | RA DZ GR UP; SH alone                     | 50-67, 80-82, 89-92                    | 40-44, 47, 48, 50-58, 60-66, 80-84, 89 | 51-67, 80-82            |
 * | fog          | FG; BR HZ FU DU SA VA PY below 1000 m     | 11, 12, 30-35, 41-49; 04-10 below 1 km | 30-35; 04, 05, 10 below 1 km (05 also without a visibility) | 45, 48 |
 * | cloudy       | a BKN, OVC or VV layer (5 oktas or more)  | sky cover (GF1, GA) >= 5 oktas; else a ceiling below 22000 m       | (as 4677)          | 3; 2 with cover >= 62.5 % |
 * | clear        | else, given clouds or CAVOK/SKC/CLR/NSC/NCD | sky cover < 5 oktas; else ceiling 22000 m (unlimited)           | (as 4677)          | 0, 1; 2 below 62.5 %    |
 *
 * Groups reported in the vicinity (`VC`) or for the past hour (WMO 4677 20-29, 4680 20-26) describe weather
 * not at the station at the time and are ignored. Without any cloud or weather information the condition is
 * unknown (`undefined`), never guessed. 'Cloudy' starts at 5 oktas (BKN) so METAR layers, ISD okta codes and
 * Open-Meteo's percent agree (5/8 = 62.5 %).
 */
import type { IsdRecord } from './isd.js';
import type { MetarReport, MetarWeather } from './metar.js';

export const WEATHER_CONDITIONS = ['clear', 'cloudy', 'rain', 'snow', 'fog', 'thunderstorm'] as const;
export type WeatherCondition = (typeof WEATHER_CONDITIONS)[number];

/** Visibility below which mist, haze, smoke, dust, sand or ash count as 'fog' (the WMO fog threshold), metres. */
export const FOG_VISIBILITY_M = 1000;
/** Cloud cover from which the sky counts as 'cloudy': 5 oktas (BKN). */
export const CLOUDY_OKTAS = 5;

const RANK: Record<WeatherCondition, number> = {
  clear: 0,
  cloudy: 1,
  fog: 2,
  rain: 3,
  snow: 4,
  thunderstorm: 5,
};

/** The more significant of two conditions (precedence as in the table above); undefined counts as nothing. */
export function worseCondition(
  a: WeatherCondition | undefined,
  b: WeatherCondition | undefined,
): WeatherCondition | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

const SNOW = new Set(['SN', 'SG', 'IC', 'PL', 'GS']);
const RAIN = new Set(['RA', 'DZ', 'GR', 'UP']);
const OBSCURATION = new Set(['BR', 'HZ', 'FU', 'DU', 'SA', 'VA', 'PY']);

/** The condition of present-weather groups alone (no clouds); undefined when none applies. */
export function conditionFromWeatherGroups(
  groups: readonly Pick<MetarWeather, 'vicinity' | 'descriptor' | 'phenomena'>[],
  visibilityM: number | undefined,
): WeatherCondition | undefined {
  let condition: WeatherCondition | undefined;
  for (const group of groups) {
    if (group.vicinity) continue;
    let found: WeatherCondition | undefined;
    if (group.descriptor === 'TS' || group.phenomena.includes('FC')) {
      found = 'thunderstorm';
    } else if (group.phenomena.some((p) => SNOW.has(p))) {
      found = 'snow';
    } else if (
      group.phenomena.some((p) => RAIN.has(p)) ||
      (group.descriptor === 'SH' && group.phenomena.length === 0)
    ) {
      found = 'rain';
    } else if (group.phenomena.includes('FG')) {
      found = 'fog';
    } else if (
      group.phenomena.some((p) => OBSCURATION.has(p)) &&
      visibilityM !== undefined &&
      visibilityM < FOG_VISIBILITY_M
    ) {
      found = 'fog';
    }
    condition = worseCondition(condition, found);
  }
  return condition;
}

/** Condition of a METAR/SPECI: present weather first, then clouds; undefined without either. */
export function conditionFromMetar(
  report: Pick<MetarReport, 'weather' | 'clouds' | 'clearSky' | 'visibility'>,
): WeatherCondition | undefined {
  const weather = conditionFromWeatherGroups(report.weather, report.visibility?.metres);
  if (weather !== undefined) return weather;
  if (report.clouds.some((c) => c.cover === 'BKN' || c.cover === 'OVC' || c.cover === 'VV')) return 'cloudy';
  if (report.clouds.length > 0 || report.clearSky !== undefined || report.visibility?.cavok === true)
    return 'clear';
  return undefined;
}

/** WMO code table 4677 (manual present weather, ww; ISD MW1-MW7). */
export function conditionFromWmo4677(code: number, visibilityM?: number): WeatherCondition | undefined {
  if (code === 13 || code === 17 || code === 19 || (code >= 91 && code <= 99)) {
    // 91-94 are rain/snow now with a thunderstorm in the past hour: the precipitation is what is there now.
    if (code === 91 || code === 92) return 'rain';
    if (code === 93 || code === 94) return 'snow';
    return 'thunderstorm';
  }
  if ((code >= 36 && code <= 39) || (code >= 68 && code <= 79) || (code >= 83 && code <= 88)) return 'snow';
  if ((code >= 50 && code <= 67) || (code >= 80 && code <= 82) || code === 89 || code === 90) return 'rain';
  if (code === 11 || code === 12 || (code >= 30 && code <= 35) || (code >= 41 && code <= 49)) return 'fog';
  if (code >= 4 && code <= 10 && visibilityM !== undefined && visibilityM < FOG_VISIBILITY_M) return 'fog';
  return undefined;
}

/** WMO code table 4680 (present weather from an automatic station, wawa; ISD AW1-AW4). */
export function conditionFromWmo4680(code: number, visibilityM?: number): WeatherCondition | undefined {
  if (code >= 90 && code <= 99) return 'thunderstorm';
  // 59, 69, 79 and 88 are not defined in 4680.
  if (
    (code >= 27 && code <= 29) ||
    code === 45 ||
    code === 46 ||
    code === 67 ||
    code === 68 ||
    (code >= 70 && code <= 78) ||
    (code >= 85 && code <= 87)
  ) {
    return 'snow';
  }
  if (
    (code >= 40 && code <= 44) ||
    code === 47 ||
    code === 48 ||
    (code >= 50 && code <= 58) ||
    (code >= 60 && code <= 66) ||
    (code >= 80 && code <= 84) ||
    code === 89
  ) {
    return 'rain';
  }
  if (code >= 30 && code <= 35) return 'fog';
  // 05 says "visibility below 1 km", but ISD data carry it with haze at 5-6 km (KCQT 2007): the measured
  // visibility decides when there is one.
  if (code === 5 && visibilityM === undefined) return 'fog';
  if (
    (code === 4 || code === 5 || code === 10) &&
    visibilityM !== undefined &&
    visibilityM < FOG_VISIBILITY_M
  ) {
    return 'fog';
  }
  return undefined;
}

/**
 * Open-Meteo `weather_code` (a subset of WMO 4677 with 0-3 redefined as cloud amount: clear, mainly clear,
 * partly cloudy, overcast). `cloudCoverPercent` decides 'partly cloudy' (2). Open-Meteo's historical data
 * never reports thunderstorms (its docs: no stability information), so 95-99 come only from forecasts.
 */
export function conditionFromOpenMeteoCode(
  code: number,
  cloudCoverPercent?: number,
): WeatherCondition | undefined {
  if (code === 0 || code === 1) return 'clear';
  if (code === 2) {
    return cloudCoverPercent !== undefined && cloudCoverPercent >= (CLOUDY_OKTAS / 8) * 100
      ? 'cloudy'
      : 'clear';
  }
  if (code === 3) return 'cloudy';
  if (code === 45 || code === 48) return 'fog';
  if ((code >= 51 && code <= 67) || (code >= 80 && code <= 82)) return 'rain';
  if ((code >= 71 && code <= 77) || code === 85 || code === 86) return 'snow';
  if (code >= 95 && code <= 99) return 'thunderstorm';
  return undefined;
}

const AU_DESCRIPTORS = ['', 'MI', 'PR', 'BC', 'DR', 'BL', 'SH', 'TS', 'FZ'];
const AU_PRECIPITATION = ['', 'DZ', 'RA', 'SN', 'SG', 'IC', 'PL', 'GR', 'GS', 'UP'];
const AU_OBSCURATION = ['', 'BR', 'FG', 'FU', 'VA', 'DU', 'SA', 'HZ', 'PY'];
const AU_OTHER = ['', 'PO', 'SQ', 'FC', 'SS', 'DS'];

/**
 * An ISD record's condition: AU groups (decoded like METAR groups), MW (4677) and AW (4680) codes, the worst
 * of them; then sky cover (GF1 total, GA layers) and, failing those, the ceiling from the mandatory section
 * (a ceiling exists only under 5/8 cover or more; 22000 m means none).
 */
export function conditionFromIsd(record: IsdRecord): WeatherCondition | undefined {
  let condition: WeatherCondition | undefined;
  for (const w of record.presentWeather) {
    if (w.quality === '3' || w.quality === '7') continue;
    if (w.source === 'AU') {
      const group = {
        vicinity: w.intensity === 4,
        descriptor: AU_DESCRIPTORS[w.descriptor] || undefined,
        phenomena: [
          AU_PRECIPITATION[w.precipitation],
          AU_OBSCURATION[w.obscuration],
          AU_OTHER[w.other],
        ].filter((p): p is string => p !== undefined && p !== ''),
      };
      condition = worseCondition(condition, conditionFromWeatherGroups([group], record.visibilityM));
    } else if (w.source === 'MW') {
      condition = worseCondition(condition, conditionFromWmo4677(w.code, record.visibilityM));
    } else {
      condition = worseCondition(condition, conditionFromWmo4680(w.code, record.visibilityM));
    }
  }
  if (condition !== undefined) return condition;
  const oktas = skyOktas(record);
  if (oktas !== undefined) return oktas >= CLOUDY_OKTAS ? 'cloudy' : 'clear';
  if (record.ceilingM !== undefined) return record.ceilingM < 22000 ? 'cloudy' : 'clear';
  if (record.cavok === true) return 'clear';
  return undefined;
}

/** Sky cover in oktas from GF1 or the largest GA layer; codes 09/10 (obscured) count as 8. */
function skyOktas(record: IsdRecord): number | undefined {
  const fromCode = (code: number | undefined): number | undefined =>
    code === undefined ? undefined : code >= 9 ? 8 : code;
  let oktas = fromCode(record.totalCoverage);
  for (const layer of record.skyLayers) {
    const layerOktas = fromCode(layer.coverage);
    if (layerOktas !== undefined) oktas = Math.max(oktas ?? 0, layerOktas);
  }
  return oktas;
}
