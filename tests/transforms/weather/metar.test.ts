import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../ingest/demo/random.js';
import { conditionFromMetar } from '../../../transforms/weather/condition.js';
import {
  parseMetarReport,
  readMetar,
  readMetarBytes,
  resolveMetarTime,
  type MetarReport,
} from '../../../transforms/weather/metar.js';

const AVWX = '../shared/data/weather/avwx-engine';
const PYIEM = '../shared/data/weather/pyiem-metar';

/** The parts of AVWX's parsed METAR (its `data` object) this test compares. */
interface AvwxNumber {
  repr: string;
  value: number | null;
}
interface AvwxData {
  raw: string;
  station: string;
  time: { dt: string; repr: string };
  wind_direction: AvwxNumber | null;
  wind_speed: AvwxNumber | null;
  wind_gust: AvwxNumber | null;
  visibility: AvwxNumber | null;
  clouds: { type: string; base: number | null; modifier: string | null }[];
  temperature: AvwxNumber | null;
  dewpoint: AvwxNumber | null;
  altimeter: AvwxNumber | null;
  wx_codes: { repr: string }[];
  remarks_info: { temperature_decimal: AvwxNumber | null; dewpoint_decimal: AvwxNumber | null };
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('METAR against the AVWX oracle (../shared/data/weather/avwx-engine)', async () => {
  const files = (await readdir(AVWX)).filter((f) => f.endsWith('.json')).sort();

  it('has oracle files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`${file}: body groups of the first report, T group of the last`, async () => {
      const json = JSON.parse(await readFile(join(AVWX, file), 'utf8')) as { data: AvwxData };
      const data = json.data;
      const dt = new Date(data.time.dt);
      const { reports, rejects } = await readMetarBytes(bytes(data.raw), {
        uri: file,
        reference: { year: dt.getUTCFullYear(), month: dt.getUTCMonth() + 1 },
      });
      expect(rejects).toEqual([]);
      const first = reports[0];
      if (first === undefined) throw new Error('no report parsed');
      expect(first.station).toBe(data.station);
      expect(first.t).toBe(BigInt(dt.getTime()) * 1_000_000n);

      // Wind: AVWX gives numbers in the report's unit; direction null for VRB.
      expect(first.wind?.directionDeg ?? null).toBe(data.wind_direction?.value ?? null);
      expect(first.wind?.variable ?? false).toBe(data.wind_direction?.repr === 'VRB');
      expect(first.wind?.speed ?? null).toBe(data.wind_speed?.value ?? null);
      expect(first.wind?.gust ?? null).toBe(data.wind_gust?.value ?? null);

      // Visibility: a 4-digit repr is metres, anything else statute miles (AVWX drops the SM). Tolerance
      // 1e-9 (fractions like 1/2 are exact in binary; 1/3 is not).
      const vis = data.visibility;
      if (vis === null || vis.value === null) {
        expect(first.visibility).toBeUndefined();
      } else {
        expect(first.visibility?.unit).toBe(/^\d{4}$/.test(vis.repr) || vis.repr === 'CAVOK' ? 'm' : 'SM');
        expect(Math.abs((first.visibility?.value ?? Number.NaN) - vis.value)).toBeLessThan(1e-9);
      }

      // Clouds: AVWX base is hundreds of feet.
      expect(first.clouds.map((c) => [c.cover, c.baseFt ?? null])).toEqual(
        data.clouds.map((c) => [c.type, c.base === null ? null : c.base * 100]),
      );
      expect(first.temperatureC ?? null).toBe(data.temperature?.value ?? null);
      expect(first.dewpointC ?? null).toBe(data.dewpoint?.value ?? null);
      if (data.altimeter?.value === null || data.altimeter === null) {
        expect(first.altimeter).toBeUndefined();
      } else {
        expect(Math.abs((first.altimeter?.value ?? Number.NaN) - data.altimeter.value)).toBeLessThan(1e-9);
        expect(first.altimeter?.unit).toBe(data.altimeter.repr.startsWith('Q') ? 'hPa' : 'inHg');
      }
      expect(first.weather.map((w) => w.raw)).toEqual(data.wx_codes.map((w) => w.repr));

      // AVWX reads reports glued after the first (KJFK, EGLL hold several) as the first one's remarks, so
      // its T group is the last T group of the raw text: we compare it with the last report that has one.
      const withT = reports.filter((r) => r.remarkTemperatureC !== undefined);
      const lastT = withT[withT.length - 1];
      const oracleT = data.remarks_info.temperature_decimal?.value ?? null;
      expect(lastT?.remarkTemperatureC ?? null).toBe(oracleT);
      expect(lastT?.remarkDewpointC ?? null).toBe(data.remarks_info.dewpoint_decimal?.value ?? null);
    });
  }

