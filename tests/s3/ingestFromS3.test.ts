import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { listQuarantine } from '../../catalog/quarantine.js';
import type { S3RequestEvent } from '../../catalog/s3RequestListener.js';
import { runCli } from '../../cli/run.js';
import { ingestPaths } from '../../ingest/ingestPaths.js';
import type { IngestReport } from '../../ingest/ingestReport.js';
import { S3ObjectStore } from '../../catalog/s3ObjectStore.js';
import { startS3rver, type S3rver } from './startS3rver.js';

const NMEA = resolve('../shared/data/drives/comma2k19/derived/rav4_2018-08-02_seg40.nmea');
const MCAP = resolve('../shared/data/mcap/evo/nav2_turtlebot.mcap');

/** 50 frames of id 0x100 at 100 Hz on 2018-08-02; the speed signal counts up by 0.01 km/h per frame. */
const FRAMES = 50;
const CANDUMP = Array.from({ length: FRAMES }, (_, i) => {
  const t = (1_533_195_000 + i / 100).toFixed(6);
  const speed = (1000 + i).toString(16).padStart(4, '0');
  // Intel byte order: low byte first.
  return `(${t}) can0 100#${speed.slice(2)}${speed.slice(0, 2)}${i.toString(16).padStart(2, '0')}0000000000\n`;
}).join('');

const BASE_DBC = `VERSION ""

NS_ :

BS_:

BU_: ECU

BO_ 256 SPEED: 8 ECU
 SG_ VEHICLE_SPEED : 0|16@1+ (0.01,0) [0|655.35] "km/h" Vector__XXX
 SG_ COUNTER : 16|8@1+ (1,0) [0|255] "" Vector__XXX
`;
/** opendbc's include convention: the messages come from the imported file. */
const IMPORTING_DBC = `VERSION ""

NS_ :

BS_:

BU_: ECU

CM_ "IMPORT base.dbc";
`;

