import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeError, UsageError } from '../../../core/errors.js';
import {
  openMeteoProvider,
  openMeteoUrl,
  OPEN_METEO_HOURLY,
} from '../../../transforms/weather/openMeteoProvider.js';
import type { WeatherQuery } from '../../../transforms/weather/weatherProvider.js';
import { tempLake } from '../../catalog/tempLake.js';

const FIXTURE = 'tests/fixtures/weather/open-meteo-archive-2024-06-15.json';
const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;

/** A query for the morning of the fixture's day near the demo origin. */
const QUERY: WeatherQuery = {
  lat: 48.0675,
  lon: 11.5367,
  startNs: ns('2024-06-15T06:30:00Z'),
  endNs: ns('2024-06-15T12:00:00Z'),
  radiusKm: 30,
};

/**
 * A local replay server: `/v1/archive` answers with the recorded fixture, `/bad` with the API's documented
 * 400 error object, `/html` with a 200 that is not JSON, `/slow` never answers. Every request is recorded.
 */
describe('openMeteoProvider against a local replay server', () => {
  const requests: URL[] = [];
  let base = '';
  let fixture = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url);
    if (url.pathname === '/v1/archive') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(fixture);
    } else if (url.pathname === '/bad') {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: true,
          reason: 'Cannot initialize WeatherVariable from invalid String value tempeture_2m for key hourly',
        }),
      );
    } else if (url.pathname === '/html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>maintenance</html>');
    } else if (url.pathname === '/down') {
      res.writeHead(503);
      res.end('{"error":true,"reason":"Service unavailable"}');
    }
    // '/slow': no answer; the client's timeout must end the request.
  });

  beforeAll(async () => {
    fixture = await readFile(FIXTURE, 'utf8');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('asks for the documented parameters and normalises the hourly values', async () => {
    requests.length = 0;
    const provider = openMeteoProvider({ baseUrl: `${base}/v1/archive` });
    const stations = await provider.observations(QUERY);
    expect(requests).toHaveLength(1);
    const params = Object.fromEntries(requests[0]?.searchParams ?? []);
    expect(params).toEqual({
      latitude: '48.0675',
      longitude: '11.5367',
      start_date: '2024-06-15',
      end_date: '2024-06-15',
      hourly: OPEN_METEO_HOURLY.join(','),
      wind_speed_unit: 'ms',
      timezone: 'GMT',
    });
    expect(stations).toHaveLength(1);
    const cell = stations[0];
    expect(cell).toMatchObject({
      source: 'open-meteo',
      station: 'open-meteo:48.0600,11.5400',
      lat: 48.06,
      lon: 11.539999,
    });
    expect(cell?.distanceKm).toBeCloseTo(0.869, 3);
    // 07:00 .. 12:00 are inside 06:30 .. 12:00.
    expect(
      cell?.observations.map((o) => [new Date(Number(o.t / 1_000_000n)).getUTCHours(), o.condition]),
    ).toEqual([
      [7, 'cloudy'],
      [8, 'rain'],
      [9, 'rain'],
      [10, 'rain'],
      [11, 'cloudy'],
      [12, 'cloudy'], // code 2 (partly cloudy) with 70 % cover: 5 oktas or more
    ]);
    expect(cell?.observations[2]).toMatchObject({
      tempC: 12.4,
      dewpointC: 11.8,
      precipitationMmH: 1.6,
      windSpeedMs: 5.2,
      windDirDeg: 218,
      stationLat: 48.06,
    });
    expect(cell?.observations[2]?.visibilityM).toBeUndefined();
  });

  it('answers a repeated request from the on-disk cache without the network', async () => {
    requests.length = 0;
    const cache = await tempLake();
    const first = await openMeteoProvider({ baseUrl: `${base}/v1/archive`, cache }).observations(QUERY);
    // A new provider over the same cache folder: the URL hash finds the stored response.
    const second = await openMeteoProvider({ baseUrl: `${base}/v1/archive`, cache }).observations(QUERY);
    expect(requests).toHaveLength(1);
    expect(second).toEqual(first);
    const keys: string[] = [];
    for await (const object of cache.list('open-meteo/')) keys.push(object.key);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^open-meteo\/[0-9a-f]{64}\.json$/);
  });

  it('keeps ticks out of range: an hour outside the query and a grid cell beyond the radius', async () => {
    const provider = openMeteoProvider({ baseUrl: `${base}/v1/archive` });
    const night = await provider.observations({
      ...QUERY,
      startNs: ns('2024-06-15T19:30:00Z'),
      endNs: ns('2024-06-15T21:00:00Z'),
    });
    // Hour 20 is null in every variable: condition null, no values.
    expect(
      night[0]?.observations.map((o) => [
        new Date(Number(o.t / 1_000_000n)).getUTCHours(),
        o.condition,
        o.tempC,
      ]),
    ).toEqual([
      [20, null, undefined],
      [21, 'clear', 15.1],
    ]);
    expect(await provider.observations({ ...QUERY, radiusKm: 0.5 })).toEqual([]);
  });

  it('turns the API error object into a UsageError with its reason', async () => {
    const provider = openMeteoProvider({ baseUrl: `${base}/bad` });
    const failure = provider.observations(QUERY);
    await expect(failure).rejects.toBeInstanceOf(UsageError);
    await expect(failure).rejects.toThrow(/invalid String value tempeture_2m/);
  });

  it('reports HTTP errors, non-JSON answers and timeouts clearly, and caches none of them', async () => {
    const cache = await tempLake();
    await expect(openMeteoProvider({ baseUrl: `${base}/down`, cache }).observations(QUERY)).rejects.toThrow(
      /Open-Meteo answered HTTP 503 \(Service unavailable\)/,
    );
    const html = openMeteoProvider({ baseUrl: `${base}/html`, cache }).observations(QUERY);
    await expect(html).rejects.toBeInstanceOf(DecodeError);
    await expect(html).rejects.toThrow(/not JSON/);
    await expect(
      openMeteoProvider({ baseUrl: `${base}/slow`, timeoutMs: 200, cache }).observations(QUERY),
    ).rejects.toThrow(/timed out after 200 ms/);
    const keys: string[] = [];
    for await (const object of cache.list('')) keys.push(object.key);
    expect(keys).toEqual([]);
  });

  it('uses an injected fetch and honours utc_offset_seconds and unit conversions', async () => {
    const body = JSON.stringify({
      latitude: 48.06,
      longitude: 11.54,
      utc_offset_seconds: 7200,
      hourly_units: { time: 'iso8601', temperature_2m: '°F', wind_speed_10m: 'km/h', precipitation: 'inch' },
      hourly: {
        time: ['2024-06-15T09:00'],
        temperature_2m: [59],
        wind_speed_10m: [36],
        precipitation: [0.1],
        weather_code: [80],
      },
    });
    const seen: string[] = [];
    const fetchStub: typeof fetch = (input) => {
      seen.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      return Promise.resolve(new Response(body, { status: 200 }));
    };
    const stations = await openMeteoProvider({ fetch: fetchStub }).observations(QUERY);
    expect(seen[0]).toBe(
      openMeteoUrl('https://archive-api.open-meteo.com/v1/archive', QUERY, OPEN_METEO_HOURLY),
    );
    // 09:00 at UTC+2 is 07:00 UTC.
    expect(stations[0]?.observations[0]?.t).toBe(ns('2024-06-15T07:00:00Z'));
    expect(stations[0]?.observations[0]?.tempC).toBeCloseTo(15, 9);
    expect(stations[0]?.observations[0]?.windSpeedMs).toBeCloseTo(10, 9);
    expect(stations[0]?.observations[0]?.precipitationMmH).toBeCloseTo(2.54, 9);
    expect(stations[0]?.observations[0]?.condition).toBe('rain');
  });
});