  it('splits the glued reports (KJFK holds 2, EGLL 4) and reads the first KJFK T group by hand', async () => {
    const kjfk = JSON.parse(await readFile(join(AVWX, 'KJFK.json'), 'utf8')) as { data: AvwxData };
    const { reports } = await readMetarBytes(bytes(kjfk.data.raw), {
      uri: 'KJFK',
      reference: { year: 2023, month: 10 },
    });
    expect(reports.map((r) => `${r.station} ${r.day}${r.hour}${r.minute}`)).toEqual([
      'KJFK 17551',
      'KJFK 17451',
    ]);
    // T01110072 = +11.1 / +7.2 (hand-decoded: sign digit 0 = plus, tenths of a degree).
    expect(reports[0]?.remarkTemperatureC).toBe(11.1);
    expect(reports[0]?.remarkDewpointC).toBe(7.2);
    const egll = JSON.parse(await readFile(join(AVWX, 'EGLL.json'), 'utf8')) as { data: AvwxData };
    const parsed = await readMetarBytes(bytes(egll.data.raw), {
      uri: 'EGLL',
      reference: { year: 2023, month: 10 },
    });
    expect(parsed.reports.map((r) => r.minute)).toEqual([50, 20, 50, 20]);
    expect(parsed.reports.map((r) => r.clearSky)).toEqual(['NCD', 'NCD', 'NCD', 'NCD']);
  });
});

