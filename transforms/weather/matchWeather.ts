/**
 * Weather enrichment: joins observed weather to a drive's timeline, per tick, and compares it with the
 * weather the vehicle itself perceived (outside temperature, wipers).
 */
import type { Reject } from '../../core/reject.js';
import { codeCounts, type TextColumn, type Timeline, type TimelineEnrichment } from '../timeline.js';
import { WEATHER_CONDITIONS, type WeatherCondition } from './condition.js';
import { haversineKm } from './haversineKm.js';
import type { StationObservations, WeatherObservation, WeatherProvider } from './weatherProvider.js';

export interface EnrichWeatherOptions {
  /** Stations farther than this from a tick's position are not used for it. @default 50 */
  radiusKm?: number;
  /**
   * Largest time between a tick and the observation used for it. Stations report hourly (METAR at :50-:55,
   * reanalysis on the hour), so an hour finds one on either side even when one report is missing.
   * @default 60
   */
  maxOffsetMinutes?: number;
  thresholds?: PerceivedThresholds;
}

/** When the vehicle's own view of the weather counts as disagreeing with the observation. */
export interface PerceivedThresholds {
  /**
   * Wipers running on more than this share of the drive's wiper samples while the observation says 'clear'
   * or 'cloudy' is a disagreement (a wash wipe is a few seconds; rain keeps them going).
   * @default 0.2
   */
  wiperOnFraction?: number;
  /** Wipers running on less than this share while the observation says rain, snow or thunderstorm. @default 0.05 */
  wiperOffFraction?: number;
  /** Outside temperature and observed air temperature (drive means) further apart than this, °C. @default 5 */
  tempDiffC?: number;
}

/** One observation used for the drive: a row of the `weather` table. */
export interface WeatherRow {
  driveId: string;
  source: string;
  station: string;
  stationLat: number;
  stationLon: number;
  /** Distance from the station to the nearest drive position the observation served. */
  distanceKm: number;
  /** Observation time, ns since the epoch (UTC). */
  t: bigint;
  /** Seconds from the drive to the observation: 0 within the drive, negative before it, positive after. */
  offsetS: number;
  condition: WeatherCondition | null;
  temperatureC?: number;
  dewpointC?: number;
  precipitationMmH?: number;
  visibilityM?: number;
  windSpeedMs?: number;
  windDirDeg?: number;
}

export type WeatherMissReason = 'no_positions' | 'no_station_in_radius' | 'no_observation_in_window';

export interface WeatherReport {
  status: 'matched' | 'none';
  /** Why there is no weather (status 'none'), or why some ticks have none (status 'matched'). */
  reason?: WeatherMissReason;
  provider: string;
  /** The station that served most ticks, with its distance from the drive and source. */
  station?: string;
  source?: string;
  distanceKm?: number;
  /** Stations the provider returned (with observations or skipped records). */
  stationsConsidered: number;
  observationsUsed: number;
  ticks: number;
  ticksWithWeather: number;
  /** Records the provider read but could not use, and why (`Reject.reason`). */
  skipped: number;
  rejects: Reject[];
}

/** What the vehicle measured about the weather. */
export interface PerceivedWeather {
  /** Mean outside temperature over the drive, °C. */
  tempC?: number;
  /** Share of wiper samples with the wipers running (value > 0). */
  wiperOnFraction?: number;
  /** Wipers ran for more than `wiperOnFraction` of the drive. */
  precipitation?: boolean;
}

export interface WeatherEnrichment {
  rows: WeatherRow[];
  /** Per-tick columns; empty when no weather was found. */
  enrichment: TimelineEnrichment;
  report: WeatherReport;
  /** Present when the timeline has `outside_temp` or `wiper`. */
  perceived?: PerceivedWeather;
  /** Human sentences, one per disagreement between the vehicle and the observation. */
  disagreement?: string[];
  /** Short description for `drives.weather_summary`, e.g. 'rain, 14.4 °C (KCQT, 3.2 km)'. */
  summary?: string;
}

/**
 * Enriches a timeline with observed weather.
 *
 * One provider query covers the drive: centred on the mean position, with a radius that reaches
 * `radiusKm` beyond the farthest position and a time range widened by `maxOffsetMinutes` on both sides.
 * Then, per tick: the stations within `radiusKm` of the tick's position are tried nearest first, and the
 * first one with an observation within `maxOffsetMinutes` gives its observation nearest in time (ticks
 * without a fix use the drive's mean position). Values are never interpolated between observations.
 *
 * A drive without positions gets no weather and a report saying so; that is not an error. Provider failures
 * (network, store) are.
 */
