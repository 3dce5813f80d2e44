/**
 * Weather from the Open-Meteo historical weather API (`/v1/archive`, reanalysis: ERA5, ERA5-Land, ECMWF IFS;
 * https://open-meteo.com/en/docs/historical-weather-api). One grid cell, hourly values; no key needed for
 * non-commercial use.
 *
 * Node adapter: `fetch` (injectable), `node:crypto` for cache keys.
 */
import { createHash } from 'node:crypto';
import { DecodeError, NotFoundError, UsageError } from '../../core/errors.js';
import type { ObjectStore } from '../../catalog/objectStore.js';
import { conditionFromOpenMeteoCode } from './condition.js';
import { haversineKm } from './haversineKm.js';
import type {
  StationObservations,
  WeatherObservation,
  WeatherProvider,
  WeatherQuery,
} from './weatherProvider.js';

export const OPEN_METEO_ARCHIVE_URL = 'https://archive-api.open-meteo.com/v1/archive';

/**
 * Hourly variables requested by default (names as in the API documentation's "Hourly Parameter
 * Definition"). `visibility` is not among the historical API's documented variables (the forecast API has
 * it), so it is not asked for by default; add it through `hourly` for an endpoint that serves it.
 */
export const OPEN_METEO_HOURLY = [
  'temperature_2m',
  'dew_point_2m',
  'precipitation',
  'rain',
  'snowfall',
  'weather_code',
  'cloud_cover',
  'wind_speed_10m',
  'wind_direction_10m',
] as const;

export interface OpenMeteoOptions {
  /** @default OPEN_METEO_ARCHIVE_URL */
  baseUrl?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * Response cache: responses are kept under `open-meteo/<sha256 of the URL>.json`, and a request whose
   * URL is cached is answered without the network. No cache by default.
   */
  cache?: ObjectStore;
  /** Abort a request after this long. @default 30000 */
  timeoutMs?: number;
  /** Hourly variables to request. @default OPEN_METEO_HOURLY */
  hourly?: readonly string[];
}

/**
 * A `WeatherProvider` over the Open-Meteo archive. The "station" is the grid cell the API answers for
 * (`open-meteo:<lat>,<lon>`); when its centre is farther than the query radius, nothing is returned.
 * Wind speed is requested in m/s and times in GMT; units in `hourly_units` are still checked and converted.
 *
 * Errors: HTTP 400 (the API's `{"error": true, "reason": ...}`) is a `UsageError` with the reason; other
 * HTTP statuses, network failures and timeouts are plain `Error`s with the URL and the cause; a response
 * that is not the documented JSON is a `DecodeError`.
 */
export function openMeteoProvider(options: OpenMeteoOptions = {}): WeatherProvider {
  const baseUrl = options.baseUrl ?? OPEN_METEO_ARCHIVE_URL;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const hourly = options.hourly ?? OPEN_METEO_HOURLY;
  return {
    name: 'open-meteo',
    async observations(query: WeatherQuery): Promise<StationObservations[]> {
      const url = openMeteoUrl(baseUrl, query, hourly);
      const body = await cachedGet(url, fetchFn, timeoutMs, options.cache);
      const station = parseOpenMeteoResponse(body, url, query);
      return station.distanceKm <= query.radiusKm ? [station] : [];
    },
  };
}

/** The request URL for a query: the days (UTC) the query touches, all `hourly` variables. */
export function openMeteoUrl(baseUrl: string, query: WeatherQuery, hourly: readonly string[]): string {
  const day = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 10);
  const params = new URLSearchParams({
    latitude: query.lat.toFixed(4),
    longitude: query.lon.toFixed(4),
    start_date: day(query.startNs),
    end_date: day(query.endNs),
    hourly: hourly.join(','),
    wind_speed_unit: 'ms',
    timezone: 'GMT',
  });
  return `${baseUrl}?${params.toString()}`;
}

async function cachedGet(
  url: string,
  fetchFn: typeof fetch,
  timeoutMs: number,
  cache: ObjectStore | undefined,
): Promise<string> {
  const key = `open-meteo/${createHash('sha256').update(url).digest('hex')}.json`;
  if (cache !== undefined) {
    try {
      return new TextDecoder().decode(await cache.get(key));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  const body = await get(url, fetchFn, timeoutMs);
  // Only a response that parses is cached: a broken one must not be served again.
  parseJson(body, url);
  if (cache !== undefined) await cache.put(key, new TextEncoder().encode(body));
  return body;
}

async function get(url: string, fetchFn: typeof fetch, timeoutMs: number): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, timeoutMs);
  try {
    let response: Response;
    try {
      response = await fetchFn(url, { signal: controller.signal, headers: { accept: 'application/json' } });
    } catch (error) {
      if (controller.signal.aborted) {
        throw new Error(`Open-Meteo request timed out after ${timeoutMs} ms: ${url}`, { cause: error });
      }
      throw new Error(`Open-Meteo request failed (network): ${url}`, { cause: error });
    }
    const body = await response.text();
    if (response.status === 400) {
      const reason = errorReason(body);
      throw new UsageError(`Open-Meteo rejected the request: ${reason ?? body.slice(0, 200)}`, { uri: url });
    }
    if (!response.ok) {
      throw new Error(
        `Open-Meteo answered HTTP ${response.status}${formatReason(errorReason(body))}: ${url}`,
      );
    }
    return body;
  } finally {
    clearTimeout(timer);
  }
}

function formatReason(reason: string | undefined): string {
  return reason === undefined ? '' : ` (${reason})`;
}

