/**
 * The embedded engine over a real lake: the demo drive ingested into a temporary folder. Counts are checked
 * against the ingest report and against DuckDB reading the part files directly (not through the views).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeError, NotFoundError } from '../../core/errors.js';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import type { ObjectInfo, ObjectStore } from '../../catalog/objectStore.js';
import { listTableParts } from '../../catalog/readTable.js';
import { writeDemoDrive } from '../../ingest/demo/writeDemoDrive.js';
import { ingestPaths } from '../../ingest/ingestPaths.js';
import type { IngestReport } from '../../ingest/ingestReport.js';
import { DuckdbEngine } from '../../sql/duckdbEngine.js';
import type { QueryResult } from '../../sql/sqlEngine.js';
import { openDuck, sqlString, type Duck } from '../catalog/duckdb.js';

let dir: string;
let store: LocalObjectStore;
let report: IngestReport;
let engine: DuckdbEngine;
let duck: Duck;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adlake-sql-engine-'));
  const files = await writeDemoDrive(join(dir, 'out'), { seed: 3 });
  store = await LocalObjectStore.open({ root: join(dir, 'lake') });
  report = await ingestPaths({ store, paths: [files.folder], dbcs: [], vehicle: 'demo-car' });
  engine = await DuckdbEngine.open({ store });
  duck = await openDuck();
}, 180_000);

afterAll(async () => {
  await engine?.close();
  duck?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Rows as objects, for readable expectations. */
function objects(result: QueryResult): Record<string, unknown>[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
}

const files = (table: string) =>
  `read_parquet(${sqlString(join(dir, 'lake', 'tables', table, '**', '*.parquet'))})`;

