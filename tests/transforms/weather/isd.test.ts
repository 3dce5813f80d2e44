import { describe, expect, it } from 'vitest';
import { fileStream } from '../../../core/fileSource.js';
import type { Reject } from '../../../core/reject.js';
import { conditionFromIsd, conditionFromMetar } from '../../../transforms/weather/condition.js';
import { parseIsdLine, readIsd, type IsdRecord } from '../../../transforms/weather/isd.js';
import { parseMetarReport } from '../../../transforms/weather/metar.js';

const ISD = '../shared/data/weather/eeweather/ISD.gz';

async function readAll(
  stream: AsyncIterable<Uint8Array>,
  uri = 'ISD.gz',
): Promise<{ records: IsdRecord[]; rejects: Reject[] }> {
  const records: IsdRecord[] = [];
  const rejects: Reject[] = [];
  for await (const batch of readIsd(stream, { uri })) {
    records.push(...batch.records);
    rejects.push(...batch.rejects);
  }
  return { records, rejects };
}

async function* textStream(text: string): AsyncIterable<Uint8Array> {
  await Promise.resolve();
  yield new TextEncoder().encode(text);
}

describe('ISD full format (../shared/data/weather/eeweather/ISD.gz, station 722874-93134, 2007)', async () => {
  const { records, rejects } = await readAll(fileStream(ISD, { gzip: true }));

  it('reads every line and walks every additional data section to its end', () => {
    expect(rejects).toEqual([]);
    expect(records).toHaveLength(11107);
    // No record stopped at an identifier without a known length: the table in isd.ts covers this file.
    expect(records.filter((r) => r.unknownAdditional !== undefined)).toEqual([]);
    const types: Record<string, number> = {};
    for (const r of records) types[r.reportType] = (types[r.reportType] ?? 0) + 1;
    expect(types).toEqual({ 'FM-15': 8759, 'FM-16': 1970, SOD: 365, SOM: 12, AUTO: 1 });
  });

  it('decodes line 1 as read by hand from the fixed positions', () => {
    // 0158 722874 93134 20070101 0047 7 +34028 -118296 FM-15 +0056 KCQT_ V030 | 999 9 C 0000 5 | 22000 5 9 N |
    // 011265 5 N 5 | +0150 5 | +0089 5 | 10211 5 | ADD AA1 01 0000 9 5 ...
    // pos 29-34 +34028 -> 34.028; 35-41 -118296 -> -118.296; 47-51 +0056 -> 56 m; 61-63 999 = missing direction
    // (type C = calm); 66-69 0000 -> 0.0 m/s; 71-75 22000 = unlimited ceiling; 79-84 011265 -> 11265 m;
    // 88-92 +0150 -> 15.0 C; 94-98 +0089 -> 8.9 C; 100-104 10211 -> 1021.1 hPa.
    const r = records[0] as IsdRecord;
    expect(r).toMatchObject({
      usaf: '722874',
      wban: '93134',
      t: BigInt(Date.UTC(2007, 0, 1, 0, 47)) * 1_000_000n,
      lat: 34.028,
      lon: -118.296,
      elevationM: 56,
      reportType: 'FM-15',
      callLetters: 'KCQT',
      windType: 'C',
      windSpeedMs: 0,
      ceilingM: 22000,
      cavok: false,
      visibilityM: 11265,
      airTempC: 15,
      dewpointC: 8.9,
      seaLevelPressureHpa: 1021.1,
      totalCoverage: 0,
      line: 1,
    });
    expect(r.windDirDeg).toBeUndefined();
    // AA1 01 0000 9 5: 1 hour, 0.0 mm, condition 9, quality 5.
    expect(r.precipitation).toEqual([{ periodHours: 1, depthMm: 0, condition: '9', quality: '5' }]);
    expect(r.additional).toEqual(['AA1', 'GF1', 'MA1']);
    expect(r.metar).toBe('METAR KCQT 010047Z 00000KT 7SM CLR 15/09 A3015 RMK AO2 SLP211 T01500089 TSNO');
    expect(conditionFromIsd(r)).toBe('clear');
  });

  it('decodes line 138 (light rain) as read by hand', () => {
    // ... 2007-01-05 02:47 ... 71-75 00366 -> ceiling 366 m; 79-84 003219 -> 3219 m (2 SM); 88-92 +0144 -> 14.4;
    // 94-98 +0117 -> 11.7; 100-104 10155 -> 1015.5. ADD: AA1 01 0000 2 5 (1 h, trace), AA2 03 0000 2 1,
    // AU1 1 0 02 0 0 1 5 (light, rain), AW1 61 5 (WMO 4680 61: slight rain), GA1 04 5 +00183 5 99 9,
    // GA2 08 5 +00366 5 99 9, GD1/GD2, GF1 08 ... (8 oktas), MA1, MD1.
    const r = records.find((x) => x.line === 138) as IsdRecord;
    expect(r).toMatchObject({
      t: BigInt(Date.UTC(2007, 0, 5, 2, 47)) * 1_000_000n,
      ceilingM: 366,
      visibilityM: 3219,
      airTempC: 14.4,
      dewpointC: 11.7,
      seaLevelPressureHpa: 1015.5,
      totalCoverage: 8,
    });
    expect(r.precipitation).toEqual([
      { periodHours: 1, depthMm: 0, condition: '2', quality: '5' },
      { periodHours: 3, depthMm: 0, condition: '2', quality: '1' },
    ]);
    expect(r.presentWeather).toEqual([
      { source: 'AU', intensity: 1, descriptor: 0, precipitation: 2, obscuration: 0, other: 0, quality: '5' },
      { source: 'AW', code: 61, quality: '5' },
    ]);
    expect(r.skyLayers).toEqual([
      { coverage: 4, baseM: 183 },
      { coverage: 8, baseM: 366 },
    ]);
    expect(conditionFromIsd(r)).toBe('rain');
  });

  it('agrees with the METAR NCEI kept in each record (MET remark), within stated tolerances', () => {
    let compared = 0;
    let windsCompared = 0;
    let windsAgree = 0;
    let conditionsCompared = 0;
    let conditionsAgree = 0;
    for (const r of records) {
      if (r.metar === undefined) continue;
      const m = parseMetarReport(r.metar, { near: r.t });
      if ('reason' in m) throw new Error(`${r.line}: ${m.message}`);
      compared += 1;
      expect(m.t, `line ${r.line}`).toBe(r.t);
      // Temperature: the T group (tenths) when there is one, else whole degrees; ISD keeps tenths.
      const t = m.remarkTemperatureC ?? m.temperatureC;
      if (t !== undefined && r.airTempC !== undefined) {
        expect(Math.abs(t - r.airTempC), `line ${r.line}`).toBeLessThanOrEqual(
          m.remarkTemperatureC === undefined ? 0.5 : 0.1 + 1e-9,
        );
      }
      // Visibility: NCEI stores the reported statute miles as whole metres, rounded or cut (8SM = 12874.752 m
      // is stored as 12874), so below 1 m; M1/4SM is stored as 0 and not compared.
      if (m.visibility !== undefined && r.visibilityM !== undefined && m.visibility.qualifier === undefined) {
        expect(Math.abs(m.visibility.metres - r.visibilityM), `line ${r.line}`).toBeLessThan(1);
      }
      // Wind: knots converted to m/s and rounded to 0.1 m/s.
      if (m.wind !== undefined && r.windSpeedMs !== undefined) {
        windsCompared += 1;
        if (Math.abs(m.wind.speedMs - r.windSpeedMs) <= 0.05 + 1e-9) windsAgree += 1;
      }
      const a = conditionFromMetar(m);
      const b = conditionFromIsd(r);
      if (a !== undefined && b !== undefined) {
        conditionsCompared += 1;
        if (a === b) conditionsAgree += 1;
      }
    }
    expect(compared).toBe(10730);
    // Measured: one record of 10700-odd differs by 0.24 m/s.
    expect(windsAgree / windsCompared).toBeGreaterThan(0.999);
    // Measured: 10689 of 10690 agree (one SPECI says SCT020 where GA/GF1 say 4 and 7 oktas).
    expect(conditionsAgree / conditionsCompared).toBeGreaterThan(0.999);
  });
});

