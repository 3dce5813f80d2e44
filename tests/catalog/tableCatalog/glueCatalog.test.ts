/**
 * The Glue backend against a mocked GlueClient: the exact requests it sends (filters on every page, chunks of
 * 100, CatalogId), and how it reads Glue's answers (AlreadyExists, per-entry errors, throttling).
 */
import {
  AccessDeniedException,
  AlreadyExistsException,
  BatchCreatePartitionCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  EntityNotFoundException,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  InternalServiceException,
  ThrottlingException,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { PartitionInput, Table } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { InternalError, NotFoundError, UsageError } from '../../../core/errors.js';
import { TABLES } from '../../../catalog/tables.js';
import { GlueCatalog } from '../../../catalog/tableCatalog/glueCatalog.js';
import { partitionInput } from '../../../catalog/tableCatalog/partitionInput.js';
import { tableInput } from '../../../catalog/tableCatalog/tableInput.js';

const CATALOG_ID = '123456789012';
const LAKE = 's3://lake-bucket/prefix';
const meta = { $metadata: {} };
const gps = tableInput(TABLES.gps, { lakeUri: LAKE });
/** What GetTable gives back for `gps`: the input plus fields Glue fills in. */
const storedGps: Table = {
  ...gps,
  Name: 'gps',
  DatabaseName: 'adlake',
  CreateTime: new Date('2024-05-01T00:00:00Z'),
  StorageDescriptor: { ...gps.StorageDescriptor, Compressed: false, NumberOfBuckets: -1, BucketColumns: [] },
  Parameters: { ...gps.Parameters, transient_lastDdlTime: '1714521600' },
  IsRegisteredWithLakeFormation: false,
  VersionId: '0',
};

const client = new GlueClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});
const glue = mockClient(client);

