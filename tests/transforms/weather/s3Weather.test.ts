/**
 * Weather observations from an S3 prefix laid out like NOAA's public ISD bucket (`s3://noaa-isd-pds`), on
 * s3rver on 127.0.0.1: the provider over an `S3ObjectStore` returns what it returns over a local folder with
 * the same files, fetching only the station list and the station's file of the drive's year; and
 * `adlake transform --weather s3://…` finds the demo station.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalObjectStore } from '../../../catalog/localObjectStore.js';
import { S3ObjectStore } from '../../../catalog/s3ObjectStore.js';
import type { S3RequestEvent } from '../../../catalog/s3RequestListener.js';
import { runCli } from '../../../cli/run.js';
import {
  demoWeatherCondition,
  demoWeatherFiles,
  type DemoWeatherFile,
} from '../../../ingest/demo/demoWeather.js';
import { writeDemoDrive, type DemoDriveFiles } from '../../../ingest/demo/writeDemoDrive.js';
import { ingestPaths } from '../../../ingest/ingestPaths.js';
import type { TransformReport } from '../../../transforms/transformDrive.js';
import { observationFilesProvider } from '../../../transforms/weather/observationFilesProvider.js';
import type { WeatherQuery } from '../../../transforms/weather/weatherProvider.js';
import { startS3rver, type S3rver } from '../../s3/startS3rver.js';

const SEED = 2;
const BUCKET = 'weather';
const PREFIX = 'noaa-isd-pds/';
const STATION = '999999-99999';

describe('weather observations from an S3 prefix laid out like the NOAA ISD bucket (s3rver on 127.0.0.1)', () => {
  let server: S3rver;
  let dir: string;
  let demo: DemoDriveFiles;
  /** The demo station's files plus decoys the provider must not touch. */
  let files: DemoWeatherFile[];
  let year: number;
  let query: WeatherQuery;

  beforeAll(async () => {
    server = await startS3rver();
    dir = await mkdtemp(join(tmpdir(), 'adlake-s3-weather-'));
    demo = await writeDemoDrive(join(dir, 'demo'), { seed: SEED });
    year = new Date(Number(demo.drive.startNs / 1_000_000n)).getUTCFullYear();
    const own = demoWeatherFiles(demo.drive);
    const data = own.find((f) => f.path.startsWith('data/'));
    if (data === undefined) throw new Error('demo weather has no data file');
    // Decoys: the station's file of the year before, and a station missing from isd-history.csv.
    files = [
      ...own,
      { path: `data/${year - 1}/${STATION}-${year - 1}.gz`, bytes: data.bytes },
      { path: `data/${year}/010010-99999-${year}.gz`, bytes: data.bytes },
    ];
    await server.createBucket(BUCKET);
    const client = new S3Client(server.clientConfig);
    try {
      for (const file of files) {
        await client.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: PREFIX + file.path, Body: file.bytes }),
        );
        // The local folder holds the same files (writeDemoDrive wrote the station's own already).
        const path = join(demo.weather, ...file.path.split('/'));
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, file.bytes);
      }
    } finally {
      client.destroy();
    }
    const [fix] = demo.drive.fixes();
    if (fix === undefined) throw new Error('demo drive has no GNSS fix');
    query = {
      lat: fix.lat,
      lon: fix.lon,
      startNs: demo.drive.startNs,
      endNs: demo.drive.startNs + BigInt(Math.round(demo.drive.groundTruth.duration_s * 1e9)),
      radiusKm: 50,
    };
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('returns the observations a local folder gives, fetching only isd-history.csv and the year file', async () => {
    const local = await observationFilesProvider({
      store: await LocalObjectStore.open({ root: demo.weather }),
    }).observations(query);

    const events: S3RequestEvent[] = [];
    const store = await S3ObjectStore.open({
      uri: `s3://${BUCKET}/${PREFIX}`,
      clientConfig: server.clientConfig,
      onRequest: (event) => events.push(event),
    });
    try {
      const listed: string[] = [];
      const list = store.list.bind(store);
      store.list = (prefix) => {
        listed.push(prefix);
        return list(prefix);
      };
      events.length = 0; // the HeadBucket of open()
      const provider = observationFilesProvider({ store });
      const fromS3 = await provider.observations(query);

      // Oracle: the local folder with the same files.
      expect(fromS3).toEqual(local);
      expect(fromS3.map((s) => [s.source, s.station, s.skipped])).toEqual([['isd', STATION, 0]]);
      const observations = fromS3[0]?.observations ?? [];
      // Hourly reports at :50 inside the drive: duration / 1 h, rounded either way.
      const hours = Number(query.endNs - query.startNs) / 3.6e12;
      expect(observations.length).toBeGreaterThanOrEqual(Math.floor(hours));
      expect(observations.length).toBeLessThanOrEqual(Math.ceil(hours) + 1);
      expect(observations.every((o) => o.condition === demoWeatherCondition(SEED))).toBe(true);

      // Requests: the station list once, the year file (exists, size, one ranged GET), and the listing of
      // metar/ (empty here); nothing under the other year or of the other station, no listing of data/.
      const history = `${PREFIX}isd-history.csv`;
      const yearFile = `${PREFIX}data/${year}/${STATION}-${year}.gz`;
      const size = (path: string): number => files.find((f) => f.path === path)?.bytes.byteLength ?? -1;
      const yearSize = size(`data/${year}/${STATION}-${year}.gz`);
      expect(events.map((e) => [e.command, e.key ?? null, e.range ?? null, e.status])).toEqual([
        ['GetObjectCommand', history, null, 200],
        ['HeadObjectCommand', yearFile, null, 200],
        ['HeadObjectCommand', yearFile, null, 200],
        ['GetObjectCommand', yearFile, `bytes=0-${yearSize - 1}`, 206],
        ['ListObjectsV2Command', null, null, 200],
      ]);
      expect(listed).toEqual(['metar/']);
      const gotBytes = events
        .filter((e) => e.command === 'GetObjectCommand')
        .reduce((sum, e) => sum + e.bytesReceived, 0);
      expect(gotBytes).toBe(size('isd-history.csv') + yearSize);

      // A second query reuses the station list: only the year file and the METAR listing again.
      events.length = 0;
      expect(await provider.observations(query)).toEqual(local);
      expect(events.map((e) => e.key ?? e.command)).toEqual([
        yearFile,
        yearFile,
        yearFile,
        'ListObjectsV2Command',
      ]);
    } finally {
      store.close();
    }
  });

  it('adlake transform --weather s3://bucket/prefix/ names the demo station', async () => {
    const lake = join(dir, 'lake');
    const ingested = await ingestPaths({
      store: await LocalObjectStore.open({ root: lake }),
      paths: [demo.folder],
      dbcs: [],
      vehicle: 'demo',
    });
    expect(ingested.status).toBe('ingested');
    const driveId = ingested.driveId ?? '';
    // The CLI uses the SDK's default credential chain, as it would on AWS.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    let out = '';
    let err = '';
    const code = await runCli(
      ['transform', driveId, '--weather', `s3://${BUCKET}/${PREFIX}`, '--lake', lake, '--json'],
      {
        cwd: dir,
        env: { ADLAKE_S3_ENDPOINT: server.endpoint },
        stdout: (t) => void (out += t),
        stderr: (t) => void (err += t),
        isTTY: false,
      },
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = (JSON.parse(out) as { drives: TransformReport[] }).drives[0];
    expect(report?.driveId).toBe(driveId);
    expect(report?.weather).toMatchObject({
      status: 'matched',
      provider: 'isd',
      station: STATION,
      skipped: 0,
    });
    expect(report?.weatherSummary).toMatch(
      new RegExp(`^${demoWeatherCondition(SEED)}, -?\\d+\\.\\d °C \\(${STATION}, \\d\\.\\d km\\)$`),
    );
  });
});
