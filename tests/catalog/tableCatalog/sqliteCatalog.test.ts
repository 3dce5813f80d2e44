import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Partition } from '@aws-sdk/client-glue';
import { Float64, Schema } from 'apache-arrow';
import { describe, expect, it, onTestFinished } from 'vitest';
import { NotFoundError, UsageError } from '../../../core/errors.js';
import { column, TABLES } from '../../../catalog/tables.js';
import type { TableDef } from '../../../catalog/tables.js';
import { partitionInput } from '../../../catalog/tableCatalog/partitionInput.js';
import { SqliteCatalog } from '../../../catalog/tableCatalog/sqliteCatalog.js';
import { tableInput } from '../../../catalog/tableCatalog/tableInput.js';

const LAKE = 'file:///lake';

async function open(pageSize?: number): Promise<{ catalog: SqliteCatalog; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'adlake-catalog-'));
  const path = join(dir, '_catalog', 'catalog.sqlite');
  let clock = Date.parse('2024-05-01T00:00:00Z');
  const catalog = await SqliteCatalog.open({
    path,
    now: () => new Date((clock += 1000)),
    ...(pageSize ? { pageSize } : {}),
  });
  onTestFinished(async () => {
    await catalog.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  return { catalog, path };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const valuesOf = (partitions: Partition[]) => partitions.map((p) => (p.Values ?? []).join('/')).sort();

describe('SqliteCatalog', () => {
  it('upserts a table: created, unchanged, updated when it differs, and keeps parameters it does not own', async () => {
    const { catalog, path } = await open();
    await catalog.ensureDatabase('adlake');
    await catalog.ensureDatabase('adlake');
    const gps = tableInput(TABLES.gps, { lakeUri: LAKE });
    expect(await catalog.upsertTable('adlake', gps)).toBe('created');
    expect(await catalog.upsertTable('adlake', gps)).toBe('unchanged');

    const stored = await catalog.getTable('adlake', 'gps');
    expect(stored).toMatchObject({ ...gps, DatabaseName: 'adlake', VersionId: '1' });
    expect(stored?.CreateTime).toEqual(new Date('2024-05-01T00:00:03Z'));

    // Someone else (Athena, a user) adds a parameter; a schema change then updates the table and keeps it.
    const raw = new Database(path);
    raw
      .prepare(
        "UPDATE tables SET input = json_set(input, '$.Parameters.owner_team', 'perception') WHERE name = 'gps'",
      )
      .run();
    raw.close();
    expect(await catalog.upsertTable('adlake', gps)).toBe('unchanged');
    const wider: TableDef<unknown> = {
      ...TABLES.gps,
      schema: new Schema([
        ...TABLES.gps.schema.fields,
        column('hacc', new Float64(), 'Horizontal accuracy.', { unit: 'm' }),
      ]),
    };
    const widerInput = tableInput(wider, { lakeUri: LAKE });
    expect(await catalog.upsertTable('adlake', widerInput)).toBe('updated');
    expect(await catalog.upsertTable('adlake', widerInput)).toBe('unchanged');
    const updated = await catalog.getTable('adlake', 'gps');
    expect(updated?.VersionId).toBe('2');
    expect(updated?.Parameters).toEqual({ ...widerInput.Parameters, owner_team: 'perception' });
    expect(updated?.StorageDescriptor?.Columns?.at(-1)).toEqual({
      Name: 'hacc',
      Type: 'double',
      Comment: 'Horizontal accuracy. Unit: m.',
    });

    // Turning projection on and off changes only adlake's parameters.
    const projected = tableInput(wider, {
      lakeUri: LAKE,
      projection: { since: '2024-01-01', vehicles: 'injected' },
    });
    expect(await catalog.upsertTable('adlake', projected)).toBe('updated');
    expect(await catalog.upsertTable('adlake', widerInput)).toBe('updated');
    expect((await catalog.getTable('adlake', 'gps'))?.Parameters).toEqual({
      ...widerInput.Parameters,
      owner_team: 'perception',
    });

    // The columns table mirrors the input for SQL readers.
    const reader = new Database(path, { readonly: true });
    const columns = reader
      .prepare("SELECT name, type, partition_key FROM columns WHERE table_name = 'gps' ORDER BY position")
      .all() as { name: string; type: string; partition_key: number }[];
    reader.close();
    expect(columns.map((c) => `${c.name}:${c.type}:${c.partition_key}`)).toEqual([
      ...(widerInput.StorageDescriptor?.Columns ?? []).map((c) => `${c.Name}:${c.Type}:0`),
      'vehicle:string:1',
      'date:string:1',
    ]);
  });

  it('refuses a table in a missing database and bad names', async () => {
    const { catalog } = await open();
    const gps = tableInput(TABLES.gps, { lakeUri: LAKE });
    await expect(catalog.upsertTable('nowhere', gps)).rejects.toThrow(NotFoundError);
    await expect(catalog.ensureDatabase('Bad-Name')).rejects.toThrow(UsageError);
    await expect(catalog.upsertTable('adlake', { ...gps, Name: 'GPS' })).rejects.toThrow(UsageError);
    expect(await catalog.getTable('nowhere', 'gps')).toBeUndefined();
  });

  it('adds partitions idempotently and drops them with the table', async () => {
    const { catalog } = await open();
    await catalog.ensureDatabase('adlake');
    const gps = tableInput(TABLES.gps, { lakeUri: LAKE });
    await catalog.upsertTable('adlake', gps);
    const part = (vehicle: string, date: string) => partitionInput(gps, { vehicle, date });
    expect(
      await catalog.addPartitions('adlake', 'gps', [
        part('a', '2024-01-01'),
        part('a', '2024-01-02'),
        part('b', '2024-01-01'),
      ]),
    ).toEqual({
      added: 3,
      existing: 0,
    });
    expect(
      await catalog.addPartitions('adlake', 'gps', [
        part('a', '2024-01-02'),
        part('c', '2024-01-03'),
        part('a', '2024-01-01'),
      ]),
    ).toEqual({
      added: 1,
      existing: 2,
    });
    const partitions = await all(catalog.getPartitions('adlake', 'gps'));
    expect(valuesOf(partitions)).toEqual(['a/2024-01-01', 'a/2024-01-02', 'b/2024-01-01', 'c/2024-01-03']);
    const c = partitions.find((p) => p.Values?.[0] === 'c');
    expect(c).toMatchObject({
      DatabaseName: 'adlake',
      TableName: 'gps',
      Values: ['c', '2024-01-03'],
      StorageDescriptor: {
        Location: 'file:///lake/tables/gps/vehicle=c/date=2024-01-03/',
        Columns: gps.StorageDescriptor?.Columns,
      },
    });
    expect(c?.CreationTime).toBeInstanceOf(Date);

    await expect(
      catalog.addPartitions('adlake', 'gps', [{ Values: ['a'], StorageDescriptor: { Location: 'x' } }]),
    ).rejects.toThrow(/one string value for each key \(vehicle, date\)/);
    await expect(catalog.addPartitions('adlake', 'imu', [part('a', '2024-01-01')])).rejects.toThrow(
      NotFoundError,
    );
    await expect(all(catalog.getPartitions('adlake', 'imu'))).rejects.toThrow(NotFoundError);

    expect(await catalog.deleteTable('adlake', 'gps')).toBe(true);
    expect(await catalog.deleteTable('adlake', 'gps')).toBe(false);
    await catalog.upsertTable('adlake', gps);
    expect(await all(catalog.getPartitions('adlake', 'gps'))).toEqual([]);
  });

  it('filters partitions with Glue expressions, agreeing with a plain predicate', async () => {
    const { catalog } = await open();
    await catalog.ensureDatabase('adlake');
    const gps = tableInput(TABLES.gps, { lakeUri: LAKE });
    await catalog.upsertTable('adlake', gps);
    const vehicles = ['car_1', 'car_2', 'Car_3', 'van%1', "o'brien"];
    const dates = ['2023-12-31', '2024-01-01', '2024-01-15', '2024-02-01', '2024-02-29'];
    await catalog.addPartitions(
      'adlake',
      'gps',
      vehicles.flatMap((vehicle) => dates.map((date) => partitionInput(gps, { vehicle, date }))),
    );
    const cases: [string, (v: string, d: string) => boolean][] = [
      ["vehicle = 'car_1'", (v) => v === 'car_1'],
      ["vehicle <> 'car_1' AND date >= '2024-02-01'", (v, d) => v !== 'car_1' && d >= '2024-02-01'],
      ["date BETWEEN '2024-01-01' AND '2024-01-31'", (_, d) => d >= '2024-01-01' && d <= '2024-01-31'],
      [
        "date NOT BETWEEN '2024-01-01' AND '2024-01-31' AND vehicle IN ('car_2', 'o''brien')",
        (v, d) => (d < '2024-01-01' || d > '2024-01-31') && (v === 'car_2' || v === "o'brien"),
      ],
      // LIKE is case-sensitive (as in Glue); _ is one character, % any run.
      ["vehicle LIKE 'car%'", (v) => v.startsWith('car')],
      ["vehicle LIKE 'van_1'", (v) => v === 'van%1'],
      [
        "vehicle NOT LIKE 'car__' OR date < '2024-01-01'",
        (v, d) => d < '2024-01-01' || !(v.length === 5 && v.startsWith('car')),
      ],
      [
        "NOT (vehicle = 'car_1' OR vehicle = 'car_2') AND (date = '2024-02-29' OR date = '2023-12-31')",
        (v, d) => !(v === 'car_1' || v === 'car_2') && (d === '2024-02-29' || d === '2023-12-31'),
      ],
      ['vehicle IS NULL', () => false],
      ['date is not null', () => true],
    ];
    for (const [expression, predicate] of cases) {
      const expected = vehicles
        .flatMap((v) => dates.filter((d) => predicate(v, d)).map((d) => `${v}/${d}`))
        .sort();
      expect(valuesOf(await all(catalog.getPartitions('adlake', 'gps', expression))), expression).toEqual(
        expected,
      );
    }
    await expect(all(catalog.getPartitions('adlake', 'gps', "vehicle = 'a' AND date >"))).rejects.toThrow(
      /bad partition expression at character 25: expected a value/,
    );
    await expect(all(catalog.getPartitions('adlake', 'gps', "bus = 'can0'"))).rejects.toThrow(
      /at character 1: bus is not a partition key; the keys are vehicle, date/,
    );
  });

  it('pages through partitions (keeping the filter), so the catalog can be used inside the loop', async () => {
    const { catalog } = await open(7);
    await catalog.ensureDatabase('adlake');
    const gps = tableInput(TABLES.gps, { lakeUri: LAKE });
    await catalog.upsertTable('adlake', gps);
    const start = Date.parse('2020-01-01T00:00:00Z');
    const day = (i: number) => new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    const inputs = Array.from({ length: 60 }, (_, i) =>
      partitionInput(gps, { vehicle: `v${i % 2}`, date: day(i) }),
    );
    expect(await catalog.addPartitions('adlake', 'gps', inputs)).toEqual({ added: 60, existing: 0 });
    const seen: string[] = [];
    for await (const partition of catalog.getPartitions('adlake', 'gps', "vehicle = 'v1'")) {
      seen.push(partition.Values?.[1] ?? '');
      // Writing while iterating would fail if a statement were left open.
      await catalog.addPartitions('adlake', 'gps', [
        partitionInput(gps, { vehicle: 'v2', date: day(seen.length) }),
      ]);
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => day(2 * i + 1)));
  });

  it('lists tables by Hive pattern and keeps its data across reopening', async () => {
    const { catalog, path } = await open();
    await catalog.ensureDatabase('adlake');
    for (const def of Object.values(TABLES))
      await catalog.upsertTable('adlake', tableInput(def, { lakeUri: LAKE }));
    const names = async (c: SqliteCatalog, pattern?: string) =>
      (await all(c.listTables('adlake', pattern))).map((t) => t.Name);
    expect(await names(catalog)).toEqual(Object.keys(TABLES).sort());
    expect(await names(catalog, 'can_*')).toEqual(['can_frames', 'can_signals']);
    expect(await names(catalog, 'GPS|imu|*motion')).toEqual(['ego_motion', 'gps', 'imu']);
    expect(await names(catalog, 'can')).toEqual([]);
    await expect(names(catalog, 'can.*')).rejects.toThrow(UsageError);
    await expect(all(catalog.listTables('nowhere'))).rejects.toThrow(NotFoundError);
    await catalog.close();

    const again = await SqliteCatalog.open({ path });
    onTestFinished(() => again.close());
    expect(await names(again, 'gps')).toEqual(['gps']);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });
});
