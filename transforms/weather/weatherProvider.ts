/**
 * The weather provider port: where observed weather near a drive comes from. Implementations: observation
 * files laid out like NOAA's ISD bucket (`observationFilesProvider`) and the Open-Meteo historical archive
 * (`openMeteoProvider`). `enrichWeather` (matchWeather.ts) picks stations and observations for each tick.
 */
import type { Reject } from '../../core/reject.js';
import type { WeatherCondition } from './condition.js';

/** Where and when: a point, a time range (ns since the epoch, UTC) and how far to look for stations. */
export interface WeatherQuery {
  lat: number;
  lon: number;
  startNs: bigint;
  endNs: bigint;
  radiusKm: number;
}

/** One observation, normalised: SI units, the `WeatherCondition` vocabulary. */
export interface WeatherObservation {
  /** Provider and format, e.g. 'isd', 'metar', 'open-meteo'. */
  source: string;
  station: string;
  stationLat: number;
  stationLon: number;
  /** Observation time, ns since the epoch (UTC). */
  t: bigint;
  /** Null when the source said nothing about sky or weather. */
  condition: WeatherCondition | null;
  /** Air temperature, degrees Celsius; absent when missing. */
  tempC?: number;
  dewpointC?: number;
  /** Precipitation rate, mm per hour (an amount over several hours is averaged). */
  precipitationMmH?: number;
  visibilityM?: number;
  windSpeedMs?: number;
  /** Degrees true the wind blows from. */
  windDirDeg?: number;
  /** The report as received, when the source has one (METAR text). */
  raw?: string;
}

/** The observations of one station in the queried time range, in time order. */
export interface StationObservations {
  source: string;
  station: string;
  name?: string;
  lat: number;
  lon: number;
  /** Great-circle distance from the query point. */
  distanceKm: number;
  observations: WeatherObservation[];
  /** Records read for this station that could not be used (malformed), counted by `rejects` reasons. */
  skipped: number;
  rejects: Reject[];
}

export interface WeatherProvider {
  readonly name: string;
  /**
   * Stations within `radiusKm` of the point that have data, nearest first, each with its observations
   * between `startNs` and `endNs` (inclusive; possibly none, so that callers can tell "no station near"
   * from "no observation then"). Failures to reach the source throw.
   */
  observations(query: WeatherQuery): Promise<StationObservations[]>;
}