let sleeps: number[] = [];
async function open(maxAttempts = 5): Promise<GlueCatalog> {
  sleeps = [];
  return GlueCatalog.open({
    client,
    catalogId: CATALOG_ID,
    retry: {
      maxAttempts,
      random: () => 0.5,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    },
  });
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const inputs = (command: Parameters<typeof glue.commandCalls>[0]) =>
  glue.commandCalls(command).map((call) => call.args[0].input as unknown);

beforeEach(() => {
  glue.reset();
});

describe('GlueCatalog', () => {
  it('names itself by region and catalog id, and leaves an injected client open', async () => {
    const catalog = await open();
    expect(catalog.uri).toBe(`glue://eu-west-1/${CATALOG_ID}`);
    await catalog.close();
    glue.on(GetTableCommand).resolves({ Table: storedGps });
    expect(await catalog.getTable('adlake', 'gps')).toEqual(storedGps);
  });

  it('creates a database once; AlreadyExists is fine, other errors are not', async () => {
    const catalog = await open();
    glue
      .on(CreateDatabaseCommand)
      .resolvesOnce({})
      .rejectsOnce(new AlreadyExistsException({ message: 'Database already exists.', ...meta }))
      .rejectsOnce(new AccessDeniedException({ message: 'not allowed', ...meta }));
    await catalog.ensureDatabase('adlake', { description: 'drive recordings' });
    await catalog.ensureDatabase('adlake', { description: 'drive recordings' });
    await expect(catalog.ensureDatabase('adlake')).rejects.toThrow('not allowed');
    expect(inputs(CreateDatabaseCommand)).toEqual([
      { CatalogId: CATALOG_ID, DatabaseInput: { Name: 'adlake', Description: 'drive recordings' } },
      { CatalogId: CATALOG_ID, DatabaseInput: { Name: 'adlake', Description: 'drive recordings' } },
      { CatalogId: CATALOG_ID, DatabaseInput: { Name: 'adlake' } },
    ]);
  });

  it('creates a missing table with the exact TableInput', async () => {
    const catalog = await open();
    glue
      .on(GetTableCommand)
      .rejects(new EntityNotFoundException({ message: 'Table gps not found.', ...meta }));
    glue.on(CreateTableCommand).resolves({});
    expect(await catalog.upsertTable('adlake', gps)).toBe('created');
    expect(inputs(GetTableCommand)).toEqual([{ CatalogId: CATALOG_ID, DatabaseName: 'adlake', Name: 'gps' }]);
    expect(inputs(CreateTableCommand)).toEqual([
      { CatalogId: CATALOG_ID, DatabaseName: 'adlake', TableInput: gps },
    ]);
  });

  it('leaves a table that says the same alone, whatever Glue added', async () => {
    const catalog = await open();
    glue.on(GetTableCommand).resolves({ Table: storedGps });
    expect(await catalog.upsertTable('adlake', gps)).toBe('unchanged');
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
    expect(glue.commandCalls(CreateTableCommand)).toHaveLength(0);
  });

  it('updates a table that differs, keeping parameters adlake does not own', async () => {
    const catalog = await open();
    const old: Table = {
      ...storedGps,
      StorageDescriptor: {
        ...storedGps.StorageDescriptor,
        Columns: storedGps.StorageDescriptor?.Columns?.slice(0, 5),
      },
      Parameters: { ...storedGps.Parameters, 'projection.enabled': 'true', owner_team: 'perception' },
    };
    glue.on(GetTableCommand).resolves({ Table: old });
    glue.on(UpdateTableCommand).resolves({});
    expect(await catalog.upsertTable('adlake', gps)).toBe('updated');
    expect(inputs(UpdateTableCommand)).toEqual([
      {
        CatalogId: CATALOG_ID,
        DatabaseName: 'adlake',
        TableInput: {
          ...gps,
          Parameters: { transient_lastDdlTime: '1714521600', owner_team: 'perception', ...gps.Parameters },
        },
      },
    ]);
  });

  it('compares with the winner when another writer created the table first', async () => {
    const catalog = await open();
    glue
      .on(GetTableCommand)
      .rejectsOnce(new EntityNotFoundException({ message: 'Table gps not found.', ...meta }))
      .resolves({ Table: storedGps });
    glue
      .on(CreateTableCommand)
      .rejects(new AlreadyExistsException({ message: 'Table already exists.', ...meta }));
    expect(await catalog.upsertTable('adlake', gps)).toBe('unchanged');
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(2);
  });

  it('reports a missing database as NotFoundError', async () => {
    const catalog = await open();
    glue
      .on(GetTableCommand)
      .rejects(new EntityNotFoundException({ message: 'Database adlake not found.', ...meta }));
    glue
      .on(CreateTableCommand)
      .rejects(new EntityNotFoundException({ message: 'Database adlake not found.', ...meta }));
    await expect(catalog.upsertTable('adlake', gps)).rejects.toThrow(NotFoundError);
  });

  it('pages through GetPartitions with the Expression on every page', async () => {
    const catalog = await open();
    glue.on(GetTableCommand).resolves({ Table: storedGps });
    const partition = (vehicle: string, date: string) => ({
      ...partitionInput(gps, { vehicle, date }),
      DatabaseName: 'adlake',
      TableName: 'gps',
    });
    glue
      .on(GetPartitionsCommand)
      .resolvesOnce({
        Partitions: [partition('a', '2024-01-01'), partition('a', '2024-01-02')],
        NextToken: 'page-2',
      })
      .resolvesOnce({ Partitions: [partition('a', '2024-01-03')], NextToken: 'page-3' })
      .resolvesOnce({ Partitions: [] });
    const expression = "vehicle = 'a' AND date >= '2024-01-01'";
    const found = await all(catalog.getPartitions('adlake', 'gps', expression));
    expect(found.map((p) => p.Values)).toEqual([
      ['a', '2024-01-01'],
      ['a', '2024-01-02'],
      ['a', '2024-01-03'],
    ]);
    const request = {
      CatalogId: CATALOG_ID,
      DatabaseName: 'adlake',
      TableName: 'gps',
      Expression: expression,
    };
    expect(inputs(GetPartitionsCommand)).toEqual([
      request,
      { ...request, NextToken: 'page-2' },
      { ...request, NextToken: 'page-3' },
    ]);
  });

  it('refuses a bad expression with its position before asking for partitions', async () => {
    const catalog = await open();
    glue.on(GetTableCommand).resolves({ Table: storedGps });
    await expect(all(catalog.getPartitions('adlake', 'gps', "vehicle = 'a' AND"))).rejects.toThrow(
      /bad partition expression at character 18/,
    );
    await expect(all(catalog.getPartitions('adlake', 'gps', 'speed > 3'))).rejects.toThrow(UsageError);
    expect(glue.commandCalls(GetPartitionsCommand)).toHaveLength(0);
  });

  it('lists tables page by page with the pattern on every page, and checks names itself too', async () => {
    const catalog = await open();
    glue
      .on(GetTablesCommand)
      .resolvesOnce({ TableList: [{ Name: 'can_frames' }, { Name: 'cannot_match_this' }], NextToken: 't2' })
      .resolvesOnce({ TableList: [{ Name: 'can_signals' }] });
    const names = (await all(catalog.listTables('adlake', 'can_frames|can_signals'))).map((t) => t.Name);
    expect(names).toEqual(['can_frames', 'can_signals']);
    const request = { CatalogId: CATALOG_ID, DatabaseName: 'adlake', Expression: 'can_frames|can_signals' };
    expect(inputs(GetTablesCommand)).toEqual([request, { ...request, NextToken: 't2' }]);
    await expect(all(catalog.listTables('adlake', 'can.*'))).rejects.toThrow(UsageError);
  });

  it('creates partitions in chunks of 100, counting AlreadyExists as existing', async () => {
    const catalog = await open();
    const partitions: PartitionInput[] = Array.from({ length: 250 }, (_, i) =>
      partitionInput(gps, {
        vehicle: `v${i % 5}`,
        date: `2024-01-${String(1 + (Math.floor(i / 5) % 28)).padStart(2, '0')}`,
      }),
    );
    glue
      .on(BatchCreatePartitionCommand)
      .resolvesOnce({
        Errors: [0, 7].map((i) => ({
          PartitionValues: partitions[i]?.Values,
          ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'Partition already exists.' },
        })),
      })
      .resolvesOnce({})
      .resolvesOnce({ Errors: [] });
    expect(await catalog.addPartitions('adlake', 'gps', partitions)).toEqual({ added: 248, existing: 2 });
    expect(inputs(BatchCreatePartitionCommand)).toEqual([
      {
        CatalogId: CATALOG_ID,
        DatabaseName: 'adlake',
        TableName: 'gps',
        PartitionInputList: partitions.slice(0, 100),
      },
      {
        CatalogId: CATALOG_ID,
        DatabaseName: 'adlake',
        TableName: 'gps',
        PartitionInputList: partitions.slice(100, 200),
      },
      {
        CatalogId: CATALOG_ID,
        DatabaseName: 'adlake',
        TableName: 'gps',
        PartitionInputList: partitions.slice(200),
      },
    ]);
  });

  it('resends only the entries Glue throttled, and raises on other per-entry errors', async () => {
    const catalog = await open();
    const partitions = ['2024-01-01', '2024-01-02', '2024-01-03'].map((date) =>
      partitionInput(gps, { vehicle: 'a', date }),
    );
    glue
      .on(BatchCreatePartitionCommand)
      .resolvesOnce({
        Errors: [
          {
            PartitionValues: ['a', '2024-01-02'],
            ErrorDetail: { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
          },
        ],
      })
      .resolvesOnce({});
    expect(await catalog.addPartitions('adlake', 'gps', partitions)).toEqual({ added: 3, existing: 0 });
    expect(inputs(BatchCreatePartitionCommand)).toEqual([
      { CatalogId: CATALOG_ID, DatabaseName: 'adlake', TableName: 'gps', PartitionInputList: partitions },
      {
        CatalogId: CATALOG_ID,
        DatabaseName: 'adlake',
        TableName: 'gps',
        PartitionInputList: [partitions[1]],
      },
    ]);
    expect(sleeps).toEqual([50]);

    glue.reset();
    glue.on(BatchCreatePartitionCommand).resolves({
      Errors: [
        {
          PartitionValues: ['a', '2024-01-01'],
          ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'exists' },
        },
        {
          PartitionValues: ['a', '2024-01-03'],
          ErrorDetail: { ErrorCode: 'AccessDeniedException', ErrorMessage: 'no grant on table' },
        },
      ],
    });
    const failure = catalog.addPartitions('adlake', 'gps', partitions);
    await expect(failure).rejects.toThrow(InternalError);
    await expect(failure).rejects.toThrow(
      'Glue did not create 1 partition(s) of adlake.gps: ["a","2024-01-03"]: AccessDeniedException no grant on table',
    );
    glue.reset();
    glue.on(BatchCreatePartitionCommand).resolves({
      Errors: [
        {
          PartitionValues: ['a'],
          ErrorDetail: { ErrorCode: 'InvalidInputException', ErrorMessage: 'bad values' },
        },
      ],
    });
    await expect(catalog.addPartitions('adlake', 'gps', partitions)).rejects.toThrow(UsageError);
    glue.reset();
    glue
      .on(BatchCreatePartitionCommand)
      .rejects(new EntityNotFoundException({ message: 'Table gps not found.', ...meta }));
    await expect(catalog.addPartitions('adlake', 'gps', partitions)).rejects.toThrow(NotFoundError);
  });

  it('retries throttling and 5xx with growing, jittered delays, then succeeds', async () => {
    const catalog = await open();
    const rateExceeded = Object.assign(new Error('Rate exceeded'), { name: 'SomeOtherName', $metadata: {} });
    const http429 = Object.assign(new Error('slow down'), {
      name: 'Unknown',
      $metadata: { httpStatusCode: 429 },
    });
    glue
      .on(GetTableCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', ...meta }))
      .rejectsOnce(rateExceeded)
      .rejectsOnce(http429)
      .rejectsOnce(new InternalServiceException({ message: 'Internal service error', ...meta }))
      .resolves({ Table: storedGps });
    expect(await catalog.getTable('adlake', 'gps')).toEqual(storedGps);
    // random() = 0.5 → half of min(20 s, 100 ms · 2^(n-1)).
    expect(sleeps).toEqual([50, 100, 200, 400]);
    // Every attempt is the same request.
    expect(new Set(inputs(GetTableCommand).map((i) => JSON.stringify(i))).size).toBe(1);
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(5);
  });

  it('gives up after maxAttempts, and never retries errors that are not transient', async () => {
    const catalog = await open(3);
    glue.on(GetTableCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', ...meta }));
    await expect(catalog.getTable('adlake', 'gps')).rejects.toThrow(ThrottlingException);
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(3);
    expect(sleeps).toEqual([50, 100]);

    glue.reset();
    sleeps.length = 0;
    glue.on(GetTableCommand).rejects(new AccessDeniedException({ message: 'denied', ...meta }));
    await expect(catalog.getTable('adlake', 'gps')).rejects.toThrow(AccessDeniedException);
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('omits CatalogId when none is given', async () => {
    const catalog = await GlueCatalog.open({ client });
    glue.on(GetTablesCommand).resolves({ TableList: [] });
    await all(catalog.listTables('adlake'));
    expect(inputs(GetTablesCommand)).toEqual([{ DatabaseName: 'adlake' }]);
  });
});
