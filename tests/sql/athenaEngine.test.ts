/**
 * The Athena engine against a mocked Athena API: the exact requests it sends (start, polling, paging, stop) and
 * how it reads results and failures. A live test against real Athena runs when ADLAKE_LIVE_AWS=1.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { ColumnInfo, QueryExecution, QueryExecutionState, Row } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DecodeError, InternalError, NotFoundError } from '../../core/errors.js';
import { AthenaEngine, athenaValue } from '../../sql/athenaEngine.js';

const client = new AthenaClient({
  region: 'eu-central-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
const athena = mockClient(client);

/** Records the waits instead of waiting. */
function recordingSleep(): { sleep: (ms: number, signal?: AbortSignal) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms, signal) => {
      waits.push(ms);
      signal?.throwIfAborted();
      return Promise.resolve();
    },
  };
}

const execution = (
  state: QueryExecutionState,
  extra: Partial<QueryExecution> = {},
): { QueryExecution: QueryExecution } => ({
  QueryExecution: { QueryExecutionId: 'q-1', StatementType: 'DML', Status: { State: state }, ...extra },
});

const row = (...values: (string | undefined)[]): Row => ({
  Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })),
});

const COLUMNS: ColumnInfo[] = [
  { Name: 'signal', Type: 'varchar' },
  { Name: 'n', Type: 'bigint' },
  { Name: 'mean', Type: 'double' },
  { Name: 'ok', Type: 'boolean' },
  { Name: 't', Type: 'timestamp' },
  { Name: 'd', Type: 'date' },
  { Name: 'price', Type: 'decimal', Precision: 10, Scale: 2 },
  { Name: 'small', Type: 'integer' },
];