describe('METAR in NWS bulletins (../shared/data/weather/pyiem-metar)', () => {
  /**
   * Parsed counts from pyIEM's own tests (tests/nws/products/test_metarcollect.py): badchars.txt 3,
   * collective.txt 11, collective2.txt 35, sa.txt 0 (SA format, not METAR). nullbyte.txt has no pyIEM
   * count; its one report holds a NUL byte and is rejected here by design.
   */
  const expected: Record<string, { parsed: number; rejected: Record<string, number>; near: string }> = {
    'badchars.txt': { parsed: 3, rejected: {}, near: '2018-06-04T00:00:00Z' },
    'collective.txt': {
      parsed: 11,
      rejected: { empty_report: 1, bad_time: 1, bad_station: 1 },
      near: '2013-08-08T14:00:00Z',
    },
    'collective2.txt': { parsed: 35, rejected: {}, near: '2018-02-01T00:00:00Z' },
    'nullbyte.txt': { parsed: 0, rejected: { control_character: 1 }, near: '2016-08-23T14:00:00Z' },
    'sa.txt': { parsed: 0, rejected: { bad_station: 4 }, near: '2017-08-24T14:00:00Z' },
  };

  it('reads every file of the folder with the expected counts', async () => {
    const files = (await readdir(PYIEM)).filter((f) => f.endsWith('.txt')).sort();
    const counts: Record<string, { parsed: number; rejected: Record<string, number> }> = {};
    for (const file of files) {
      const near = expected[file]?.near ?? '2020-01-01T00:00:00Z';
      const { reports, rejects } = await readMetarBytes(await readFile(join(PYIEM, file)), {
        uri: file,
        reference: { near: BigInt(Date.parse(near)) * 1_000_000n },
      });
      const rejected: Record<string, number> = {};
      for (const r of rejects) rejected[r.reason] = (rejected[r.reason] ?? 0) + (r.count ?? 1);
      counts[file] = { parsed: reports.length, rejected };
      for (const r of rejects) {
        expect(r.line).toBeGreaterThan(0);
        expect(r.offset).toBeGreaterThanOrEqual(0);
      }
    }
    expect(counts).toEqual(
      Object.fromEntries(
        Object.entries(expected).map(([f, e]) => [f, { parsed: e.parsed, rejected: e.rejected }]),
      ),
    );
  });

  it('resolves the 31st into January for a bulletin read on 1 February (pyIEM test_180201_unparsed)', async () => {
    const { reports } = await readMetarBytes(await readFile(join(PYIEM, 'collective2.txt')), {
      uri: 'collective2.txt',
      reference: { near: BigInt(Date.parse('2018-02-01T00:00:00Z')) * 1_000_000n },
    });
    expect(new Date(Number((reports[0]?.t ?? 0n) / 1_000_000n)).toISOString()).toBe(
      '2018-01-31T23:54:00.000Z',
    );
  });

  it('rejects the NUL report with its line and byte offset', async () => {
    const data = await readFile(join(PYIEM, 'nullbyte.txt'));
    const { rejects } = await readMetarBytes(data, {
      uri: 'nullbyte.txt',
      reference: { year: 2016, month: 8 },
    });
    expect(rejects).toHaveLength(1);
    // Line 5 (LF-counted) starts at byte 41 = SOH\r\r\n (4) + "671 \r\r\n" (7) + "SAUS46 KSGX 231401\r\r\n" (21) + "MTRNZY\r\r\n" (9).
    expect(rejects[0]).toMatchObject({
      uri: 'nullbyte.txt',
      line: 5,
      offset: 41,
      reason: 'control_character',
    });
    expect(rejects[0]?.text).toContain('\\x00');
  });

  it('decodes the groups of collective.txt as read by hand', async () => {
    const { reports } = await readMetarBytes(await readFile(join(PYIEM, 'collective.txt')), {
      uri: 'collective.txt',
      reference: { year: 2013, month: 8 },
    });
    const kmia = reports.find((r) => r.station === 'KMIA') as MetarReport;
    expect(kmia.wind).toMatchObject({ directionDeg: 160, speed: 32, gust: 45, unit: 'KT' });
    expect(kmia.wind?.speedMs).toBeCloseTo(32 * 0.514444, 4);
    expect(kmia.visibility).toMatchObject({ value: 0.5, unit: 'SM' });
    expect(kmia.visibility?.metres).toBeCloseTo(804.672, 6);
    expect(kmia.weather.map((w) => [w.intensity, w.descriptor, w.phenomena])).toEqual([
      ['heavy', undefined, ['FC']],
      ['heavy', 'TS', ['RA']],
      ['moderate', undefined, ['BR']],
    ]);
    expect(kmia.clouds.map((c) => c.raw)).toEqual(['SCT005', 'BKN016CB', 'OVC034']);
    expect(kmia.clouds[1]).toMatchObject({ cover: 'BKN', baseFt: 1600, type: 'CB' });
    expect([kmia.temperatureC, kmia.dewpointC, kmia.altimeter?.value]).toEqual([23, 19, 30.03]);
    // P0046: 0.46 in in the last hour = 11.684 mm.
    expect(kmia.precipitationLastHourMm).toBeCloseTo(11.684, 9);
    expect(conditionFromMetar(kmia)).toBe('thunderstorm');

    const kalo = reports.find((r) => r.station === 'KALO') as MetarReport;
    expect(kalo.auto).toBe(true);
    expect([kalo.temperatureC, kalo.dewpointC, kalo.remarkTemperatureC, kalo.remarkDewpointC]).toEqual([
      -4, -7, -4.4, -7.2,
    ]);
    const ksps = reports.find((r) => r.station === 'KSPS') as MetarReport;
    expect(ksps.weather[0]).toMatchObject({ descriptor: 'TS', phenomena: ['GR', 'RA'] });
    const kest = reports.find((r) => r.station === 'KEST') as MetarReport;
    expect(kest.weather.map((w) => [w.vicinity, w.raw])).toEqual([
      [true, 'VCTS'],
      [false, 'SQ'],
    ]);
    expect(conditionFromMetar(kest)).toBe('cloudy');
  });

  it('gives the same reports when the stream arrives one byte at a time', async () => {
    const data = await readFile(join(PYIEM, 'collective2.txt'));
    async function* bytewise(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < data.length; i++) {
        await Promise.resolve();
        yield data.subarray(i, i + 1);
      }
    }
    const reports: MetarReport[] = [];
    for await (const batch of readMetar(bytewise(), { uri: 'c2', reference: { year: 2018, month: 1 } })) {
      reports.push(...batch.records);
    }
    const whole = await readMetarBytes(data, { uri: 'c2', reference: { year: 2018, month: 1 } });
    expect(reports).toEqual(whole.reports);
  });
});

