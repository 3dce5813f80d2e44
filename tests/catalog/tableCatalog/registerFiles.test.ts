/**
 * The demo drive ingested into a temporary lake and registered in the embedded catalog: the partitions the
 * catalog lists are exactly the partition folders on disk, the column types are what DuckDB finds in the
 * Parquet files, and registering again changes nothing.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKey } from '../../../catalog/layout.js';
import { LocalObjectStore } from '../../../catalog/localObjectStore.js';
import type { RunEvent } from '../../../catalog/runRecord.js';
import type { WrittenFile } from '../../../catalog/tableWriter.js';
import { TABLES } from '../../../catalog/tables.js';
import {
  DEFAULT_DATABASE,
  openCatalog,
  sqliteCatalogPath,
} from '../../../catalog/tableCatalog/openCatalog.js';
import { registerWrittenFiles } from '../../../catalog/tableCatalog/registerFiles.js';
import type { TableCatalog } from '../../../catalog/tableCatalog/tableCatalog.js';
import { writeDemoDrive } from '../../../ingest/demo/writeDemoDrive.js';
import { ingestPaths } from '../../../ingest/ingestPaths.js';
import { openDuck, sqlString } from '../duckdb.js';

/**
 * The files a run wrote, from its run record (`_runs/<runId>.json`, outputs grouped per table). ingestPaths'
 * report gives per-table counts only.
 */
async function writtenFiles(store: LocalObjectStore, runId: string): Promise<WrittenFile[]> {
  const event = JSON.parse(new TextDecoder().decode(await store.get(runKey(runId)))) as RunEvent;
  return event.outputs.flatMap((output) =>
    output.outputFacets.adlake_files.files.map((file) => ({ ...file, table: output.name })),
  );
}

/** `table/vehicle/date` of every partition folder under `<lake>/tables`, as the file system has them. */
async function partitionFolders(root: string): Promise<string[]> {
  const folders: string[] = [];
  for (const table of await readdir(join(root, 'tables'))) {
    for (const vehicle of await readdir(join(root, 'tables', table))) {
      for (const date of await readdir(join(root, 'tables', table, vehicle))) {
        folders.push(`${table}/${vehicle.slice('vehicle='.length)}/${date.slice('date='.length)}`);
      }
    }
  }
  return folders.sort();
}

async function catalogPartitions(catalog: TableCatalog): Promise<{ key: string; location: string }[]> {
  const found: { key: string; location: string }[] = [];
  for await (const table of catalog.listTables(DEFAULT_DATABASE)) {
    for await (const partition of catalog.getPartitions(DEFAULT_DATABASE, table.Name ?? '')) {
      found.push({
        key: `${table.Name}/${(partition.Values ?? []).join('/')}`,
        location: partition.StorageDescriptor?.Location ?? '',
      });
    }
  }
  return found.sort((a, b) => (a.key < b.key ? -1 : 1));
}

