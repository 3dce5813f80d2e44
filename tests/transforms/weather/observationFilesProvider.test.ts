import { readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LocalObjectStore } from '../../../catalog/localObjectStore.js';
import { observationFilesProvider } from '../../../transforms/weather/observationFilesProvider.js';
import { parseIsdHistory } from '../../../transforms/weather/isdHistory.js';
import { tempLake } from '../../catalog/tempLake.js';

const ISD = '../shared/data/weather/eeweather/ISD.gz';
const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * The history lists KCQT (the station of ISD.gz, at its isd-history position), a synthetic second station
 * 12.6 km away (KCQT's records with their ids replaced and 3 lines broken), one far away without data, one
 * without a position and one malformed row.
 */
const HISTORY = [
  '"USAF","WBAN","STATION NAME","CTRY","STATE","ICAO","LAT","LON","ELEV(M)","BEGIN","END"',
  '"722874","93134","DOWNTOWN L.A./USC CAMPUS","US","CA","KCQT","+34.024","-118.291","+0054.6","19850101","20240101"',
  '"999990","99990","TEST TWIN (SYNTHETIC)","US","CA","XTWN","+33.910","-118.291","+0030.0","20000101","20241231"',
  '"722950","23174","LOS ANGELES INTERNATIONAL AIRPORT","US","CA","KLAX","+33.938","-118.389","+0029.6","19730101","20240101"',
  '"724940","23234","SAN FRANCISCO INTERNATIONAL AIRPORT","US","CA","KSFO","+37.620","-122.365","+0002.4","19730101","20240101"',
  '"007018","99999","WXPOD 7018","","","","+00.000","+000.000","+7018.0","20110309","20130730"',
  '"999991","99991","BROKEN ROW"',
].join('\n');

async function lakeWithIsd(options: { history?: boolean } = {}): Promise<LocalObjectStore> {
  const store = await tempLake();
  const isd = await readFile(ISD);
  if (options.history !== false) await store.put('noaa/isd-history.csv', text(HISTORY));
  await store.put('noaa/data/2007/722874-93134-2007.gz', isd);
  // The twin: the same records under another id, with three lines broken (two cut short, one undated).
  const lines = gunzipSync(isd)
    .toString('latin1')
    .split('\n')
    .filter((l) => l.length > 0);
  const twin = lines.slice(0, 200).map((l) => `${l.slice(0, 4)}99999099990${l.slice(15)}`);
  twin[10] = (twin[10] ?? '').slice(0, 90);
  twin[11] = (twin[11] ?? '').slice(0, 120);
  twin[12] = `${(twin[12] ?? '').slice(0, 15)}2007X101${(twin[12] ?? '').slice(23)}`;
  await store.put('noaa/data/2007/999990-99990-2007.gz', gzipSync(`${twin.join('\n')}\n`));
  return store;
}

describe('observationFilesProvider over an ISD bucket layout', () => {
  it('finds the nearest station within the radius and its observations within the window', async () => {
    const store = await lakeWithIsd();
    const provider = observationFilesProvider({ store, prefix: 'noaa/', maxStations: 1 });
    const stations = await provider.observations({
      lat: 34.03,
      lon: -118.28,
      startNs: ns('2007-01-05T02:30:00Z'),
      endNs: ns('2007-01-05T03:00:00Z'),
      radiusKm: 25,
    });
    expect(stations.map((s) => s.station)).toEqual(['722874-93134']);
    const kcqt = stations[0];
    if (kcqt === undefined) throw new Error('no station');
    expect(kcqt.distanceKm).toBeCloseTo(1.214, 3);
    expect(kcqt.name).toBe('DOWNTOWN L.A./USC CAMPUS (KCQT)');
    // Records 2007-01-05 02:32, 02:43, 02:47 (FM-15), 02:54, 02:58 (the others FM-16), from the file.
    expect(
      kcqt.observations.map((o) => new Date(Number(o.t / 1_000_000n)).toISOString().slice(11, 16)),
    ).toEqual(['02:32', '02:43', '02:47', '02:54', '02:58']);
    const at0247 = kcqt.observations[2];
    expect(at0247).toMatchObject({
      source: 'isd',
      station: '722874-93134',
      stationLat: 34.024,
      stationLon: -118.291,
      condition: 'rain',
      tempC: 14.4,
      dewpointC: 11.7,
      visibilityM: 3219,
      windSpeedMs: 0,
      precipitationMmH: 0,
    });
    expect(at0247?.raw).toContain('METAR KCQT 050247Z');
    // Nothing in the station's file is malformed; the history's broken row is reported with it.
    expect(kcqt.rejects.map((r) => r.reason)).toEqual(['bad_row']);
    expect(kcqt.skipped).toBe(1);
  });

  it('returns the next stations too, counts malformed records, and reports the bad history row', async () => {
    const store = await lakeWithIsd();
    const provider = observationFilesProvider({ store, prefix: 'noaa/' });
    const stations = await provider.observations({
      lat: 33.95,
      lon: -118.291,
      startNs: ns('2007-01-01T00:00:00Z'),
      endNs: ns('2007-01-02T00:00:00Z'),
      radiusKm: 50,
    });
    // The twin (4.4 km) comes first, KCQT (8.2 km) second; KLAX (9.5 km) has no data file.
    expect(stations.map((s) => [s.station, Math.round(s.distanceKm * 10) / 10])).toEqual([
      ['999990-99990', 4.4],
      ['722874-93134', 8.2],
    ]);
    const twin = stations[0];
    const reasons = twin?.rejects.map((r) => [r.reason, r.line]);
    expect(reasons).toEqual([
      ['truncated', 11],
      ['truncated', 12],
      ['bad_field', 13],
      ['bad_row', 7],
    ]);
    expect(twin?.skipped).toBe(4);
    expect(stations[1]?.skipped).toBe(0);
  });

  it('returns nothing when no station is within the radius or no file covers the time', async () => {
    const store = await lakeWithIsd();
    const provider = observationFilesProvider({ store, prefix: 'noaa/' });
    const far = await provider.observations({
      lat: 35.0,
      lon: -118.291,
      startNs: ns('2007-01-05T02:00:00Z'),
      endNs: ns('2007-01-05T03:00:00Z'),
      radiusKm: 50,
    });
    expect(far).toEqual([]);
    const later = await provider.observations({
      lat: 34.03,
      lon: -118.28,
      startNs: ns('2009-01-05T02:00:00Z'),
      endNs: ns('2009-01-05T03:00:00Z'),
      radiusKm: 50,
    });
    expect(later).toEqual([]);
  });

  it('finds stations from the data files themselves when there is no isd-history.csv', async () => {
    const store = await lakeWithIsd({ history: false });
    const provider = observationFilesProvider({ store, prefix: 'noaa/', maxStations: 1 });
    const stations = await provider.observations({
      lat: 34.03,
      lon: -118.28,
      startNs: ns('2007-01-05T02:30:00Z'),
      endNs: ns('2007-01-05T03:00:00Z'),
      radiusKm: 25,
    });
    // Position from the records (34.028, -118.296), not the history.
    expect(stations.map((s) => [s.station, s.lat, s.lon])).toEqual([['722874-93134', 34.028, -118.296]]);
    expect(stations[0]?.observations).toHaveLength(5);
  });

  it('reads METAR files for history stations by ICAO id, dated by NOAA date lines', async () => {
    const store = await tempLake();
    await store.put('isd-history.csv', text(HISTORY));
    await store.put(
      'metar/KCQT.TXT',
      text(
        [
          '2007/01/05 02:47',
          'KCQT 050247Z 00000KT 2SM -RA SCT006 OVC012 14/12 A2999 RMK AO2 P0003 T01440117',
          '2007/01/05 03:47',
          'KCQT 050347Z 27004KT 4SM BR OVC010 13/12 A3000 RMK AO2 T01330117',
          '2007/01/05 04:47',
          'KCQT 05044',
        ].join('\n'),
      ),
    );
    await store.put(
      'metar/KSFO.TXT',
      text('2007/01/05 02:56\nKSFO 050256Z 28010KT 10SM FEW020 12/08 A3010\n'),
    );
    const provider = observationFilesProvider({ store });
    const stations = await provider.observations({
      lat: 34.03,
      lon: -118.28,
      startNs: ns('2007-01-05T02:00:00Z'),
      endNs: ns('2007-01-05T05:00:00Z'),
      radiusKm: 25,
    });
    expect(stations.map((s) => [s.source, s.station])).toEqual([['metar', 'KCQT']]);
    const kcqt = stations[0];
    expect(kcqt?.observations.map((o) => [o.condition, o.tempC])).toEqual([
      ['rain', 14.4],
      ['cloudy', 13.3],
    ]);
    // P0003: 0.03 in in the last hour.
    expect(kcqt?.observations[0]?.precipitationMmH).toBeCloseTo(0.762, 9);
    expect(kcqt?.observations[1]?.precipitationMmH).toBeUndefined();
    // The cut-off last report is rejected and counted; the history's bad row is reported once, here too.
    expect(kcqt?.rejects.map((r) => [r.reason, r.line])).toEqual([
      ['bad_time', 6],
      ['bad_row', 7],
    ]);
    expect(kcqt?.skipped).toBe(2);
  });
});

describe('isd-history.csv', () => {
  it('reads stations, skips rows without a position and rejects malformed rows', () => {
    const history = parseIsdHistory(HISTORY, 'isd-history.csv');
    expect(history.stations.map((s) => s.id)).toEqual([
      '722874-93134',
      '999990-99990',
      '722950-23174',
      '724940-23234',
    ]);
    expect(history.stations[0]).toMatchObject({
      icao: 'KCQT',
      lat: 34.024,
      lon: -118.291,
      elevationM: 54.6,
      begin: '19850101',
    });
    expect(history.withoutPosition).toBe(1);
    expect(history.rejects.map((r) => [r.reason, r.line])).toEqual([['bad_row', 7]]);
  });

  it('keeps commas and quotes inside quoted fields', () => {
    const csv = '"USAF","WBAN","STATION NAME","LAT","LON"\n"1","2","A, ""B""","+1.5","-2.5"\n';
    expect(parseIsdHistory(csv, 'x').stations[0]).toMatchObject({ name: 'A, "B"', lat: 1.5, lon: -2.5 });
  });
});
