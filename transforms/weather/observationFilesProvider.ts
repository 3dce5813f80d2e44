/**
 * Weather from observation files in an object store laid out like NOAA's public ISD bucket
 * (`s3://noaa-isd-pds`, also https://www.ncei.noaa.gov/pub/data/noaa/):
 *
 * ```
 * <prefix>isd-history.csv                      station list (USAF, WBAN, ICAO, position, period)
 * <prefix>data/<year>/<USAF>-<WBAN>-<year>.gz  ISD full format, gzip
 * <prefix>metar/...                            optional METAR/SPECI text files (.txt or .txt.gz)
 * ```
 *
 * A local folder works through `LocalObjectStore`, the NOAA bucket (or a copy) through the S3 store.
 *
 * Node adapter: gunzips with `node:zlib`.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { NotFoundError } from '../../core/errors.js';
import type { Reject } from '../../core/reject.js';
import { streamSource, type ByteStream } from '../../core/source.js';
import type { ObjectStore } from '../../catalog/objectStore.js';
import { conditionFromIsd, conditionFromMetar } from './condition.js';
import { haversineKm } from './haversineKm.js';
import { readIsd, type IsdRecord } from './isd.js';
import { parseIsdHistory, type IsdStation } from './isdHistory.js';
import { readMetar, type MetarReport } from './metar.js';
import type {
  StationObservations,
  WeatherObservation,
  WeatherProvider,
  WeatherQuery,
} from './weatherProvider.js';

export interface ObservationFilesOptions {
  store: ObjectStore;
  /** Key prefix of the layout's root (`''` or ending in `/`). @default '' */
  prefix?: string;
  /**
   * Stations with observations to return, nearest first. More than one lets `enrichWeather` fall back to
   * the next station for ticks the nearest one has no observation for.
   * @default 3
   */
  maxStations?: number;
  /**
   * Candidate stations tried (in distance order) before giving up; each costs a lookup of its data file.
   * @default 12
   */
  maxCandidates?: number;
  /** Where METAR files are, under `prefix`; `null` to ignore METAR files. @default 'metar/' */
  metarPrefix?: string | null;
  /** Provider name in observations and reports. @default 'isd' */
  name?: string;
}

/**
 * ISD report types that summarise a day or month (ISD format document, POS 42-46) rather than observe a
 * moment; they are not used.
 */
const SUMMARY_REPORT_TYPES = new Set(['SOD', 'SOM']);

/**
 * A `WeatherProvider` over ISD (and METAR) files in an object store.
 *
 * Stations come from `isd-history.csv` (position, ICAO id, period of record); stations within the radius
 * whose period overlaps the query are tried nearest first, and each one's `data/<year>/` file for every
 * year the query spans is read (a missing file means no data). Without `isd-history.csv`, the ISD files of
 * those years are listed and each file's first record gives the station position (fine for a small local
 * folder; listing a year of the NOAA bucket means 13 000 objects).
 *
 * METAR files under `metarPrefix` are all read; reports are kept for stations (by ICAO id in the history)
 * within the radius. Day-of-month times resolve against `YYYY/MM/DD HH:MM` lines when the file has them
 * (NOAA's per-station files) and otherwise against the query start, so a METAR file without dates must
 * hold reports of the drive's month.
 *
 * Stations with a data file but no observation in the query range are returned with none (up to
 * `maxCandidates` are looked at), so that a caller can tell "no observation then" from "no station near".
 * Malformed records are skipped and counted per station (`skipped`, `rejects`).
 */
