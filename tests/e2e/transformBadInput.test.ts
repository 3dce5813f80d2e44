/**
 * Transform and detect on bad input, end to end: each drive is the demo drive (seed 1) with something
 * missing or broken, ingested into its own lake and run through `transformDrive`/`detectDrive` or the CLI.
 * Nothing here may crash: a missing source is skipped and reported, a bad record is counted and named,
 * and a bad config or a missing step is an error with the right exit code.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { runCli } from '../../cli/run.js';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { demoWeatherFiles, type DemoWeatherFile } from '../../ingest/demo/demoWeather.js';
import { generateDemoDrive, type DemoDrive } from '../../ingest/demo/generateDemoDrive.js';
import { seededRandom } from '../../ingest/demo/random.js';
import { ingestPaths } from '../../ingest/ingestPaths.js';
import { detectDrive, type DetectReport } from '../../transforms/detectDrive.js';
import { readTimeline } from '../../transforms/readTimeline.js';
import { truthOf } from '../../transforms/scenarios/demoTruth.js';
import { scoreScenarios, type TypeScore } from '../../transforms/scenarios/scoreScenarios.js';
import { NUMERIC_SIGNAL_NAMES, textColumn, textValues, type Timeline } from '../../transforms/timeline.js';
import { parseTransformConfig } from '../../transforms/transformConfig.js';
import { transformDrive, type TransformReport } from '../../transforms/transformDrive.js';
import { observationFilesProvider } from '../../transforms/weather/observationFilesProvider.js';
import { openDuck, sqlString } from '../catalog/duckdb.js';

interface Captured {
  code: number;
  out: string;
  err: string;
}

async function cli(argv: string[], cwd: string): Promise<Captured> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    cwd,
    env: {},
    isTTY: false,
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
  });
  return { code, out, err };
}

/** One drive in a lake of its own (ingest skips files a lake already has, and these drives share files). */
interface LakeDrive {
  root: string;
  store: LocalObjectStore;
  driveId: string;
}

async function writeFiles(folder: string, files: Record<string, string>): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text, 'latin1');
}

async function writeWeather(folder: string, files: readonly DemoWeatherFile[]): Promise<void> {
  for (const file of files) {
    const path = join(folder, ...file.path.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.bytes);
  }
}

/**
 * The demo weather with broken ISD records: the first line cut short, garbage lines (one with NUL and
 * 0xFF bytes) inserted as records 3 and 4, the last line's length field wrong. The observation nearest
 * the drive (2 hours from either end of the file) stays intact.
 */
function corruptIsd(files: readonly DemoWeatherFile[]): DemoWeatherFile[] {
  return files.map((file) => {
    if (!file.path.endsWith('.gz')) return file;
    const lines = Buffer.from(gunzipSync(file.bytes)).toString('latin1').trimEnd().split('\n');
    const last = lines.length - 1;
    lines[0] = (lines[0] ?? '').slice(0, 40);
    lines[last] = `9999${(lines[last] ?? '').slice(4)}`;
    lines.splice(2, 0, 'garbage \u0000\u00ff not an ISD record', '#'.repeat(120));
    return { path: file.path, bytes: gzipSync(Buffer.from(`${lines.join('\n')}\n`, 'latin1')) };
  });
}

/** The METAR report the ISD file carries for the hour nearest `t` (its `REM MET` remark). */
function metarNear(files: readonly DemoWeatherFile[], t: bigint): string {
  const gz = files.find((f) => f.path.endsWith('.gz'));
  const lines = Buffer.from(gunzipSync(gz?.bytes ?? new Uint8Array()))
    .toString('latin1')
    .trim()
    .split('\n');
  // ISD control section, positions 16-27: date and time of the observation, YYYYMMDDHHMM, UTC.
  const offset = (line: string): number => {
    const d = (from: number, to: number): number => Number(line.slice(from, to));
    const ms = Date.UTC(d(15, 19), d(19, 21) - 1, d(21, 23), d(23, 25), d(25, 27));
    return Math.abs(ms - Number(t / 1_000_000n));
  };
  const nearest = lines.reduce((best, line) => (offset(line) < offset(best) ? line : best));
  const metar = /REMMET\d{3}(METAR .*)$/.exec(nearest)?.[1];
  if (metar === undefined) throw new Error(`no METAR remark in ${nearest}`);
  return metar;
}

/**
 * The demo's candump lines with one block of 300 lines shuffled (seeded) and every 50th line logged twice.
 */