describe('AthenaEngine', () => {
  beforeEach(() => athena.reset());

  it('starts the query with work group, database, catalog and output location', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [{ Name: 'one', Type: 'integer' }] },
        Rows: [row('one'), row('1')],
      },
    });
    const { sleep } = recordingSleep();
    const engine = await AthenaEngine.open({
      client,
      workGroup: 'adlake',
      database: 'lake_db',
      outputLocation: 's3://results/adlake/',
      sleep,
    });
    const result = await engine.query('SELECT 1 AS one');
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueryString: 'SELECT 1 AS one',
        WorkGroup: 'adlake',
        QueryExecutionContext: { Database: 'lake_db', Catalog: 'AwsDataCatalog' },
        ResultConfiguration: { OutputLocation: 's3://results/adlake/' },
      },
    ]);
    expect(result.columns).toEqual([{ name: 'one', type: 'integer' }]);
    expect(result.rows).toEqual([[1]]);
    await engine.close();
  });

  it('leaves out what is not given: the work group then decides (primary, its own result location)', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED', { StatementType: 'DDL' }));
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [{ Name: 'tab_name', Type: 'string' }] },
        Rows: [row('gps')],
      },
    });
    const engine = await AthenaEngine.open({ client, sleep: recordingSleep().sleep });
    const result = await engine.query('SHOW TABLES');
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryString: 'SHOW TABLES',
      WorkGroup: 'primary',
      QueryExecutionContext: { Catalog: 'AwsDataCatalog' },
    });
    // Not a SELECT: no header row to drop.
    expect(result.rows).toEqual([['gps']]);
  });

  it('polls QUEUED → RUNNING → SUCCEEDED with a capped exponential backoff', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('QUEUED'))
      .resolvesOnce(execution('RUNNING'))
      .resolvesOnce(execution('RUNNING'))
      .resolvesOnce(execution('RUNNING'))
      .resolves(execution('SUCCEEDED', { Statistics: { DataScannedInBytes: 123456 } }));
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: 'x', Type: 'integer' }] }, Rows: [row('x')] },
    });
    const { sleep, waits } = recordingSleep();
    const engine = await AthenaEngine.open({ client, sleep, poll: { firstMs: 100, maxMs: 500, factor: 2 } });
    const result = await engine.query('SELECT x FROM t WHERE false');
    expect(waits).toEqual([100, 200, 400, 500, 500]);
    expect(athena.commandCalls(GetQueryExecutionCommand).map((c) => c.args[0].input)).toEqual(
      Array.from({ length: 5 }, () => ({ QueryExecutionId: 'q-1' })),
    );
    expect(result.rows).toEqual([]);
    expect(result.stats).toMatchObject({ rows: 0, bytesScanned: 123456, queryId: 'q-1' });
  });

  it('pages through GetQueryResults with NextToken, drops the header row once, and types every value', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    const meta = { ColumnInfo: COLUMNS };
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', MaxResults: 2 })
      .resolves({
        ResultSet: {
          ResultSetMetadata: meta,
          Rows: [
            row('signal', 'n', 'mean', 'ok', 't', 'd', 'price', 'small'),
            row(
              'SPEED',
              '9007199254740993',
              '12.5',
              'true',
              '2024-06-14 08:00:00.123',
              '2024-06-14',
              '10.25',
              '-3',
            ),
          ],
        },
        NextToken: 'page-2',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', MaxResults: 2, NextToken: 'page-2' })
      .resolves({
        ResultSet: {
          ResultSetMetadata: meta,
          // A data row that looks like the header must stay: only the first page's first row is the header.
          Rows: [
            row('signal', '1', 'NaN', 'false', undefined, undefined, undefined, '0'),
            row('', '0', '-Infinity', undefined, undefined, undefined, undefined, undefined),
          ],
        },
      });
    const engine = await AthenaEngine.open({ client, sleep: recordingSleep().sleep, pageSize: 2 });
    const result = await engine.query('SELECT …');
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q-1', MaxResults: 2 },
      { QueryExecutionId: 'q-1', MaxResults: 2, NextToken: 'page-2' },
    ]);
    expect(result.columns.map((c) => c.type)).toEqual([
      'varchar',
      'bigint',
      'double',
      'boolean',
      'timestamp',
      'date',
      'decimal(10,2)',
      'integer',
    ]);
    expect(result.rows).toEqual([
      ['SPEED', 9007199254740993n, 12.5, true, '2024-06-14T08:00:00.123', '2024-06-14', 10.25, -3],
      ['signal', 1n, NaN, false, null, null, null, 0],
      ['', 0n, -Infinity, null, null, null, null, null],
    ]);
  });

  it('stops paging at maxRows and says the result was truncated', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [{ Name: 'i', Type: 'integer' }] },
        Rows: [row('i'), row('1'), row('2'), row('3')],
      },
      NextToken: 'more',
    });
    const engine = await AthenaEngine.open({ client, sleep: recordingSleep().sleep });
    const result = await engine.query('SELECT i FROM big', { maxRows: 2 });
    expect(result.rows).toEqual([[1], [2]]);
    expect(result.truncated).toBe(true);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(1);
  });

  it('FAILED: DecodeError with the reason, AthenaError and the position, moved to where the statement starts', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-9' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: 'q-9',
        StatementType: 'DML',
        Status: {
          State: 'FAILED',
          StateChangeReason: "line 2:3: mismatched input 'FORM'. Expecting: ',', 'FROM', <EOF>",
          AthenaError: {
            ErrorCategory: 2,
            ErrorType: 1004,
            Retryable: false,
            ErrorMessage: 'mismatched input',
          },
        },
      },
    });
    const engine = await AthenaEngine.open({ client, sleep: recordingSleep().sleep });
    const error = await engine
      .query('SELECT *\n  FORM gps', { source: { uri: 'q.sql', line: 10, column: 1 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).where).toEqual({ uri: 'q.sql', line: 11, column: 3 });
    expect((error as DecodeError).message).toBe(
      "sql: Athena query q-9 failed (ErrorCategory 2 USER, ErrorType 1004): line 2:3: mismatched input 'FORM'. Expecting: ',', 'FROM', <EOF> (at q.sql:11:3)",
    );
  });

  it('FAILED on a missing table: NotFoundError; on a system error: InternalError', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({
        QueryExecution: {
          QueryExecutionId: 'q-2',
          Status: {
            State: 'FAILED',
            StateChangeReason:
              "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.lake_db.nothere' does not exist",
            AthenaError: { ErrorCategory: 2, ErrorType: 1301 },
          },
        },
      })
      .resolves({
        QueryExecution: {
          QueryExecutionId: 'q-2',
          Status: {
            State: 'FAILED',
            StateChangeReason: 'Internal error',
            AthenaError: { ErrorCategory: 1, ErrorType: 401, Retryable: true },
          },
        },
      });
    const engine = await AthenaEngine.open({ client, sleep: recordingSleep().sleep });
    const missing = await engine.query('SELECT * FROM nothere').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).where).toEqual({ line: 1, column: 15 });
    const system = await engine.query('SELECT 1').catch((e: unknown) => e);
    expect(system).toBeInstanceOf(InternalError);
    expect((system as InternalError).message).toContain('ErrorCategory 1 SYSTEM, ErrorType 401, retryable');
  });

  it('CANCELLED by someone else: an error that says so', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: 'q-3',
        Status: { State: 'CANCELLED', StateChangeReason: 'Query exhausted the bytes scanned limit' },
      },
    });
    const engine = await AthenaEngine.open({ client, sleep: recordingSleep().sleep });
    await expect(engine.query('SELECT 1')).rejects.toThrow(
      /query q-3 was cancelled: Query exhausted the bytes scanned limit/,
    );
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(0);
  });

  it('abort while running → StopQueryExecution for that query, then rejects with the abort reason', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-4' });
    athena.on(StopQueryExecutionCommand).resolves({});
    const controller = new AbortController();
    let polls = 0;
    athena.on(GetQueryExecutionCommand).callsFake(() => {
      polls++;
      // The user presses Ctrl-C while the query runs.
      if (polls === 2) controller.abort(new Error('cancelled by user'));
      return execution('RUNNING');
    });
    const engine = await AthenaEngine.open({ client, sleep: recordingSleep().sleep });
    await expect(engine.query('SELECT slow()', { signal: controller.signal })).rejects.toThrow(
      'cancelled by user',
    );
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q-4' },
    ]);
    expect(polls).toBe(2);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('an already aborted signal starts nothing', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    const engine = await AthenaEngine.open({ client, sleep: recordingSleep().sleep });
    await expect(engine.query('SELECT 1', { signal: controller.signal })).rejects.toThrow('too late');
    expect(athena.calls()).toHaveLength(0);
  });
});