describe('METAR groups', () => {
  const parse = (text: string): MetarReport => {
    const parsed = parseMetarReport(text, { year: 2024, month: 6 });
    if ('reason' in parsed) throw new Error(parsed.message);
    return { ...parsed, line: 1, offset: 0 };
  };

  it('reads whole-and-fraction miles, metres, CAVOK, MPS winds, Q pressure and M temperatures', () => {
    const a = parse('KXYZ 150150Z 27015G25KT 1 1/2SM -SN BR OVC005 M01/M02 A2992');
    expect(a.visibility).toMatchObject({ value: 1.5, unit: 'SM', raw: '1 1/2SM' });
    expect([a.temperatureC, a.dewpointC]).toEqual([-1, -2]);
    expect(conditionFromMetar(a)).toBe('snow');
    const b = parse('UUEE 150130Z 24005MPS 0800 FG VV002 12/12 Q1009 NOSIG');
    expect(b.wind).toMatchObject({ directionDeg: 240, speed: 5, unit: 'MPS', speedMs: 5 });
    expect(b.visibility).toMatchObject({ value: 800, unit: 'm', metres: 800 });
    expect(b.clouds[0]).toMatchObject({ cover: 'VV', baseFt: 200 });
    expect(b.altimeter).toMatchObject({ value: 1009, unit: 'hPa', hPa: 1009 });
    expect(conditionFromMetar(b)).toBe('fog');
    const c = parse('EDDM 150120Z VRB02KT CAVOK 18/09 Q1021 BECMG 4000 RA');
    expect(c.wind?.variable).toBe(true);
    expect(c.wind?.directionDeg).toBeUndefined();
    expect(c.visibility?.cavok).toBe(true);
    // The trend after BECMG is a forecast, not weather now.
    expect(c.weather).toEqual([]);
    expect(conditionFromMetar(c)).toBe('clear');
    const d = parse('KXYZ 150150Z 00000KT M1/4SM +SHRA BR BKN002 OVC010 20/20 A2990 RMK P0012 T02000200');
    expect(d.visibility).toMatchObject({ value: 0.25, qualifier: 'less_than' });
    expect(d.precipitationLastHourMm).toBeCloseTo(3.048, 9);
    expect(conditionFromMetar(d)).toBe('rain');
    expect(conditionFromMetar(parse('KXYZ 150150Z 18010KT 10SM SCT030 BKN250 20/10 A2990'))).toBe('cloudy');
    expect(conditionFromMetar(parse('KXYZ 150150Z 18010KT 10SM FEW030 SCT250 20/10 A2990'))).toBe('clear');
    expect(conditionFromMetar(parse('KXYZ 150150Z 18010KT 2SM HZ 20/10 A2990'))).toBeUndefined();
    expect(conditionFromMetar(parse('KXYZ 150150Z 18010KT 1/2SM HZ 20/10 A2990'))).toBe('fog');
    expect(conditionFromMetar(parse('KXYZ 150150Z 18010KT 10SM VCSH SKC 20/10 A2990'))).toBe('clear');
  });

  it('reports NIL, empty, bad stations and impossible dates as problems', () => {
    expect(parseMetarReport('KXYZ 150150Z NIL', { year: 2024, month: 6 })).toMatchObject({
      reason: 'nil_report',
    });
    expect(parseMetarReport('KXYZ 150150Z', { year: 2024, month: 6 })).toMatchObject({
      reason: 'empty_report',
    });
    expect(parseMetarReport('K1 150150Z 00000KT', { year: 2024, month: 6 })).toMatchObject({
      reason: 'bad_station',
    });
    expect(parseMetarReport('KXYZ 310150Z 00000KT', { year: 2024, month: 6 })).toMatchObject({
      reason: 'bad_time',
    });
    expect(resolveMetarTime(31, 12, 0, { near: BigInt(Date.UTC(2024, 2, 1)) * 1_000_000n })).toBe(
      BigInt(Date.UTC(2024, 0, 31, 12)) * 1_000_000n,
    );
  });

  it('never throws on random bytes, and rejects what it cannot read', async () => {
    const random = seededRandom(42);
    const noise = new Uint8Array(20_000);
    for (let i = 0; i < noise.length; i++) noise[i] = random.int(0, 256);
    const { reports, rejects } = await readMetarBytes(noise, {
      uri: 'noise',
      reference: { year: 2024, month: 6 },
    });
    expect(reports).toEqual([]);
    expect(rejects.length).toBeGreaterThan(0);
  });
});
