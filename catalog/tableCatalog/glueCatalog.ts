/**
 * The table catalog on the AWS Glue Data Catalog (`@aws-sdk/client-glue`), where Athena finds the lake's
 * tables.
 *
 * - Every call is retried on throttling and 5xx with exponential backoff and jitter (`Backoff`); when this
 *   class makes its own client it turns the SDK's retries off so the two do not multiply.
 * - Listings follow `NextToken` and send the same filter (`Expression`) on every page: Glue applies the filter
 *   per request, so a page request without it would return unfiltered rows.
 * - `BatchCreatePartition` takes at most 100 partitions; larger sets go in chunks. Its per-entry errors are
 *   sorted: `AlreadyExistsException` counts as existing, transient codes are retried, anything else throws.
 */
import {
  BatchCreatePartitionCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  DeleteTableCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type {
  GlueClientConfig,
  Partition,
  PartitionError,
  PartitionInput,
  Table,
  TableInput,
} from '@aws-sdk/client-glue';
import { InternalError, NotFoundError, UsageError } from '../../core/errors.js';
import { assertTableName } from '../layout.js';
import { Backoff, isTransientCode } from './backoff.js';
import type { RetryOptions } from './backoff.js';
import { mergeTableInput, sameTableInput } from './mergeTableInput.js';
import { keyKind, parsePartitionExpression } from './parsePartitionExpression.js';
import { assertDatabaseName } from './tableCatalog.js';
import type { AddPartitionsResult, TableCatalog, UpsertResult } from './tableCatalog.js';
import { tablePattern } from './tablePattern.js';

/** BatchCreatePartition's limit on `PartitionInputList`. */
export const MAX_BATCH_PARTITIONS = 100;

export interface GlueCatalogOptions {
  /** A client to use (tests, custom endpoints); `close()` leaves it open. @default a new GlueClient */
  client?: GlueClient;
  /** Configuration for the client this class makes (region, credentials). @default the SDK's default chains */
  clientConfig?: GlueClientConfig;
  /** The Data Catalog to use (the account id of another account's catalog). @default the caller's account */
  catalogId?: string;
  /** Backoff for throttled and failed calls. */
  retry?: RetryOptions;
}

export class GlueCatalog implements TableCatalog {
  readonly uri: string;
  private readonly client: GlueClient;
  private readonly ownsClient: boolean;
  private readonly catalogId: string | undefined;
  private readonly backoff: Backoff;

  private constructor(client: GlueClient, ownsClient: boolean, uri: string, options: GlueCatalogOptions) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.uri = uri;
    this.catalogId = options.catalogId;
    this.backoff = new Backoff(options.retry);
  }

  /** Opens a catalog; resolves the region for `uri` (so a missing region fails here, not mid-pipeline). */
  static async open(options: GlueCatalogOptions = {}): Promise<GlueCatalog> {
    const client = options.client ?? new GlueClient({ maxAttempts: 1, ...options.clientConfig });
    let region: string;
    try {
      region = await client.config.region();
    } catch (error) {
      if (!options.client) client.destroy();
      throw new UsageError(
        'no AWS region for Glue: set AWS_REGION or a profile region',
        {},
        { cause: error },
      );
    }
    const uri = `glue://${region}${options.catalogId ? `/${options.catalogId}` : ''}`;
    return new GlueCatalog(client, !options.client, uri, options);
  }

  async ensureDatabase(name: string, options: { description?: string } = {}): Promise<void> {
    assertDatabaseName(name);
    try {
      await this.backoff.run(() =>
        this.client.send(
          new CreateDatabaseCommand({
            ...this.catalog(),
            DatabaseInput: {
              Name: name,
              ...(options.description ? { Description: options.description } : {}),
            },
          }),
        ),
      );
    } catch (error) {
      if (errorName(error) !== 'AlreadyExistsException') throw error;
    }
  }

  async upsertTable(database: string, input: TableInput): Promise<UpsertResult> {
    assertDatabaseName(database);
    assertTableName(input.Name ?? '');
    let existing = await this.getTable(database, input.Name ?? '');
    if (!existing) {
      try {
        await this.backoff.run(() =>
          this.client.send(
            new CreateTableCommand({ ...this.catalog(), DatabaseName: database, TableInput: input }),
          ),
        );
        return 'created';
      } catch (error) {
        if (errorName(error) === 'EntityNotFoundException') {
          throw new NotFoundError(
            `Glue database ${database} does not exist (${this.uri})`,
            {},
            { cause: error },
          );
        }
        // Another writer (or a retried request that had succeeded) created it first: compare with theirs.
        if (errorName(error) !== 'AlreadyExistsException') throw error;
        existing = await this.getTable(database, input.Name ?? '');
        if (!existing) throw error;
      }
    }
    if (sameTableInput(existing, input)) return 'unchanged';
    const merged = mergeTableInput(existing, input);
    await this.backoff.run(() =>
      this.client.send(
        new UpdateTableCommand({ ...this.catalog(), DatabaseName: database, TableInput: merged }),
      ),
    );
    return 'updated';
  }

  async getTable(database: string, name: string): Promise<Table | undefined> {
    try {
      const response = await this.backoff.run(() =>
        this.client.send(new GetTableCommand({ ...this.catalog(), DatabaseName: database, Name: name })),
      );
      return response.Table;
    } catch (error) {
      if (errorName(error) === 'EntityNotFoundException') return undefined;
      throw error;
    }
  }

  async *listTables(database: string, pattern?: string): AsyncIterable<Table> {
    // The pattern is sent to Glue and checked again here, so the answer is exact whichever way Glue reads it.
    const matches = pattern === undefined ? () => true : tablePattern(pattern);
    let token: string | undefined;
    do {
      const request = {
        ...this.catalog(),
        DatabaseName: database,
        ...(pattern !== undefined ? { Expression: pattern } : {}),
        ...(token ? { NextToken: token } : {}),
      };
      const response = await this.backoff
        .run(() => this.client.send(new GetTablesCommand(request)))
        .catch((error: unknown) => {
          throw notFound(error, `Glue database ${database} does not exist (${this.uri})`);
        });
      for (const table of response.TableList ?? []) if (matches(table.Name ?? '')) yield table;
      token = response.NextToken;
    } while (token);
  }

  async deleteTable(database: string, name: string): Promise<boolean> {
    try {
      await this.backoff.run(() =>
        this.client.send(new DeleteTableCommand({ ...this.catalog(), DatabaseName: database, Name: name })),
      );
      return true;
    } catch (error) {
      if (errorName(error) === 'EntityNotFoundException') return false;
      throw error;
    }
  }

  async addPartitions(
    database: string,
    table: string,
    partitions: readonly PartitionInput[],
  ): Promise<AddPartitionsResult> {
    let existing = 0;
    for (let start = 0; start < partitions.length; start += MAX_BATCH_PARTITIONS) {
      existing += await this.createBatch(
        database,
        table,
        partitions.slice(start, start + MAX_BATCH_PARTITIONS),
      );
    }
    return { added: partitions.length - existing, existing };
  }

  async *getPartitions(database: string, table: string, expression?: string): AsyncIterable<Partition> {
    const filter = expression === undefined || expression.trim() === '' ? undefined : expression;
    if (filter !== undefined) await this.checkExpression(database, table, filter);
    let token: string | undefined;
    do {
      const request = {
        ...this.catalog(),
        DatabaseName: database,
        TableName: table,
        ...(filter !== undefined ? { Expression: filter } : {}),
        ...(token ? { NextToken: token } : {}),
      };
      const response = await this.backoff
        .run(() => this.client.send(new GetPartitionsCommand(request)))
        .catch((error: unknown) => {
          throw notFound(error, `table ${database}.${table} does not exist in ${this.uri}`);
        });
      yield* response.Partitions ?? [];
      token = response.NextToken;
    } while (token);
  }

  close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
    return Promise.resolve();
  }

  /** Creates one batch (≤ 100); returns how many already existed. Transient per-entry errors are retried. */
  private async createBatch(
    database: string,
    table: string,
    batch: readonly PartitionInput[],
  ): Promise<number> {
    let pending = [...batch];
    let existing = 0;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const response = await this.backoff
        .run(() =>
          this.client.send(
            new BatchCreatePartitionCommand({
              ...this.catalog(),
              DatabaseName: database,
              TableName: table,
              PartitionInputList: pending,
            }),
          ),
        )
        .catch((error: unknown) => {
          throw notFound(error, `table ${database}.${table} does not exist in ${this.uri}`);
        });
      const retry: PartitionInput[] = [];
      const failed: PartitionError[] = [];
      for (const entry of response.Errors ?? []) {
        const code = entry.ErrorDetail?.ErrorCode;
        if (code === 'AlreadyExistsException') {
          existing++;
        } else if (isTransientCode(code) && attempt < this.backoff.maxAttempts) {
          const input = pending.find((p) => sameValues(p.Values, entry.PartitionValues));
          if (input) retry.push(input);
          else failed.push(entry);
        } else {
          failed.push(entry);
        }
      }
      if (failed.length > 0) throw partitionFailure(database, table, failed);
      pending = retry;
      if (pending.length > 0) await this.backoff.sleep(this.backoff.delay(attempt));
    }
    return existing;
  }

  /** Parses the expression against the table's keys, so a mistake is reported with its position. */
  private async checkExpression(database: string, table: string, expression: string): Promise<void> {
    const found = await this.getTable(database, table);
    if (!found) throw new NotFoundError(`table ${database}.${table} does not exist in ${this.uri}`);
    const keys = (found.PartitionKeys ?? []).map((key, index) => ({
      index,
      name: key.Name ?? '',
      // Glue itself decides about types adlake does not filter on; treat them as text for the syntax check.
      kind: keyKind(key.Type ?? '') ?? 'string',
    }));
    parsePartitionExpression(expression, keys);
  }

  private catalog(): { CatalogId?: string } {
    return this.catalogId ? { CatalogId: this.catalogId } : {};
  }
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Maps Glue's EntityNotFoundException to `NotFoundError` and InvalidInputException to `UsageError`. */
function notFound(error: unknown, message: string): unknown {
  const name = errorName(error);
  if (name === 'EntityNotFoundException') return new NotFoundError(message, {}, { cause: error });
  if (name === 'InvalidInputException') {
    return new UsageError(`Glue refused the request: ${(error as Error).message}`, {}, { cause: error });
  }
  return error;
}

function sameValues(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return (a ?? []).length === (b ?? []).length && (a ?? []).every((v, i) => v === b?.[i]);
}

function partitionFailure(database: string, table: string, failed: readonly PartitionError[]): Error {
  const lines = failed.map((e) =>
    `${JSON.stringify(e.PartitionValues ?? [])}: ${e.ErrorDetail?.ErrorCode ?? 'error'} ${e.ErrorDetail?.ErrorMessage ?? ''}`.trim(),
  );
  const message = `Glue did not create ${failed.length} partition(s) of ${database}.${table}: ${lines.join('; ')}`;
  const codes = new Set(failed.map((e) => e.ErrorDetail?.ErrorCode));
  if (codes.size === 1 && codes.has('InvalidInputException'))
    return new UsageError(message, {}, { cause: failed });
  if (codes.size === 1 && codes.has('EntityNotFoundException'))
    return new NotFoundError(message, {}, { cause: failed });
  return new InternalError(message, {}, { cause: failed });
}
