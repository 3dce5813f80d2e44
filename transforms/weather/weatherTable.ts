/**
 * The `weather` table: the observations joined to each drive (one row per observation used), with where
 * they come from and how far and how long from the drive they were made.
 */
import { Float64, Schema } from 'apache-arrow';
import type { Float64Column, StringColumn, TimestampColumn } from '../../catalog/columnBuffer.js';
import {
  column,
  driveId,
  name,
  PARTITION_KEYS,
  timestamp,
  timeSeriesEncodings,
  type TableDef,
} from '../../catalog/tables.js';
import type { WeatherRow } from './matchWeather.js';

/** Column shapes of `weather`; `drive_id` is filled in by the writer. */
export interface WeatherBatch {
  t: TimestampColumn;
  source: StringColumn;
  station: StringColumn;
  station_lat: Float64Column;
  station_lon: Float64Column;
  distance_km: Float64Column;
  offset_s: Float64Column;
  condition: StringColumn;
  temperature: Float64Column;
  dewpoint: Float64Column;
  precipitation: Float64Column;
  visibility: Float64Column;
  wind_speed: Float64Column;
  wind_direction: Float64Column;
}

const optional = (columnName: string, doc: string, unit: string) =>
  column(columnName, new Float64(), doc, { nullable: true, unit });

export const WEATHER: TableDef<WeatherBatch> = {
  name: 'weather',
  doc: 'Weather observations joined to each drive: source, station, distance and time offset, condition and measurements.',
  schema: new Schema([
    column('t', timestamp(), 'Time of the observation, UTC, microsecond precision.'),
    driveId(),
    column('source', name(), "Where the observation comes from: 'isd', 'metar', 'open-meteo'."),
    column(
      'station',
      name(),
      'Station id (USAF-WBAN for ISD, ICAO for METAR, open-meteo:<lat>,<lon> for a grid cell).',
    ),
    column('station_lat', new Float64(), 'Station latitude, WGS84.', { unit: 'deg' }),
    column('station_lon', new Float64(), 'Station longitude, WGS84.', { unit: 'deg' }),
    column(
      'distance_km',
      new Float64(),
      'Distance from the station to the nearest drive position the observation served.',
      {
        unit: 'km',
      },
    ),
    column(
      'offset_s',
      new Float64(),
      'Time from the drive to the observation: 0 during the drive, negative before, positive after.',
      {
        unit: 's',
      },
    ),
    column(
      'condition',
      name(),
      'Normalised condition: clear, cloudy, rain, snow, fog or thunderstorm; null when not reported.',
      {
        nullable: true,
      },
    ),
    optional('temperature', 'Air temperature.', 'degC'),
    optional('dewpoint', 'Dew point temperature.', 'degC'),
    optional('precipitation', 'Precipitation rate (amounts over several hours are averaged).', 'mm/h'),
    optional('visibility', 'Horizontal visibility.', 'm'),
    optional('wind_speed', 'Mean wind speed.', 'm/s'),
    optional('wind_direction', 'Direction the wind blows from, true north.', 'deg'),
  ]),
  partitionKeys: PARTITION_KEYS,
  timeColumn: 't',
  encodings: timeSeriesEncodings,
};

/** The columns of `rows` for `PartitionedTableWriter.append` (`drive_id` comes from the writer). */
export function weatherToBatch(rows: readonly WeatherRow[]): WeatherBatch {
  const numbers = (pick: (row: WeatherRow) => number | undefined): (number | null)[] =>
    rows.map((row) => pick(row) ?? null);
  return {
    t: rows.map((row) => row.t),
    source: rows.map((row) => row.source),
    station: rows.map((row) => row.station),
    station_lat: Float64Array.from(rows, (row) => row.stationLat),
    station_lon: Float64Array.from(rows, (row) => row.stationLon),
    distance_km: Float64Array.from(rows, (row) => row.distanceKm),
    offset_s: Float64Array.from(rows, (row) => row.offsetS),
    condition: rows.map((row) => row.condition),
    temperature: numbers((row) => row.temperatureC),
    dewpoint: numbers((row) => row.dewpointC),
    precipitation: numbers((row) => row.precipitationMmH),
    visibility: numbers((row) => row.visibilityM),
    wind_speed: numbers((row) => row.windSpeedMs),
    wind_direction: numbers((row) => row.windDirDeg),
  };
}
