/**
 * NOAA's ISD station list, `isd-history.csv` (published beside the ISD data, e.g. in the `noaa-isd-pds`
 * bucket): one quoted CSV row per station with USAF, WBAN, name, country, state, ICAO id, latitude,
 * longitude, elevation and the first and last day of data.
 *
 * Format core: takes the file's text, never `node:*`.
 */
import type { Reject } from '../../core/reject.js';
import { RejectTally } from '../../core/rejectTally.js';

export interface IsdStation {
  usaf: string;
  wban: string;
  /** `USAF-WBAN`, the name of the station's data files. */
  id: string;
  name: string;
  country: string;
  state: string;
  /** ICAO location indicator, which METAR reports carry; absent when the station has none. */
  icao?: string;
  lat: number;
  lon: number;
  elevationM?: number;
  /** First and last day with data, `YYYYMMDD`, when given. */
  begin?: string;
  end?: string;
}

export interface IsdHistory {
  stations: IsdStation[];
  /** Rows without a position (blank, or the 0/0 placeholder NOAA uses), which cannot be matched. */
  withoutPosition: number;
  rejects: Reject[];
}

const REQUIRED = ['USAF', 'WBAN', 'LAT', 'LON'] as const;

/**
 * Parses `isd-history.csv`. Columns are found by their header names, so added columns do not matter. A row
 * with the wrong number of fields or an unreadable number is rejected (`bad_row`, `bad_field`) with its
 * line; rows without a position are counted in `withoutPosition`.
 */
export function parseIsdHistory(text: string, uri: string): IsdHistory {
  const tally = new RejectTally(uri);
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim().toUpperCase());
  const col = (name: string): number => header.indexOf(name);
  for (const name of REQUIRED) {
    if (col(name) < 0) {
      tally.add('bad_header', `isd-history header has no ${name} column`, { line: 1 }, lines[0]);
      return { stations: [], withoutPosition: 0, rejects: tally.take() };
    }
  }
  const at = {
    usaf: col('USAF'),
    wban: col('WBAN'),
    name: col('STATION NAME'),
    country: col('CTRY'),
    state: col('STATE'),
    icao: col('ICAO'),
    lat: col('LAT'),
    lon: col('LON'),
    elevation: col('ELEV(M)'),
    begin: col('BEGIN'),
    end: col('END'),
  };
  const stations: IsdStation[] = [];
  let withoutPosition = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line);
    if (fields.length !== header.length) {
      tally.add(
        'bad_row',
        `${fields.length} fields where the header has ${header.length}`,
        { line: i + 1 },
        line,
      );
      continue;
    }
    const get = (index: number): string => (index < 0 ? '' : (fields[index] ?? '').trim());
    const latText = get(at.lat);
    const lonText = get(at.lon);
    const lat = Number(latText);
    const lon = Number(lonText);
    if (latText === '' || lonText === '' || (lat === 0 && lon === 0)) {
      withoutPosition += 1;
      continue;
    }
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      tally.add(
        'bad_field',
        `latitude/longitude '${latText}', '${lonText}' are not coordinates`,
        { line: i + 1 },
        line,
      );
      continue;
    }
    const usaf = get(at.usaf);
    const wban = get(at.wban);
    const station: IsdStation = {
      usaf,
      wban,
      id: `${usaf}-${wban}`,
      name: get(at.name),
      country: get(at.country),
      state: get(at.state),
      lat,
      lon,
    };
    const icao = get(at.icao);
    if (icao !== '') station.icao = icao;
    const elevation = Number(get(at.elevation));
    if (get(at.elevation) !== '' && Number.isFinite(elevation) && elevation > -999)
      station.elevationM = elevation;
    if (/^\d{8}$/.test(get(at.begin))) station.begin = get(at.begin);
    if (/^\d{8}$/.test(get(at.end))) station.end = get(at.end);
    stations.push(station);
  }
  tally.finish();
  return { stations, withoutPosition, rejects: tally.take() };
}

/** Splits one CSV line: fields optionally in double quotes, `""` for a quote inside one (RFC 4180). */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let value = '';
    if (line[i] === '"') {
      i += 1;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) {
          value += line.slice(i);
          i = line.length;
          break;
        }
        value += line.slice(i, quote);
        i = quote + 1;
        if (line[i] === '"') {
          value += '"';
          i += 1;
        } else {
          break;
        }
      }
      const comma = line.indexOf(',', i);
      i = comma < 0 ? line.length + 1 : comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      value = line.slice(i, comma < 0 ? line.length : comma);
      i = comma < 0 ? line.length + 1 : comma + 1;
    }
    fields.push(value);
    if (i > line.length) return fields;
  }
}