describe('DuckdbEngine over a lake', () => {
  it('has a view per table: those with files, and the defined ones without (typed, empty)', async () => {
    expect(await engine.names()).toEqual(
      expect.arrayContaining(['can_frames', 'can_signals', 'drives', 'ego_motion', 'gps', 'imu']),
    );
    const imu = await engine.query('SELECT t, accel_x, vehicle, date, "$path" FROM imu');
    expect(imu.rows).toEqual([]);
    expect(imu.columns).toEqual([
      { name: 't', type: 'TIMESTAMP' },
      { name: 'accel_x', type: 'DOUBLE' },
      { name: 'vehicle', type: 'VARCHAR' },
      { name: 'date', type: 'VARCHAR' },
      { name: '$path', type: 'VARCHAR' },
    ]);
  });

  it('counts can_signals by signal as the part files hold them, and in all as ingest reported', async () => {
    const viaView = await engine.query(
      'SELECT signal, count(*) AS n FROM can_signals GROUP BY signal ORDER BY signal',
    );
    const direct = await duck.rows(
      `SELECT signal, count(*) AS n FROM ${files('can_signals')} GROUP BY signal ORDER BY signal`,
    );
    expect(objects(viaView)).toEqual(direct);
    expect(viaView.rows.length).toBeGreaterThan(5);
    const total = viaView.rows.reduce((sum, row) => sum + Number(row[1]), 0);
    expect(total).toBe(report.can?.signals);
    expect(viaView.columns).toEqual([
      { name: 'signal', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
    ]);
  });

  it('reads the partition keys from the path as strings, in Athena order (vehicle, then date)', async () => {
    const date = report.drive?.start.slice(0, 10) ?? '';
    const perDate = await engine.query(
      `SELECT vehicle, date, count(*) AS n FROM gps WHERE date = '${date}' GROUP BY ALL ORDER BY date`,
    );
    expect(perDate.columns.map((c) => `${c.name} ${c.type}`)).toEqual([
      'vehicle VARCHAR',
      'date VARCHAR',
      'n BIGINT',
    ]);
    expect(perDate.rows).toEqual([['demo-car', date, BigInt(report.gps?.fixes ?? -1)]]);
    const described = await engine.query('DESCRIBE gps');
    const names = described.rows.map((r) => r[0]);
    expect(names.slice(-3)).toEqual(['vehicle', 'date', '$path']);
  });

  it('presents UTC instants as TIMESTAMP in UTC wall-clock time, as Athena does, to the microsecond', async () => {
    const fraction = 'WHERE epoch_us(t) % 1000000 <> 0 ORDER BY t LIMIT 1';
    const viewed = await engine.query(
      `SELECT t, typeof(t) AS type, epoch_us(t) AS us, date_trunc('hour', t) AS hour FROM gps ${fraction}`,
    );
    const [direct] = await duck.rows(`SELECT epoch_us(t) AS us FROM ${files('gps')} ${fraction}`);
    const [row] = objects(viewed);
    const us = direct?.us as bigint;
    expect(row?.type).toBe('TIMESTAMP');
    expect(row?.us).toBe(us);
    // Wall-clock text of the UTC instant: no zone suffix, no shift.
    expect(String(row?.t)).not.toMatch(/Z$|[+-]\d\d:\d\d$/);
    expect(Date.parse(`${String(row?.t)}Z`)).toBe(Number(us / 1000n));
    expect(row?.hour).toBe(`${new Date(Number(us / 1000n)).toISOString().slice(0, 13)}:00:00`);
    // A timestamp literal selects the same instant (no session-zone shift in the comparison).
    const same = await engine.query(`SELECT count(*) FROM gps WHERE t = TIMESTAMP '${String(row?.t)}'`);
    expect(same.rows[0]?.[0]).toBeGreaterThan(0n);
  });

  it('gives "$path" as the URI of the object each row came from', async () => {
    const parts = await listTableParts(store, 'gps');
    const result = await engine.query('SELECT "$path", count(*) FROM gps GROUP BY 1 ORDER BY 1');
    expect(result.rows.map((r) => r[0])).toEqual(parts.map((p) => store.uriOf(p.key)).sort());
    expect(String(result.rows[0]?.[0])).toMatch(
      /^file:\/\/\/.*\/tables\/gps\/vehicle=demo-car\/date=\d{4}-\d\d-\d\d\/.+-00000\.parquet$/,
    );
  });

  it('types empty views like the files: a lake with no files binds the same columns', async () => {
    const emptyLake = await LocalObjectStore.open({ root: join(dir, 'empty-lake') });
    const empty = await DuckdbEngine.open({ store: emptyLake });
    try {
      for (const table of ['gps', 'can_signals', 'can_frames', 'drives']) {
        const real = await engine.query(`DESCRIBE ${table}`);
        const typed = await empty.query(`DESCRIBE ${table}`);
        expect(
          typed.rows.map((r) => [r[0], r[1]]),
          table,
        ).toEqual(real.rows.map((r) => [r[0], r[1]]));
      }
    } finally {
      await empty.close();
    }
  });

  it('runs Athena SQL over the lake: date_format, to_unixtime, width_bucket, approx_percentile', async () => {
    const result = await engine.query(`
      SELECT date_format(min(t), '%Y-%m-%dT%H:%i:%s') AS first,
             to_unixtime(max(t)) - to_unixtime(min(t)) AS span_s,
             count_if(width_bucket(speed, ARRAY[5.0, 30.0]) = 2) AS fast,
             approx_percentile(speed, 1.0) AS top
      FROM gps`);
    const [row] = objects(result);
    const [direct] = await duck.rows(
      `SELECT count(*) FILTER (WHERE speed >= 30) AS fast, max(speed) AS top FROM ${files('gps')}`,
    );
    expect(row?.first).toBe(report.drive?.start.slice(0, 19));
    expect(Math.abs(Number(row?.span_s) - (report.drive?.durationS ?? 0))).toBeLessThan(1);
    expect(row?.fast).toBe(direct?.fast);
    expect(row?.top).toBe(direct?.top);
  });

  it('gives timestamps as ISO text with the microseconds, counts as bigint', async () => {
    const result = await engine.query(
      "SELECT TIMESTAMPTZ '2024-06-14 08:00:00.123456+00' AS tz, TIMESTAMP '2024-06-14 08:00:00' AS naive, DATE '2024-06-14' AS d, count(*) AS n, 1.5 AS x, 'a' AS s, true AS b, NULL AS z, '\\x01\\xff'::BLOB AS bytes, [1, 2] AS list, {'k': 1} AS st FROM gps",
    );
    expect(result.rows).toEqual([
      [
        '2024-06-14T08:00:00.123456Z',
        '2024-06-14T08:00:00',
        '2024-06-14',
        BigInt(report.gps?.fixes ?? -1),
        1.5,
        'a',
        true,
        null,
        new Uint8Array([1, 255]),
        [1, 2],
        { k: 1 },
      ],
    ]);
  });

  it('stops at maxRows and says so', async () => {
    const result = await engine.query('SELECT * FROM can_signals', { maxRows: 3 });
    expect(result.rows).toHaveLength(3);
    expect(result.truncated).toBe(true);
    const all = await engine.query('SELECT * FROM gps LIMIT 2', { maxRows: 2 });
    expect(all.truncated).toBeUndefined();
  });

  it('a syntax error: DecodeError with DuckDB’s message and the line:column, moved into the source file', async () => {
    const error = await engine.query('SELECT *\n  FORM gps').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).where).toEqual({ line: 2, column: 8 });
    expect((error as DecodeError).message).toBe('sql: Parser Error: syntax error at or near "gps" (at 2:8)');
    const inFile = await engine
      .query('SELECT nope FROM gps', { source: { uri: 'q.sql', line: 4, column: 3 } })
      .catch((e: unknown) => e);
    expect(inFile).toBeInstanceOf(DecodeError);
    expect((inFile as DecodeError).where).toEqual({ uri: 'q.sql', line: 4, column: 10 });
  });

  it('finds the column in DuckDB’s cut-down context of a long line', async () => {
    const padding = Array.from({ length: 30 }, (_, i) => `${i} AS c${i}`).join(', ');
    const sql = `SELECT ${padding}, nope FROM gps`;
    const error = await engine.query(sql).catch((e: unknown) => e);
    expect((error as DecodeError).where).toEqual({ line: 1, column: sql.indexOf('nope') + 1 });
  });

  it('a table that does not exist: NotFoundError listing the tables there are', async () => {
    const error = await engine.query('SELECT * FROM gpss').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toMatch(
      /^sql: table gpss does not exist; tables: can_frames, can_signals, drives, ego_motion, gps, imu\b.* \(at 1:15\)$/,
    );
  });

  it('is cancelled by the signal and stays usable', async () => {
    const controller = new AbortController();
    const running = engine.query('SELECT count(*) FROM range(100000000000) r(x) WHERE x % 7 = 3', {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('stop')), 100);
    await expect(running).rejects.toThrow('stop');
    expect((await engine.query('SELECT 42 AS answer')).rows).toEqual([[42]]);
  });
});

