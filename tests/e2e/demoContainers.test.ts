import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { fileSource } from '../../core/fileSource.js';
import { writeDemoDrive, type DemoDriveFiles } from '../../ingest/demo/writeDemoDrive.js';
import { ingestPaths } from '../../ingest/ingestPaths.js';
import { loadDecompressors } from '../../ingest/rosmsg/decompressors.js';
import { summarizeBag } from '../../ingest/rosbag/summarizeBag.js';
import { openDuck, sqlString, type Duck } from '../catalog/duckdb.js';

/**
 * The demo drive is written three ways (candump + NMEA, MCAP, ROS 1 bag) on one clock; each container must
 * land the same rows as the text logs.
 */
describe('the demo drive as MCAP and as a ROS 1 bag lands the same rows as its candump + NMEA files', () => {
  let dir: string;
  let files: DemoDriveFiles;
  let duck: Duck;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adlake-demo-containers-'));
    files = await writeDemoDrive(join(dir, 'out'), { seed: 5 });
    const store = await LocalObjectStore.open({ root: join(dir, 'lake') });
    await ingestPaths({ store, paths: [files.folder], dbcs: [], vehicle: 'text' });
    await ingestPaths({ store, paths: [files.mcap], dbcs: [{ path: files.dbc }], vehicle: 'mcap' });
    await ingestPaths({ store, paths: [files.bag], dbcs: [{ path: files.dbc }], vehicle: 'bag' });
    duck = await openDuck();
  }, 180_000);
  afterAll(async () => {
    duck?.close();
    await rm(dir, { recursive: true, force: true });
  });
  const table = (name: string, vehicle: string): string =>
    `read_parquet(${sqlString(join(dir, 'lake', `tables/${name}/vehicle=${vehicle}/**/*.parquet`))})`;

  it('writes the MCAP file and the bag beside the drive folder', async () => {
    expect(files.mcap).toBe(join(dir, 'out', 'containers', 'drive.mcap'));
    expect(files.bag).toBe(join(dir, 'out', 'containers', 'drive.bag'));
    const summary = await summarizeBag(fileSource(files.bag), { decompress: await loadDecompressors() });
    expect(summary.messageCount).toBeGreaterThan(100_000);
  });

  describe.each(['mcap', 'bag'])('%s', (container) => {
    it('gives identical can_signals rows', async () => {
      const [diff] = await duck.rows(`
        SELECT (SELECT count(*) FROM ${table('can_signals', 'text')}) AS text_rows,
               (SELECT count(*) FROM ${table('can_signals', container)}) AS container_rows,
               (SELECT count(*) FROM (
                  SELECT t, bus, message, signal, value, label FROM ${table('can_signals', 'text')}
                  EXCEPT ALL
                  SELECT t, bus, message, signal, value, label FROM ${table('can_signals', container)})) AS missing`);
      expect(Number(diff?.text_rows)).toBeGreaterThan(100_000);
      expect(Number(diff?.container_rows)).toBe(Number(diff?.text_rows));
      expect(Number(diff?.missing)).toBe(0);
    });

    it('gives the same GPS fixes (time, position, ellipsoid height)', async () => {
      const [diff] = await duck.rows(`
        SELECT count(*) AS n,
               max(abs(a.lat - b.lat)) AS dlat, max(abs(a.lon - b.lon)) AS dlon, max(abs(a.alt_hae - b.alt_hae)) AS dalt
        FROM ${table('gps', 'text')} a JOIN ${table('gps', container)} b USING (t)`);
      const [total] = await duck.rows(`SELECT count(*) AS n FROM ${table('gps', 'text')}`);
      const [containerTotal] = await duck.rows(`SELECT count(*) AS n FROM ${table('gps', container)}`);
      expect(Number(total?.n)).toBeGreaterThan(100);
      expect(Number(diff?.n)).toBe(Number(total?.n));
      expect(Number(containerTotal?.n)).toBe(Number(total?.n));
      expect(Number(diff?.dlat)).toBeLessThan(1e-12);
      expect(Number(diff?.dlon)).toBeLessThan(1e-12);
      expect(Number(diff?.dalt)).toBeLessThan(1e-9);
    });

    it('adds IMU and twist samples from the same clock', async () => {
      const [imu] = await duck.rows(`SELECT count(*) AS n FROM ${table('imu', container)}`);
      const [ego] = await duck.rows(
        `SELECT count(*) AS n, max(linear_x) AS vmax FROM ${table('ego_motion', container)}`,
      );
      expect(Number(imu?.n)).toBe(files.drive.states.length);
      expect(Number(ego?.n)).toBe(Math.ceil(files.drive.states.length / 2));
      expect(Number(ego?.vmax) * 3.6).toBeGreaterThan(120);
    });
  });
});