function errorReason(body: string): string | undefined {
  try {
    const json: unknown = JSON.parse(body);
    if (isRecord(json) && typeof json.reason === 'string') return json.reason;
  } catch {
    // not JSON: the caller shows the body
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(body: string, url: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new DecodeError('Open-Meteo response is not JSON', { uri: url }, { cause: error });
  }
  if (!isRecord(json)) throw new DecodeError('Open-Meteo response is not a JSON object', { uri: url });
  return json;
}

/**
 * Turns an archive response into one station's observations. Checks the documented shape (`latitude`,
 * `longitude`, `hourly.time`, one array per variable of the same length, `hourly_units`) and converts units
 * (°F, km/h, mph, kn, inch, ft) to the normalised ones.
 */
export function parseOpenMeteoResponse(body: string, url: string, query: WeatherQuery): StationObservations {
  const json = parseJson(body, url);
  const fail = (what: string): never => {
    throw new DecodeError(`Open-Meteo response: ${what}`, { uri: url });
  };
  const lat = typeof json.latitude === 'number' ? json.latitude : fail('no numeric latitude');
  const lon = typeof json.longitude === 'number' ? json.longitude : fail('no numeric longitude');
  const offsetS = typeof json.utc_offset_seconds === 'number' ? json.utc_offset_seconds : 0;
  const hourly = isRecord(json.hourly) ? json.hourly : fail('no hourly object');
  const units = isRecord(json.hourly_units) ? json.hourly_units : {};
  const times = Array.isArray(hourly.time) ? (hourly.time as unknown[]) : fail('no hourly.time array');
  const column = (name: string): (number | null)[] | undefined => {
    const values = hourly[name];
    if (values === undefined) return undefined;
    if (!Array.isArray(values) || values.length !== times.length)
      return fail(`hourly.${name} is not an array as long as hourly.time`);
    return values.map((v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null));
  };
  const unit = (name: string): string => (typeof units[name] === 'string' ? units[name] : '');
  const temperature = convert(column('temperature_2m'), temperatureFactor(unit('temperature_2m')));
  const dewpoint = convert(column('dew_point_2m'), temperatureFactor(unit('dew_point_2m')));
  const precipitation = convert(column('precipitation'), lengthToMm(unit('precipitation')));
  const code = column('weather_code');
  const cloud = column('cloud_cover');
  const wind = convert(column('wind_speed_10m'), speedToMs(unit('wind_speed_10m')));
  const direction = column('wind_direction_10m');
  const visibility = convert(column('visibility'), lengthToM(unit('visibility')));

  const station = `open-meteo:${lat.toFixed(4)},${lon.toFixed(4)}`;
  const observations: WeatherObservation[] = [];
  for (let i = 0; i < times.length; i++) {
    const t = timeNs(times[i], offsetS) ?? fail(`hourly.time[${i}] is not an ISO 8601 time or unix seconds`);
    if (t < query.startNs || t > query.endNs) continue;
    const codeValue = code?.[i];
    const cover = cloud?.[i] ?? undefined;
    const condition =
      codeValue === undefined || codeValue === null
        ? undefined
        : conditionFromOpenMeteoCode(codeValue, cover);
    const observation: WeatherObservation = {
      source: 'open-meteo',
      station,
      stationLat: lat,
      stationLon: lon,
      t,
      condition: condition ?? null,
    };
    setIf(observation, 'tempC', temperature?.[i]);
    setIf(observation, 'dewpointC', dewpoint?.[i]);
    // `precipitation` is the sum of the preceding hour (API docs), hence a rate in mm/h.
    setIf(observation, 'precipitationMmH', precipitation?.[i]);
    setIf(observation, 'windSpeedMs', wind?.[i]);
    setIf(observation, 'windDirDeg', direction?.[i]);
    setIf(observation, 'visibilityM', visibility?.[i]);
    observations.push(observation);
  }
  return {
    source: 'open-meteo',
    station,
    name: 'Open-Meteo grid cell',
    lat,
    lon,
    distanceKm: haversineKm(query.lat, query.lon, lat, lon),
    observations,
    skipped: 0,
    rejects: [],
  };
}

type NumericKey = 'tempC' | 'dewpointC' | 'precipitationMmH' | 'windSpeedMs' | 'windDirDeg' | 'visibilityM';

function setIf(observation: WeatherObservation, key: NumericKey, value: number | null | undefined): void {
  if (value !== null && value !== undefined) observation[key] = value;
}

type Conversion = (value: number) => number;

function convert(
  values: (number | null)[] | undefined,
  conversion: Conversion,
): (number | null)[] | undefined {
  return values?.map((v) => (v === null ? null : conversion(v)));
}

function temperatureFactor(unit: string): Conversion {
  return unit.includes('F') ? (f) => ((f - 32) * 5) / 9 : (c) => c;
}

function speedToMs(unit: string): Conversion {
  switch (unit) {
    case 'km/h':
      return (v) => v / 3.6;
    case 'mp/h':
    case 'mph':
      return (v) => v * 0.44704;
    case 'kn':
      return (v) => (v * 1852) / 3600;
    default:
      return (v) => v; // 'm/s' (requested) or no unit given
  }
}

function lengthToMm(unit: string): Conversion {
  return unit === 'inch' ? (v) => v * 25.4 : (v) => v;
}

function lengthToM(unit: string): Conversion {
  return unit === 'ft' ? (v) => v * 0.3048 : (v) => v;
}

/** `2024-06-15T07:00` (local time of `utc_offset_seconds`) or unix seconds (`timeformat=unixtime`). */
function timeNs(value: unknown, offsetS: number): bigint | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.round(value)) * 1_000_000_000n;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (match === null) return undefined;
  const ms = Date.UTC(
    Number(match[1]),
    Number(match[2]) - 1,
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
  );
  return BigInt(ms - offsetS * 1000) * 1_000_000n;
}
