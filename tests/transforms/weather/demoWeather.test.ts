import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PartitionedTableWriter } from '../../../catalog/tableWriter.js';
import { DEMO_MESSAGES } from '../../../ingest/demo/demoVehicle.js';
import {
  demoWeatherCondition,
  demoWeatherFiles,
  DEMO_WEATHER_STATION,
} from '../../../ingest/demo/demoWeather.js';
import { generateDemoDrive, type DemoDrive } from '../../../ingest/demo/generateDemoDrive.js';
import { textValues, type Timeline } from '../../../transforms/timeline.js';
import { conditionFromIsd, conditionFromMetar } from '../../../transforms/weather/condition.js';
import { parseIsdLine, type IsdRecord } from '../../../transforms/weather/isd.js';
import { enrichWeather } from '../../../transforms/weather/matchWeather.js';
import { parseMetarReport } from '../../../transforms/weather/metar.js';
import { observationFilesProvider } from '../../../transforms/weather/observationFilesProvider.js';
import { WEATHER, weatherToBatch } from '../../../transforms/weather/weatherTable.js';
import { openDuck, sqlString } from '../../catalog/duckdb.js';
import { tempLake } from '../../catalog/tempLake.js';

const HOUR_NS = 3_600_000_000_000n;

/** The demo vehicle's outside temperature, decoded from its first BODY frame (OUTSIDE_TEMP: float32 LE at byte 4). */
function vehicleTemperature(drive: DemoDrive): number {
  const body = DEMO_MESSAGES.find((m) => m.name === 'BODY');
  for (const frame of drive.frames()) {
    if (frame.id !== body?.id) continue;
    return new DataView(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength).getFloat32(4, true);
  }
  throw new Error('no BODY frame');
}

function isdRecords(drive: DemoDrive): IsdRecord[] {
  const records: IsdRecord[] = [];
  for (const file of demoWeatherFiles(drive)) {
    if (!file.path.endsWith('.gz')) continue;
    const lines = gunzipSync(file.bytes)
      .toString('latin1')
      .split('\n')
      .filter((l) => l.length > 0);
    lines.forEach((line, i) => {
      const parsed = parseIsdLine(line, i + 1);
      if ('reason' in parsed) throw new Error(`${file.path}:${i + 1}: ${parsed.message}`);
      records.push(parsed);
    });
  }
  return records;
}

describe('demo weather files', () => {
  it('lay out a synthetic station like the NOAA bucket', () => {
    const drive = generateDemoDrive({ seed: 3 });
    const files = demoWeatherFiles(drive);
    const year = new Date(Number(drive.startNs / 1_000_000n)).getUTCFullYear();
    expect(files.map((f) => f.path)).toEqual(['isd-history.csv', `data/${year}/999999-99999-${year}.gz`]);
    const history = new TextDecoder().decode(files[0]?.bytes);
    expect(history).toContain(
      '"999999","99999","ADLAKE DEMO WX (SYNTHETIC)","GM","","XDEM","+48.100","+011.537"',
    );
    // Identical for the same seed.
    expect(demoWeatherFiles(generateDemoDrive({ seed: 3 }))).toEqual(files);
  });

  it('write valid ISD lines, hourly around the drive, agreeing with their own METAR remark', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const drive = generateDemoDrive({ seed });
      const records = isdRecords(drive);
      const end = drive.startNs + BigInt(Math.round(drive.groundTruth.duration_s * 1e9));
      expect(records[0]?.t).toBeLessThanOrEqual(drive.startNs - HOUR_NS);
      expect(records[records.length - 1]?.t).toBeGreaterThanOrEqual(end + HOUR_NS);
      for (let i = 1; i < records.length; i++)
        expect((records[i]?.t ?? 0n) - (records[i - 1]?.t ?? 0n)).toBe(HOUR_NS);
      const condition = demoWeatherCondition(seed);
      for (const r of records) {
        expect(r.unknownAdditional).toBeUndefined();
        expect(r.lat).toBe(DEMO_WEATHER_STATION.lat);
        expect(conditionFromIsd(r)).toBe(condition);
        const metar = parseMetarReport(r.metar ?? '', { near: r.t });
        if ('reason' in metar) throw new Error(metar.message);
        expect(metar.t).toBe(r.t);
        expect(conditionFromMetar(metar)).toBe(condition);
        expect(Math.abs((metar.temperatureC ?? Number.NaN) - (r.airTempC ?? Number.NaN))).toBeLessThanOrEqual(
          0.5,
        );
      }
    }
  });

  it('choose the weather by seed: seeds 1-20 have clear, cloudy and rainy drives', () => {
    const conditions = new Set(Array.from({ length: 20 }, (_, i) => demoWeatherCondition(i + 1)));
    expect([...conditions].sort()).toEqual(expect.arrayContaining(['clear', 'cloudy', 'rain']));
  });

  it('report the temperature the demo vehicle measures, within 1.5 °C', () => {
    for (const seed of [1, 7, 11]) {
      const drive = generateDemoDrive({ seed });
      const outside = vehicleTemperature(drive);
      for (const r of isdRecords(drive))
        expect(Math.abs((r.airTempC ?? Number.NaN) - outside)).toBeLessThan(1.5);
    }
  });
});

