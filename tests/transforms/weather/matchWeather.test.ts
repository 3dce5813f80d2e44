import { describe, expect, it } from 'vitest';
import { textAt, textValues, type Timeline } from '../../../transforms/timeline.js';
import type { WeatherCondition } from '../../../transforms/weather/condition.js';
import { haversineKm } from '../../../transforms/weather/haversineKm.js';
import { enrichWeather } from '../../../transforms/weather/matchWeather.js';
import type {
  StationObservations,
  WeatherProvider,
  WeatherQuery,
} from '../../../transforms/weather/weatherProvider.js';

const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
const ORIGIN = { lat: 48.0675, lon: 11.5367 };
/** Degrees of latitude for `km` to the north. */
const north = (km: number): number => ORIGIN.lat + km / 111.195;

interface TimelineSpec {
  start: string;
  seconds: number;
  positions?: boolean;
  outsideTemp?: number;
  /** Share of the drive (from its start) with the wipers on. */
  wiperOn?: number;
}

/** A 1 Hz timeline driving north from the origin at 10 m/s. */
function timeline(spec: TimelineSpec): Timeline {
  const n = spec.seconds + 1;
  const t = new BigInt64Array(n);
  const lat = new Float64Array(n);
  const lon = new Float64Array(n).fill(ORIGIN.lon);
  for (let k = 0; k < n; k++) {
    t[k] = ns(spec.start) + BigInt(k) * 1_000_000_000n;
    lat[k] = north((k * 10) / 1000);
  }
  const numeric: Timeline['numeric'] = {};
  if (spec.positions !== false) {
    numeric.lat = lat;
    numeric.lon = lon;
  }
  if (spec.outsideTemp !== undefined) numeric.outside_temp = new Float64Array(n).fill(spec.outsideTemp);
  if (spec.wiperOn !== undefined) {
    const on = spec.wiperOn;
    numeric.wiper = Float64Array.from({ length: n }, (_, k) => (k < on * n ? 1 : 0));
  }
  return { driveId: 'drive-1', vehicle: 'v1', hz: 1, t, numeric, text: {}, enrichment: {} };
}

type Obs = [iso: string, condition: WeatherCondition | null, tempC: number];

function station(id: string, lat: number, lon: number, observations: Obs[]): StationObservations {
  return {
    source: 'test',
    station: id,
    lat,
    lon,
    distanceKm: 0,
    observations: observations.map(([iso, condition, tempC]) => ({
      source: 'test',
      station: id,
      stationLat: lat,
      stationLon: lon,
      t: ns(iso),
      condition,
      tempC,
      precipitationMmH: condition === 'rain' ? 1.2 : 0,
      visibilityM: 9000,
      windSpeedMs: 3,
      windDirDeg: 270,
    })),
    skipped: 0,
    rejects: [],
  };
}

/** A provider over fixed stations that filters by radius and time like a real one and records its queries. */
function fakeProvider(stations: StationObservations[]): WeatherProvider & { queries: WeatherQuery[] } {
  const queries: WeatherQuery[] = [];
  return {
    name: 'fake',
    queries,
    observations(q) {
      queries.push(q);
      return Promise.resolve(
        stations
          .map((s) => ({
            ...s,
            distanceKm: haversineKm(q.lat, q.lon, s.lat, s.lon),
            observations: s.observations.filter((o) => o.t >= q.startNs && o.t <= q.endNs),
          }))
          .filter((s) => s.distanceKm <= q.radiusKm)
          .sort((a, b) => a.distanceKm - b.distanceKm),
      );
    },
  };
}

