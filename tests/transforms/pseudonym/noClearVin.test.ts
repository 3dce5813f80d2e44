/**
 * The proof: the demo drive (candump + NMEA + DBC, MCAP, ROS 1 bag) carries its VIN as the vehicle id, in
 * the folder it is filed under, in an OBD-II ISO-TP transfer on the CAN bus, in MCAP metadata and in a
 * `/vehicle/info` string topic. After ingest, no file of the lake — every Parquet file decoded column by
 * column, every byte of every file, every key — holds the VIN in clear; its pseudonym is there instead, the
 * same for the same key and different for another.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../../catalog/localObjectStore.js';
import { runCli } from '../../../cli/run.js';
import { UsageError } from '../../../core/errors.js';
import { DEMO_VIN } from '../../../ingest/demo/demoVehicle.js';
import { writeDemoDrive, type DemoDriveFiles } from '../../../ingest/demo/writeDemoDrive.js';
import { ingestPaths } from '../../../ingest/ingestPaths.js';
import type { IngestReport } from '../../../ingest/ingestReport.js';
import { pseudonymKey, type PseudonymKey } from '../../../transforms/pseudonym/pseudonymKey.js';
import { openDuck, sqlString, type Duck } from '../../catalog/duckdb.js';

const KEY_1 = pseudonymKey(
  Uint8Array.from({ length: 32 }, (_, i) => i * 7),
  'fleet-key-2024',
  'test',
);
const KEY_2 = pseudonymKey(
  Uint8Array.from({ length: 32 }, (_, i) => 255 - i),
  'fleet-key-2025',
  'test',
);

/** The pseudonym as the spec defines it, computed here without the library. */
function expectedPseudonym(vin: string, key: PseudonymKey): string {
  return `v_${createHmac('sha256', key.key).update(`adlake/vehicle/v1\n${vin}`).digest('hex').slice(0, 20)}`;
}

/** What must never be found: the VIN in either case, and the 7-character pieces ISO-TP frames carry. */
const FORBIDDEN = [DEMO_VIN, DEMO_VIN.slice(3, 10), DEMO_VIN.slice(10, 17)];

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

interface Lake {
  root: string;
  report: IngestReport;
}

