/**
 * The embedded SQL engine: DuckDB in memory, with every table of the lake as a view and Athena's functions as
 * macros (`athenaCompat.ts`), so the Athena SQL in `queries/` runs unchanged.
 *
 * Views, per table found under `tables/` in the lake:
 *
 * ```sql
 * SELECT * EXCLUDE (__adlake_file), '<lake uri>/' || <key> AS "$path"
 * FROM read_parquet('<lake>/tables/<t>/*\/*\/*.parquet', hive_partitioning = true, union_by_name = true,
 *                   filename = '__adlake_file', hive_types = {'vehicle': VARCHAR, 'date': VARCHAR})
 * ```
 *
 * - Columns of UTC instants (Parquet TIMESTAMP with isAdjustedToUTC, TIMESTAMPTZ in DuckDB) are TIMESTAMP in
 *   the view, their UTC wall-clock time, as Athena types a Glue `timestamp`; the session zone is UTC, Athena's.
 * - Partition keys are VARCHAR, as the catalog declares them for Athena (see `tableInput.ts`), so
 *   `date = '2024-06-14'` types the same on both engines; `union_by_name` lets older parts lack newer columns.
 * - `"$path"` is Athena's pseudo-column: the URI of the object a row came from. Athena hides it from `SELECT *`;
 *   a DuckDB view cannot hide a column, so here it is the last column of `*`.
 * - A table with no files yet (a `TableDef` or a catalog table) is an empty view with the right column types.
 * - Tables of the table catalog, when given, get views too (by their catalog name, over their location in the
 *   lake), and so do its views (Athena keeps a view's SQL in `ViewOriginalText`).
 *
 * A lake that is not a local folder (S3): DuckDB here has no httpfs, so before a query runs the part files of
 * the tables it names are fetched through the `ObjectStore` into a local cache folder (a fresh temporary folder
 * removed by `close()`, or `cacheDir`, which keeps files across runs and re-fetches a file whose size changed).
 * The whole table is fetched: partition filters do not prune the download.
 */
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import type { Table } from '@aws-sdk/client-glue';
import type { DataType } from 'apache-arrow';
import { NotFoundError } from '../core/errors.js';
import type { AdlakeError } from '../core/errors.js';
import { TABLES_PREFIX } from '../catalog/layout.js';
import type { ObjectInfo, ObjectStore } from '../catalog/objectStore.js';
import { TABLES } from '../catalog/tables.js';
import type { TableDef } from '../catalog/tables.js';
import type { TableCatalog } from '../catalog/tableCatalog/tableCatalog.js';
import { installAthenaCompat } from './athenaCompat.js';
import { duckdbError } from './duckdbError.js';
import { duckdbTypeOfArrow, duckdbTypeOfHive, quoteIdentifier } from './duckdbType.js';
import { duckdbValue } from './duckdbValue.js';
import type { QueryOptions, QueryResult, SqlEngine, SqlSource } from './sqlEngine.js';
import { identifierOf, sqlTokens } from './sqlTokens.js';

/** A view to create: its `CREATE VIEW` statement, and where it comes from for error positions. */
export type ViewSource = string | ({ sql: string } & SqlSource);

export interface DuckdbEngineOptions {
  /** The lake. */
  store: ObjectStore;
  /** `CREATE [OR REPLACE] VIEW` statements run after the tables exist (e.g. the `.sql` files of `queries/`). */
  views?: readonly ViewSource[];
  /** Definitions of tables that may have no files yet; they get typed empty views. @default the curated TABLES */
  tableDefs?: readonly TableDef<unknown>[];
  /** The table catalog and database whose tables and views also become views. @default none */
  catalog?: { catalog: Pick<TableCatalog, 'listTables'>; database: string };
  /**
   * Also expose every table and view as `<database>.<name>`, as Athena SQL often qualifies them.
   * @default the catalog's database, when a catalog is given
   */
  database?: string;
  /** Where part files of a non-local lake are cached. @default a temporary folder removed by close() */
  cacheDir?: string;
}