export function observationFilesProvider(options: ObservationFilesOptions): WeatherProvider {
  const prefix = options.prefix ?? '';
  const maxStations = options.maxStations ?? 3;
  const maxCandidates = options.maxCandidates ?? 12;
  const metarPrefix = options.metarPrefix === undefined ? 'metar/' : options.metarPrefix;
  const name = options.name ?? 'isd';
  const store = options.store;
  // The station list is read once per provider; without one, stations are looked up per query.
  let history: Promise<HistoryState | undefined> | undefined;

  const loadHistory = async (): Promise<HistoryState | undefined> => {
    const key = `${prefix}isd-history.csv`;
    try {
      const text = new TextDecoder('latin1').decode(await store.get(key));
      const parsed = parseIsdHistory(text, store.uriOf(key));
      return { stations: parsed.stations, rejects: parsed.rejects };
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  };

  return {
    name,
    async observations(query: WeatherQuery): Promise<StationObservations[]> {
      history ??= loadHistory();
      const state = (await history) ?? {
        stations: await stationsFromData(store, prefix, query),
        rejects: [],
      };
      const firstDay = compactDate(query.startNs);
      const lastDay = compactDate(query.endNs);
      const candidates = state.stations
        .filter(
          (s) => (s.begin === undefined || s.begin <= lastDay) && (s.end === undefined || s.end >= firstDay),
        )
        .map((s) => ({ station: s, distanceKm: haversineKm(query.lat, query.lon, s.lat, s.lon) }))
        .filter((c) => c.distanceKm <= query.radiusKm)
        .sort((a, b) => a.distanceKm - b.distanceKm);

      const found: StationObservations[] = [];
      let withObservations = 0;
      for (const candidate of candidates.slice(0, maxCandidates)) {
        if (withObservations >= maxStations) break;
        const result = await readStationIsd(store, prefix, name, candidate.station, query);
        if (result === undefined) continue;
        result.distanceKm = candidate.distanceKm;
        found.push(result);
        if (result.observations.length > 0) withObservations += 1;
      }
      if (metarPrefix !== null) {
        const byIcao = new Map<string, { station: IsdStation; distanceKm: number }>();
        for (const c of candidates)
          if (c.station.icao !== undefined && !byIcao.has(c.station.icao)) byIcao.set(c.station.icao, c);
        if (byIcao.size > 0)
          found.push(...(await readMetarFiles(store, prefix + metarPrefix, byIcao, query)));
      }
      // A history reject concerns every query; report it with the nearest station.
      const nearest = found.sort((a, b) => a.distanceKm - b.distanceKm)[0];
      if (nearest !== undefined && state.rejects.length > 0) {
        nearest.rejects.push(...state.rejects);
        nearest.skipped += state.rejects.length;
        state.rejects = [];
      }
      return found;
    },
  };
}

interface HistoryState {
  stations: IsdStation[];
  /** Rejected rows of the station list, reported once, with the first query's nearest station. */
  rejects: Reject[];
}

/** `YYYYMMDD` of a time, comparable as text with the history's BEGIN/END. */
function compactDate(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 10).replaceAll('-', '');
}

function yearsOf(query: WeatherQuery): number[] {
  const first = new Date(Number(query.startNs / 1_000_000n)).getUTCFullYear();
  const last = new Date(Number(query.endNs / 1_000_000n)).getUTCFullYear();
  const years: number[] = [];
  for (let y = first; y <= last; y++) years.push(y);
  return years;
}

/** Gunzips a byte stream (node:zlib). */
export function gunzipStream(stream: ByteStream): ByteStream {
  return Readable.from(stream).pipe(createGunzip());
}

function objectStream(store: ObjectStore, key: string): ByteStream {
  const bytes = streamSource(store.source(key));
  return key.endsWith('.gz') ? gunzipStream(bytes) : bytes;
}

/** Reads one station's ISD files for the query's years; undefined when it has none. */
async function readStationIsd(
  store: ObjectStore,
  prefix: string,
  source: string,
  station: IsdStation,
  query: WeatherQuery,
): Promise<StationObservations | undefined> {
  let any = false;
  const result: StationObservations = {
    source,
    station: station.id,
    name: station.name,
    lat: station.lat,
    lon: station.lon,
    distanceKm: 0,
    observations: [],
    skipped: 0,
    rejects: [],
  };
  if (station.icao !== undefined) result.name = `${station.name} (${station.icao})`.trim();
  for (const year of yearsOf(query)) {
    const key = `${prefix}data/${year}/${station.id}-${year}.gz`;
    if (!(await store.exists(key))) continue;
    any = true;
    for await (const batch of readIsd(objectStream(store, key), { uri: store.uriOf(key) })) {
      for (const reject of batch.rejects) {
        result.skipped += reject.count ?? 1;
        result.rejects.push(reject);
      }
      for (const record of batch.records) {
        if (record.t < query.startNs || record.t > query.endNs || SUMMARY_REPORT_TYPES.has(record.reportType))
          continue;
        result.observations.push(isdObservation(record, source, station));
      }
    }
  }
  if (!any) return undefined;
  result.observations.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  return result;
}

/** Normalises one ISD record. */
export function isdObservation(
  record: IsdRecord,
  source: string,
  station: { id: string; lat: number; lon: number },
): WeatherObservation {
  const observation: WeatherObservation = {
    source,
    station: station.id,
    stationLat: station.lat,
    stationLon: station.lon,
    t: record.t,
    condition: conditionFromIsd(record) ?? null,
  };
  if (record.airTempC !== undefined) observation.tempC = record.airTempC;
  if (record.dewpointC !== undefined) observation.dewpointC = record.dewpointC;
  if (record.visibilityM !== undefined) observation.visibilityM = record.visibilityM;
  if (record.windSpeedMs !== undefined) observation.windSpeedMs = record.windSpeedMs;
  if (record.windDirDeg !== undefined) observation.windDirDeg = record.windDirDeg;
  const rate = precipitationRate(record);
  if (rate !== undefined) observation.precipitationMmH = rate;
  if (record.metar !== undefined) observation.raw = record.metar;
  return observation;
}

