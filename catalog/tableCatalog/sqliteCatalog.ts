/**
 * The embedded table catalog: Glue-shaped databases, tables and partitions in one SQLite file
 * (better-sqlite3). For a local lake the file is `<lake>/_catalog/catalog.sqlite` (see `openCatalog`).
 *
 * Tables keep their `TableInput` as JSON (what Glue would hold) and their columns in a `columns` table for
 * SQL readers; partitions keep their values as a JSON array (the primary key, so registering is idempotent),
 * their location and their `PartitionInput` without the column list, which is the table's (Glue stores a
 * copy per partition; reading it back here gives the table's current columns). WAL mode lets pipeline steps in
 * other processes read while one writes; writers wait up to `busyTimeoutMs` for each other.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { Partition, PartitionInput, Table, TableInput } from '@aws-sdk/client-glue';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { assertTableName } from '../layout.js';
import { mergeTableInput, sameTableInput } from './mergeTableInput.js';
import { keyKind, parsePartitionExpression } from './parsePartitionExpression.js';
import type { ExpressionKey } from './parsePartitionExpression.js';
import { partitionFilterSql } from './partitionFilterSql.js';
import { assertDatabaseName } from './tableCatalog.js';
import type { AddPartitionsResult, TableCatalog, UpsertResult } from './tableCatalog.js';
import { tablePattern } from './tablePattern.js';

export interface SqliteCatalogOptions {
  /** The database file (its folder is created), or `:memory:`. */
  path: string;
  /** How long a writer waits for another process's write to finish. @default 10000 */
  busyTimeoutMs?: number;
  /** Clock for create/update times. @default () => new Date() */
  now?: () => Date;
  /** Partitions read per query while iterating `getPartitions`. @default 1000 */
  pageSize?: number;
}