describe('adlake ingest s3://… (inputs on s3rver on 127.0.0.1)', () => {
  let server: S3rver;
  let work: string;
  beforeAll(async () => {
    server = await startS3rver();
    work = await mkdtemp(join(tmpdir(), 'adlake-ingest-from-s3-'));
    await server.createBucket('inputs');
    await server.createBucket('lake');
    const client = new S3Client(server.clientConfig);
    const put = (key: string, body: Uint8Array | string) =>
      client.send(new PutObjectCommand({ Bucket: 'inputs', Key: key, Body: body }));
    try {
      await put('drive1/gps/rav4.nmea', await readFile(NMEA));
      await put('drive1/can0.log', CANDUMP);
      await put('drive1/vehicle.dbc', BASE_DBC);
      await put('drive1/nav2_turtlebot.mcap', await readFile(MCAP));
      await put('drive1/empty.log', new Uint8Array(0));
      await put('drive1/.hidden/notes.txt', 'not an input');
      await put('drive2/can0.log', CANDUMP.replaceAll('(1533195', '(1533196'));
      // Detected by content after gunzipping the head the hash pass kept, then streamed through gunzip.
      await put('drive2/can0-later.log.gz', gzipSync(CANDUMP.replaceAll('(1533195', '(1533197')));
      await put('dbcs/vehicle.dbc', IMPORTING_DBC);
      await put('dbcs/base.dbc', BASE_DBC);
      await put('only/nav2_turtlebot.mcap', await readFile(MCAP));
    } finally {
      client.destroy();
    }
    // The CLI uses the SDK's default credential chain, as it would on AWS.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function cli(args: string[]): Promise<{ code: number; report: IngestReport }> {
    let out = '';
    let err = '';
    const code = await runCli(['ingest', ...args, '--vehicle', 'rav4', '--json'], {
      cwd: work,
      env: { ADLAKE_S3_ENDPOINT: server.endpoint },
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      isTTY: false,
    });
    expect(err).toBe('');
    return { code, report: JSON.parse(out) as IngestReport };
  }

  const byNameIn = (report: IngestReport, name: string) =>
    report.inputs.find((i) => i.uri === `s3://inputs/drive1/${name}`);

  it('ingests a drive from S3 into an S3 lake, as the same files ingest from disk, and skips it the second time', async () => {
    const first = await cli(['s3://inputs/drive1/', '--lake', 's3://lake/']);
    expect(first.code).toBe(0);
    const { report } = first;
    expect(report.status).toBe('partial');
    const byName = (name: string) => byNameIn(report, name);
    expect(report.inputs.map((i) => i.uri).sort()).toEqual(
      ['can0.log', 'empty.log', 'gps/rav4.nmea', 'nav2_turtlebot.mcap', 'vehicle.dbc'].map(
        (n) => `s3://inputs/drive1/${n}`,
      ),
    );
    expect(byName('gps/rav4.nmea')).toMatchObject({ format: 'nmea', status: 'ingested', bytes: 81639 });
    expect(byName('can0.log')).toMatchObject({ format: 'candump', status: 'ingested', records: FRAMES });
    expect(byName('vehicle.dbc')).toMatchObject({ format: 'dbc', status: 'dbc' });
    expect(byName('nav2_turtlebot.mcap')).toMatchObject({
      format: 'mcap',
      status: 'ingested',
      bytes: 505395,
    });
    expect(byName('empty.log')).toMatchObject({ status: 'quarantined', reason: 'empty_file' });
    expect(report.tables.can_frames?.rows).toBe(FRAMES);
    expect(report.tables.can_signals?.rows).toBe(2 * FRAMES);
    expect(report.tables.gps?.rows).toBeGreaterThan(500);
    expect(report.tables.ego_motion?.rows).toBeGreaterThan(0);

    // Oracle: the same bytes from disk give the same hashes, formats and rows per table.
    for (const [name, bytes] of [
      ['can0.log', CANDUMP],
      ['vehicle.dbc', BASE_DBC],
      ['empty.log', ''],
    ] as const) {
      await import('node:fs/promises').then((fs) => fs.writeFile(join(work, name), bytes));
    }
    const local = await ingestPaths({
      store: await LocalObjectStore.open({ root: join(work, 'lake') }),
      paths: [NMEA, MCAP, ...['can0.log', 'vehicle.dbc', 'empty.log'].map((n) => join(work, n))],
      dbcs: [],
      vehicle: 'rav4',
      argv: [],
    });
    const summary = (r: IngestReport) => ({
      inputs: r.inputs
        .map((i) => [i.sha256, i.bytes, i.format, i.status, i.records ?? null, i.reason ?? null])
        .sort(),
      rows: Object.fromEntries(Object.entries(r.tables).map(([t, v]) => [t, v.rows])),
      driveId: r.driveId,
      topics: r.topics,
    });
    expect(summary(report)).toEqual(summary(local));

    // The empty object is quarantined in the S3 lake, with an (empty) copy.
    const lake = await S3ObjectStore.open({ uri: 's3://lake/', clientConfig: server.clientConfig });
    try {
      const records = await listQuarantine(lake);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        uri: 's3://inputs/drive1/empty.log',
        reason: 'empty_file',
        copyBytes: 0,
      });
    } finally {
      lake.close();
    }

    // Nothing new: the data inputs are duplicates, the empty object is already in quarantine (same sha256),
    // and no table gets a row.
    const second = await cli(['s3://inputs/drive1/', '--lake', 's3://lake/']);
    expect(second.report.status).toBe('unchanged');
    expect(second.code).toBe(0);
    expect(second.report.tables).toEqual({});
    expect(byNameIn(second.report, 'empty.log')).toMatchObject({
      status: 'duplicate',
      reason: 'empty_file',
    });
    expect(
      second.report.inputs
        .filter((i) => i.status === 'duplicate')
        .map((i) => i.format ?? 'none')
        .sort(),
    ).toEqual(['candump', 'mcap', 'nmea', 'none']);
  });

  it('takes --dbc as an s3:// URI, with its IMPORT read from the same prefix; a re-run is unchanged', async () => {
    const args = [
      's3://inputs/drive2',
      '--dbc',
      'can0=s3://inputs/dbcs/vehicle.dbc',
      '--lake',
      join(work, 'lake2'),
    ];
    const { code, report } = await cli(args);
    expect(code).toBe(0);
    expect(report.status).toBe('ingested');
    expect(report.inputs.find((i) => i.uri === 's3://inputs/dbcs/vehicle.dbc')).toMatchObject({
      format: 'dbc',
      status: 'dbc',
    });
    expect(report.inputs.filter((i) => i.format === 'candump').map((i) => [i.uri, i.records])).toEqual([
      ['s3://inputs/drive2/can0-later.log.gz', FRAMES],
      ['s3://inputs/drive2/can0.log', FRAMES],
    ]);
    expect(report.tables.can_signals?.rows).toBe(2 * 2 * FRAMES);
    expect(report.can?.decodedFrames).toBe(2 * FRAMES);

    const again = await cli(args);
    expect(again.code).toBe(0);
    expect(again.report.status).toBe('unchanged');
    expect(again.report.inputs.filter((i) => i.status === 'duplicate')).toHaveLength(2);
  });

  it('fails with a not-found exit code for a prefix with no objects', async () => {
    let err = '';
    const code = await runCli(['ingest', 's3://inputs/nothing-here/', '--lake', join(work, 'lake3')], {
      cwd: work,
      env: { ADLAKE_S3_ENDPOINT: server.endpoint },
      stdout: () => undefined,
      stderr: (t) => void (err += t),
      isTTY: false,
    });
    expect(code).not.toBe(0);
    expect(err).toContain('s3://inputs/nothing-here/');
  });

  it('reads an MCAP from S3 with one full GET (the hash) and ranged GETs that stay within the object', async () => {
    const events: S3RequestEvent[] = [];
    const report = await ingestPaths({
      store: await LocalObjectStore.open({ root: join(work, 'lake4') }),
      paths: ['s3://inputs/only/nav2_turtlebot.mcap'],
      dbcs: [],
      vehicle: 'nav2',
      s3: { clientConfig: server.clientConfig, onRequest: (e) => events.push(e) },
    });
    expect(report.inputs).toMatchObject([{ format: 'mcap', status: 'ingested' }]);
    expect(report.topics?.rows.ego_motion).toBeGreaterThan(0);

    const size = 505_395;
    const gets = events.filter(
      (e) => e.command === 'GetObjectCommand' && e.key === 'only/nav2_turtlebot.mcap',
    );
    const full = gets.filter((e) => e.range === undefined);
    const ranged = gets.filter((e) => e.range !== undefined);
    // Exactly one unranged GET: the sha256 pass, which reads the object once.
    expect(full.map((e) => e.bytesReceived)).toEqual([size]);
    // Decoding fetches only ranges. McapIndexedReader reads the magic, header, footer and summary section to
    // plan, then the scan reads the file through a 1 MiB read-ahead window, which fetches the summary section
    // again. So: ranged bytes <= object + (summary section + footer + magic, from the Footer's summary_start,
    // MCAP spec "Footer") + 128 bytes of leading magic and header. With the hash pass that is just over 2x the
    // object (2.02x here); it would be at most 2x + 128 if the scan stopped its window at summary_start.
    const bytes = await readFile(MCAP);
    const summaryStart = Number(
      new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(size - 8 - 37 + 9, true),
    );
    expect(summaryStart).toBeGreaterThan(0);
    expect(ranged.length).toBeGreaterThan(1);
    const rangedBytes = ranged.reduce((a, e) => a + e.bytesReceived, 0);
    expect(rangedBytes).toBeLessThanOrEqual(size + (size - summaryStart) + 128);
    // No other request for the object carries a body (HEADs only).
    const others = events.filter(
      (e) => e.key === 'only/nav2_turtlebot.mcap' && e.command !== 'GetObjectCommand',
    );
    expect(others.every((e) => e.command === 'HeadObjectCommand' && e.bytesReceived === 0)).toBe(true);
  });
});