/** mm/h from the AA group with the shortest period (a trace, condition 2, counts as 0). */
function precipitationRate(record: IsdRecord): number | undefined {
  let best: { periodHours: number; depthMm: number } | undefined;
  for (const p of record.precipitation) {
    if (p.depthMm === undefined || p.periodHours <= 0) continue;
    if (best === undefined || p.periodHours < best.periodHours)
      best = { periodHours: p.periodHours, depthMm: p.depthMm };
  }
  return best === undefined ? undefined : best.depthMm / best.periodHours;
}

/** Without `isd-history.csv`: the stations of the ISD files of the query's years, from each first record. */
async function stationsFromData(
  store: ObjectStore,
  prefix: string,
  query: WeatherQuery,
): Promise<IsdStation[]> {
  const stations = new Map<string, IsdStation>();
  for (const year of yearsOf(query)) {
    for await (const object of store.list(`${prefix}data/${year}/`)) {
      const match = /([^/]+)-(\d{5})-\d{4}\.gz$/.exec(object.key);
      if (match === null) continue;
      const id = `${match[1] ?? ''}-${match[2] ?? ''}`;
      if (stations.has(id)) continue;
      for await (const batch of readIsd(objectStream(store, object.key), { uri: store.uriOf(object.key) })) {
        const first = batch.records.find((r) => r.lat !== undefined && r.lon !== undefined);
        if (first?.lat === undefined || first.lon === undefined) continue;
        const station: IsdStation = {
          usaf: first.usaf,
          wban: first.wban,
          id,
          name: '',
          country: '',
          state: '',
          lat: first.lat,
          lon: first.lon,
        };
        if (first.callLetters !== undefined) station.icao = first.callLetters;
        stations.set(id, station);
        break;
      }
    }
  }
  return [...stations.values()];
}

/** Reads every METAR file under `metarPrefix`, keeping reports of the candidate stations in the query range. */
async function readMetarFiles(
  store: ObjectStore,
  metarPrefix: string,
  byIcao: Map<string, { station: IsdStation; distanceKm: number }>,
  query: WeatherQuery,
): Promise<StationObservations[]> {
  const results = new Map<string, StationObservations>();
  const forStation = (icao: string): StationObservations | undefined => {
    const candidate = byIcao.get(icao);
    if (candidate === undefined) return undefined;
    let result = results.get(icao);
    if (result === undefined) {
      const s = candidate.station;
      result = {
        source: 'metar',
        station: icao,
        name: s.name,
        lat: s.lat,
        lon: s.lon,
        distanceKm: candidate.distanceKm,
        observations: [],
        skipped: 0,
        rejects: [],
      };
      results.set(icao, result);
    }
    return result;
  };
  // Rejects cannot always be tied to a station (a garbled station id); they go to the nearest station read.
  const orphanRejects: Reject[] = [];
  for await (const object of store.list(metarPrefix)) {
    const reference = { near: query.startNs };
    for await (const batch of readMetar(objectStream(store, object.key), {
      uri: store.uriOf(object.key),
      reference,
    })) {
      orphanRejects.push(...batch.rejects);
      for (const report of batch.records) {
        if (report.t < query.startNs || report.t > query.endNs) continue;
        const result = forStation(report.station);
        if (result === undefined) continue;
        const candidate = byIcao.get(report.station);
        if (candidate !== undefined) result.observations.push(metarObservation(report, candidate.station));
      }
    }
  }
  if (results.size === 0 && orphanRejects.length > 0) {
    // No usable report at all: the rejects still count, reported with the nearest METAR-capable station.
    const closest = [...byIcao.entries()].sort((a, b) => a[1].distanceKm - b[1].distanceKm)[0];
    if (closest !== undefined) forStation(closest[0]);
  }
  const list = [...results.values()].sort((a, b) => a.distanceKm - b.distanceKm);
  for (const result of list) result.observations.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  const nearest = list[0];
  if (nearest !== undefined) {
    nearest.rejects.push(...orphanRejects);
    for (const reject of orphanRejects) nearest.skipped += reject.count ?? 1;
  }
  return list;
}

/** Normalises one METAR/SPECI report; the T group's tenths are preferred over whole degrees. */
export function metarObservation(
  report: MetarReport,
  station: { lat: number; lon: number },
): WeatherObservation {
  const observation: WeatherObservation = {
    source: 'metar',
    station: report.station,
    stationLat: station.lat,
    stationLon: station.lon,
    t: report.t,
    condition: conditionFromMetar(report) ?? null,
    raw: report.raw,
  };
  const temp = report.remarkTemperatureC ?? report.temperatureC;
  if (temp !== undefined) observation.tempC = temp;
  const dew = report.remarkDewpointC ?? report.dewpointC;
  if (dew !== undefined) observation.dewpointC = dew;
  if (report.visibility !== undefined) observation.visibilityM = report.visibility.metres;
  if (report.wind !== undefined) {
    observation.windSpeedMs = report.wind.speedMs;
    if (report.wind.directionDeg !== undefined) observation.windDirDeg = report.wind.directionDeg;
  }
  if (report.precipitationLastHourMm !== undefined)
    observation.precipitationMmH = report.precipitationLastHourMm;
  return observation;
}
