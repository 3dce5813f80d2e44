/**
 * Detection in the transform's own process (`transformDriveWithTimeline` → `detectDrive({timeline})`,
 * as `adlake transform --detect` and `adlake demo` run it) must find exactly what a separate `adlake detect`
 * finds from the stored rows: the in-memory timeline is checked against `readTimeline`, column by column.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { runCli } from '../../cli/run.js';
import { DecodeError, UsageError } from '../../core/errors.js';
import { inThreadEncoder } from '../../catalog/parquetWriter.js';
import { demoWeatherFiles } from '../../ingest/demo/demoWeather.js';
import { generateDemoDrive } from '../../ingest/demo/generateDemoDrive.js';
import { ingestPaths } from '../../ingest/ingestPaths.js';
import { detectDrive } from '../../transforms/detectDrive.js';
import { readTimeline, storedTimeline } from '../../transforms/readTimeline.js';
import { writeTimeline } from '../../transforms/sync/writeTimeline.js';
import { textColumn, textValues, type TextColumn, type Timeline } from '../../transforms/timeline.js';
import { transformDriveWithTimeline } from '../../transforms/transformDrive.js';
import { observationFilesProvider } from '../../transforms/weather/observationFilesProvider.js';

/**
 * Columns as plain arrays, so `toEqual` compares values: NaN written as null (NaN equals NaN there too),
 * text as labels (codes differ between a timeline made and one read back: the labels must not).
 */
function columns(timeline: Timeline): Record<string, unknown> {
  const plain = (record: object): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(record as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]): [string, unknown] => [
          k,
          v instanceof Float64Array ? Array.from(v) : textValues(v as TextColumn),
        ])
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  return {
    driveId: timeline.driveId,
    vehicle: timeline.vehicle,
    hz: timeline.hz,
    t: Array.from(timeline.t),
    numeric: plain(timeline.numeric),
    text: plain(timeline.text),
    enrichment: plain(timeline.enrichment),
  };
}