describe('DuckdbEngine views, catalog and database aliases', () => {
  it('creates the given views in dependency order, and exposes everything as <database>.<name>', async () => {
    const withViews = await DuckdbEngine.open({
      store,
      database: 'adlake',
      views: [
        // Depends on the next one: created after it.
        'CREATE VIEW fast_days AS SELECT date, count(*) AS n FROM fast_fixes GROUP BY date',
        { sql: 'CREATE VIEW fast_fixes AS SELECT * FROM gps WHERE speed > 20', uri: 'queries/fast.sql' },
      ],
    });
    try {
      const viaView = await withViews.query('SELECT sum(n) FROM adlake.fast_days');
      const [direct] = await duck.rows(`SELECT count(*) AS n FROM ${files('gps')} WHERE speed > 20`);
      expect(viaView.rows).toEqual([[direct?.n]]);
      expect((await withViews.query('SELECT count(*) FROM adlake.gps')).rows).toEqual([
        [BigInt(report.gps?.fixes ?? -1)],
      ]);
    } finally {
      await withViews.close();
    }
  });

  it('skips a view over a table the lake does not have, and says why when it is queried', async () => {
    const partial = await DuckdbEngine.open({
      store,
      database: 'adlake',
      views: [
        {
          sql: 'CREATE OR REPLACE VIEW adlake.per_type AS SELECT type, count(*) AS n FROM scenarios GROUP BY type',
          uri: 'q/per_type.sql',
        },
        'CREATE VIEW fixes AS SELECT count(*) AS n FROM gps',
      ],
    });
    try {
      expect([...partial.skippedViews.keys()]).toEqual(['per_type']);
      expect((await partial.query('SELECT n FROM fixes')).rows).toEqual([[BigInt(report.gps?.fixes ?? -1)]]);
      const error = await partial.query('SELECT * FROM per_type').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).message).toMatch(
        /^sql: view per_type was not created: table scenarios does not exist; tables: .* \(at q\/per_type\.sql:1:\d+\) \(at 1:15\)$/,
      );
    } finally {
      await partial.close();
    }
  });

  it('reports a broken view with its file and position', async () => {
    const open = DuckdbEngine.open({
      store,
      views: [
        { sql: 'CREATE VIEW broken AS\nSELECT FROM WHERE', uri: 'queries/broken.sql', line: 3, column: 1 },
      ],
    });
    const error = await open.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).where).toMatchObject({ uri: 'queries/broken.sql', line: 4 });
  });

  it('adds catalog tables (by their location), empty typed catalog tables, and catalog views', async () => {
    const view = Buffer.from(
      JSON.stringify({
        originalSql: 'SELECT count(*) AS fixes FROM gps',
        catalog: 'awsdatacatalog',
        schema: 'adlake',
      }),
    ).toString('base64');
    const tables: Table[] = [
      {
        Name: 'gps_alias',
        DatabaseName: 'adlake',
        TableType: 'EXTERNAL_TABLE',
        StorageDescriptor: {
          Location: `${store.uri}/tables/gps/`,
          Columns: [{ Name: 'lat', Type: 'double' }],
        },
        PartitionKeys: [
          { Name: 'vehicle', Type: 'string' },
          { Name: 'date', Type: 'string' },
        ],
      },
      {
        Name: 'weather',
        DatabaseName: 'adlake',
        TableType: 'EXTERNAL_TABLE',
        StorageDescriptor: {
          Location: `${store.uri}/tables/weather/`,
          Columns: [
            { Name: 'observed', Type: 'timestamp' },
            { Name: 'temperature_c', Type: 'double' },
            { Name: 'station', Type: 'struct<id:string,distance_m:double>' },
            { Name: 'tags', Type: 'array<string>' },
            { Name: 'price', Type: 'decimal(10,2)' },
          ],
        },
        PartitionKeys: [
          { Name: 'vehicle', Type: 'string' },
          { Name: 'date', Type: 'string' },
        ],
      },
      {
        Name: 'fix_count',
        DatabaseName: 'adlake',
        TableType: 'VIRTUAL_VIEW',
        ViewOriginalText: `/* Presto View: ${view} */`,
      },
    ];
    const catalog = {
      async *listTables(database: string): AsyncIterable<Table> {
        await Promise.resolve();
        if (database === 'adlake') yield* tables;
      },
    };
    const withCatalog = await DuckdbEngine.open({ store, catalog: { catalog, database: 'adlake' } });
    try {
      const fixes = BigInt(report.gps?.fixes ?? -1);
      expect((await withCatalog.query('SELECT count(*) FROM gps_alias')).rows).toEqual([[fixes]]);
      expect((await withCatalog.query('SELECT fixes FROM fix_count')).rows).toEqual([[fixes]]);
      expect((await withCatalog.query('SELECT fixes FROM adlake.fix_count')).rows).toEqual([[fixes]]);
      const weather = await withCatalog.query('SELECT * FROM weather');
      expect(weather.rows).toEqual([]);
      expect(weather.columns.map((c) => `${c.name} ${c.type}`)).toEqual([
        'observed TIMESTAMP',
        'temperature_c DOUBLE',
        'station STRUCT("id" VARCHAR, "distance_m" DOUBLE)',
        'tags VARCHAR[]',
        'price DECIMAL(10,2)',
        'vehicle VARCHAR',
        'date VARCHAR',
        '$path VARCHAR',
      ]);
    } finally {
      await withCatalog.close();
    }
  });
});

