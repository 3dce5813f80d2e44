/**
 * The Glue backend against the real Data Catalog. Runs only with ADLAKE_LIVE_AWS=1; the database comes from
 * ADLAKE_LIVE_GLUE_DATABASE (created if missing, never deleted) and region and credentials from the SDK's
 * usual chain (AWS_REGION, AWS_PROFILE, …). ADLAKE_LIVE_GLUE_CATALOG_ID selects another account's catalog.
 * The test makes one uniquely named table (no data is written; the location need not exist) and drops it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../../catalog/tables.js';
import { GlueCatalog } from '../../../catalog/tableCatalog/glueCatalog.js';
import { partitionInput } from '../../../catalog/tableCatalog/partitionInput.js';
import { tableInput } from '../../../catalog/tableCatalog/tableInput.js';

const LIVE = process.env.ADLAKE_LIVE_AWS === '1';

describe.runIf(LIVE)('GlueCatalog on the real Data Catalog', () => {
  const database = process.env.ADLAKE_LIVE_GLUE_DATABASE ?? 'adlake_live_test';
  const lakeUri = process.env.ADLAKE_LIVE_S3_URI ?? 's3://adlake-live-example/lake';
  const table = `gps_live_${randomUUID().slice(0, 8)}`;
  let catalog: GlueCatalog | undefined;

  afterAll(async () => {
    if (!catalog) return;
    try {
      await catalog.deleteTable(database, table);
    } finally {
      await catalog.close();
    }
  });

  it('creates, compares, updates, registers and filters like the embedded catalog', async () => {
    const catalogId = process.env.ADLAKE_LIVE_GLUE_CATALOG_ID;
    catalog = await GlueCatalog.open(catalogId ? { catalogId } : {});
    await catalog.ensureDatabase(database);
    const def = { ...TABLES.gps, name: table };
    const input = tableInput(def, { lakeUri });
    expect(await catalog.upsertTable(database, input)).toBe('created');
    expect(await catalog.upsertTable(database, input)).toBe('unchanged');
    const projected = tableInput(def, {
      lakeUri,
      projection: { since: '2024-01-01', vehicles: ['v0', 'v1'] },
    });
    expect(await catalog.upsertTable(database, projected)).toBe('updated');
    expect(await catalog.upsertTable(database, projected)).toBe('unchanged');

    // 150 partitions: two BatchCreatePartition chunks.
    const partitions = Array.from({ length: 150 }, (_, i) =>
      partitionInput(input, {
        vehicle: `v${i % 2}`,
        date: new Date(Date.UTC(2024, 0, 1 + Math.floor(i / 2))).toISOString().slice(0, 10),
      }),
    );
    expect(await catalog.addPartitions(database, table, partitions)).toEqual({ added: 150, existing: 0 });
    expect(await catalog.addPartitions(database, table, partitions.slice(0, 10))).toEqual({
      added: 0,
      existing: 10,
    });

    const found: string[] = [];
    for await (const p of catalog.getPartitions(
      database,
      table,
      "vehicle = 'v1' AND date BETWEEN '2024-01-10' AND '2024-01-19'",
    )) {
      found.push((p.Values ?? []).join('/'));
    }
    expect(found.sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `v1/2024-01-${String(10 + i).padStart(2, '0')}`),
    );
    let all = 0;
    for await (const _ of catalog.getPartitions(database, table)) all++;
    expect(all).toBe(150);

    const names: string[] = [];
    for await (const t of catalog.listTables(database, `${table}|nothing_by_this_name`))
      names.push(t.Name ?? '');
    expect(names).toEqual([table]);
  }, 120_000);
});
