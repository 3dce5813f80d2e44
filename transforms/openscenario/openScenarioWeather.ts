/**
 * Observed weather and sun, as adlake enriches a drive, mapped onto OpenSCENARIO 1.2/1.3 `Weather` and
 * `RoadCondition` values and units (ASAM OpenSCENARIO XML 1.2 model documentation: Weather, Sun, Fog,
 * Precipitation, RoadCondition).
 */

import { wrapTwoPi } from './localFrame.js';

/** What the caller knows about the environment during the scenario. */
export interface EnvironmentInput {
  /** Normalised weather condition: 'clear' | 'cloudy' | 'rain' | 'snow' | 'fog' | 'thunderstorm'. */
  weather?: string | null;
  airTempC?: number;
  precipitationMmH?: number;
  visibilityM?: number;
  /** Apparent sun elevation, degrees. */
  sunElevationDeg?: number;
  /** Sun azimuth, degrees clockwise from north. */
  sunAzimuthDeg?: number;
}

export type FractionalCloudCover =
  | 'zeroOktas'
  | 'oneOktas'
  | 'twoOktas'
  | 'threeOktas'
  | 'fourOktas'
  | 'fiveOktas'
  | 'sixOktas'
  | 'sevenOktas'
  | 'eightOktas'
  | 'nineOktas';

export type PrecipitationType = 'dry' | 'rain' | 'snow';

/** Values in OpenSCENARIO units. */
export interface OpenScenarioWeather {
  fractionalCloudCover: FractionalCloudCover | null;
  /** Weather@temperature, kelvin (schema range [170..340]); null when unknown. */
  temperatureK: number | null;
  sun: {
    /** Sun@azimuth: radians clockwise from north, [0, 2π) (1.1+ wording; 1.0 said "counterclockwise"). */
    azimuthRad: number;
    /** Sun@elevation: radians above the x/y plane. */
    elevationRad: number;
    /** Sun@intensity (1.2) / Sun@illuminance (1.3): lux. */
    illuminanceLx: number;
  };
  /** Fog@visualRange, metres; null for no Fog element. */
  fogVisualRangeM: number | null;
  /** null for no Precipitation element (nothing known). */
  precipitation: { type: PrecipitationType; intensityMmH: number | null } | null;
  /** RoadCondition@frictionScaleFactor. */
  frictionScaleFactor: number;
}

/**
 * Okta scale (WMO) per weather class: ISO 34503 calls 0-1 oktas "clear", 5-7 "broken", 8 "overcast";
 * 9 oktas is sky obscured (fog).
 */
const CLOUD_COVER = new Map<string, FractionalCloudCover>([
  ['clear', 'zeroOktas'],
  ['cloudy', 'sixOktas'],
  ['rain', 'eightOktas'],
  ['snow', 'eightOktas'],
  ['thunderstorm', 'eightOktas'],
  ['fog', 'nineOktas'],
]);

/**
 * Fog below 1 km visibility is WMO's definition of fog; without a measured visibility a 'fog' observation
 * gets this nominal visual range.
 */
const NOMINAL_FOG_VISUAL_RANGE_M = 500;

/**
 * Friction relative to a dry road: typical tyre-road friction coefficients are about 0.8-1.0 dry asphalt,
 * 0.5-0.7 wet, 0.2-0.3 packed snow. Nominal values, not a measurement.
 */
const FRICTION: Record<PrecipitationType, number> = { dry: 1, rain: 0.7, snow: 0.3 };

/**
 * Maps observations to OpenSCENARIO weather values. `sun` is the fallback position (degrees) used when the
 * input has no sun elevation/azimuth.
 */
export function openScenarioWeather(
  input: EnvironmentInput,
  sun: { elevationDeg: number; azimuthDeg: number },
): OpenScenarioWeather {
  const condition = input.weather?.trim().toLowerCase() ?? null;
  const cover = condition !== null ? (CLOUD_COVER.get(condition) ?? null) : null;
  const precipitation = precipitationOf(condition, input.precipitationMmH, input.airTempC);
  const elevationDeg = finite(input.sunElevationDeg) ?? sun.elevationDeg;
  const azimuthDeg = finite(input.sunAzimuthDeg) ?? sun.azimuthDeg;
  const airTempC = finite(input.airTempC);
  const temperatureK = airTempC === null ? null : airTempC + 273.15;
  const visibility = finite(input.visibilityM);
  return {
    fractionalCloudCover: cover,
    temperatureK: temperatureK !== null && temperatureK >= 170 && temperatureK <= 340 ? temperatureK : null,
    sun: {
      azimuthRad: wrapTwoPi((azimuthDeg * Math.PI) / 180),
      elevationRad: (elevationDeg * Math.PI) / 180,
      illuminanceLx: sunIlluminance(elevationDeg, cover),
    },
    fogVisualRangeM:
      visibility !== null && visibility > 0
        ? visibility
        : condition === 'fog'
          ? NOMINAL_FOG_VISUAL_RANGE_M
          : null,
    precipitation,
    frictionScaleFactor: FRICTION[precipitation?.type ?? 'dry'],
  };
}

function precipitationOf(
  condition: string | null,
  mmH: number | undefined,
  airTempC: number | undefined,
): OpenScenarioWeather['precipitation'] {
  const amount = finite(mmH);
  const intensity = amount !== null && amount >= 0 ? amount : null;
  let type: PrecipitationType | null;
  switch (condition) {
    case 'rain':
    case 'thunderstorm':
      type = 'rain';
      break;
    case 'snow':
      type = 'snow';
      break;
    case 'clear':
    case 'cloudy':
    case 'fog':
      type = 'dry';
      break;
    default:
      // Unknown class: let a measured amount decide; at or below 0 °C it falls as snow.
      if (intensity === null) return null;
      type = intensity === 0 ? 'dry' : (finite(airTempC) ?? 1) <= 0 ? 'snow' : 'rain';
  }
  if (type === 'dry') return { type, intensityMmH: 0 };
  return { type, intensityMmH: intensity };
}

/**
 * Direct-normal sun illuminance, lux: E = Esc · exp(-c · m) with the solar illuminance constant
 * Esc = 128 klx and the usual clear-sky extinction coefficient c = 0.21 (103 klx at the zenith; the
 * OpenSCENARIO documentation: "direct sunlight is around 100,000 lx"), the Kasten & Young (1989) air mass m,
 * then Kasten & Czeplak's (1980) cloud factor 1 - 0.75 (N/8)^3.4 for N oktas. 0 below the horizon.
 * A model for a renderer, not a measurement.
 */
export function sunIlluminance(elevationDeg: number, cover: FractionalCloudCover | null): number {
  if (!(elevationDeg > 0)) return 0;
  const airMass =
    1 / (Math.sin((elevationDeg * Math.PI) / 180) + 0.50572 * (elevationDeg + 6.07995) ** -1.6364);
  const clear = 128_000 * Math.exp(-0.21 * airMass);
  const oktas = cover === null ? 0 : Math.min(8, OKTAS.indexOf(cover));
  return clear * (1 - 0.75 * (oktas / 8) ** 3.4);
}

const OKTAS: readonly FractionalCloudCover[] = [
  'zeroOktas',
  'oneOktas',
  'twoOktas',
  'threeOktas',
  'fourOktas',
  'fiveOktas',
  'sixOktas',
  'sevenOktas',
  'eightOktas',
  'nineOktas',
];

function finite(x: number | undefined | null): number | null {
  return x !== undefined && x !== null && Number.isFinite(x) ? x : null;
}
