import { describe, expect, it } from 'vitest';
import {
  CIVIL_TWILIGHT_ELEVATION,
  enrichSun,
  lightFromElevation,
  refractionCorrection,
  solarPosition,
  SUNRISE_ELEVATION,
} from '../../transforms/sun.js';
import { textValues, type Timeline } from '../../transforms/timeline.js';

const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;

describe('solarPosition', () => {
  it('reproduces Meeus, Astronomical Algorithms (2nd ed.), examples 25.a and 28.b (1992-10-13 0h)', () => {
    const p = solarPosition(ns('1992-10-13T00:00:00Z'), 0, 0);
    // Example 25.a: apparent declination -7°47'06" = -7.78507°.
    expect(p.declination).toBeCloseTo(-7.78507, 4);
    // Example 28.b (Smart's formula, the one NOAA uses): E = 13m42.7s.
    expect(Math.abs(p.equationOfTime - (13 + 42.7 / 60))).toBeLessThan(0.01);
  });

  it('puts the declination at 0° at the 2024 March equinox and at the obliquity at the June solstice', () => {
    // Instants as published by the US Naval Observatory: 2024-03-20 03:06 UTC and 2024-06-20 20:51 UTC.
    expect(Math.abs(solarPosition(ns('2024-03-20T03:06:00Z'), 0, 0).declination)).toBeLessThan(0.01);
    expect(solarPosition(ns('2024-06-20T20:51:00Z'), 0, 0).declination).toBeCloseTo(23.4393, 2);
  });

  it('gives 90 - |lat - declination| at local solar noon', () => {
    for (const [iso, lat, lon] of [
      ['2024-03-20', 48.1374, 11.5755],
      ['2024-06-20', 48.1374, 11.5755],
      ['2024-12-21', -33.8688, 151.2093],
      ['2024-09-22', 60.1699, 24.9384],
    ] as const) {
      const midnight = Date.parse(`${iso}T00:00:00Z`);
      // Solar noon, NOAA: 720 - 4 * lon - equation of time, minutes after 0h UTC (two passes converge).
      let noonMs = midnight + (720 - 4 * lon) * 60_000;
      for (let pass = 0; pass < 2; pass++) {
        const eot = solarPosition(BigInt(Math.round(noonMs)) * 1_000_000n, lat, lon).equationOfTime;
        noonMs = midnight + (720 - 4 * lon - eot) * 60_000;
      }
      const p = solarPosition(BigInt(Math.round(noonMs)) * 1_000_000n, lat, lon);
      expect(Math.abs(p.hourAngle)).toBeLessThan(0.01);
      expect(p.geometricElevation).toBeCloseTo(90 - Math.abs(lat - p.declination), 3);
      expect(Math.abs(Math.abs(p.azimuth - 180) - (lat > p.declination ? 0 : 180))).toBeLessThan(0.5);
    }
  });

  // Oracle: PyEphem 4.1.4 (Debian python3-ephem; libastro, VSOP87), an independent implementation.
  // `geometric` with pressure 0 (no refraction), `apparent` with 1010 hPa and 10 °C, azimuth from north.
  const EPHEM = [
    {
      place: 'Munich, noon',
      lat: 48.1374,
      lon: 11.5755,
      at: '2024-06-20T11:15:00Z',
      geometric: 65.2992,
      apparent: 65.3066,
      azimuth: 179.7824,
    },
    {
      place: 'Munich, winter morning',
      lat: 48.1374,
      lon: 11.5755,
      at: '2024-12-21T07:30:00Z',
      geometric: 2.9092,
      apparent: 3.14,
      azimuth: 130.8111,
    },
    {
      place: 'Munich, equinox',
      lat: 48.1374,
      lon: 11.5755,
      at: '2024-03-20T16:00:00Z',
      geometric: 13.5081,
      apparent: 13.5735,
      azimuth: 254.7859,
    },
    {
      place: 'Boulder (NOAA sheet default)',
      lat: 40,
      lon: -105,
      at: '2010-06-21T18:00:00Z',
      geometric: 68.9215,
      apparent: 68.9277,
      azimuth: 137.1654,
    },
    {
      place: 'Sydney',
      lat: -33.8688,
      lon: 151.2093,
      at: '2023-01-15T02:00:00Z',
      geometric: 77.2915,
      apparent: 77.2951,
      azimuth: 4.5576,
    },
    {
      place: 'Tromsø, polar night',
      lat: 69.6492,
      lon: 18.9553,
      at: '2024-12-21T11:00:00Z',
      geometric: -3.1437,
      apparent: Number.NaN,
      azimuth: 184.031,
    },
    {
      place: 'Quito, near zenith',
      lat: -0.18,
      lon: -78.47,
      at: '2024-09-22T17:00:00Z',
      geometric: 88.413,
      apparent: 88.4134,
      azimuth: 85.9961,
    },
    {
      place: 'Greenwich, J2000',
      lat: 51.4769,
      lon: 0,
      at: '2000-01-01T12:00:00Z',
      geometric: 15.4848,
      apparent: 15.5428,
      azimuth: 179.2156,
    },
    {
      place: 'Anchorage, midnight sun season',
      lat: 61.2181,
      lon: -149.9003,
      at: '2024-06-21T09:00:00Z',
      geometric: -4.4379,
      apparent: Number.NaN,
      azimuth: 345.8788,
    },
  ];

  it.each(EPHEM)('matches PyEphem within 0.02° ($place)', (c) => {
    const p = solarPosition(ns(c.at), c.lat, c.lon);
    expect(Math.abs(p.geometricElevation - c.geometric)).toBeLessThan(0.02);
    // Above 5° NOAA's refraction and PyEphem's agree to a few thousandths; below, refraction models differ.
    if (!Number.isNaN(c.apparent)) expect(Math.abs(p.elevation - c.apparent)).toBeLessThan(0.02);
    // Azimuth is ill-conditioned near the zenith: its error grows as 1 / cos(elevation).
    const azTolerance = 0.02 / Math.max(0.05, Math.cos((c.geometric * Math.PI) / 180));
    const dAz = ((p.azimuth - c.azimuth + 540) % 360) - 180;
    expect(Math.abs(dAz)).toBeLessThan(azTolerance);
  });

  it('applies NOAA refraction: none above 85°, about 34′ at the horizon, ~5.3′ at 10°', () => {
    expect(refractionCorrection(86)).toBe(0);
    expect(refractionCorrection(0) * 60).toBeCloseTo(28.9, 1); // NOAA: 1735″ at h = 0
    expect(refractionCorrection(10) * 60).toBeCloseTo(5.29, 1); // standard atmosphere tables: 5′18″
    // Continuous enough across NOAA's piecewise boundaries (5° and -0.575°).
    expect(Math.abs(refractionCorrection(5.0001) - refractionCorrection(4.9999))).toBeLessThan(0.002);
    expect(Math.abs(refractionCorrection(-0.5749) - refractionCorrection(-0.5751))).toBeLessThan(0.002);
  });
});

