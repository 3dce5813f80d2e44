/**
 * queries/ddl/<table>.sql is the Athena DDL of every curated table, as athenaDdlFile() writes it from the
 * TableDefs: a checked-in copy that must never drift from the schemas. The files are vitest file snapshots,
 * so `npx vitest run tests/queries/athenaDdl.test.ts -u` regenerates them (CI never writes them).
 * The statements are Athena-only (no CREATE EXTERNAL TABLE on DuckDB); what can be checked here is their
 * shape: every column of the schema with its Hive type, in order, and the partition keys.
 */
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CURATED_TABLES } from '../../catalog/curatedTables.js';
import { athenaDdl, athenaDdlFile, SHIPPED_DDL_LAKE_URI } from '../../catalog/tableCatalog/athenaDdl.js';
import { tableInput } from '../../catalog/tableCatalog/tableInput.js';
import { DRIVES } from '../../catalog/tables.js';

const DDL_DIR = 'queries/ddl';

describe('queries/ddl', () => {
  it('holds one file per curated table and nothing else', async () => {
    const files = (await readdir(DDL_DIR)).filter((f) => f.endsWith('.sql')).sort();
    expect(files).toEqual(
      Object.keys(CURATED_TABLES)
        .map((name) => `${name}.sql`)
        .sort(),
    );
  });

  for (const [name, def] of Object.entries(CURATED_TABLES)) {
    it(`${name}.sql is what the generator writes from the TableDef`, async () => {
      await expect(athenaDdlFile(def)).toMatchFileSnapshot(`../../${DDL_DIR}/${name}.sql`);
    });

    it(`${name}.sql declares every column with its catalog type, then vehicle and date`, async () => {
      const text = await readFile(`${DDL_DIR}/${name}.sql`, 'utf8');
      const input = tableInput(def, { lakeUri: SHIPPED_DDL_LAKE_URI });
      const declared = [...text.matchAll(/^ {2}`([a-z0-9_]+)` (\S+)/gm)].map((m) => [m[1], m[2]]);
      expect(declared).toEqual([
        ...(input.StorageDescriptor?.Columns ?? []).map((c) => [c.Name, c.Type]),
        ['vehicle', 'string'],
        ['date', 'string'],
      ]);
      expect(text).toContain(`CREATE EXTERNAL TABLE IF NOT EXISTS \`${name}\` (`);
      expect(text).toContain(`LOCATION '${SHIPPED_DDL_LAKE_URI}/tables/${name}/'`);
      expect(text).toMatch(/^-- .*Athena only: DuckDB has no CREATE EXTERNAL TABLE/m);
      expect(text.trimEnd().endsWith(';')).toBe(true);
    });
  }
});

describe('athenaDdl', () => {
  it('writes the drives table in Hive DDL, quotes escaped, nested types spelled out', () => {
    const ddl = athenaDdl(DRIVES, { lakeUri: 's3://bucket/lake' });
    expect(ddl.split('\n').slice(0, 3)).toEqual([
      'CREATE EXTERNAL TABLE IF NOT EXISTS `drives` (',
      "  `drive_id` string COMMENT 'Drive id, unique within the lake.',",
      "  `start_time` timestamp COMMENT 'First timestamp of the drive, UTC.',",
    ]);
    expect(ddl).toContain(
      "  `source_files` array<struct<uri:string,sha256:string,format:string,bytes:bigint>> COMMENT 'The raw files the drive was ingested from: URI, content hash, detected format, size in bytes.',",
    );
    expect(ddl).toContain(
      [
        'PARTITIONED BY (',
        "  `vehicle` string COMMENT 'Vehicle id (pseudonymised), from the vehicle= folder.',",
        "  `date` string COMMENT 'UTC date (YYYY-MM-DD) of start_time, from the date= folder.'",
        ')',
        "ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'",
        "WITH SERDEPROPERTIES ('serialization.format' = '1')",
        "STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'",
        "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'",
        "LOCATION 's3://bucket/lake/tables/drives/'",
        'TBLPROPERTIES (',
        "  'classification' = 'parquet',",
        "  'parquet.compression' = 'ZSTD'",
        ')',
      ].join('\n'),
    );
    // Hive string literals: a quote is escaped with a backslash ('' would end one literal and start another).
    const timeseries = athenaDdl(CURATED_TABLES.timeseries ?? DRIVES, { lakeUri: 's3://bucket/lake' });
    expect(timeseries).toContain("COMMENT '\\'day\\', \\'twilight\\' or \\'night\\' from the sun elevation");
  });

  it('adds partition projection properties and can leave IF NOT EXISTS out', () => {
    const ddl = athenaDdl(DRIVES, {
      lakeUri: 's3://bucket/lake',
      projection: { since: '2024-01-01', vehicles: 'injected' },
      ifNotExists: false,
    });
    expect(ddl.startsWith('CREATE EXTERNAL TABLE `drives` (')).toBe(true);
    expect(ddl).toContain("  'projection.enabled' = 'true',");
    expect(ddl).toContain("  'projection.date.range' = '2024-01-01,NOW',");
    expect(ddl).toContain("  'projection.vehicle.type' = 'injected'");
    expect(ddl).toContain(
      "  'storage.location.template' = 's3://bucket/lake/tables/drives/vehicle=${vehicle}/date=${date}/',",
    );
  });
});
