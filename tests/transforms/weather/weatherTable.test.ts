import { describe, expect, it } from 'vitest';
import type { WeatherRow } from '../../../transforms/weather/matchWeather.js';
import { WEATHER, weatherToBatch } from '../../../transforms/weather/weatherTable.js';

describe('weather table', () => {
  it('has documented columns, nullable where a source may not report', () => {
    const fields = Object.fromEntries(WEATHER.schema.fields.map((f) => [f.name, f.nullable]));
    expect(fields).toEqual({
      t: false,
      drive_id: false,
      source: false,
      station: false,
      station_lat: false,
      station_lon: false,
      distance_km: false,
      offset_s: false,
      condition: true,
      temperature: true,
      dewpoint: true,
      precipitation: true,
      visibility: true,
      wind_speed: true,
      wind_direction: true,
    });
    for (const field of WEATHER.schema.fields) expect(field.metadata.get('doc')?.length).toBeGreaterThan(5);
    expect(WEATHER.schema.fields.find((f) => f.name === 'precipitation')?.metadata.get('unit')).toBe('mm/h');
    expect(WEATHER.timeColumn).toBe('t');
  });

  it('turns rows into columns with nulls for values a source did not give', () => {
    const rows: WeatherRow[] = [
      {
        driveId: 'd',
        source: 'isd',
        station: 'S',
        stationLat: 1,
        stationLon: 2,
        distanceKm: 3,
        t: 5n,
        offsetS: -60,
        condition: 'rain',
        temperatureC: 12,
        precipitationMmH: 0.4,
      },
      {
        driveId: 'd',
        source: 'isd',
        station: 'S',
        stationLat: 1,
        stationLon: 2,
        distanceKm: 4,
        t: 6n,
        offsetS: 0,
        condition: null,
        windSpeedMs: 3,
        windDirDeg: 90,
      },
    ];
    const batch = weatherToBatch(rows);
    expect(batch.t).toEqual([5n, 6n]);
    expect(batch.condition).toEqual(['rain', null]);
    expect(batch.temperature).toEqual([12, null]);
    expect(batch.wind_direction).toEqual([null, 90]);
    expect(Array.from(batch.distance_km as Float64Array)).toEqual([3, 4]);
    expect(Array.from(batch.offset_s as Float64Array)).toEqual([-60, 0]);
  });
});