export async function enrichWeather(
  timeline: Timeline,
  provider: WeatherProvider,
  options: EnrichWeatherOptions = {},
): Promise<WeatherEnrichment> {
  const radiusKm = options.radiusKm ?? 50;
  const maxOffset = BigInt(Math.round((options.maxOffsetMinutes ?? 60) * 60)) * 1_000_000_000n;
  const n = timeline.t.length;
  const report: WeatherReport = {
    status: 'none',
    provider: provider.name,
    stationsConsidered: 0,
    observationsUsed: 0,
    ticks: n,
    ticksWithWeather: 0,
    skipped: 0,
    rejects: [],
  };
  const perceived = perceivedWeather(timeline, options.thresholds);
  const result = (rows: WeatherRow[], enrichment: TimelineEnrichment): WeatherEnrichment => {
    const out: WeatherEnrichment = { rows, enrichment, report };
    if (perceived !== undefined) {
      out.perceived = perceived;
      const disagreement = compare(perceived, enrichment, options.thresholds);
      if (disagreement.length > 0) out.disagreement = disagreement;
    }
    const summary = summarise(report, enrichment);
    if (summary !== undefined) out.summary = summary;
    return out;
  };

  const position = drivePosition(timeline);
  const first = timeline.t[0];
  const last = timeline.t[n - 1];
  if (position === undefined || first === undefined || last === undefined) {
    report.reason = 'no_positions';
    return result([], {});
  }
  const stations = await provider.observations({
    lat: position.lat,
    lon: position.lon,
    startNs: first - maxOffset,
    endNs: last + maxOffset,
    radiusKm: radiusKm + position.extentKm,
  });
  report.stationsConsidered = stations.length;
  for (const s of stations) {
    report.skipped += s.skipped;
    report.rejects.push(...s.rejects);
  }
  const usable = stations.filter((s) => s.observations.length > 0);
  if (usable.length === 0) {
    report.reason = stations.length === 0 ? 'no_station_in_radius' : 'no_observation_in_window';
    return result([], {});
  }

  // Per tick: which station and observation serve it.
  const lat = timeline.numeric.lat;
  const lon = timeline.numeric.lon;
  const chosen = new Int32Array(n).fill(-1);
  const chosenStation = new Int32Array(n).fill(-1);
  const distanceOf = new Map<WeatherObservation, number>();
  const ticksOfStation = new Array<number>(usable.length).fill(0);
  const order = usable.map((_, i) => i);
  const distances = new Float64Array(usable.length);
  let nearestInRadius = false;
  for (let k = 0; k < n; k++) {
    const t = timeline.t[k] ?? 0n;
    let tickLat = lat?.[k] ?? Number.NaN;
    let tickLon = lon?.[k] ?? Number.NaN;
    if (!validPosition(tickLat, tickLon)) {
      tickLat = position.lat;
      tickLon = position.lon;
    }
    for (let s = 0; s < usable.length; s++) {
      const station = usable[s] as StationObservations;
      distances[s] = haversineKm(tickLat, tickLon, station.lat, station.lon);
    }
    order.sort((a, b) => (distances[a] ?? 0) - (distances[b] ?? 0));
    for (const s of order) {
      const distance = distances[s] ?? Number.POSITIVE_INFINITY;
      if (distance > radiusKm) break;
      nearestInRadius = true;
      const observations = (usable[s] as StationObservations).observations;
      const index = nearestInTime(observations, t, maxOffset);
      if (index < 0) continue;
      chosen[k] = index;
      chosenStation[k] = s;
      ticksOfStation[s] = (ticksOfStation[s] ?? 0) + 1;
      const observation = observations[index] as WeatherObservation;
      distanceOf.set(
        observation,
        Math.min(distanceOf.get(observation) ?? Number.POSITIVE_INFINITY, distance),
      );
      break;
    }
  }

  const condition: TextColumn = { codes: new Int32Array(n).fill(-1), names: WEATHER_CONDITIONS };
  const enrichment: TimelineEnrichment = {
    weather_condition: condition,
    air_temp: new Float64Array(n).fill(Number.NaN),
    precipitation: new Float64Array(n).fill(Number.NaN),
    visibility: new Float64Array(n).fill(Number.NaN),
    wind_speed: new Float64Array(n).fill(Number.NaN),
  };
  for (let k = 0; k < n; k++) {
    const s = chosenStation[k] ?? -1;
    if (s < 0) continue;
    const observation = usable[s]?.observations[chosen[k] ?? -1];
    if (observation === undefined) continue;
    report.ticksWithWeather += 1;
    condition.codes[k] =
      observation.condition === null ? -1 : WEATHER_CONDITIONS.indexOf(observation.condition);
    (enrichment.air_temp as Float64Array)[k] = observation.tempC ?? Number.NaN;
    (enrichment.precipitation as Float64Array)[k] = observation.precipitationMmH ?? Number.NaN;
    (enrichment.visibility as Float64Array)[k] = observation.visibilityM ?? Number.NaN;
    (enrichment.wind_speed as Float64Array)[k] = observation.windSpeedMs ?? Number.NaN;
  }
  if (report.ticksWithWeather === 0) {
    report.reason = nearestInRadius ? 'no_observation_in_window' : 'no_station_in_radius';
    return result([], {});
  }
  report.status = 'matched';
  if (report.ticksWithWeather < n)
    report.reason = nearestInRadius ? 'no_observation_in_window' : 'no_station_in_radius';

  let main = 0;
  for (let s = 1; s < usable.length; s++)
    if ((ticksOfStation[s] ?? 0) > (ticksOfStation[main] ?? 0)) main = s;
  const mainStation = usable[main] as StationObservations;
  report.station = mainStation.station;
  report.source = mainStation.source;
  let mainDistance = Number.POSITIVE_INFINITY;
  for (const observation of mainStation.observations) {
    const d = distanceOf.get(observation);
    if (d !== undefined) mainDistance = Math.min(mainDistance, d);
  }
  report.distanceKm = mainDistance;

  const rows: WeatherRow[] = [];
  for (const [observation, distanceKm] of distanceOf)
    rows.push(weatherRow(timeline.driveId, observation, distanceKm, first, last));
  rows.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.station < b.station ? -1 : 1));
  report.observationsUsed = rows.length;
  return result(rows, enrichment);
}

