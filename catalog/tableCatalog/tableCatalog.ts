/**
 * The table catalog port: databases, tables and partitions in the shape of the Glue Data Catalog, so Athena
 * (and anything that reads Glue) sees the lake's tables. Two implementations: `SqliteCatalog` (embedded, a
 * file beside the lake) and `GlueCatalog` (`@aws-sdk/client-glue`). The pipeline registers each partition as
 * it writes it (`registerWrittenFiles`), so no crawler or `MSCK REPAIR TABLE` is needed.
 *
 * Records are Glue's own types (`TableInput`, `PartitionInput`, `Table`, `Partition`) so both backends take
 * and give the same objects; only the types are imported, the SQLite backend never loads the AWS SDK.
 */
import type { Partition, PartitionInput, Table, TableInput } from '@aws-sdk/client-glue';
import { UsageError } from '../../core/errors.js';

/** What `upsertTable` did. */
export type UpsertResult = 'created' | 'updated' | 'unchanged';

/** Partitions `addPartitions` created, and those that were already registered (left as they were). */
export interface AddPartitionsResult {
  added: number;
  existing: number;
}

export interface TableCatalog {
  /** Where the catalog lives, for messages: `file:///…/catalog.sqlite` or `glue://<region>[/<catalog id>]`. */
  readonly uri: string;
  /** Creates the database unless it exists. */
  ensureDatabase(name: string, options?: { description?: string }): Promise<void>;
  /**
   * Creates the table, or updates it when its columns, keys, location, formats, description or adlake's
   * parameters differ (parameters adlake does not own, e.g. added by Athena or a user, are kept).
   * Throws `NotFoundError` when the database does not exist.
   */
  upsertTable(database: string, input: TableInput): Promise<UpsertResult>;
  /** The table, or undefined when it (or its database) does not exist. */
  getTable(database: string, name: string): Promise<Table | undefined>;
  /**
   * Tables of a database, optionally those whose name matches `pattern`: a Hive table pattern where `*` is any
   * run of characters and `|` separates alternatives, matched against the whole name, case-insensitively.
   */
  listTables(database: string, pattern?: string): AsyncIterable<Table>;
  /** Drops a table and its partitions (never the files). False when there was no such table. */
  deleteTable(database: string, name: string): Promise<boolean>;
  /**
   * Registers partitions; a partition that exists already is counted as `existing` and left unchanged, so
   * registering the same files twice is harmless. Throws `NotFoundError` when the table does not exist.
   */
  addPartitions(
    database: string,
    table: string,
    partitions: readonly PartitionInput[],
  ): Promise<AddPartitionsResult>;
  /**
   * The table's partitions, optionally filtered by a Glue partition expression (GetPartitions `Expression`):
   * comparisons `= <> < <= > >=`, `[NOT] IN (…)`, `[NOT] BETWEEN … AND …`, `[NOT] LIKE '…'`, `IS [NOT] NULL`,
   * combined with `AND`, `OR`, `NOT` and parentheses; string literals in single quotes (`''` for a quote).
   * Order is unspecified. Throws `UsageError` for a bad expression, `NotFoundError` for a missing table.
   */
  getPartitions(database: string, table: string, expression?: string): AsyncIterable<Partition>;
  /** Releases the connection or client. */
  close(): Promise<void>;
}

/**
 * Database names as Glue stores them and Athena can query them without quoting: lowercase letters, digits and
 * `_`, at most 255 characters (Glue lowercases other letters, which would make names drift).
 */
export function assertDatabaseName(name: string): void {
  if (!/^[a-z0-9_]{1,255}$/.test(name)) {
    throw new UsageError(
      `catalog database name ${JSON.stringify(name)} must be 1 to 255 lowercase letters, digits or _`,
    );
  }
}