describe('ISD malformed lines', () => {
  const good =
    '0158722874931342007010100477+34028-118296FM-15+0056KCQT V0309999C000052200059N0112655N5+01505+00895102115ADDAA101000095GF100991999999999999999999MA1102105101425REMMET09412/31/06 16:49:09 METAR KCQT 010047Z 00000KT 7SM CLR 15/09 A3015 RMK AO2 SLP211 T01500089 TSNO';

  it('rejects short, mis-sized and undated lines with their line numbers and keeps the others', async () => {
    const lines = [
      good,
      good.slice(0, 80),
      good.slice(0, 200),
      `${good}XX`,
      `${good.slice(0, 15)}2007A101${good.slice(23)}`,
      `${good.slice(0, 15)}20070231${good.slice(23)}`,
      good,
    ];
    const { records, rejects } = await readAll(textStream(lines.join('\r\n')), 'bad.isd');
    expect(records.map((r) => r.line)).toEqual([1, 7]);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'truncated'],
      [3, 'truncated'],
      [4, 'bad_length'],
      [5, 'bad_field'],
      [6, 'bad_field'],
    ]);
    expect(rejects[0]?.uri).toBe('bad.isd');
  });

  it('drops missing and erroneous values but keeps the record', () => {
    // Temperature +9999 (missing), dew point quality 3 (erroneous), wind speed 9999 (missing).
    const line = `${good.slice(0, 65)}9999${good.slice(69, 87)}+99999+00893${good.slice(99)}`;
    const r = parseIsdLine(line, 1);
    if ('reason' in r) throw new Error(r.message);
    expect([r.airTempC, r.dewpointC, r.windSpeedMs]).toEqual([undefined, undefined, undefined]);
    expect(r.quality.dewpoint).toBe('3');
    expect(r.visibilityM).toBe(11265);
  });

  it('stops at an additional group it has no length for and still reads the remarks', () => {
    const body = 'ADDZZ1123MA1102105101425REMMET010METAR XXXX';
    const line = `${String(body.length).padStart(4, '0')}${good.slice(4, 105)}${body}`;
    const r = parseIsdLine(line, 1);
    if ('reason' in r) throw new Error(r.message);
    expect(r.unknownAdditional).toBe('ZZ1');
    expect(r.remarks).toEqual([{ id: 'MET', text: 'METAR XXXX' }]);
  });
});