function validPosition(lat: number, lon: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

/** Mean position of the drive and the largest distance of any fix from it; undefined without fixes. */
function drivePosition(timeline: Timeline): { lat: number; lon: number; extentKm: number } | undefined {
  const lat = timeline.numeric.lat;
  const lon = timeline.numeric.lon;
  if (lat === undefined || lon === undefined) return undefined;
  let sumLat = 0;
  let sumLon = 0;
  let count = 0;
  for (let k = 0; k < lat.length; k++) {
    const a = lat[k] ?? Number.NaN;
    const b = lon[k] ?? Number.NaN;
    if (!validPosition(a, b)) continue;
    sumLat += a;
    sumLon += b;
    count += 1;
  }
  if (count === 0) return undefined;
  const centre = { lat: sumLat / count, lon: sumLon / count };
  let extentKm = 0;
  // Every 10th fix is enough for the extent: fixes 0.1-1 s apart move metres, the radius is kilometres.
  for (let k = 0; k < lat.length; k += 10) {
    const a = lat[k] ?? Number.NaN;
    const b = lon[k] ?? Number.NaN;
    if (validPosition(a, b)) extentKm = Math.max(extentKm, haversineKm(centre.lat, centre.lon, a, b));
  }
  return { ...centre, extentKm: extentKm + 1 };
}

/** Index of the observation nearest to `t` within `maxOffset`, or -1. `observations` are sorted by time. */
function nearestInTime(observations: WeatherObservation[], t: bigint, maxOffset: bigint): number {
  let lo = 0;
  let hi = observations.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((observations[mid]?.t ?? 0n) < t) lo = mid + 1;
    else hi = mid;
  }
  let best = -1;
  let bestOffset = maxOffset + 1n;
  for (const i of [lo - 1, lo]) {
    const observation = observations[i];
    if (observation === undefined) continue;
    const offset = observation.t > t ? observation.t - t : t - observation.t;
    if (offset < bestOffset) {
      best = i;
      bestOffset = offset;
    }
  }
  return bestOffset <= maxOffset ? best : -1;
}