describe('lightFromElevation', () => {
  it('splits at NOAA sunrise (-0.833° geometric) and the end of civil twilight (-6° geometric)', () => {
    expect(SUNRISE_ELEVATION).toBeCloseTo(-0.833 + 0.397, 2);
    expect(CIVIL_TWILIGHT_ELEVATION).toBeCloseTo(-6 + 0.055, 2);
    expect(lightFromElevation(30)).toBe('day');
    expect(lightFromElevation(SUNRISE_ELEVATION + 1e-9)).toBe('day');
    expect(lightFromElevation(SUNRISE_ELEVATION)).toBe('twilight');
    expect(lightFromElevation(-3)).toBe('twilight');
    expect(lightFromElevation(CIVIL_TWILIGHT_ELEVATION)).toBe('night');
    expect(lightFromElevation(-40)).toBe('night');
    expect(lightFromElevation(Number.NaN)).toBeNull();
  });

  // PyEphem 4.1.4, pressure 0, use_center: sunrise/sunset at horizon -0:50, civil twilight at -6°.
  const MUNICH_EVENTS = [
    { event: 'civil dawn', at: '2024-06-20T02:31:49Z', before: 'night', after: 'twilight' },
    { event: 'sunrise', at: '2024-06-20T03:13:21Z', before: 'twilight', after: 'day' },
    { event: 'sunset', at: '2024-06-20T19:17:27Z', before: 'day', after: 'twilight' },
    { event: 'civil dusk', at: '2024-06-20T19:58:59Z', before: 'twilight', after: 'night' },
    { event: 'civil dawn', at: '2024-12-21T06:24:52Z', before: 'night', after: 'twilight' },
    { event: 'sunrise', at: '2024-12-21T07:01:28Z', before: 'twilight', after: 'day' },
    { event: 'sunset', at: '2024-12-21T15:22:29Z', before: 'day', after: 'twilight' },
    { event: 'civil dusk', at: '2024-12-21T15:59:04Z', before: 'twilight', after: 'night' },
  ];

  it.each(MUNICH_EVENTS)('changes light within a minute of Munich $event $at', (e) => {
    const t = ns(e.at);
    const minute = 60_000_000_000n;
    expect(lightFromElevation(solarPosition(t - minute, 48.1374, 11.5755).elevation)).toBe(e.before);
    expect(lightFromElevation(solarPosition(t + minute, 48.1374, 11.5755).elevation)).toBe(e.after);
  });

  it('keeps Tromsø in twilight at noon in polar night and Anchorage in twilight at midsummer midnight', () => {
    expect(lightFromElevation(solarPosition(ns('2024-12-21T11:00:00Z'), 69.6492, 18.9553).elevation)).toBe(
      'twilight',
    );
    expect(lightFromElevation(solarPosition(ns('2024-06-21T09:00:00Z'), 61.2181, -149.9003).elevation)).toBe(
      'twilight',
    );
  });
});