describe('the stored timeline, kept in memory by the transform', () => {
  let dir: string;
  let store: LocalObjectStore;
  let driveId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adlake-stored-timeline-'));
    const drive = generateDemoDrive({ seed: 3 });
    const folder = join(dir, 'drive');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'can0.log'), `${[...drive.candump()].join('\n')}\n`, 'latin1');
    await writeFile(join(folder, 'gps.nmea'), `${[...drive.nmea()].join('\r\n')}\r\n`, 'latin1');
    await writeFile(join(folder, 'demo.dbc'), drive.dbc, 'latin1');
    for (const file of demoWeatherFiles(drive)) {
      const path = join(dir, 'weather', ...file.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.bytes);
    }
    store = await LocalObjectStore.open({ root: join(dir, 'lake') });
    const report = await ingestPaths({ store, paths: [folder], dbcs: [], vehicle: 'demo' });
    driveId = report.driveId ?? '';
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([10, 512])(
    // 512 Hz: ticks 1,953,125 ns apart, not whole microseconds as the file stores them.
    'equals what readTimeline reads back, at %i Hz',
    async (hz) => {
      const weather = observationFilesProvider({
        store: await LocalObjectStore.open({ root: join(dir, 'weather') }),
      });
      const { timeline } = await transformDriveWithTimeline(store, {
        driveId,
        weather,
        config: { sync: { signals: {}, policies: {}, hz } },
      });
      const stored = await readTimeline(store, driveId);
      expect(columns(timeline)).toEqual(columns(stored));
      // Weather columns the demo station lacks (all null) are dropped, as reading them back drops them.
      expect(Object.keys(timeline.enrichment).sort()).toEqual(Object.keys(stored.enrichment).sort());

      const inMemory = await detectDrive(store, { driveId, timeline });
      const readBack = await detectDrive(store, { driveId });
      expect(inMemory.scenarios.length).toBeGreaterThan(0);
      expect(inMemory.scenarios).toEqual(readBack.scenarios);
      expect(inMemory.skipped).toEqual(readBack.skipped);
    },
    120_000,
  );

  it('drops all-NaN and all-null columns and truncates ticks to microseconds', () => {
    const timeline: Timeline = {
      driveId: 'd',
      vehicle: 'v',
      hz: 3,
      t: BigInt64Array.from([333_333_333n, 666_666_666n]),
      numeric: { speed: Float64Array.from([1, NaN]), brake: Float64Array.from([NaN, NaN]) },
      text: { gear: textColumn(['D', null]), turn_signal: textColumn([null, null]) },
      enrichment: { air_temp: Float64Array.from([NaN, NaN]), light: textColumn(['day', 'day']) },
    };
    const stored = storedTimeline(timeline);
    expect(Array.from(stored.t)).toEqual([333_333_000n, 666_666_000n]);
    expect(Object.keys(stored.numeric)).toEqual(['speed']);
    expect(Object.keys(stored.text)).toEqual(['gear']);
    expect(Object.keys(stored.enrichment)).toEqual(['light']);
  });

  it('keeps ticks that are whole microseconds as they are, past 2^32 ns and before 1970 too', () => {
    const base: Timeline = {
      driveId: 'd',
      vehicle: 'v',
      hz: 10,
      t: new BigInt64Array(0),
      numeric: {},
      text: {},
      enrichment: {},
    };
    const exact = BigInt64Array.from([1_718_000_000_000_000_000n, 4_294_968_000n, -5_000n, 0n]);
    expect(storedTimeline({ ...base, t: exact }).t).toBe(exact);
    for (const odd of [1_718_000_000_000_000_001n, 4_294_967_296n, -1_001n]) {
      const t = BigInt64Array.from([...exact, odd]);
      expect(storedTimeline({ ...base, t }).t.at(-1)).toBe((odd / 1000n) * 1000n);
    }
  });

  it('reads back a timeline written in many parts across midnight: NaN, nulls and all-null columns', async () => {
    const lake = await LocalObjectStore.open({ root: join(dir, 'parts-lake') });
    // 11 ticks at 10 Hz, the first 3 before midnight UTC: a 3-row part, then parts of 4 rows.
    const midnight = 1_718_409_600_000_000_000n;
    const t = BigInt64Array.from({ length: 11 }, (_, i) => midnight + BigInt(i - 3) * 100_000_000n);
    const timeline: Timeline = {
      driveId: 'parts',
      vehicle: 'v',
      hz: 10,
      t,
      numeric: {
        speed: Float64Array.from({ length: 11 }, (_, i) => (i % 4 === 1 ? NaN : i * 1.5)),
        brake: new Float64Array(11).fill(NaN),
        // Values only in the last part.
        lat: Float64Array.from({ length: 11 }, (_, i) => (i >= 9 ? 48 + i / 1000 : NaN)),
      },
      text: {
        gear: textColumn(
          Array.from({ length: 11 }, (_, i) => (i === 0 || i === 6 ? null : i < 5 ? 'P' : 'D')),
        ),
        turn_signal: textColumn(new Array<string | null>(11).fill(null)),
      },
      enrichment: {
        light: textColumn(Array.from({ length: 11 }, (_, i) => (i < 3 ? 'night' : 'twilight'))),
      },
    };
    const files = await writeTimeline(lake, timeline, { rowsPerFile: 4 });
    expect(files.length).toBe(3); // 3 rows before midnight, then 4 and 4
    expect(columns(await readTimeline(lake, 'parts'))).toEqual(columns(storedTimeline(timeline)));
    // Some columns only: the others are absent as if never stored; lat (values in the last part only,
    // NULL by statistics before) still reads.
    const some = await readTimeline(lake, 'parts', { columns: ['speed', 'lat', 'turn_signal', 'light'] });
    const stored = storedTimeline(timeline);
    expect(columns(some)).toEqual(
      columns({
        ...stored,
        numeric: { speed: stored.numeric.speed, lat: stored.numeric.lat },
        text: {},
        enrichment: { light: stored.enrichment.light },
      }),
    );
  });

  it('reads parts of other writers too (parquet-wasm, snappy: another reader), and names a broken part', async () => {
    const t = BigInt64Array.from(
      { length: 9 },
      (_, i) => 1_718_409_600_000_000_000n + BigInt(i) * 100_000_000n,
    );
    const timeline: Timeline = {
      driveId: 'other-writer',
      vehicle: 'v',
      hz: 10,
      t,
      numeric: { speed: Float64Array.from({ length: 9 }, (_, i) => (i === 4 ? NaN : i * 2.5)) },
      text: { gear: textColumn(Array.from({ length: 9 }, (_, i) => (i === 2 ? null : i < 5 ? 'P' : 'D'))) },
      enrichment: { sun_elevation: Float64Array.from({ length: 9 }, (_, i) => -10 + i) },
    };
    for (const compression of ['snappy', 'zstd'] as const) {
      const lake = await LocalObjectStore.open({ root: join(dir, `other-writer-${compression}`) });
      await writeTimeline(lake, timeline, {
        rowsPerFile: 4,
        encoder: inThreadEncoder,
        parquet: { compression },
      });
      expect(columns(await readTimeline(lake, 'other-writer'))).toEqual(columns(storedTimeline(timeline)));
    }
    // A part cut short: the error names its file.
    const lake = await LocalObjectStore.open({ root: join(dir, 'broken-part') });
    const files = await writeTimeline(lake, timeline, { rowsPerFile: 4 });
    const broken = files[1] as (typeof files)[number];
    const bytes = await lake.get(broken.key);
    await lake.put(broken.key, bytes.subarray(0, bytes.length - 20));
    await expect(readTimeline(lake, 'other-writer')).rejects.toThrow(DecodeError);
    await expect(readTimeline(lake, 'other-writer')).rejects.toMatchObject({
      where: { uri: lake.uriOf(broken.key) },
    });
  });

  it("refuses another drive's timeline", async () => {
    const timeline = await readTimeline(store, driveId);
    await expect(detectDrive(store, { driveId: 'other', timeline })).rejects.toThrow(UsageError);
  });

  it('adlake transform --detect writes the scenarios and reports them', async () => {
    let out = '';
    const code = await runCli(['transform', driveId, '--detect', '--lake', join(dir, 'lake'), '--json'], {
      cwd: dir,
      env: {},
      isTTY: false,
      stdout: (t) => void (out += t),
      stderr: () => undefined,
    });
    expect(code).toBe(0);
    const data = JSON.parse(out) as { detected: { driveId: string; scenarios: unknown[] }[] };
    expect(data.detected).toHaveLength(1);
    expect(data.detected[0]?.driveId).toBe(driveId);
    const separate = await detectDrive(store, { driveId });
    expect(data.detected[0]?.scenarios).toHaveLength(separate.scenarios.length);
  }, 120_000);
});