/** The column DuckDB's `filename` option adds; renamed to "$path". A name no real column has. */
const FILE_COLUMN = '__adlake_file';

interface LakeTable {
  /** The folder under `tables/` (catalog tables may be named differently). */
  folder: string;
  files: ObjectInfo[];
  /** For a non-local lake: whether the files are in the cache and the view reads them. */
  fetched: boolean;
  def?: TableDef<unknown>;
}

export class DuckdbEngine implements SqlEngine {
  readonly name = 'duckdb';
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly skipped = new Map<string, NotFoundError>();
  /** The database schema aliases are made in, once `setUp` made them. */
  private aliased: string | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly store: ObjectStore,
    /** The local folder holding the lake (local lake) or the cache (remote lake). */
    private readonly root: string,
    private readonly remote: boolean,
    private readonly ownCache: boolean,
    /** Tables by view name. */
    private readonly tables: Map<string, LakeTable>,
    private readonly database: string | undefined,
  ) {}

  /**
   * Opens an in-memory DuckDB over the lake: installs the Athena macros, creates a view per table (and per
   * catalog table and view), then the given views. Throws `DecodeError` when a view's SQL is wrong.
   */
  static async open(options: DuckdbEngineOptions): Promise<DuckdbEngine> {
    const { store } = options;
    const remote = !store.uri.startsWith('file://');
    const ownCache = remote && options.cacheDir === undefined;
    const root = remote
      ? (options.cacheDir ?? (await mkdtemp(join(tmpdir(), 'adlake-sql-'))))
      : fileURLToPath(store.uri);
    const instance = await DuckDBInstance.create(':memory:');
    let connection: DuckDBConnection | undefined;
    try {
      connection = await instance.connect();
      // Athena's session zone: timestamps and dates mean the same on both engines.
      await connection.run("SET TimeZone = 'UTC'");
      await installAthenaCompat(connection);
      const defs: readonly TableDef<unknown>[] = options.tableDefs ?? Object.values(TABLES);
      const tables = await findLakeTables(store, defs);
      const database = options.database ?? options.catalog?.database;
      const engine = new DuckdbEngine(instance, connection, store, root, remote, ownCache, tables, database);
      await engine.setUp(options);
      return engine;
    } catch (error) {
      connection?.closeSync();
      instance.closeSync();
      if (ownCache) await rm(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** The local folder part files of a non-local lake are fetched to; undefined for a local lake. */
  get cacheDir(): string | undefined {
    return this.remote ? this.root : undefined;
  }

  /** The tables and views queries can name, sorted. */
  async names(): Promise<string[]> {
    const reader = await this.connection.runAndReadAll(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = 'memory'",
    );
    const names = new Set(reader.getRows().map((row) => String(row[0] as string)));
    for (const name of this.tables.keys()) names.add(name);
    return [...names].sort();
  }

  query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    // One connection runs one query at a time; queue the others.
    const run = this.queue.then(() => this.run(sql, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    this.connection.closeSync();
    this.instance.closeSync();
    if (this.ownCache) await rm(this.root, { recursive: true, force: true });
  }

  private async run(sql: string, options: QueryOptions): Promise<QueryResult> {
    const { signal, maxRows } = options;
    signal?.throwIfAborted();
    const started = performance.now();
    if (this.remote) await this.fetchTables(referencedNames(sql));
    const interrupt = () => this.connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    let reader: DuckDBResultReader;
    try {
      reader =
        maxRows === undefined
          ? await this.connection.runAndReadAll(sql)
          : await this.connection.streamAndReadUntil(sql, maxRows + 1);
    } catch (error) {
      signal?.throwIfAborted();
      throw await this.error(error, sql, options.source);
    } finally {
      signal?.removeEventListener('abort', interrupt);
    }
    const names = reader.columnNames();
    const types = reader.columnTypes();
    let rows = reader.getRows().map((row) => row.map(duckdbValue));
    const truncated = maxRows !== undefined && rows.length > maxRows;
    if (truncated) rows = rows.slice(0, maxRows);
    return {
      columns: names.map((name, i) => ({ name, type: String(types[i]) })),
      rows,
      ...(truncated ? { truncated } : {}),
      stats: { rows: rows.length, seconds: (performance.now() - started) / 1000 },
    };
  }

  /** Runs the engine's own DDL (views over files); no fetching, errors as adlake errors. */
  private async execute(sql: string, source?: SqlSource): Promise<void> {
    try {
      await this.connection.run(sql);
    } catch (error) {
      throw await this.error(error, sql, source);
    }
  }

  private async error(error: unknown, sql: string, source: SqlSource | undefined): Promise<AdlakeError> {
    const tables = await this.names().catch(() => [...this.tables.keys()]);
    const translated = duckdbError(error, { sql, tables, ...(source ? { source } : {}) });
    const missing = /^Catalog Error: Table with name (.+?) does not exist!/.exec(
      error instanceof Error ? error.message : '',
    )?.[1];
    const skipped = missing === undefined ? undefined : this.skipped.get(missing.toLowerCase());
    if (translated instanceof NotFoundError && skipped) {
      return new NotFoundError(
        `sql: view ${missing ?? ''} was not created: ${skipped.message.replace(/^sql: /, '')}`,
        translated.where,
        { cause: skipped },
      );
    }
    return translated;
  }

  /** Views given to `open` that were skipped because a table they read does not exist, with the reason. */
  get skippedViews(): ReadonlyMap<string, NotFoundError> {
    return this.skipped;
  }

  private async setUp(options: DuckdbEngineOptions): Promise<void> {
    for (const [name, table] of this.tables) {
      if (table.files.length > 0 && !this.remote) await this.createParquetView(name, table);
      else if (table.def)
        await this.execute(emptyViewSql(name, columnsOfDef(table.def), table.def.partitionKeys));
    }
    const views: ViewSource[] = [];
    if (options.catalog) views.push(...(await this.addCatalog(options.catalog)));
    views.push(...(options.views ?? []));
    // The schema first: Athena view DDL often names its database (CREATE VIEW adlake.x AS …).
    if (this.database !== undefined) {
      await this.execute(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.database)}`);
    }
    await this.createViews(views);
    if (this.database !== undefined) await this.createDatabaseAliases(this.database);
  }

  private async createParquetView(name: string, table: LakeTable): Promise<void> {
    const base = `${TABLES_PREFIX}${table.folder}/`;
    const relative = table.files.map((f) => f.key.slice(base.length));
    const depths = new Set(relative.map((r) => r.split('/').length));
    const folder = join(this.root, ...base.split('/').filter(Boolean));
    // One depth (the lake's vehicle=/date=/ layout): a glob, so files written later are seen too. Mixed
    // depths (files from elsewhere): the list of files as found.
    const [depth] = depths;
    const paths =
      depths.size === 1 && depth !== undefined
        ? [join(folder, ...Array<string>(depth - 1).fill('*'), '*.parquet')]
        : relative.map((r) => join(folder, ...r.split('/')));
    const partitionKeys = [...(relative[0] ?? '').split('/').slice(0, -1)]
      .map((segment) => /^([^=]+)=/.exec(segment)?.[1])
      .filter((key): key is string => key !== undefined);
    const instants = await this.instantColumns(paths);
    await this.execute(parquetViewSql(name, paths, partitionKeys, this.pathColumnSql(), instants));
    if (this.aliased !== undefined) await this.createAlias(this.aliased, name);
  }

  /** The top-level columns DuckDB reads as TIMESTAMPTZ (Parquet TIMESTAMP with isAdjustedToUTC) in these files. */
  private async instantColumns(paths: readonly string[]): Promise<string[]> {
    const reader = await this.connection.runAndReadAll(
      `DESCRIBE SELECT * FROM read_parquet(${pathListSql(paths)}, union_by_name = true)`,
    );
    return reader
      .getRows()
      .filter((row) => String(row[1] as string) === 'TIMESTAMP WITH TIME ZONE')
      .map((row) => String(row[0] as string));
  }

  /** The SQL for "$path": the object's URI, from the local file name DuckDB reports. */
  private pathColumnSql(): string {
    const file = `replace(substr(${FILE_COLUMN}, length(${sqlString(this.root)}) + 2), ${sqlString(sep)}, '/')`;
    // A local lake's URIs are file:// URLs (pathToFileURL): '%' and ' ' in keys are percent-encoded there.
    const key = this.remote ? file : `replace(replace(${file}, '%', '%25'), ' ', '%20')`;
    return `${sqlString(`${this.store.uri.replace(/\/+$/, '')}/`)} || ${key}`;
  }

  /** Non-local lake: copies the files of the named tables into the cache and points their views at them. */
  private async fetchTables(names: Iterable<string>): Promise<void> {
    for (const name of names) {
      const table = this.tables.get(name);
      if (!table || table.fetched || table.files.length === 0) continue;
      const queue = [...table.files];
      // A few requests in flight: object stores answer faster in parallel, and files are bounded in size.
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let file = queue.shift(); file; file = queue.shift()) await this.fetchFile(file);
        }),
      );
      table.fetched = true;
      await this.createParquetView(name, table);
    }
  }

  private async fetchFile(file: ObjectInfo): Promise<void> {
    const path = join(this.root, ...file.key.split('/'));
    const cached = await stat(path).catch(() => undefined);
    if (cached?.size === file.size) return;
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.partial`;
    await writeFile(temp, await this.store.get(file.key));
    await rename(temp, path);
  }

  /** Catalog tables become views over their lake folder; catalog views are returned to be created with the others. */
  private async addCatalog(options: NonNullable<DuckdbEngineOptions['catalog']>): Promise<ViewSource[]> {
    const views: ViewSource[] = [];
    const lakeTables = `${this.store.uri.replace(/\/+$/, '')}/${TABLES_PREFIX}`;
    for await (const table of options.catalog.listTables(options.database)) {
      const name = table.Name;
      if (name === undefined) continue;
      const uri = `catalog:${options.database}.${name}`;
      if (table.TableType === 'VIRTUAL_VIEW') {
        const sql = viewSqlOfCatalog(table);
        if (sql !== undefined) {
          views.push({ sql: `CREATE OR REPLACE VIEW ${quoteIdentifier(name)} AS ${sql}`, uri });
        }
        continue;
      }
      if (this.tables.has(name)) continue;
      const location = table.StorageDescriptor?.Location ?? '';
      const folder = location.startsWith(lakeTables)
        ? location.slice(lakeTables.length).replace(/\/+$/, '')
        : undefined;
      const files = [...this.tables.values()].find((t) => t.folder === folder)?.files ?? [];
      const lakeTable: LakeTable = { folder: folder ?? name, files, fetched: false };
      this.tables.set(name, lakeTable);
      if (files.length > 0 && !this.remote) {
        await this.createParquetView(name, lakeTable);
      } else if (files.length === 0) {
        const columns = (table.StorageDescriptor?.Columns ?? []).map((c) => ({
          name: c.Name ?? '',
          type: viewType(duckdbTypeOfHive(c.Type ?? 'string')),
        }));
        const keys = (table.PartitionKeys ?? []).map((k) => k.Name ?? '');
        await this.execute(emptyViewSql(name, columns, keys));
      }
    }
    return views;
  }

  /**
   * Creates views in order; a view naming one not created yet is retried after the others, so the order of
   * `queries/` files does not matter. Throws the first error that remains.
   */
  private async createViews(views: readonly ViewSource[]): Promise<void> {
    let pending = views.map((v) => (typeof v === 'string' ? { sql: v } : v));
    while (pending.length > 0) {
      const failed: { view: (typeof pending)[number]; error: unknown }[] = [];
      for (const view of pending) {
        try {
          if (this.remote) await this.fetchTables(referencedNames(view.sql));
          await this.execute(view.sql, view);
        } catch (error) {
          failed.push({ view, error });
        }
      }
      if (failed.length === pending.length) {
        for (const { view, error } of failed) {
          // A view over a table this lake does not have (yet) is skipped, not fatal: `queries/` holds views
          // for every table, and a lake with only CAN and GPS must still answer questions about those.
          const name = createdViewName(view.sql);
          if (!(error instanceof NotFoundError) || name === undefined) throw error;
          this.skipped.set(name, error);
        }
        return;
      }
      pending = failed.map((f) => f.view);
    }
  }

  /** `<database>.<name>` for every table and view of main, and the other way round for views made in the schema. */
  private async createDatabaseAliases(database: string): Promise<void> {
    const main = new Set(await this.schemaNames('main'));
    for (const name of main) await this.createAlias(database, name);
    for (const name of await this.schemaNames(database)) {
      if (!main.has(name)) {
        await this.execute(
          `CREATE VIEW main.${quoteIdentifier(name)} AS SELECT * FROM ${quoteIdentifier(database)}.${quoteIdentifier(name)}`,
        );
      }
    }
    // Tables of a remote lake get their views when first fetched; they get their alias then.
    this.aliased = database;
  }

  private async schemaNames(schema: string): Promise<string[]> {
    const reader = await this.connection.runAndReadAll(
      `SELECT table_name FROM information_schema.tables WHERE table_catalog = 'memory' AND table_schema = ${sqlString(schema)}`,
    );
    return reader.getRows().map((row) => String(row[0] as string));
  }

  private async createAlias(database: string, name: string): Promise<void> {
    await this.execute(
      `CREATE OR REPLACE VIEW ${quoteIdentifier(database)}.${quoteIdentifier(name)} AS SELECT * FROM main.${quoteIdentifier(name)}`,
    );
  }
}

/** Tables with part files under `tables/`, plus the defined tables that have none yet. */
async function findLakeTables(
  store: ObjectStore,
  defs: readonly TableDef<unknown>[],
): Promise<Map<string, LakeTable>> {
  const tables = new Map<string, LakeTable>();
  for await (const info of store.list(TABLES_PREFIX)) {
    if (!info.key.endsWith('.parquet')) continue;
    const folder = info.key.slice(TABLES_PREFIX.length).split('/')[0] ?? '';
    if (!/^[a-z][a-z0-9_]*$/.test(folder)) continue;
    let table = tables.get(folder);
    if (!table) {
      table = { folder, files: [], fetched: false };
      tables.set(folder, table);
    }
    table.files.push(info);
  }
  for (const def of defs) {
    const table = tables.get(def.name);
    if (table) table.def = def;
    else tables.set(def.name, { folder: def.name, files: [], fetched: false, def });
  }
  return tables;
}

/**
 * The view over a table's files. Columns holding UTC instants (TIMESTAMPTZ in DuckDB) are presented as
 * TIMESTAMP, their UTC wall-clock time: Athena types a Glue `timestamp` column so, and DuckDB's time functions
 * on TIMESTAMPTZ go through ICU calendars (`date_trunc('hour', t)` over 100M rows: 12 s against 2 s).
 * `make_timestamp(epoch_us(t))` keeps every microsecond and needs no time zone.
 */
function parquetViewSql(
  name: string,
  paths: readonly string[],
  partitionKeys: readonly string[],
  pathSql: string,
  instants: readonly string[] = [],
): string {
  const hiveTypes = partitionKeys.map((k) => `${sqlString(k)}: 'VARCHAR'`).join(', ');
  const keys = partitionKeys.map(quoteIdentifier);
  const options = [
    'hive_partitioning = true',
    'union_by_name = true',
    `filename = ${sqlString(FILE_COLUMN)}`,
    ...(hiveTypes ? [`hive_types = {${hiveTypes}}`] : []),
  ];
  const replace = instants.map(
    (c) => `make_timestamp(epoch_us(${quoteIdentifier(c)})) AS ${quoteIdentifier(c)}`,
  );
  return [
    `CREATE OR REPLACE VIEW ${quoteIdentifier(name)} AS`,
    // Partition keys after the file's columns, outermost first, as Athena orders them (DuckDB sorts them).
    `SELECT * EXCLUDE (${[FILE_COLUMN, ...keys].join(', ')})${replace.length ? ` REPLACE (${replace.join(', ')})` : ''},`,
    `  ${[...keys, `${pathSql} AS "$path"`].join(', ')}`,
    `FROM read_parquet(${pathListSql(paths)}, ${options.join(', ')})`,
  ].join('\n');
}

function pathListSql(paths: readonly string[]): string {
  return paths.length === 1 ? sqlString(paths[0] ?? '') : `[${paths.map(sqlString).join(', ')}]`;
}

/** A top-level column type as the views present it: instants as TIMESTAMP (see `parquetViewSql`). */
function viewType(type: string): string {
  return type === 'TIMESTAMPTZ' ? 'TIMESTAMP' : type;
}

function columnsOfDef(def: TableDef<unknown>): { name: string; type: string }[] {
  return def.schema.fields.map((f) => ({
    name: f.name,
    type: viewType(duckdbTypeOfArrow(f.type as DataType, `${def.name}.${f.name}`)),
  }));
}

/** A view with the table's columns and no rows, for a table with no files yet. */
function emptyViewSql(
  name: string,
  columns: readonly { name: string; type: string }[],
  partitionKeys: readonly string[],
): string {
  const all = [
    ...columns,
    ...partitionKeys.map((k) => ({ name: k, type: 'VARCHAR' })),
    { name: '$path', type: 'VARCHAR' },
  ];
  const list = all.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdentifier(c.name)}`).join(', ');
  return `CREATE OR REPLACE VIEW ${quoteIdentifier(name)} AS SELECT ${list} WHERE false`;
}

/**
 * The SQL of a catalog view. Athena stores `/* Presto View: <base64 JSON with originalSql> *\/` in
 * ViewOriginalText; other writers may store the SQL itself.
 */
export function viewSqlOfCatalog(table: Table): string | undefined {
  const text = table.ViewOriginalText ?? table.ViewExpandedText;
  if (text === undefined) return undefined;
  const presto = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(text.trim());
  if (!presto) return text;
  const json: unknown = JSON.parse(Buffer.from(presto[1] ?? '', 'base64').toString('utf8'));
  const sql =
    typeof json === 'object' && json !== null && 'originalSql' in json ? json.originalSql : undefined;
  return typeof sql === 'string' ? sql : undefined;
}

/** The (lowercased, unqualified) name a `CREATE [OR REPLACE] [TEMP] VIEW [IF NOT EXISTS] <name>` creates. */
function createdViewName(sql: string): string | undefined {
  const words = [...sqlTokens(sql)].filter((t) => t.kind !== 'comment');
  const at = words.findIndex((t) => t.kind === 'word' && t.text.toLowerCase() === 'view');
  if (at === -1 || words[0]?.text.toLowerCase() !== 'create') return undefined;
  let i = at + 1;
  if (words[i]?.text.toLowerCase() === 'if') i += 3;
  // A qualified name: the last part (db.view → view).
  while (words[i + 1]?.text === '.' && words[i + 2]) i += 2;
  const name = words[i];
  return name && (name.kind === 'word' || name.kind === 'quoted') ? identifierOf(name) : undefined;
}

/** Every name a statement mentions (words and quoted identifiers), lowercased: a superset of its tables. */
function referencedNames(sql: string): Set<string> {
  const names = new Set<string>();
  for (const token of sqlTokens(sql)) {
    if (token.kind === 'word' || token.kind === 'quoted') names.add(identifierOf(token));
  }
  return names;
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
