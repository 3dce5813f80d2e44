/**
 * The AWS SQL engine: Amazon Athena through `@aws-sdk/client-athena`.
 *
 * A query is StartQueryExecution (work group, database and catalog, result location), then GetQueryExecution
 * polled with capped exponential backoff until the state is final, then GetQueryResults page by page. Athena
 * returns every value as text (`Datum.VarCharValue`, absent for NULL); the column types in
 * `ResultSetMetadata.ColumnInfo` say how to read it (see `athenaValue`). Aborting the signal sends
 * StopQueryExecution, so Ctrl-C in the CLI does not leave a query running (and billing) in the work group.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type {
  AthenaClientConfig,
  ColumnInfo,
  GetQueryResultsCommandOutput,
  QueryExecution,
  StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import { DecodeError, InternalError, NotFoundError } from '../core/errors.js';
import type { AdlakeError } from '../core/errors.js';
import { isoTimestamp, sqlProvenance } from './sqlEngine.js';
import type { QueryOptions, QueryResult, SqlEngine, SqlSource } from './sqlEngine.js';

export interface AthenaEngineOptions {
  /** A client to use (tests pass a mocked one). @default new AthenaClient(clientConfig) */
  client?: AthenaClient;
  /** Settings for the client adlake creates (region, credentials). @default the SDK's default chain */
  clientConfig?: AthenaClientConfig;
  /** @default 'primary' */
  workGroup?: string;
  /** The Glue database unqualified table names resolve in. @default the work group's / Athena's default */
  database?: string;
  /** The data catalog. @default 'AwsDataCatalog' */
  catalog?: string;
  /** s3:// prefix for result files; needed unless the work group sets one. @default the work group's */
  outputLocation?: string;
  /** Polling backoff: first wait, largest wait, growth factor. @default { firstMs: 200, maxMs: 5000, factor: 2 } */
  poll?: { firstMs?: number; maxMs?: number; factor?: number };
  /** Rows per GetQueryResults page (Athena allows at most 1000). @default 1000 */
  pageSize?: number;
  /** Waits between polls; must reject when the signal aborts. Tests pass one that returns at once. @default setTimeout */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** States after which Athena does nothing more with the query. */
const FINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** Athena's ErrorCategory codes ("Athena error catalog"). */
const ERROR_CATEGORY: Readonly<Record<number, string>> = { 1: 'SYSTEM', 2: 'USER', 3: 'OTHER' };

export class AthenaEngine implements SqlEngine {
  readonly name = 'athena';
  private readonly client: AthenaClient;
  private readonly ownClient: boolean;

  private constructor(private readonly options: AthenaEngineOptions) {
    this.ownClient = options.client === undefined;
    this.client = options.client ?? new AthenaClient(options.clientConfig ?? {});
  }

  /** An engine for one work group and database. Makes no request until the first query. */
  static open(options: AthenaEngineOptions = {}): Promise<AthenaEngine> {
    return Promise.resolve(new AthenaEngine(options));
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const { signal } = options;
    signal?.throwIfAborted();
    const started = performance.now();
    const { QueryExecutionId: id } = await this.client.send(
      new StartQueryExecutionCommand(this.startInput(sql)),
    );
    if (id === undefined) throw new InternalError('athena: StartQueryExecution returned no QueryExecutionId');

    let stopped: Promise<unknown> | undefined;
    const stop = () => {
      stopped ??= this.client
        .send(new StopQueryExecutionCommand({ QueryExecutionId: id }))
        .catch(() => undefined);
    };
    signal?.addEventListener('abort', stop, { once: true });
    try {
      if (signal?.aborted) stop();
      const execution = await this.waitForFinalState(id, signal);
      const state = execution.Status?.State;
      if (state === 'FAILED') throw athenaFailure(execution, options.source);
      if (state === 'CANCELLED') {
        throw new InternalError(
          `athena: query ${id} was cancelled${reasonText(execution)} (by a user, or by a work group data limit)`,
        );
      }
      const result = await this.readResults(id, execution, options);
      const scanned = execution.Statistics?.DataScannedInBytes;
      return {
        ...result,
        stats: {
          rows: result.rows.length,
          seconds: (performance.now() - started) / 1000,
          queryId: id,
          ...(scanned === undefined ? {} : { bytesScanned: scanned }),
        },
      };
    } catch (error) {
      if (signal?.aborted) {
        await stopped;
        throw signal.reason;
      }
      throw error;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  close(): Promise<void> {
    if (this.ownClient) this.client.destroy();
    return Promise.resolve();
  }

  private startInput(sql: string): StartQueryExecutionCommandInput {
    const { database, catalog, outputLocation } = this.options;
    return {
      QueryString: sql,
      WorkGroup: this.options.workGroup ?? 'primary',
      QueryExecutionContext: {
        ...(database === undefined ? {} : { Database: database }),
        Catalog: catalog ?? 'AwsDataCatalog',
      },
      ...(outputLocation === undefined ? {} : { ResultConfiguration: { OutputLocation: outputLocation } }),
    };
  }

  private async waitForFinalState(id: string, signal: AbortSignal | undefined): Promise<QueryExecution> {
    const { firstMs = 200, maxMs = 5000, factor = 2 } = this.options.poll ?? {};
    const sleep =
      this.options.sleep ?? ((ms: number, s?: AbortSignal) => delay(ms, undefined, { signal: s }));
    for (let wait = firstMs; ; wait = Math.min(maxMs, wait * factor)) {
      await sleep(wait, signal);
      signal?.throwIfAborted();
      const { QueryExecution: execution } = await this.client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: id }),
      );
      if (execution && FINAL.has(execution.Status?.State ?? '')) return execution;
    }
  }

  private async readResults(
    id: string,
    execution: QueryExecution,
    options: QueryOptions,
  ): Promise<Pick<QueryResult, 'columns' | 'rows' | 'truncated'>> {
    const pageSize = Math.min(1000, this.options.pageSize ?? 1000);
    const rows: unknown[][] = [];
    let columns: ColumnInfo[] = [];
    let nextToken: string | undefined;
    let first = true;
    let truncated = false;
    do {
      options.signal?.throwIfAborted();
      const page: GetQueryResultsCommandOutput = await this.client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: id,
          MaxResults: pageSize,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      );
      if (first) columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      let pageRows = page.ResultSet?.Rows ?? [];
      // For a SELECT (StatementType DML) the first row of the first page holds the column names.
      if (first && execution.StatementType === 'DML') pageRows = pageRows.slice(1);
      first = false;
      for (const row of pageRows) {
        if (options.maxRows !== undefined && rows.length >= options.maxRows) {
          truncated = true;
          break;
        }
        const data = row.Data ?? [];
        rows.push(columns.map((column, i) => athenaValue(data[i]?.VarCharValue, column.Type ?? 'varchar')));
      }
      nextToken = page.NextToken;
      if (truncated) break;
      // A page cut exactly at maxRows with more pages behind it is also a truncated result.
      if (options.maxRows !== undefined && rows.length >= options.maxRows && nextToken !== undefined) {
        truncated = true;
        break;
      }
    } while (nextToken !== undefined);
    return {
      columns: columns.map((c) => ({ name: c.Label ?? c.Name ?? '', type: athenaTypeName(c) })),
      rows,
      ...(truncated ? { truncated } : {}),
    };
  }
}