describe('athenaValue', () => {
  it('reads Athena text by column type', () => {
    expect(athenaValue(undefined, 'varchar')).toBe(null);
    expect(athenaValue('', 'varchar')).toBe('');
    expect(athenaValue('-128', 'tinyint')).toBe(-128);
    expect(athenaValue('-9223372036854775808', 'bigint')).toBe(-9223372036854775808n);
    expect(athenaValue('1.0E-3', 'double')).toBe(0.001);
    expect(athenaValue('2024-06-14 08:00:00.123 UTC', 'timestamp(3) with time zone')).toBe(
      '2024-06-14T08:00:00.123Z',
    );
    expect(athenaValue('2024-06-14 08:00:00.123 Europe/Berlin', 'timestamp with time zone')).toBe(
      '2024-06-14T08:00:00.123[Europe/Berlin]',
    );
    expect(athenaValue('68 65 6c', 'varbinary')).toEqual(new Uint8Array([0x68, 0x65, 0x6c]));
    expect(athenaValue('[1, 2]', 'array')).toBe('[1, 2]');
  });
});

describe.runIf(process.env.ADLAKE_LIVE_AWS === '1')('AthenaEngine live (ADLAKE_LIVE_AWS=1)', () => {
  it('runs a query in the configured work group', async () => {
    const engine = await AthenaEngine.open({
      workGroup: process.env.ADLAKE_ATHENA_WORKGROUP ?? 'primary',
      ...(process.env.ADLAKE_ATHENA_OUTPUT ? { outputLocation: process.env.ADLAKE_ATHENA_OUTPUT } : {}),
    });
    try {
      const result = await engine.query("SELECT 1 AS one, 'x' AS s, from_iso8601_date('2024-06-14') AS d");
      expect(result.rows).toEqual([[1, 'x', '2024-06-14']]);
      await expect(engine.query('SELECT * FROM adlake_no_such_table_xyz')).rejects.toBeInstanceOf(
        NotFoundError,
      );
    } finally {
      await engine.close();
    }
  }, 120_000);
});