describe('weather enrichment of a demo drive, end to end', () => {
  it('finds the demo station, matches the drive and writes the weather table', async () => {
    const seed = 2;
    const drive = generateDemoDrive({ seed });
    const store = await tempLake();
    for (const file of demoWeatherFiles(drive)) await store.put(`weather/${file.path}`, file.bytes);

    // A 1 Hz timeline from the GNSS fixes, with the vehicle's outside temperature.
    const fixes = [...drive.fixes()].filter((_, i) => i % 10 === 0);
    const timeline: Timeline = {
      driveId: 'demo-2',
      vehicle: 'demo-vehicle',
      hz: 1,
      t: BigInt64Array.from(fixes, (f) => f.micros * 1000n),
      numeric: {
        lat: Float64Array.from(fixes, (f) => f.lat),
        lon: Float64Array.from(fixes, (f) => f.lon),
        outside_temp: new Float64Array(fixes.length).fill(vehicleTemperature(drive)),
      },
      text: {},
      enrichment: {},
    };
    const result = await enrichWeather(timeline, observationFilesProvider({ store, prefix: 'weather/' }));
    expect(result.report).toMatchObject({
      status: 'matched',
      provider: 'isd',
      station: '999999-99999',
      source: 'isd',
      ticksWithWeather: fixes.length,
      skipped: 0,
    });
    expect(result.report.distanceKm).toBeGreaterThan(1);
    expect(result.report.distanceKm).toBeLessThan(6);
    const condition = demoWeatherCondition(seed);
    expect(textValues(result.enrichment.weather_condition!).every((c) => c === condition)).toBe(true);
    expect(result.disagreement).toBeUndefined();
    expect(result.summary).toMatch(
      new RegExp(`^${condition}, \\d+\\.\\d °C \\(999999-99999, \\d\\.\\d km\\)$`),
    );

    const writer = new PartitionedTableWriter({
      store,
      table: WEATHER,
      vehicle: 'demo-vehicle',
      driveId: 'demo-2',
    });
    await writer.append(weatherToBatch(result.rows));
    const written = await writer.close();
    expect(written.reduce((sum, f) => sum + f.rows, 0)).toBe(result.rows.length);
    const duck = await openDuck();
    try {
      const glob = `${store.root}/tables/weather/**/*.parquet`;
      const rows = await duck.rows(
        `SELECT drive_id, source, station, condition, temperature, typeof(t) AS t_type, vehicle
         FROM read_parquet(${sqlString(glob)}, hive_partitioning = true) ORDER BY t`,
      );
      expect(rows).toHaveLength(result.rows.length);
      expect(rows[0]).toMatchObject({
        drive_id: 'demo-2',
        source: 'isd',
        station: '999999-99999',
        condition,
        t_type: 'TIMESTAMP WITH TIME ZONE',
        vehicle: 'demo-vehicle',
      });
      expect(Math.abs(Number(rows[0]?.temperature) - (result.rows[0]?.temperatureC ?? 0))).toBeLessThan(1e-9);
    } finally {
      duck.close();
    }
  });
});