describe('registering the files of an ingest run', () => {
  let dir: string;
  let store: LocalObjectStore;
  let first: WrittenFile[];
  let second: WrittenFile[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adlake-register-'));
    store = await LocalObjectStore.open({ root: join(dir, 'lake') });
    const a = await writeDemoDrive(join(dir, 'a'), { seed: 11 });
    const runA = await ingestPaths({ store, paths: [a.folder], dbcs: [], vehicle: 'demo_a' });
    // A second vehicle: the first minutes of the drive's NMEA log (gps and drives only), to keep the test short.
    const nmea = (await readFile(a.nmea, 'latin1')).split('\r\n').slice(0, 600).join('\r\n');
    await mkdir(join(dir, 'b'));
    await writeFile(join(dir, 'b', 'gps.nmea'), `${nmea}\r\n`, 'latin1');
    const runB = await ingestPaths({ store, paths: [join(dir, 'b')], dbcs: [], vehicle: 'demo_b' });
    first = await writtenFiles(store, runA.runId);
    second = await writtenFiles(store, runB.runId);
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists exactly the partition folders on disk, at their folders, and is idempotent', async () => {
    expect(new Set(first.map((f) => f.table))).toEqual(
      new Set(['can_frames', 'can_signals', 'gps', 'drives']),
    );
    expect(new Set(second.map((f) => f.table))).toEqual(new Set(['gps', 'drives']));
    const catalog = await openCatalog({ lakeUri: store.uri });
    try {
      expect(catalog.uri).toBe(pathToFileURL(join(dir, 'lake', '_catalog', 'catalog.sqlite')).href);
      const report = await registerWrittenFiles({
        catalog,
        database: DEFAULT_DATABASE,
        files: first,
        lakeUri: store.uri,
        tables: TABLES,
      });
      const firstPartitions = new Set(first.map((f) => `${f.table}/${f.vehicle}/${f.date}`)).size;
      expect(Object.values(report).every((r) => r.table === 'created')).toBe(true);
      expect(Object.values(report).reduce((n, r) => n + r.added, 0)).toBe(firstPartitions);

      // The second drive (another vehicle) adds its partitions; the tables stay as they are.
      const next = await registerWrittenFiles({
        catalog,
        database: DEFAULT_DATABASE,
        files: second,
        lakeUri: store.uri,
        tables: TABLES,
      });
      expect(next).toEqual({
        drives: { table: 'unchanged', added: 1, existing: 0 },
        gps: { table: 'unchanged', added: 1, existing: 0 },
      });

      const onDisk = await partitionFolders(join(dir, 'lake'));
      const listed = await catalogPartitions(catalog);
      expect(listed.map((p) => p.key)).toEqual(onDisk);
      for (const { key, location } of listed) {
        const [table = '', vehicle = '', date = ''] = key.split('/');
        expect(location).toBe(
          `${pathToFileURL(join(dir, 'lake', 'tables', table, `vehicle=${vehicle}`, `date=${date}`)).href}/`,
        );
      }

      // Again: nothing changes.
      const again = await registerWrittenFiles({
        catalog,
        database: DEFAULT_DATABASE,
        files: [...first, ...second],
        lakeUri: store.uri,
        tables: TABLES,
      });
      for (const r of Object.values(again)) expect(r).toMatchObject({ table: 'unchanged', added: 0 });
      expect(Object.values(again).reduce((n, r) => n + r.existing, 0)).toBe(onDisk.length);
      expect((await catalogPartitions(catalog)).map((p) => p.key)).toEqual(onDisk);
      // Partition filters answer from the same records.
      const gpsB: string[] = [];
      for await (const p of catalog.getPartitions(DEFAULT_DATABASE, 'gps', "vehicle = 'demo_b'")) {
        gpsB.push(`gps/${(p.Values ?? []).join('/')}`);
      }
      expect(gpsB.sort()).toEqual(onDisk.filter((k) => k.startsWith('gps/demo_b/')));
    } finally {
      await catalog.close();
    }
  });

  it('catalogues the column types DuckDB reads from the Parquet files', async () => {
    const catalog = await openCatalog({ lakeUri: store.uri, stateDir: dir });
    const duck = await openDuck();
    try {
      for (const name of ['can_frames', 'can_signals', 'gps', 'drives']) {
        const table = await catalog.getTable(DEFAULT_DATABASE, name);
        const glob = join(dir, 'lake', 'tables', name, '*', '*', '*.parquet');
        const described = await duck.rows(
          `DESCRIBE SELECT * FROM read_parquet(${sqlString(glob)}, hive_partitioning = false)`,
        );
        expect(
          described.map((c) => `${String(c.column_name)} ${duckToHive(String(c.column_type))}`),
          name,
        ).toEqual((table?.StorageDescriptor?.Columns ?? []).map((c) => `${c.Name} ${c.Type}`));
      }
    } finally {
      duck.close();
      await catalog.close();
    }
  });

  it('keeps an enum projection covering every vehicle and the earliest date', async () => {
    const catalog = await openCatalog({ lakeUri: 's3://lake-bucket/demo', stateDir: dir });
    try {
      expect(catalog.uri).toBe(pathToFileURL(sqliteCatalogPath('s3://lake-bucket/demo', dir)).href);
      const register = (files: WrittenFile[]) =>
        registerWrittenFiles({
          catalog,
          database: 'projected',
          files,
          lakeUri: 's3://lake-bucket/demo',
          tables: new Map(Object.entries(TABLES)),
          projection: 'enum',
        });
      await register(second);
      const afterB = await catalog.getTable('projected', 'gps');
      expect(afterB?.Parameters?.['projection.vehicle.values']).toBe('demo_b');
      await register(first);
      const gps = await catalog.getTable('projected', 'gps');
      const dates = [...first, ...second]
        .filter((f) => f.table === 'gps')
        .map((f) => f.date)
        .sort();
      expect(gps?.Parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.vehicle.type': 'enum',
        'projection.vehicle.values': 'demo_a,demo_b',
        'projection.date.range': `${dates[0]},NOW`,
        'storage.location.template': 's3://lake-bucket/demo/tables/gps/vehicle=${vehicle}/date=${date}/',
      });
    } finally {
      await catalog.close();
    }
  });

  it('refuses files of unknown tables or outside their partition folder before touching the catalog', async () => {
    const catalog = await openCatalog({ lakeUri: 's3://lake-bucket/refused', stateDir: dir });
    try {
      const file = first.find((f) => f.table === 'gps') as WrittenFile;
      await expect(
        registerWrittenFiles({
          catalog,
          database: 'refused',
          files: [
            { ...file, table: 'topics_camera' },
            { ...file, date: '1999-01-01' },
          ],
          lakeUri: 's3://lake-bucket/refused',
          tables: (name) => (name === 'gps' ? TABLES.gps : undefined),
        }),
      ).rejects.toThrow(
        /cannot register 2 file\(s\): .*no table definition for topics_camera; .*not in the folder/,
      );
      await expect(catalog.ensureDatabase('refused')).resolves.toBeUndefined();
      expect(await catalog.getTable('refused', file.table)).toBeUndefined();
    } finally {
      await catalog.close();
    }
  });
});

/** DuckDB's name for a Parquet column type, as the Hive type Athena gives the same column. */
function duckToHive(type: string): string {
  if (type.endsWith('[]')) return `array<${duckToHive(type.slice(0, -2))}>`;
  const struct = /^STRUCT\((.*)\)$/.exec(type);
  if (struct) {
    const fields = (struct[1] ?? '').split(', ').map((field) => {
      const [name = '', ...rest] = field.split(' ');
      return `${name.replaceAll('"', '')}:${duckToHive(rest.join(' '))}`;
    });
    return `struct<${fields.join(',')}>`;
  }
  const simple: Record<string, string> = {
    'TIMESTAMP WITH TIME ZONE': 'timestamp',
    VARCHAR: 'string',
    DOUBLE: 'double',
    FLOAT: 'float',
    BIGINT: 'bigint',
    INTEGER: 'int',
    SMALLINT: 'smallint',
    TINYINT: 'tinyint',
    BOOLEAN: 'boolean',
    BLOB: 'binary',
    DATE: 'date',
  };
  return simple[type] ?? `unmapped DuckDB type ${type}`;
}