describe('enrichWeather', () => {
  it('uses the nearest observation in time of the nearest station for every tick', async () => {
    const provider = fakeProvider([
      station('A', north(5), ORIGIN.lon, [
        ['2024-06-15T07:50:00Z', 'cloudy', 14],
        ['2024-06-15T08:50:00Z', 'rain', 12],
        ['2024-06-15T09:50:00Z', 'rain', 11],
      ]),
    ]);
    // 08:10 .. 09:30 (80 min, 48 km north).
    const drive = timeline({ start: '2024-06-15T08:10:00Z', seconds: 4800 });
    const result = await enrichWeather(drive, provider, { radiusKm: 60 });
    expect(provider.queries).toHaveLength(1);
    const query = provider.queries[0] as WeatherQuery;
    expect(query.startNs).toBe(ns('2024-06-15T07:10:00Z'));
    expect(query.endNs).toBe(ns('2024-06-15T10:30:00Z'));
    // The radius reaches 60 km beyond the farthest fix (24 km from the mean position) plus 1 km.
    expect(query.radiusKm).toBeCloseTo(85, 0);

    const conditions = textValues(result.enrichment.weather_condition!);
    const at = (iso: string): number => Number((ns(iso) - ns('2024-06-15T08:10:00Z')) / 1_000_000_000n);
    // Ticks take the report nearest in time: 07:50 until 08:20 (a tie keeps the earlier), 08:50 until 09:20.
    expect(conditions[at('2024-06-15T08:10:00Z')]).toBe('cloudy');
    expect(conditions[at('2024-06-15T08:20:00Z')]).toBe('cloudy');
    expect(conditions[at('2024-06-15T08:20:01Z')]).toBe('rain');
    expect(result.enrichment.air_temp?.[at('2024-06-15T09:19:59Z')]).toBe(12);
    expect(result.enrichment.air_temp?.[at('2024-06-15T09:20:01Z')]).toBe(11);
    expect(result.enrichment.precipitation?.[at('2024-06-15T08:30:00Z')]).toBe(1.2);
    expect(result.enrichment.visibility?.[0]).toBe(9000);
    expect(result.enrichment.wind_speed?.[0]).toBe(3);
    expect(result.rows.map((r) => [r.station, r.offsetS, r.condition, r.temperatureC])).toEqual([
      ['A', -1200, 'cloudy', 14],
      ['A', 0, 'rain', 12],
      ['A', 1200, 'rain', 11],
    ]);
    // Distance to the nearest position each report served: the drive passes A (5 km) at 08:18:20; 08:50
    // served from 08:20:01 (6.01 km north), 09:50 from 09:20:01 (42.01 km north).
    expect(result.rows[0]?.distanceKm).toBeCloseTo(0, 2);
    expect(result.rows[1]?.distanceKm).toBeCloseTo(1.01, 2);
    expect(result.rows[2]?.distanceKm).toBeCloseTo(37.01, 2);
    expect(result.report).toMatchObject({
      status: 'matched',
      provider: 'fake',
      station: 'A',
      source: 'test',
      observationsUsed: 3,
      ticks: 4801,
      ticksWithWeather: 4801,
    });
    expect(result.report.reason).toBeUndefined();
    // Mean of 10 min at 14, 60 min at 12, 10 min at 11 °C.
    expect(result.summary).toBe('rain, 12.1 °C (A, 0.0 km)');
  });

  it('leaves out stations beyond the radius', async () => {
    const provider = fakeProvider([
      station('FAR', north(60), ORIGIN.lon, [['2024-06-15T08:00:00Z', 'clear', 20]]),
    ]);
    const drive = timeline({ start: '2024-06-15T08:00:00Z', seconds: 60 });
    const none = await enrichWeather(drive, provider, { radiusKm: 50 });
    expect(none.report).toMatchObject({
      status: 'none',
      reason: 'no_station_in_radius',
      ticksWithWeather: 0,
    });
    expect(none.rows).toEqual([]);
    expect(none.enrichment).toEqual({});
    expect(none.summary).toBeUndefined();
    const some = await enrichWeather(drive, provider, { radiusKm: 70 });
    expect(some.report).toMatchObject({ status: 'matched', station: 'FAR' });
    expect(some.rows[0]?.distanceKm).toBeCloseTo(59.4, 0);
  });

  it('leaves out observations beyond the time window', async () => {
    const provider = fakeProvider([station('A', north(2), ORIGIN.lon, [['2024-06-15T06:30:00Z', 'fog', 9]])]);
    const drive = timeline({ start: '2024-06-15T08:00:00Z', seconds: 600 });
    const none = await enrichWeather(drive, provider);
    // The station is in range but its only observation is 90 minutes before the drive.
    expect(none.report).toMatchObject({
      status: 'none',
      reason: 'no_observation_in_window',
      stationsConsidered: 1,
    });
    const wide = await enrichWeather(drive, provider, { maxOffsetMinutes: 120 });
    expect(wide.report).toMatchObject({ status: 'matched', observationsUsed: 1 });
    expect(wide.rows[0]?.offsetS).toBe(-5400);
    expect(textValues(wide.enrichment.weather_condition!).every((c) => c === 'fog')).toBe(true);
  });

  it('says no observation is in the window when the station has some, just not near the drive', async () => {
    const provider: WeatherProvider = {
      name: 'stub',
      observations: () =>
        Promise.resolve([station('A', north(2), ORIGIN.lon, [['2024-06-15T05:00:00Z', 'clear', 9]])]),
    };
    const result = await enrichWeather(timeline({ start: '2024-06-15T08:00:00Z', seconds: 60 }), provider);
    expect(result.report).toMatchObject({
      status: 'none',
      reason: 'no_observation_in_window',
      stationsConsidered: 1,
    });
  });

  it('falls back to a farther station for ticks the nearest has nothing for, and reports partial cover', async () => {
    const provider = fakeProvider([
      station('NEAR', north(1), ORIGIN.lon, [['2024-06-15T07:30:00Z', 'clear', 20]]),
      station('FARTHER', north(-10), ORIGIN.lon, [['2024-06-15T08:40:00Z', 'rain', 15]]),
    ]);
    // 08:00 .. 08:50: NEAR's 07:30 report serves ticks up to 08:30; FARTHER's 08:40 the rest.
    const result = await enrichWeather(timeline({ start: '2024-06-15T08:00:00Z', seconds: 3000 }), provider);
    expect(result.rows.map((r) => r.station)).toEqual(['NEAR', 'FARTHER']);
    expect(textAt(result.enrichment.weather_condition, 0)).toBe('clear');
    expect(textAt(result.enrichment.weather_condition, 3000)).toBe('rain');
    expect(result.report).toMatchObject({ status: 'matched', station: 'NEAR', ticksWithWeather: 3001 });
  });

  it('gives no weather, and says why, for a drive without positions', async () => {
    const provider = fakeProvider([
      station('A', ORIGIN.lat, ORIGIN.lon, [['2024-06-15T08:00:00Z', 'clear', 20]]),
    ]);
    const noColumns = await enrichWeather(
      timeline({ start: '2024-06-15T08:00:00Z', seconds: 60, positions: false }),
      provider,
    );
    expect(noColumns).toMatchObject({
      rows: [],
      enrichment: {},
      report: { status: 'none', reason: 'no_positions', ticks: 61 },
    });
    const allNaN = timeline({ start: '2024-06-15T08:00:00Z', seconds: 60 });
    allNaN.numeric.lat?.fill(Number.NaN);
    expect((await enrichWeather(allNaN, provider)).report.reason).toBe('no_positions');
    expect(provider.queries).toHaveLength(0);
  });

  it('flags wipers and outside temperature that disagree with the observation (thresholds 20 %, 5 °C)', async () => {
    const clear = fakeProvider([station('A', north(3), ORIGIN.lon, [['2024-06-15T08:00:00Z', 'clear', 14]])]);
    const drive = timeline({ start: '2024-06-15T08:00:00Z', seconds: 600, outsideTemp: 25, wiperOn: 0.5 });
    const result = await enrichWeather(drive, clear);
    expect(result.perceived?.tempC).toBe(25);
    expect(result.perceived?.wiperOnFraction).toBeCloseTo(0.5, 2);
    expect(result.perceived?.precipitation).toBe(true);
    expect(result.disagreement).toEqual([
      'wipers on for 50 % of the drive while the observation says clear',
      'outside temperature 25.0 °C differs from the observed 14.0 °C by more than 5 °C',
    ]);

    const rain = fakeProvider([station('A', north(3), ORIGIN.lon, [['2024-06-15T08:00:00Z', 'rain', 14]])]);
    const dry = await enrichWeather(
      timeline({ start: '2024-06-15T08:00:00Z', seconds: 600, outsideTemp: 16, wiperOn: 0 }),
      rain,
    );
    expect(dry.disagreement).toEqual(['observation says rain but the wipers ran for only 0 % of the drive']);
    const agree = await enrichWeather(
      timeline({ start: '2024-06-15T08:00:00Z', seconds: 600, outsideTemp: 16, wiperOn: 0.8 }),
      rain,
    );
    expect(agree.disagreement).toBeUndefined();
    expect(agree.perceived).toMatchObject({ tempC: 16, precipitation: true });
    // Stricter thresholds are options.
    const strict = await enrichWeather(
      timeline({ start: '2024-06-15T08:00:00Z', seconds: 600, outsideTemp: 16 }),
      rain,
      {
        thresholds: { tempDiffC: 1 },
      },
    );
    expect(strict.disagreement).toEqual([
      'outside temperature 16.0 °C differs from the observed 14.0 °C by more than 1 °C',
    ]);
  });
});
