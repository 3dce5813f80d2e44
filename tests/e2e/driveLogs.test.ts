import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { ingestPaths } from '../../ingest/ingestPaths.js';
import { openDuck, sqlString, type Duck } from '../catalog/duckdb.js';

const DATA = resolve('../shared/data');

describe('ingest of ROS bags and MCAP into the curated tables', () => {
  let lake: string;
  let duck: Duck;
  beforeAll(async () => {
    lake = await mkdtemp(join(tmpdir(), 'adlake-logs-'));
    duck = await openDuck();
  });
  afterAll(async () => {
    duck?.close();
    await rm(lake, { recursive: true, force: true });
  });
  const count = async (table: string, vehicle: string): Promise<number> => {
    const [row] = await duck.rows(
      `SELECT count(*) AS n FROM read_parquet(${sqlString(join(lake, `tables/${table}/vehicle=${vehicle}/**/*.parquet`))})`,
    );
    return Number(row?.n);
  };

  it('maps a real Husky bag (bz2 chunks): NavSatFix → gps, Imu → imu, Odometry → ego_motion', async () => {
    const store = await LocalObjectStore.open({ root: lake });
    const report = await ingestPaths({
      store,
      paths: [join(DATA, 'rosbag/robot_localization/test1.bag')],
      dbcs: [],
      vehicle: 'husky',
    });
    expect(report.status).toBe('ingested');
    expect(report.inputs[0]?.format).toBe('rosbag');
    expect(report.topics?.rows).toEqual({ gps: 989, imu: 11_865, ego_motion: 3952, can_frames: 0 });
    expect(await count('gps', 'husky')).toBe(989);
    expect(await count('imu', 'husky')).toBe(11_865);
    expect(await count('ego_motion', 'husky')).toBe(3952);
    const [fix] = await duck.rows(`
      SELECT min(lat) AS lat, min(alt_hae) AS alt, strftime(min(t), '%Y-%m-%d') AS day
      FROM read_parquet(${sqlString(join(lake, 'tables/gps/vehicle=husky/**/*.parquet'))})`);
    expect(fix?.day).toBe('2015-05-21');
    expect(Number(fix?.lat)).toBeGreaterThan(40);
  });

  it('keeps turtlesim Twist as ego_motion and every other topic in its topics_<name> table', async () => {
    const store = await LocalObjectStore.open({ root: lake });
    const report = await ingestPaths({
      store,
      paths: [join(DATA, 'rosbag/foxglove-rosbag/example-lz4.bag')],
      dbcs: [],
      vehicle: 'turtle',
    });
    expect(report.topics?.rows.ego_motion).toBe(357 + 208);
    expect(report.topics?.messages['/turtle1/pose']).toBe(1344);
    expect(report.tables.topics_turtle1_pose?.rows).toBe(1344);
    expect(report.tables.topics_rosout?.rows).toBe(10);
    const [pose] = await duck.rows(`
      SELECT count(*) AS n, min(x) AS x_min, typeof(min(t)) AS t_type
      FROM read_parquet(${sqlString(join(lake, 'tables/topics_turtle1_pose/vehicle=turtle/**/*.parquet'))})`);
    expect(Number(pose?.n)).toBe(1344);
    expect(pose?.t_type).toBe('TIMESTAMP WITH TIME ZONE');
  });

  it('reads a ROS 2 MCAP (zstd) and quarantines a 0-byte bag', async () => {
    const store = await LocalObjectStore.open({ root: lake });
    const report = await ingestPaths({
      store,
      paths: [
        join(DATA, 'mcap/evo/nav2_turtlebot.mcap'),
        join(DATA, 'rosbag/foxglove-rosbag/empty-file.bag'),
      ],
      dbcs: [],
      vehicle: 'nav2',
    });
    expect(report.inputs.find((i) => i.uri.endsWith('.mcap'))?.format).toBe('mcap');
    expect(report.topics?.rows.ego_motion).toBeGreaterThan(0);
    expect(await count('ego_motion', 'nav2')).toBe(report.topics?.rows.ego_motion);
    expect(report.inputs.find((i) => i.uri.endsWith('empty-file.bag'))).toMatchObject({
      status: 'quarantined',
      reason: 'empty_file',
    });
  });

  it('ingests a ROS 2 bag folder: its MCAP files, with metadata.yaml recorded as a sidecar', async () => {
    const store = await LocalObjectStore.open({ root: lake });
    const report = await ingestPaths({
      store,
      paths: [join(DATA, 'mcap/rosbag2/talker')],
      dbcs: [],
      vehicle: 'talker',
    });
    expect(report.inputs.map((i) => [i.format, i.status]).sort()).toEqual([
      ['mcap', 'ingested'],
      ['rosbag2_metadata', 'sidecar'],
    ]);
    expect(report.topics?.messages).toEqual({ '/topic': 10, '/rosout': 10 });
  });

  it('flags a drive whose expected topic is missing (CLI --expect-topic), and still lands it', async () => {
    const { runCli } = await import('../../cli/run.js');
    let out = '';
    const code = await runCli(
      [
        'ingest',
        join(DATA, 'rosbag/foxglove-rosbag/example.bag'),
        '--lake',
        lake,
        '--vehicle',
        'expect',
        '--json',
        '--expect-topic',
        '/turtle1/pose',
        '--expect-topic',
        '/gps/fix',
      ],
      { env: {}, stdout: (t) => void (out += t), stderr: () => undefined, isTTY: false },
    );
    expect(code).toBe(0);
    const report = JSON.parse(out) as { warnings: string[]; tables: Record<string, { rows: number }> };
    expect(report.warnings.some((w) => w.endsWith('missing_topic:/gps/fix'))).toBe(true);
    expect(report.warnings.some((w) => w.includes('missing_topic:/turtle1/pose'))).toBe(false);
    expect(report.tables.topics_turtle1_pose?.rows).toBe(1344);
  });

  it('lands the messages before the cut of a truncated bag and quarantines the file with the offset', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const whole = await readFile(join(DATA, 'rosbag/robot_localization/test1.bag'));
    const cut = join(lake, '..', `cut-${Date.now()}.bag`);
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    try {
      const store = await LocalObjectStore.open({ root: lake });
      const report = await ingestPaths({ store, paths: [cut], dbcs: [], vehicle: 'cut' });
      const input = report.inputs[0];
      expect(input?.status).toBe('partial');
      expect(input?.reason).toBe('truncated');
      expect(input?.message).toMatch(/at byte \d+/);
      expect(input?.quarantineKey).toMatch(/^quarantine\/[0-9a-f]{64}\/reason\.json$/);
      expect(report.status).toBe('partial');
      const landed = (report.topics?.rows.imu ?? 0) + (report.topics?.rows.gps ?? 0);
      expect(landed).toBeGreaterThan(1000);
      expect(landed).toBeLessThan(11_865 + 989);
    } finally {
      await rm(cut, { force: true });
    }
  });
});