describe('no clear VIN reaches the lake', () => {
  let dir: string;
  let files: DemoDriveFiles;
  let duck: Duck;
  const lakes: Record<'all' | 'bag' | 'otherKey' | 'noKey', Lake> = {} as never;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adlake-novin-'));
    // Filed under the VIN, as fleets often do: the URIs the lake records must not give it away either.
    files = await writeDemoDrive(join(dir, 'raw', DEMO_VIN), { seed: 4 });
    expect(files.drive.vin).toBe(DEMO_VIN);
    const ingest = async (
      name: string,
      paths: string[],
      vehicle: string,
      key?: PseudonymKey,
    ): Promise<Lake> => {
      const root = join(dir, name);
      const store = await LocalObjectStore.open({ root });
      const report = await ingestPaths({
        store,
        paths,
        dbcs: [{ path: files.dbc }],
        vehicle,
        ...(key ? { pseudonymKey: key } : {}),
        argv: ['ingest', ...paths, '--vehicle', vehicle],
      });
      expect(report.status).toBe('ingested');
      return { root, report };
    };
    lakes.all = await ingest('lake-all', [files.folder, files.mcap, files.bag], DEMO_VIN, KEY_1);
    // The same key on other inputs, with the VIN written in lower case: the same pseudonym.
    lakes.bag = await ingest('lake-bag', [files.bag], DEMO_VIN.toLowerCase(), KEY_1);
    lakes.otherKey = await ingest('lake-other-key', [files.mcap], DEMO_VIN, KEY_2);
    // No key and a fleet label as vehicle id: VINs in the content are redacted.
    lakes.noKey = await ingest('lake-no-key', [files.mcap], 'fleet-7');
    duck = await openDuck();
  }, 600_000);

  afterAll(async () => {
    duck?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Rows of a Parquet file in which any column, cast to text, contains `needle` (case-insensitive). */
  async function rowsContaining(path: string, needle: string): Promise<number> {
    const source = `read_parquet(${sqlString(path)}, hive_partitioning = false)`;
    const columns = (await duck.rows(`DESCRIBE SELECT * FROM ${source}`)).map((r) => String(r.column_name));
    const match = columns
      .map(
        (c) =>
          `contains(upper(CAST("${c.replaceAll('"', '""')}" AS VARCHAR)), ${sqlString(needle.toUpperCase())})`,
      )
      .join(' OR ');
    const [row] = await duck.rows(`SELECT count(*) AS n FROM ${source} WHERE ${match}`);
    return Number(row?.n);
  }

  it.each(['all', 'bag', 'otherKey', 'noKey'] as const)(
    'lake %s: no key, file byte or decoded Parquet value holds the VIN',
    async (name) => {
      const { root } = lakes[name];
      const all = await filesUnder(root);
      const parquet = all.filter((f) => f.endsWith('.parquet'));
      expect(parquet.length).toBeGreaterThan(4);
      expect(all.some((f) => relative(root, f).startsWith('_runs/'))).toBe(true);
      expect(all.some((f) => relative(root, f).startsWith('_inputs/'))).toBe(true);
      for (const file of all) {
        const key = relative(root, file);
        const bytes = (await readFile(file)).toString('latin1');
        for (const needle of FORBIDDEN) {
          expect(key.toUpperCase(), key).not.toContain(needle);
          expect(bytes.includes(needle) || bytes.includes(needle.toLowerCase()), `${key} bytes`).toBe(false);
        }
      }
      for (const file of parquet) {
        for (const needle of FORBIDDEN)
          expect(await rowsContaining(file, needle), relative(root, file)).toBe(0);
      }
    },
  );

  it('puts the pseudonym where the VIN was: partitions, drive row, topics, URIs, run record, ledger', async () => {
    const { root, report } = lakes.all;
    const p = expectedPseudonym(DEMO_VIN, KEY_1);
    expect(report.vehicle).toBe(p);
    const tables = await readdir(join(root, 'tables'));
    expect(tables).toEqual(
      expect.arrayContaining(['can_frames', 'can_signals', 'drives', 'gps', 'imu', 'topics_vehicle_info']),
    );
    for (const table of tables) expect(await readdir(join(root, 'tables', table))).toEqual([`vehicle=${p}`]);

    const drives = join(root, 'tables', 'drives', '**', '*.parquet');
    const [drive] = await duck.rows(
      `SELECT vehicle, vehicle_key_id, list_transform(source_files, f -> f.uri) AS uris FROM read_parquet(${sqlString(drives)}, hive_partitioning = true)`,
    );
    expect(drive?.vehicle).toBe(p);
    expect(drive?.vehicle_key_id).toBe('fleet-key-2024');
    expect((drive?.uris as string[]).every((u) => u.includes(`/raw/${p}/`))).toBe(true);

    const info = join(root, 'tables', 'topics_vehicle_info', '**', '*.parquet');
    const [text] = await duck.rows(`SELECT DISTINCT data FROM read_parquet(${sqlString(info)})`);
    expect(text?.data).toBe(`VIN:${p} model:adlake-demo sw:1.4.2`);

    // The OBD-II transfer is still there, its VIN bytes masked.
    const frames = join(root, 'tables', 'can_frames', '**', '*.parquet');
    const obd = await duck.rows(
      `SELECT DISTINCT hex(data) AS data FROM read_parquet(${sqlString(frames)}) WHERE id = ${0x7e8} ORDER BY 1`,
    );
    // First frame 10 14 49 02 01 + 3 VIN bytes, consecutive frames 21 and 22 + 7 each: `*` (2A) now.
    expect(obd.map((r) => r.data)).toEqual(['10144902012A2A2A', '212A2A2A2A2A2A2A', '222A2A2A2A2A2A2A']);

    const run = JSON.parse(await readFile(join(root, '_runs', `${report.runId}.json`), 'utf8')) as {
      run: {
        facets: {
          adlake_run: { args: string[]; pseudonymKeyId: string };
          adlake_counts: Record<string, number>;
        };
      };
    };
    expect(run.run.facets.adlake_run.pseudonymKeyId).toBe('fleet-key-2024');
    expect(run.run.facets.adlake_run.args.slice(-2)).toEqual(['--vehicle', p]);
    expect(run.run.facets.adlake_run.args.some((a) => a.includes(`/raw/${p}/`))).toBe(true);
    expect(run.run.facets.adlake_counts.can_vin_transfers_masked).toBe(3); // candump, MCAP, bag
    expect(run.run.facets.adlake_counts.vins_replaced).toBeGreaterThan(0);
    const ledger = await filesUnder(join(root, '_inputs'));
    for (const entry of ledger) {
      expect((JSON.parse(await readFile(entry, 'utf8')) as { uri: string }).uri).toContain(`/raw/${p}/`);
    }
  });

  it('gives the same pseudonym under the same key and another under another key', async () => {
    const p1 = expectedPseudonym(DEMO_VIN, KEY_1);
    const p2 = expectedPseudonym(DEMO_VIN, KEY_2);
    expect(p2).not.toBe(p1);
    expect(lakes.bag.report.vehicle).toBe(p1);
    expect(await readdir(join(lakes.bag.root, 'tables', 'topics_vehicle_info'))).toEqual([`vehicle=${p1}`]);
    expect(lakes.otherKey.report.vehicle).toBe(p2);
    const info = join(lakes.otherKey.root, 'tables', 'topics_vehicle_info', '**', '*.parquet');
    const [text] = await duck.rows(`SELECT DISTINCT data FROM read_parquet(${sqlString(info)})`);
    expect(text?.data).toBe(`VIN:${p2} model:adlake-demo sw:1.4.2`);
  });

  it('without a key redacts VINs found in the content, keeps a non-VIN id and says so', async () => {
    const { root, report } = lakes.noKey;
    expect(report.vehicle).toBe('fleet-7');
    expect(report.warnings.some((w) => w.includes('redacted'))).toBe(true);
    const info = join(root, 'tables', 'topics_vehicle_info', '**', '*.parquet');
    const [text] = await duck.rows(`SELECT DISTINCT data FROM read_parquet(${sqlString(info)})`);
    expect(text?.data).toBe('VIN:v_redacted model:adlake-demo sw:1.4.2');
    const drives = join(root, 'tables', 'drives', '**', '*.parquet');
    const [drive] = await duck.rows(`SELECT vehicle_key_id FROM read_parquet(${sqlString(drives)})`);
    expect(drive?.vehicle_key_id).toBeNull();
  });

  it('refuses a VIN as vehicle id without a key before writing anything', async () => {
    const root = join(dir, 'lake-refused');
    const store = await LocalObjectStore.open({ root });
    await expect(ingestPaths({ store, paths: [files.nmea], dbcs: [], vehicle: DEMO_VIN })).rejects.toThrow(
      UsageError,
    );
    expect(await filesUnder(root)).toEqual([]);
  });

  it('takes the key from the environment on the command line, and refuses a VIN without one', async () => {
    let err = '';
    const run = (argv: string[], env: Record<string, string>): Promise<number> =>
      runCli(argv, {
        cwd: dir,
        env,
        isTTY: false,
        stdout: () => undefined,
        stderr: (t) => void (err += t),
      });
    const argv = ['ingest', files.nmea, '--vehicle', DEMO_VIN, '--lake', 'lake-cli'];
    expect(await run(argv, {})).toBe(64);
    expect(err).toContain('ADLAKE_PSEUDONYM_KEY');
    expect(err).not.toContain(DEMO_VIN);
    const env = {
      ADLAKE_PSEUDONYM_KEY: Buffer.from(KEY_1.key).toString('hex'),
      ADLAKE_PSEUDONYM_KEY_ID: KEY_1.keyId,
    };
    expect(await run(argv, env)).toBe(0);
    expect(await readdir(join(dir, 'lake-cli', 'tables', 'gps'))).toEqual([
      `vehicle=${expectedPseudonym(DEMO_VIN, KEY_1)}`,
    ]);
  });
});