describe('enrichSun', () => {
  /** A 100 Hz timeline over `seconds` from `startIso`, driving north-east from Munich. */
  function timeline(startIso: string, seconds: number): Timeline {
    const hz = 100;
    const n = seconds * hz;
    const t = new BigInt64Array(n);
    const lat = new Float64Array(n);
    const lon = new Float64Array(n);
    const t0 = ns(startIso);
    for (let i = 0; i < n; i++) {
      t[i] = t0 + BigInt(i) * 10_000_000n;
      // Held between 10 Hz fixes, as time sync gives it.
      const fix = Math.floor(i / 10);
      lat[i] = 48.1374 + fix * 2e-6;
      lon[i] = 11.5755 + fix * 3e-6;
    }
    return { driveId: 'd', vehicle: 'v', hz, t, numeric: { lat, lon }, text: {}, enrichment: {} };
  }

  it('matches solarPosition tick by tick through a sunrise, including the light class', () => {
    const tl = timeline('2024-06-20T03:00:00Z', 1800);
    const lat = tl.numeric.lat!;
    const lon = tl.numeric.lon!;
    // Holes: one tick, and a second-long gap, so both the interpolated and the exact path run.
    lat[12_345] = Number.NaN;
    for (let i = 50_000; i < 50_150; i++) lon[i] = Number.NaN;
    const sun = enrichSun(tl);
    const sun_elevation = sun.sun_elevation;
    const light = textValues(sun.light);
    expect(sun_elevation.length).toBe(tl.t.length);
    let maxError = 0;
    let maxErrorAtSwitch = 0;
    const seen = new Set<string | null>();
    for (let i = 0; i < tl.t.length; i++) {
      const la = lat[i]!;
      const lo = lon[i]!;
      if (Number.isNaN(la) || Number.isNaN(lo)) {
        expect(sun_elevation[i]).toBeNaN();
        expect(light[i]).toBeNull();
        continue;
      }
      const exact = solarPosition(tl.t[i]!, la, lo);
      const error = Math.abs(exact.elevation - sun_elevation[i]!);
      const h = exact.geometricElevation;
      if (Math.abs(h + 0.575) > 0.01 && Math.abs(h - 5) > 0.01) maxError = Math.max(maxError, error);
      else maxErrorAtSwitch = Math.max(maxErrorAtSwitch, error);
      expect(light[i]).toBe(lightFromElevation(sun_elevation[i]!));
      seen.add(light[i]!);
    }
    expect(maxError).toBeLessThan(1e-4);
    // NOAA's refraction switches formula at -0.575° (a kink) and 5° (a 0.0005° jump); one interpolated
    // second smooths over either.
    expect(maxErrorAtSwitch).toBeGreaterThan(0);
    expect(maxErrorAtSwitch).toBeLessThan(1e-3);
    expect([...seen].sort()).toEqual(['day', 'twilight']);
  });

  it('gives NaN and null everywhere without a position signal', () => {
    const tl = timeline('2024-06-20T12:00:00Z', 2);
    delete tl.numeric.lon;
    const { sun_elevation, light } = enrichSun(tl);
    expect(sun_elevation.every((v) => Number.isNaN(v))).toBe(true);
    expect(textValues(light).every((v) => v === null)).toBe(true);
  });

  it('handles an empty and a one-tick timeline', () => {
    const empty = timeline('2024-06-20T12:00:00Z', 0);
    expect(enrichSun(empty).sun_elevation.length).toBe(0);
    const one: Timeline = {
      ...empty,
      t: new BigInt64Array([ns('2024-06-20T11:15:00Z')]),
      numeric: { lat: new Float64Array([48.1374]), lon: new Float64Array([11.5755]) },
    };
    const r = enrichSun(one);
    expect(r.sun_elevation[0]).toBeCloseTo(65.3066, 1);
    expect(textValues(r.light)).toEqual(['day']);
  });
});