function disorder(lines: readonly string[]): string[] {
  const random = seededRandom(4);
  const out = [...lines];
  const from = Math.floor(out.length / 3);
  for (let i = from + 299; i > from; i--) {
    const j = from + random.int(0, i - from + 1);
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out.flatMap((line, i) => (i % 50 === 0 ? [line, line] : [line]));
}

/** The types with a missed label or a false alarm. */
function misses(scores: readonly TypeScore[]): string[] {
  return scores.filter((s) => s.fn > 0 || s.fp > 0).map((s) => `${s.type}: ${s.fn} missed, ${s.fp} extra`);
}

function scenarioTimes(report: DetectReport): { type: string; start_ns: bigint; end_ns: bigint }[] {
  return report.scenarios.map((s) => ({ type: s.type, start_ns: s.start_ns, end_ns: s.end_ns }));
}

describe('transform and detect on bad input', () => {
  let dir: string;
  let drive: DemoDrive;
  let weatherDir: string;
  /** CAN and DBC only, no GPS. */
  let canOnly: LakeDrive;
  /** GPS only. */
  let gpsOnly: LakeDrive;
  /** CAN (out of order, with duplicates) and DBC. */
  let shuffled: LakeDrive;
  /** Ingested, never transformed. */
  let raw: LakeDrive;
  let canOnlyTransform: TransformReport;
  let canOnlyDetect: DetectReport;
  let gpsOnlyTransform: TransformReport;
  let gpsOnlyDetect: DetectReport;
  let shuffledTransform: TransformReport;
  let canOnlyTimeline: Timeline;
  let shuffledTimeline: Timeline;

  const ingest = async (name: string, files: Record<string, string>): Promise<LakeDrive> => {
    const folder = join(dir, 'drives', name);
    await writeFiles(folder, files);
    const root = join(dir, `lake-${name}`);
    const store = await LocalObjectStore.open({ root });
    const report = await ingestPaths({ store, paths: [folder], dbcs: [], vehicle: 'demo' });
    expect(report.status, name).toBe('ingested');
    return { root, store, driveId: report.driveId ?? '' };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adlake-transform-bad-'));
    drive = generateDemoDrive({ seed: 1 });
    const candump = [...drive.candump()];
    const nmea = [...drive.nmea()];
    const can = `${candump.join('\n')}\n`;
    const gps = `${nmea.join('\r\n')}\r\n`;
    weatherDir = join(dir, 'weather');
    await writeWeather(weatherDir, demoWeatherFiles(drive));
    const weather = observationFilesProvider({ store: await LocalObjectStore.open({ root: weatherDir }) });

    canOnly = await ingest('can-only', { 'can0.log': can, 'demo.dbc': drive.dbc });
    gpsOnly = await ingest('gps-only', { 'gps.nmea': gps });
    shuffled = await ingest('shuffled', {
      'can0.log': `${disorder(candump).join('\n')}\n`,
      'demo.dbc': drive.dbc,
    });
    raw = await ingest('raw', { 'gps.nmea': `${nmea.slice(0, 50).join('\r\n')}\r\n` });

    canOnlyTransform = await transformDrive(canOnly.store, { driveId: canOnly.driveId, weather });
    canOnlyDetect = await detectDrive(canOnly.store, { driveId: canOnly.driveId });
    canOnlyTimeline = await readTimeline(canOnly.store, canOnly.driveId);
    gpsOnlyTransform = await transformDrive(gpsOnly.store, { driveId: gpsOnly.driveId, weather });
    gpsOnlyDetect = await detectDrive(gpsOnly.store, { driveId: gpsOnly.driveId });
    shuffledTransform = await transformDrive(shuffled.store, { driveId: shuffled.driveId });
    shuffledTimeline = await readTimeline(shuffled.store, shuffled.driveId);
  }, 180_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('a drive without GPS (CAN and DBC only)', () => {
    it('transforms without weather and says why', () => {
      expect(canOnlyTransform.weather).toMatchObject({ status: 'none', reason: 'no_positions' });
      expect(canOnlyTransform.weatherSummary).toBeUndefined();
      expect(canOnlyTransform.sync.missing).toEqual(expect.arrayContaining(['lat', 'lon', 'alt', 'heading']));
      expect(canOnlyTransform.sync.clockOffset).toMatchObject({ applied: false, reason: 'no_gps_speed' });
      expect(canOnlyTransform.light).toEqual({ day: 0, twilight: 0, night: 0 });
      expect(canOnlyTimeline.numeric.lat).toBeUndefined();
      expect(canOnlyTimeline.numeric.lon).toBeUndefined();
      expect(canOnlyTimeline.numeric.speed).toBeDefined();
      expect(canOnlyTimeline.enrichment.sun_elevation).toBeUndefined();
    });

    it('records in the quality table that the drive has no GNSS fixes', async () => {
      const duck = await openDuck();
      try {
        const rows = await duck.rows(`
          SELECT signal, samples, gps_low_quality_share
          FROM read_parquet(${sqlString(join(canOnly.root, 'tables/quality/**/*.parquet'))})
          WHERE signal IN ('_gps', 'speed')
          ORDER BY signal`);
        expect(rows).toEqual([
          { signal: '_gps', samples: 0n, gps_low_quality_share: null },
          { signal: 'speed', samples: expect.any(BigInt) as bigint, gps_low_quality_share: null },
        ]);
      } finally {
        duck.close();
      }
    });

    it('fails the quality gate, naming lat and lon, when the config expects a position', async () => {
      await writeFile(join(dir, 'expect-position.json'), JSON.stringify({ expectedSignals: ['lat', 'lon'] }));
      const result = await cli(
        ['transform', canOnly.driveId, '--lake', canOnly.root, '--config', 'expect-position.json', '--json'],
        dir,
      );
      expect(result.code, result.err).toBe(65); // a drive failed its gates
      const data = JSON.parse(result.out) as { drives: TransformReport[] };
      const quality = data.drives[0]?.quality;
      expect(quality?.status).toBe('fail');
      expect(quality?.reasons.map((r) => r.code)).toEqual(
        expect.arrayContaining(['missing:lat', 'missing:lon']),
      );
      expect(quality?.reasons.find((r) => r.code === 'missing:lat')?.message).toContain('lat has no samples');
    });

    it('detects the CAN maneuvers and leaves position fields null', () => {
      const truth = truthOf(drive);
      const scores = scoreScenarios(
        truth,
        scenarioTimes(canOnlyDetect).filter((s) => truth.some((t) => t.type === s.type)),
      );
      expect(misses(scores)).toEqual([]);
      expect(canOnlyDetect.scenarios.length).toBeGreaterThanOrEqual(truth.length);
      for (const s of canOnlyDetect.scenarios) {
        expect(
          [s.start_lat, s.start_lon, s.end_lat, s.end_lon, s.min_lat, s.min_lon, s.max_lat, s.max_lon],
          s.description,
        ).toEqual(new Array(8).fill(null));
        expect(s.weather).toBeNull();
        expect(s.light).toBeNull();
        expect(s.metrics.max_speed).not.toBeNull();
      }
      const skipped = Object.fromEntries(canOnlyDetect.skipped.map((s) => [s.type, s.reason]));
      expect(skipped.night_driving).toMatch(/position/);
      expect(skipped.adverse_weather).toMatch(/weather/);
    });
  });

  describe('a drive with only GPS', () => {
    it('takes speed and heading from the receiver', () => {
      const sources = Object.fromEntries(gpsOnlyTransform.sync.sources.map((s) => [s.signal, s.source]));
      expect(sources).toMatchObject({
        speed: 'gps:speed',
        heading: 'gps:course',
        lat: 'gps:lat',
        lon: 'gps:lon',
      });
      expect(gpsOnlyTransform.sync.missing).toEqual(
        expect.arrayContaining(['accel_long', 'yaw_rate', 'steering_angle', 'gear']),
      );
      expect(gpsOnlyTransform.quality.status).toBe('pass');
      expect(gpsOnlyTransform.weather.status).toBe('matched');
    });

    it('detects the maneuvers from GNSS alone and lists the detectors that need CAN', () => {
      const truth = truthOf(drive);
      const scores = scoreScenarios(
        truth,
        scenarioTimes(gpsOnlyDetect).filter((s) => truth.some((t) => t.type === s.type)),
      );
      // docs/scenarios.md: GNSS fixes only, precision and recall 1.000 for every type on seeds 1-40.
      expect(misses(scores)).toEqual([]);
      const skipped = Object.fromEntries(gpsOnlyDetect.skipped.map((s) => [s.type, s.reason]));
      expect(skipped.reversing).toMatch(/gear/);
      // Accelerations and yaw are derived from GNSS speed and course instead of being skipped.
      for (const type of ['hard_braking', 'hard_acceleration', 'left_turn', 'lane_change', 'stop'])
        expect(skipped[type], type).toBeUndefined();
      for (const s of gpsOnlyDetect.scenarios) expect(s.start_lat, s.description).not.toBeNull();
    });
  });

  describe('CAN timestamps out of order, with duplicates', () => {
    it('reports backward steps and duplicates in quality', () => {
      const codes = shuffledTransform.quality.reasons.map((r) => r.code);
      expect(codes).toContain('non_monotonic:speed');
      expect(codes).toContain('duplicates:speed');
      expect(shuffledTransform.quality.status).toBe('fail'); // a clock running backwards fails by default
      expect(canOnlyTransform.quality.reasons.map((r) => r.code)).not.toContain('non_monotonic:speed');
    });

    it('still builds the same timeline as the drive in order', () => {
      expect(shuffledTimeline.t).toEqual(canOnlyTimeline.t);
      const signals = NUMERIC_SIGNAL_NAMES.filter((s) => canOnlyTimeline.numeric[s] !== undefined);
      expect(signals).toContain('speed');
      expect(signals.filter((s) => shuffledTimeline.numeric[s] === undefined)).toEqual([]);
      for (const signal of signals) {
        const expected = canOnlyTimeline.numeric[signal] ?? new Float64Array();
        const got = shuffledTimeline.numeric[signal] ?? new Float64Array();
        let worst = 0;
        expected.forEach((v, i) => {
          const w = got[i] ?? Number.NaN;
          worst = Math.max(
            worst,
            Number.isNaN(v) !== Number.isNaN(w) ? Infinity : Number.isNaN(v) ? 0 : Math.abs(v - w),
          );
        });
        expect(worst, signal).toBeLessThan(1e-9);
      }
      expect(textValues(shuffledTimeline.text.gear!)).toEqual(textValues(canOnlyTimeline.text.gear!));
    });
  });

  describe('config files with unknown keys or wrong types', () => {
    const badTransform = {
      sync: { hz: 'fast', colour: 2 },
      quality: { gap: { period: 3 } },
      weather: { radiusKm: 'far' },
      colour: 1,
    };

    it('names every bad key of a transform config in one error', () => {
      let error: unknown;
      try {
        parseTransformConfig(badTransform, 'bad.json');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      const message = (error as Error).message;
      for (const key of [
        'sync.hz',
        'sync.colour: unknown key',
        'gap.period: unknown key',
        'weather.radiusKm',
        'colour: unknown key',
        'bad.json',
      ])
        expect(message).toContain(key);
    });

    it('exits 64 from the CLI, naming the keys, for transform and detect', async () => {
      await writeFile(join(dir, 'bad-transform.json'), JSON.stringify(badTransform));
      const transform = await cli(
        ['transform', raw.driveId, '--lake', raw.root, '--config', 'bad-transform.json'],
        dir,
      );
      expect(transform.code).toBe(64);
      for (const key of ['sync.hz', 'gap.period', 'weather.radiusKm', 'colour: unknown key'])
        expect(transform.err).toContain(key);

      await writeFile(
        join(dir, 'bad-detect.json'),
        JSON.stringify({ turn: { enter_deg_s: 'fast' }, high_velocity: { enter_kmh: -5 }, colour: 1 }),
      );
      const detect = await cli(
        ['detect', raw.driveId, '--lake', raw.root, '--config', 'bad-detect.json'],
        dir,
      );
      expect(detect.code).toBe(64);
      for (const key of ['turn.enter_deg_s', 'high_velocity.enter_kmh', 'colour', 'bad-detect.json'])
        expect(detect.err).toContain(key);
    });
  });

  describe('a weather folder with malformed records', () => {
    it('still matches the observation and counts and names every skipped record', async () => {
      const files = demoWeatherFiles(drive);
      const folder = join(dir, 'weather-bad');
      await writeWeather(folder, corruptIsd(files));
      const metar = [
        metarNear(files, drive.startNs), // the same observation the ISD file has, as a METAR report
        'METAR XDEM 15XX50Z garbage',
        '\u0001\u0002\u0003 binary noise',
        'METAR XDEM 150750Z',
      ];
      await writeFiles(join(folder, 'metar'), { 'XDEM.txt': `${metar.join('\n')}\n` });
      const weather = observationFilesProvider({ store: await LocalObjectStore.open({ root: folder }) });
      const report = await transformDrive(gpsOnly.store, { driveId: gpsOnly.driveId, weather });

      expect(report.weather.status).toBe('matched');
      expect(report.weather).toMatchObject({ ticksWithWeather: report.sync.ticks });
      const timeline = await readTimeline(gpsOnly.store, gpsOnly.driveId);
      const condition = new Set(textValues(timeline.enrichment.weather_condition ?? textColumn([])));
      expect(condition.size).toBe(1);
      expect(report.weatherSummary?.split(',')[0]).toBe(gpsOnlyTransform.weatherSummary?.split(',')[0]);

      if (!('rejects' in report.weather)) throw new Error('expected a weather report with rejects');
      const { skipped, rejects } = report.weather;
      expect(skipped).toBeGreaterThan(0);
      expect(skipped).toBe(rejects.reduce((n, r) => n + (r.count ?? 1), 0));
      const at = rejects.map((r) => `${r.uri.split('/').slice(-2).join('/')}:${r.line}`);
      expect(at).toEqual(
        expect.arrayContaining([
          '2024/999999-99999-2024.gz:1',
          '2024/999999-99999-2024.gz:3',
          '2024/999999-99999-2024.gz:4',
          'metar/XDEM.txt:2',
          'metar/XDEM.txt:3',
          'metar/XDEM.txt:4',
        ]),
      );
      expect(rejects.every((r) => r.reason.length > 0 && r.message.length > 0)).toBe(true);
    });

    it('counts the garbage of a METAR file that has no usable report', async () => {
      const folder = join(dir, 'weather-metar-garbage');
      await writeWeather(folder, demoWeatherFiles(drive));
      await writeFiles(join(folder, 'metar'), {
        'noise.txt': 'METAR XDEM 15XX50Z garbage\n\u0001\u0002 noise\n',
      });
      const weather = observationFilesProvider({ store: await LocalObjectStore.open({ root: folder }) });
      const report = await transformDrive(gpsOnly.store, { driveId: gpsOnly.driveId, weather });
      expect(report.weather.status).toBe('matched');
      if (!('rejects' in report.weather)) throw new Error('expected a weather report with rejects');
      expect(report.weather.rejects.map((r) => `${r.uri.split('/').pop()}:${r.line}`)).toEqual([
        'noise.txt:1',
        'noise.txt:2',
      ]);
    });
  });

  describe('a drive that was never transformed', () => {
    it('tells detect to run transform first', async () => {
      await expect(detectDrive(raw.store, { driveId: raw.driveId })).rejects.toSatisfy(
        (e) => e instanceof NotFoundError && e.message.includes(`adlake transform ${raw.driveId}`),
      );
      const result = await cli(['detect', raw.driveId, '--lake', raw.root], dir);
      expect(result.code).toBe(66);
      expect(result.err).toContain('run `adlake transform');
    });
  });

  describe('re-running transform at another rate', () => {
    it('replaces the timeseries rows: no duplicates, as many rows as the new ticks', async () => {
      const duck = await openDuck();
      /** Rows of a table, and distinct keys (a tick; a signal and source): a duplicated row repeats its key. */
      const count = async (table: string): Promise<{ n: bigint; keys: bigint }> => {
        const key = table === 'timeseries' ? 't' : 'signal, source';
        const [row] = await duck.rows(`
          WITH r AS (
            SELECT * FROM read_parquet(${sqlString(join(gpsOnly.root, `tables/${table}/**/*.parquet`))}))
          SELECT (SELECT count(*) FROM r) AS n, (SELECT count(*) FROM (SELECT DISTINCT ${key} FROM r)) AS keys`);
        return { n: row?.n as bigint, keys: row?.keys as bigint };
      };
      try {
        const run = async (hz: string): Promise<TransformReport> => {
          const result = await cli(
            [
              'transform',
              gpsOnly.driveId,
              '--lake',
              gpsOnly.root,
              '--weather',
              weatherDir,
              '--hz',
              hz,
              '--json',
            ],
            dir,
          );
          expect(result.code, result.err).toBe(0);
          return (JSON.parse(result.out) as { drives: TransformReport[] }).drives[0] as TransformReport;
        };
        const at10 = await run('10');
        const quality10 = await count('quality');
        const at5 = await run('5');
        expect(at5.sync.hz).toBe(5);
        // Same span, half the rate: whole ticks at 5 Hz are every other 10 Hz tick (±1 at either end).
        expect(Math.abs(at5.sync.ticks - at10.sync.ticks / 2)).toBeLessThanOrEqual(1);
        const rows = await count('timeseries');
        expect(rows).toEqual({ n: BigInt(at5.sync.ticks), keys: BigInt(at5.sync.ticks) });
        const quality5 = await count('quality');
        expect(quality5).toEqual({ n: quality10.n, keys: quality10.n });

        const detect = await cli(['detect', gpsOnly.driveId, '--lake', gpsOnly.root, '--json'], dir);
        expect(detect.code, detect.err).toBe(0);
        const detected = (JSON.parse(detect.out) as { drives: { hz: number; ticks: number }[] }).drives[0];
        expect(detected).toMatchObject({ hz: 5, ticks: at5.sync.ticks });
      } finally {
        duck.close();
      }
    });
  });
});
