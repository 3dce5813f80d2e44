import { describe, expect, it } from 'vitest';
import { openScenarioWeather, sunIlluminance } from '../../../transforms/openscenario/openScenarioWeather.js';

const SUN = { elevationDeg: 30, azimuthDeg: 135 };

describe('openScenarioWeather', () => {
  it('maps rain with a measured amount, temperature in kelvin, visibility to fog range', () => {
    const w = openScenarioWeather(
      { weather: 'Rain', precipitationMmH: 4.2, airTempC: -5, visibilityM: 900 },
      SUN,
    );
    expect(w.precipitation).toEqual({ type: 'rain', intensityMmH: 4.2 });
    expect(w.fractionalCloudCover).toBe('eightOktas');
    expect(w.temperatureK).toBeCloseTo(268.15, 10);
    expect(w.fogVisualRangeM).toBe(900);
    expect(w.frictionScaleFactor).toBe(0.7);
  });

  it('uses the given sun, in radians, azimuth clockwise from north', () => {
    const w = openScenarioWeather({ sunElevationDeg: -3, sunAzimuthDeg: 270 }, SUN);
    expect(w.sun.elevationRad).toBeCloseTo((-3 * Math.PI) / 180, 12);
    expect(w.sun.azimuthRad).toBeCloseTo((3 * Math.PI) / 2, 12);
    expect(w.sun.illuminanceLx).toBe(0);
    const fallback = openScenarioWeather({}, SUN);
    expect(fallback.sun.elevationRad).toBeCloseTo(Math.PI / 6, 12);
    expect(fallback.sun.azimuthRad).toBeCloseTo((3 * Math.PI) / 4, 12);
  });

  it('leaves out what is not known and treats thunderstorms as rain, snow as snow, fog as dry', () => {
    const none = openScenarioWeather({}, SUN);
    expect(none.precipitation).toBeNull();
    expect(none.fractionalCloudCover).toBeNull();
    expect(none.temperatureK).toBeNull();
    expect(none.fogVisualRangeM).toBeNull();
    expect(none.frictionScaleFactor).toBe(1);
    expect(openScenarioWeather({ weather: 'thunderstorm' }, SUN).precipitation).toEqual({
      type: 'rain',
      intensityMmH: null,
    });
    expect(openScenarioWeather({ weather: 'snow' }, SUN).frictionScaleFactor).toBe(0.3);
    const fog = openScenarioWeather({ weather: 'fog' }, SUN);
    expect(fog.precipitation).toEqual({ type: 'dry', intensityMmH: 0 });
    expect(fog.fractionalCloudCover).toBe('nineOktas');
    expect(fog.fogVisualRangeM).toBe(500);
    expect(openScenarioWeather({ weather: 'constructor' }, SUN).fractionalCloudCover).toBeNull();
  });

  it('lets a measured amount decide for an unknown class: snow at or below 0 °C', () => {
    expect(openScenarioWeather({ precipitationMmH: 1, airTempC: -1 }, SUN).precipitation?.type).toBe('snow');
    expect(openScenarioWeather({ precipitationMmH: 1, airTempC: 3 }, SUN).precipitation?.type).toBe('rain');
    expect(openScenarioWeather({ precipitationMmH: 0 }, SUN).precipitation?.type).toBe('dry');
    expect(openScenarioWeather({ airTempC: 400 }, SUN).temperatureK).toBeNull(); // outside [170, 340] K
  });
});

describe('sunIlluminance', () => {
  it('is about 100 klx with the sun high, falls toward the horizon and under cloud, 0 below it', () => {
    expect(sunIlluminance(90, null)).toBeCloseTo(128_000 * Math.exp(-0.21 * 0.99997), -2);
    expect(sunIlluminance(90, null)).toBeGreaterThan(100_000);
    expect(sunIlluminance(10, null)).toBeLessThan(sunIlluminance(30, null));
    expect(sunIlluminance(0.5, null)).toBeGreaterThan(0);
    expect(sunIlluminance(0, null)).toBe(0);
    expect(sunIlluminance(-5, 'zeroOktas')).toBe(0);
    expect(sunIlluminance(45, 'eightOktas') / sunIlluminance(45, null)).toBeCloseTo(0.25, 10);
    expect(sunIlluminance(45, 'nineOktas')).toBe(sunIlluminance(45, 'eightOktas'));
  });
});