/** `decimal(10,2)`, `varchar`, `timestamp(3)`: the type as Athena would print it. */
function athenaTypeName(column: ColumnInfo): string {
  const type = column.Type ?? 'varchar';
  if (type === 'decimal' && column.Precision !== undefined)
    return `decimal(${column.Precision},${column.Scale ?? 0})`;
  return type;
}

/**
 * One Athena value (always text, `undefined` for NULL) as the port's JS type. Arrays, maps, rows and JSON come
 * back as Athena's display text (`[1, 2]`, `{a=1}`), which is not JSON and cannot be parsed back safely, so
 * they stay text.
 */
export function athenaValue(text: string | undefined, type: string): unknown {
  if (text === undefined) return null;
  const base = type.toLowerCase().replace(/\(.*$/, '');
  switch (base) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
    case 'double':
    case 'real':
    case 'float':
    case 'decimal':
      return Number(text);
    case 'bigint':
      return BigInt(text);
    case 'boolean':
      return text === 'true';
    case 'timestamp':
    case 'timestamp with time zone':
      return isoTimestamp(text);
    case 'varbinary': {
      // Athena shows varbinary as hex byte pairs separated by spaces ("68 65 6c").
      const hex = text.replace(/\s+/g, '');
      const bytes = new Uint8Array(hex.length / 2);
      for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
      return bytes;
    }
    default:
      // timestamp(3) with time zone and friends carry a precision inside the name.
      if (base.startsWith('timestamp')) return isoTimestamp(text);
      return text;
  }
}

/**
 * A FAILED query as adlake's error: Athena's StateChangeReason and AthenaError, the position from messages like
 * `line 1:8: mismatched input 'FORM'`. A missing table is `NotFoundError`; other user errors (ErrorCategory 2)
 * `DecodeError`; system errors `InternalError`.
 */
export function athenaFailure(execution: QueryExecution, source?: SqlSource): AdlakeError {
  const reason =
    execution.Status?.StateChangeReason ?? execution.Status?.AthenaError?.ErrorMessage ?? 'no reason given';
  const error = execution.Status?.AthenaError;
  const category = error?.ErrorCategory;
  const tags = [
    ...(category === undefined ? [] : [`ErrorCategory ${category} ${ERROR_CATEGORY[category] ?? ''}`.trim()]),
    ...(error?.ErrorType === undefined ? [] : [`ErrorType ${error.ErrorType}`]),
    ...(error?.Retryable ? ['retryable'] : []),
  ];
  const position = /line (\d+):(\d+)/.exec(reason);
  const where = sqlProvenance(
    source,
    position ? Number(position[1]) : undefined,
    position ? Number(position[2]) : undefined,
  );
  const message = `sql: Athena query ${execution.QueryExecutionId ?? ''} failed${tags.length > 0 ? ` (${tags.join(', ')})` : ''}: ${reason}`;
  if (/TABLE_NOT_FOUND|Table .* does not exist/i.test(reason)) return new NotFoundError(message, where);
  if (category === 1) return new InternalError(message, where);
  return new DecodeError(message, where);
}

function reasonText(execution: QueryExecution): string {
  const reason = execution.Status?.StateChangeReason;
  return reason ? `: ${reason}` : '';
}