/** `PRAGMA user_version` of the schema below; a newer file is refused rather than misread. */
const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS databases (
  name TEXT PRIMARY KEY,
  description TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS tables (
  database TEXT NOT NULL REFERENCES databases(name) ON DELETE CASCADE,
  name TEXT NOT NULL,
  input TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (database, name)
) STRICT;
CREATE TABLE IF NOT EXISTS columns (
  database TEXT NOT NULL,
  table_name TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  comment TEXT,
  partition_key INTEGER NOT NULL,
  PRIMARY KEY (database, table_name, position),
  FOREIGN KEY (database, table_name) REFERENCES tables(database, name) ON DELETE CASCADE
) STRICT;
CREATE TABLE IF NOT EXISTS partitions (
  database TEXT NOT NULL,
  table_name TEXT NOT NULL,
  key_values TEXT NOT NULL,
  location TEXT NOT NULL,
  input TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (database, table_name, key_values),
  FOREIGN KEY (database, table_name) REFERENCES tables(database, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
`;

/**
 * Partitions read per query while iterating: a page is read whole before it is yielded, so no statement is
 * left open and callers may use the catalog inside the loop.
 */
const DEFAULT_PAGE_SIZE = 1000;

interface TableRow {
  input: string;
  version: number;
  created_at: string;
  updated_at: string;
}

interface PartitionRow {
  key_values: string;
  input: string;
  created_at: string;
}

export class SqliteCatalog implements TableCatalog {
  readonly uri: string;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly pageSize: number;

  private constructor(db: Database.Database, uri: string, options: SqliteCatalogOptions) {
    this.db = db;
    this.uri = uri;
    this.now = options.now ?? (() => new Date());
    this.pageSize = Math.max(1, Math.trunc(options.pageSize ?? DEFAULT_PAGE_SIZE));
  }

  /** Opens (creating if needed) the catalog file and its schema. */
  static open(options: SqliteCatalogOptions): Promise<SqliteCatalog> {
    const memory = options.path === ':memory:';
    if (!memory) mkdirSync(dirname(options.path), { recursive: true });
    const db = new Database(options.path);
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 10_000))}`);
      if (!memory) db.pragma('journal_mode = WAL');
      // WAL with synchronous=NORMAL stays consistent after a crash; only the last commits may be lost.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      const version = db.pragma('user_version', { simple: true });
      if (typeof version === 'number' && version > SCHEMA_VERSION) {
        throw new UsageError(
          `catalog ${options.path} has schema version ${version}; this adlake knows ${SCHEMA_VERSION}. Upgrade adlake.`,
        );
      }
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    } catch (error) {
      db.close();
      throw error;
    }
    const uri = memory ? 'sqlite::memory:' : pathToFileURL(options.path).href;
    return Promise.resolve(new SqliteCatalog(db, uri, options));
  }

  ensureDatabase(name: string, options: { description?: string } = {}): Promise<void> {
    return settle(() => {
      assertDatabaseName(name);
      this.db
        .prepare(
          'INSERT INTO databases (name, description, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        )
        .run(name, options.description ?? null, this.now().toISOString());
    });
  }

  upsertTable(database: string, input: TableInput): Promise<UpsertResult> {
    return settle(() => this.upsert(database, input));
  }

  private upsert(database: string, input: TableInput): UpsertResult {
    assertDatabaseName(database);
    const name = input.Name ?? '';
    assertTableName(name);
    const upsert = this.db.transaction((): UpsertResult => {
      this.requireDatabase(database);
      const row = this.tableRow(database, name);
      const at = this.now().toISOString();
      if (!row) {
        this.db
          .prepare(
            'INSERT INTO tables (database, name, input, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)',
          )
          .run(database, name, JSON.stringify(input), at, at);
        this.writeColumns(database, input);
        return 'created';
      }
      const existing = JSON.parse(row.input) as TableInput;
      if (sameTableInput(existing, input)) return 'unchanged';
      const merged = mergeTableInput(existing, input);
      this.db
        .prepare(
          'UPDATE tables SET input = ?, version = version + 1, updated_at = ? WHERE database = ? AND name = ?',
        )
        .run(JSON.stringify(merged), at, database, name);
      this.writeColumns(database, merged);
      return 'updated';
    });
    return upsert.immediate();
  }

  getTable(database: string, name: string): Promise<Table | undefined> {
    return settle(() => {
      const row = this.tableRow(database, name);
      return row ? toTable(database, row) : undefined;
    });
  }

  async *listTables(database: string, pattern?: string): AsyncIterable<Table> {
    const matches = pattern === undefined ? () => true : tablePattern(pattern);
    this.requireDatabase(database);
    const rows = this.db
      .prepare<[string], TableRow & { name: string }>(
        'SELECT name, input, version, created_at, updated_at FROM tables WHERE database = ? ORDER BY name',
      )
      .all(database);
    for (const row of rows) if (matches(row.name)) yield toTable(database, row);
    await Promise.resolve();
  }

  deleteTable(database: string, name: string): Promise<boolean> {
    return settle(
      () =>
        this.db.prepare('DELETE FROM tables WHERE database = ? AND name = ?').run(database, name).changes > 0,
    );
  }

  addPartitions(
    database: string,
    table: string,
    partitions: readonly PartitionInput[],
  ): Promise<AddPartitionsResult> {
    const add = this.db.transaction((): AddPartitionsResult => {
      const keys = this.partitionKeys(database, table);
      const insert = this.db.prepare(
        `INSERT INTO partitions (database, table_name, key_values, location, input, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      );
      const at = this.now().toISOString();
      let added = 0;
      for (const partition of partitions) {
        const values = partition.Values ?? [];
        const location = partition.StorageDescriptor?.Location;
        if (values.length !== keys.length || values.some((v) => typeof v !== 'string')) {
          throw new UsageError(
            `partition ${JSON.stringify(values)} of ${database}.${table} needs one string value for each key (${keys.map((k) => k.name).join(', ')})`,
          );
        }
        if (!location)
          throw new UsageError(`partition ${JSON.stringify(values)} of ${database}.${table} has no location`);
        const { Columns: _columns, ...descriptor } = partition.StorageDescriptor ?? {};
        const stored: PartitionInput = { ...partition, StorageDescriptor: descriptor };
        added += insert.run(
          database,
          table,
          JSON.stringify(values),
          location,
          JSON.stringify(stored),
          at,
        ).changes;
      }
      return { added, existing: partitions.length - added };
    });
    return settle(() => add.immediate());
  }

  async *getPartitions(database: string, table: string, expression?: string): AsyncIterable<Partition> {
    const keys = this.partitionKeys(database, table);
    const filter =
      expression === undefined || expression.trim() === ''
        ? undefined
        : partitionFilterSql(parsePartitionExpression(expression, keys), 'key_values');
    const sql = `SELECT key_values, input, created_at FROM partitions
      WHERE database = ? AND table_name = ? AND key_values > ?${filter ? ` AND ${filter.sql}` : ''}
      ORDER BY key_values LIMIT ${this.pageSize}`;
    const page = this.db.prepare<unknown[], PartitionRow>(sql);
    let after = '';
    for (;;) {
      // Read a page, then yield: no statement stays open while the caller runs.
      const rows = page.all(database, table, after, ...(filter?.params ?? []));
      const descriptor = rows.length > 0 ? this.tableDescriptor(database, table) : undefined;
      for (const row of rows) yield toPartition(database, table, row, descriptor);
      const last = rows.at(-1);
      if (!last || rows.length < this.pageSize) return;
      after = last.key_values;
      await Promise.resolve();
    }
  }

  close(): Promise<void> {
    return settle(() => {
      this.db.close();
    });
  }

  private requireDatabase(database: string): void {
    const exists = this.db.prepare('SELECT 1 FROM databases WHERE name = ?').get(database);
    if (!exists) throw new NotFoundError(`catalog database ${database} does not exist in ${this.uri}`);
  }

  private tableRow(database: string, name: string): TableRow | undefined {
    return this.db
      .prepare<[string, string], TableRow>(
        'SELECT input, version, created_at, updated_at FROM tables WHERE database = ? AND name = ?',
      )
      .get(database, name);
  }

  private partitionKeys(database: string, table: string): ExpressionKey[] {
    const row = this.tableRow(database, table);
    if (!row) throw new NotFoundError(`table ${database}.${table} does not exist in ${this.uri}`);
    const input = JSON.parse(row.input) as TableInput;
    return (input.PartitionKeys ?? []).map((key, index) => {
      const kind = keyKind(key.Type ?? '');
      if (!kind)
        throw new UsageError(
          `partition key ${key.Name} of ${database}.${table} has type ${key.Type}, which cannot be filtered`,
        );
      return { index, name: key.Name ?? '', kind };
    });
  }

  private tableDescriptor(database: string, table: string): TableInput['StorageDescriptor'] {
    const row = this.tableRow(database, table);
    return row ? (JSON.parse(row.input) as TableInput).StorageDescriptor : undefined;
  }

  private writeColumns(database: string, input: TableInput): void {
    const name = input.Name ?? '';
    this.db.prepare('DELETE FROM columns WHERE database = ? AND table_name = ?').run(database, name);
    const insert = this.db.prepare(
      'INSERT INTO columns (database, table_name, position, name, type, comment, partition_key) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const columns = [
      ...(input.StorageDescriptor?.Columns ?? []).map((c) => ({ c, key: 0 })),
      ...(input.PartitionKeys ?? []).map((c) => ({ c, key: 1 })),
    ];
    columns.forEach(({ c, key }, position) => {
      insert.run(database, name, position, c.Name ?? '', c.Type ?? '', c.Comment ?? null, key);
    });
  }
}

/** Runs synchronous SQLite work behind the async port: a throw becomes a rejected promise. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function toTable(database: string, row: TableRow): Table {
  const input = JSON.parse(row.input) as TableInput;
  return {
    ...input,
    Name: input.Name,
    DatabaseName: database,
    CreateTime: new Date(row.created_at),
    UpdateTime: new Date(row.updated_at),
    VersionId: String(row.version),
  };
}

function toPartition(
  database: string,
  table: string,
  row: PartitionRow,
  tableDescriptor: TableInput['StorageDescriptor'],
): Partition {
  const input = JSON.parse(row.input) as PartitionInput;
  return {
    ...input,
    Values: JSON.parse(row.key_values) as string[],
    DatabaseName: database,
    TableName: table,
    CreationTime: new Date(row.created_at),
    StorageDescriptor: { ...input.StorageDescriptor, Columns: tableDescriptor?.Columns ?? [] },
  };
}