function weatherRow(
  driveId: string,
  o: WeatherObservation,
  distanceKm: number,
  first: bigint,
  last: bigint,
): WeatherRow {
  const offsetNs = o.t < first ? o.t - first : o.t > last ? o.t - last : 0n;
  const row: WeatherRow = {
    driveId,
    source: o.source,
    station: o.station,
    stationLat: o.stationLat,
    stationLon: o.stationLon,
    distanceKm,
    t: o.t,
    offsetS: Number(offsetNs) / 1e9,
    condition: o.condition,
  };
  if (o.tempC !== undefined) row.temperatureC = o.tempC;
  if (o.dewpointC !== undefined) row.dewpointC = o.dewpointC;
  if (o.precipitationMmH !== undefined) row.precipitationMmH = o.precipitationMmH;
  if (o.visibilityM !== undefined) row.visibilityM = o.visibilityM;
  if (o.windSpeedMs !== undefined) row.windSpeedMs = o.windSpeedMs;
  if (o.windDirDeg !== undefined) row.windDirDeg = o.windDirDeg;
  return row;
}

/** The vehicle's outside temperature and wiper use; undefined when the timeline has neither. */
function perceivedWeather(
  timeline: Timeline,
  thresholds: PerceivedThresholds = {},
): PerceivedWeather | undefined {
  const temp = timeline.numeric.outside_temp;
  const wiper = timeline.numeric.wiper;
  if (temp === undefined && wiper === undefined) return undefined;
  const perceived: PerceivedWeather = {};
  const tempC = mean(temp);
  if (tempC !== undefined) perceived.tempC = tempC;
  if (wiper !== undefined) {
    let on = 0;
    let count = 0;
    for (const v of wiper) {
      if (Number.isNaN(v)) continue;
      count += 1;
      if (v > 0) on += 1;
    }
    if (count > 0) {
      perceived.wiperOnFraction = on / count;
      perceived.precipitation = perceived.wiperOnFraction > (thresholds.wiperOnFraction ?? 0.2);
    }
  }
  return perceived;
}

function mean(values: Float64Array | undefined): number | undefined {
  if (values === undefined) return undefined;
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    sum += v;
    count += 1;
  }
  return count === 0 ? undefined : sum / count;
}

/** The condition of most ticks that have one. */
function dominantCondition(conditions: TextColumn | undefined): WeatherCondition | undefined {
  if (conditions === undefined) return undefined;
  const perCode = codeCounts(conditions);
  const counts = new Map<string, number>();
  conditions.names.forEach((name, code) =>
    counts.set(name, (counts.get(name) ?? 0) + (perCode[code] as number)),
  );
  let best: WeatherCondition | undefined;
  let bestCount = 0;
  for (const condition of WEATHER_CONDITIONS) {
    const count = counts.get(condition) ?? 0;
    if (count > bestCount) {
      best = condition;
      bestCount = count;
    }
  }
  return best;
}

function compare(
  perceived: PerceivedWeather,
  enrichment: TimelineEnrichment,
  thresholds: PerceivedThresholds = {},
): string[] {
  const out: string[] = [];
  const observed = dominantCondition(enrichment.weather_condition);
  const wiperOn = thresholds.wiperOnFraction ?? 0.2;
  const wiperOff = thresholds.wiperOffFraction ?? 0.05;
  const tempDiff = thresholds.tempDiffC ?? 5;
  const share = perceived.wiperOnFraction;
  if (share !== undefined && observed !== undefined) {
    const percent = `${Math.round(share * 100)} %`;
    if (share > wiperOn && (observed === 'clear' || observed === 'cloudy')) {
      out.push(`wipers on for ${percent} of the drive while the observation says ${observed}`);
    } else if (
      share < wiperOff &&
      (observed === 'rain' || observed === 'snow' || observed === 'thunderstorm')
    ) {
      out.push(`observation says ${observed} but the wipers ran for only ${percent} of the drive`);
    }
  }
  const observedTemp = mean(enrichment.air_temp);
  if (
    perceived.tempC !== undefined &&
    observedTemp !== undefined &&
    Math.abs(perceived.tempC - observedTemp) > tempDiff
  ) {
    out.push(
      `outside temperature ${perceived.tempC.toFixed(1)} °C differs from the observed ${observedTemp.toFixed(1)} °C by more than ${tempDiff} °C`,
    );
  }
  return out;
}

function summarise(report: WeatherReport, enrichment: TimelineEnrichment): string | undefined {
  if (report.status !== 'matched' || report.station === undefined) return undefined;
  const parts: string[] = [];
  const condition = dominantCondition(enrichment.weather_condition);
  if (condition !== undefined) parts.push(condition);
  const temp = mean(enrichment.air_temp);
  if (temp !== undefined) parts.push(`${temp.toFixed(1)} °C`);
  const where = `${report.station}, ${(report.distanceKm ?? 0).toFixed(1)} km`;
  return parts.length === 0 ? `(${where})` : `${parts.join(', ')} (${where})`;
}