describe('DuckdbEngine over a lake that is not a local folder', () => {
  /** The demo lake seen as an S3 bucket: same objects, s3:// URIs, every get counted. */
  function remoteView(local: ObjectStore): ObjectStore & { gets: string[] } {
    const gets: string[] = [];
    const uri = 's3://bucket/lake';
    return {
      uri,
      gets,
      put: (key, body) => local.put(key, body),
      get: (key) => {
        gets.push(key);
        return local.get(key);
      },
      exists: (key) => local.exists(key),
      list: (prefix): AsyncIterable<ObjectInfo> => local.list(prefix),
      delete: (key) => local.delete(key),
      source: (key) => local.source(key),
      uriOf: (key) => `${uri}/${key}`,
    };
  }

  it('fetches only the tables a query names, into a cache removed on close; "$path" is the s3:// URI', async () => {
    const remote = remoteView(store);
    const s3 = await DuckdbEngine.open({ store: remote });
    const cache = s3.cacheDir ?? '';
    try {
      expect(remote.gets).toEqual([]);
      const result = await s3.query('SELECT DISTINCT "$path" FROM gps');
      const gpsParts = await listTableParts(store, 'gps');
      expect(remote.gets.sort()).toEqual(gpsParts.map((p) => p.key).sort());
      expect(result.rows.map((r) => r[0]).sort()).toEqual(
        gpsParts.map((p) => `s3://bucket/lake/${p.key}`).sort(),
      );
      // Again: nothing more to fetch.
      await s3.query('SELECT count(*) FROM gps');
      expect(remote.gets).toHaveLength(gpsParts.length);
      const signals = await s3.query('SELECT count(*) FROM can_signals');
      expect(signals.rows).toEqual([[BigInt(report.can?.signals ?? -1)]]);
    } finally {
      await s3.close();
    }
    expect(cache).not.toBe('');
    await expect(readdir(cache)).rejects.toThrow(/ENOENT/);
  });

  it('keeps files in a given cacheDir across engines and fetches them once', async () => {
    const remote = remoteView(store);
    const cacheDir = join(dir, 'cache');
    const first = await DuckdbEngine.open({ store: remote, cacheDir });
    await first.query('SELECT count(*) FROM gps');
    await first.close();
    const fetched = remote.gets.length;
    expect(fetched).toBeGreaterThan(0);
    const second = await DuckdbEngine.open({ store: remote, cacheDir });
    const result = await second.query('SELECT count(*) FROM gps');
    await second.close();
    expect(result.rows).toEqual([[BigInt(report.gps?.fixes ?? -1)]]);
    expect(remote.gets).toHaveLength(fetched);
  });
});
