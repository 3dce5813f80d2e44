import { describe, expect, it } from 'vitest';
import {
  conditionFromIsd,
  conditionFromOpenMeteoCode,
  conditionFromWeatherGroups,
  conditionFromWmo4677,
  conditionFromWmo4680,
  worseCondition,
  type WeatherCondition,
} from '../../../transforms/weather/condition.js';
import type { IsdRecord } from '../../../transforms/weather/isd.js';

/** Expands `{ condition: [codes or [from, to] ranges] }` into code → condition. */
function table(
  spec: Partial<Record<WeatherCondition | 'none', (number | [number, number])[]>>,
): Map<number, string> {
  const map = new Map<number, string>();
  for (const [condition, codes] of Object.entries(spec)) {
    for (const c of codes) {
      const [from, to] = typeof c === 'number' ? [c, c] : c;
      for (let code = from; code <= to; code++) map.set(code, condition);
    }
  }
  return map;
}

describe('condition mapping (the table in condition.ts)', () => {
  it('maps every WMO 4677 code (manual present weather), visibility unknown', () => {
    const expected = table({
      none: [[0, 10], [14, 16], 18, [20, 29], 40],
      fog: [11, 12, [30, 35], [41, 49]],
      thunderstorm: [13, 17, 19, [95, 99]],
      snow: [[36, 39], [68, 79], [83, 88], 93, 94],
      rain: [[50, 67], [80, 82], 89, 90, 91, 92],
    });
    for (let code = 0; code <= 99; code++)
      expect(conditionFromWmo4677(code) ?? 'none', `4677 code ${code}`).toBe(expected.get(code));
    expect(conditionFromWmo4677(10, 800)).toBe('fog');
    expect(conditionFromWmo4677(5, 5000)).toBeUndefined();
  });

  it('maps every WMO 4680 code (automatic stations)', () => {
    const expected = table({
      none: [[0, 4], [6, 26], [36, 39], 49, 59, 69, 79, 88],
      fog: [5, [30, 35]],
      rain: [[40, 44], 47, 48, [50, 58], [60, 66], [80, 84], 89],
      snow: [[27, 29], 45, 46, 67, 68, [70, 78], [85, 87]],
      thunderstorm: [[90, 99]],
    });
    for (let code = 0; code <= 99; code++)
      expect(conditionFromWmo4680(code) ?? 'none', `4680 code ${code}`).toBe(expected.get(code));
    // 04/05/10 follow the measured visibility when there is one.
    expect(conditionFromWmo4680(5, 6437)).toBeUndefined();
    expect(conditionFromWmo4680(4, 600)).toBe('fog');
  });

  it('maps the Open-Meteo weather codes, with cloud cover deciding partly cloudy', () => {
    const codes: [number, number | undefined, string][] = [
      [0, 0, 'clear'],
      [1, 20, 'clear'],
      [2, 50, 'clear'],
      [2, 62.5, 'cloudy'],
      [3, 100, 'cloudy'],
      [45, 100, 'fog'],
      [48, 100, 'fog'],
      [51, 100, 'rain'],
      [57, 100, 'rain'],
      [61, 100, 'rain'],
      [67, 100, 'rain'],
      [71, 100, 'snow'],
      [77, 100, 'snow'],
      [80, 100, 'rain'],
      [82, 100, 'rain'],
      [85, 100, 'snow'],
      [86, 100, 'snow'],
      [95, 100, 'thunderstorm'],
      [99, 100, 'thunderstorm'],
    ];
    for (const [code, cover, condition] of codes)
      expect(conditionFromOpenMeteoCode(code, cover), `code ${code}`).toBe(condition);
    expect(conditionFromOpenMeteoCode(42)).toBeUndefined();
  });

  it('ranks thunderstorm > snow > rain > fog > cloudy > clear', () => {
    expect(worseCondition('rain', 'fog')).toBe('rain');
    expect(worseCondition('snow', 'rain')).toBe('snow');
    expect(worseCondition('cloudy', 'thunderstorm')).toBe('thunderstorm');
    expect(worseCondition(undefined, 'clear')).toBe('clear');
    expect(conditionFromWeatherGroups([{ vicinity: false, phenomena: ['RA', 'SN'] }], undefined)).toBe(
      'snow',
    );
    expect(conditionFromWeatherGroups([{ vicinity: false, descriptor: 'FZ', phenomena: ['FG'] }], 200)).toBe(
      'fog',
    );
    expect(
      conditionFromWeatherGroups([{ vicinity: true, descriptor: 'TS', phenomena: [] }], undefined),
    ).toBeUndefined();
  });

  it('reads ISD AU groups like METAR groups and falls back to sky cover, then the ceiling', () => {
    const base: IsdRecord = {
      usaf: '1',
      wban: '2',
      t: 0n,
      reportType: 'FM-15',
      windType: 'N',
      quality: {
        windDir: '1',
        windSpeed: '1',
        ceiling: '1',
        visibility: '1',
        airTemp: '1',
        dewpoint: '1',
        seaLevelPressure: '1',
      },
      precipitation: [],
      presentWeather: [],
      skyLayers: [],
      additional: [],
      remarks: [],
      line: 1,
    };
    const au = (
      intensity: number,
      descriptor: number,
      precipitation: number,
      obscuration: number,
      other: number,
    ): IsdRecord => ({
      ...base,
      presentWeather: [
        { source: 'AU', intensity, descriptor, precipitation, obscuration, other, quality: '5' },
      ],
    });
    expect(conditionFromIsd(au(3, 7, 2, 0, 0))).toBe('thunderstorm'); // +TSRA
    expect(conditionFromIsd(au(1, 0, 3, 0, 0))).toBe('snow'); // -SN
    expect(conditionFromIsd(au(0, 0, 0, 2, 0))).toBe('fog'); // FG
    expect(conditionFromIsd(au(4, 6, 0, 0, 0))).toBeUndefined(); // VCSH
    expect(conditionFromIsd(au(0, 0, 0, 0, 3))).toBe('thunderstorm'); // FC
    expect(
      conditionFromIsd({ ...base, presentWeather: [{ source: 'MW', code: 63, quality: '3' }] }),
    ).toBeUndefined(); // erroneous
    expect(conditionFromIsd({ ...base, totalCoverage: 6 })).toBe('cloudy');
    expect(conditionFromIsd({ ...base, skyLayers: [{ coverage: 3 }, { coverage: 5 }] })).toBe('cloudy');
    expect(conditionFromIsd({ ...base, skyLayers: [{ coverage: 4 }] })).toBe('clear');
    expect(conditionFromIsd({ ...base, ceilingM: 900 })).toBe('cloudy');
    expect(conditionFromIsd({ ...base, ceilingM: 22000 })).toBe('clear');
    expect(conditionFromIsd(base)).toBeUndefined();
  });
});
