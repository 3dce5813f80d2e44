import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { inflateSync } from 'node:zlib';
import { fileSource } from '../../core/fileSource.js';
import { isCanFrameGroup, openMdf } from '../../ingest/mdf4/index.js';
import { ingestPaths } from '../../ingest/ingestPaths.js';
import type { IngestReport } from '../../ingest/ingestReport.js';
import { openDuck, sqlString, type Duck } from '../catalog/duckdb.js';

const MDF = resolve('../shared/data/mdf4');
const DBC = resolve('../shared/data/dbc/css-electronics/canmod-gps.dbc');

describe('ingest of a CANedge MDF4 bus log with its DBC', () => {
  let lake: string;
  let report: IngestReport;
  let duck: Duck;
  beforeAll(async () => {
    lake = await mkdtemp(join(tmpdir(), 'adlake-mdf-'));
    const store = await LocalObjectStore.open({ root: lake });
    report = await ingestPaths({
      store,
      paths: [join(MDF, 'css-electronics/00000005-60FEB5A8.MF4')],
      dbcs: [{ path: DBC }],
      vehicle: 'canedge',
    });
    duck = await openDuck();
  });
  afterAll(async () => {
    duck?.close();
    await rm(lake, { recursive: true, force: true });
  });

  it('detects MDF4 by content, keeps every CAN_DataFrame and decodes the GNSS messages', async () => {
    expect(report.inputs.find((i) => i.uri.endsWith('.MF4'))?.format).toBe('mdf4');
    expect(report.status).toBe('ingested');
    expect(report.tables.can_frames?.rows).toBe(5477);
    expect(report.can?.decodedFrames).toBeGreaterThan(0);
    const [pos] = await duck.rows(`
      SELECT avg(value) FILTER (WHERE signal = 'Latitude') AS lat, avg(value) FILTER (WHERE signal = 'Longitude') AS lon
      FROM read_parquet(${sqlString(join(lake, 'tables/can_signals/**/*.parquet'))})`);
    // CANmod.gps near Horsens/Aarhus, Denmark.
    expect(Number(pos?.lat)).toBeGreaterThan(55);
    expect(Number(pos?.lat)).toBeLessThan(57);
    expect(Number(pos?.lon)).toBeGreaterThan(9);
    expect(Number(pos?.lon)).toBeLessThan(11);
  });

  it('reads an unfinalised log as far as it is valid, with a warning naming the file', async () => {
    const store = await LocalObjectStore.open({ root: lake });
    const unfinished = await ingestPaths({
      store,
      paths: [join(MDF, 'css-electronics/LOG/2F6913DB/00000004/00000001.MF4')],
      dbcs: [],
      vehicle: 'canedge',
    });
    expect(unfinished.tables.can_frames?.rows).toBeGreaterThan(0);
    expect(unfinished.warnings.some((w) => w.includes('00000001.MF4') && /final/i.test(w))).toBe(true);
  });

  it('lands measured-signal channel groups in topics_mdf_<group> tables, one row per record', async () => {
    const path = join(MDF, 'asam-vendor-examples/Vector_MinimumFile.MF4');
    const file = await openMdf(fileSource(path), { inflate: (b) => inflateSync(b) });
    const groups = file.groups.filter((g) => !isCanFrameGroup(g) && !g.isVlsd && g.cycles > 0);
    expect(groups.length).toBeGreaterThan(0);
    const store = await LocalObjectStore.open({ root: lake });
    const result = await ingestPaths({ store, paths: [path], dbcs: [], vehicle: 'vector' });
    const topicTables = Object.entries(result.tables).filter(([name]) => name.startsWith('topics_mdf'));
    expect(topicTables.length).toBe(groups.length);
    expect(topicTables.reduce((sum, [, t]) => sum + t.rows, 0)).toBe(
      groups.reduce((sum, g) => sum + g.cycles, 0),
    );
    const [name] = topicTables[0] ?? [''];
    const [row] = await duck.rows(
      `SELECT count(*) AS n, typeof(min(t)) AS t_type FROM read_parquet(${sqlString(join(lake, `tables/${name}/**/*.parquet`))})`,
    );
    expect(row?.t_type).toBe('TIMESTAMP WITH TIME ZONE');
  });

  it('rejects records whose time int64 nanoseconds cannot hold, naming them, and keeps the rest and other inputs', async () => {
    // asammdf-written demo whose time master says "s" but counts up to 1e10: past 2262 after record 423.
    const path = join(MDF, 'peak/simple.mf4');
    const nmea = resolve('../shared/data/nmea/nmea_navsat_driver/nmea.log');
    const store = await LocalObjectStore.open({ root: join(lake, 'out-of-range') });
    const result = await ingestPaths({ store, paths: [path, nmea], dbcs: [], vehicle: 'peak' });
    const mdf = result.inputs.find((i) => i.uri.endsWith('simple.mf4'));
    expect(mdf?.status).toBe('ingested');
    expect(result.tables.topics_mdf_abs_time?.rows).toBe(424);
    expect(result.tables.gps?.rows).toBeGreaterThan(0);
    expect(result.rows.rejectedByReason).toEqual({ time_out_of_range: 139 });
    // In: the group's 563 records (424 kept, 139 rejected) and the NMEA fixes.
    expect(result.rows.in).toBe(563 + (result.gps?.fixes ?? 0));
    const first = result.rejects.find((r) => r.reason === 'time_out_of_range');
    expect(first).toMatchObject({ uri: expect.stringContaining('simple.mf4') as unknown, offset: 0x25e8 });
    expect(first?.message).toMatch(
      /^record 424 of channel group 0x25e8 \(abs_time\): master channel time gives 75416844\d\d s/,
    );
    expect(result.warnings.some((w) => w.includes('implausible_clock'))).toBe(true);
  });
});
