/**
 * Registers what a pipeline step wrote: the tables it touched and each (vehicle, date) partition it filled.
 * Steps call this right after their writers close, so Athena and the embedded engines see a partition as
 * soon as it exists, with no crawler and no `MSCK REPAIR TABLE`. Registering the same files again changes
 * nothing (the tables compare `unchanged`, the partitions count as `existing`). Partitions are registered
 * with projection on too: Athena then ignores them, but `SHOW PARTITIONS`, Spectrum, EMR and the embedded
 * engines use them.
 */
import { UsageError } from '../../core/errors.js';
import { partitionPrefix } from '../layout.js';
import type { WrittenFile } from '../tableWriter.js';
import type { TableDef } from '../tables.js';
import { partitionInput } from './partitionInput.js';
import type { TableCatalog, UpsertResult } from './tableCatalog.js';
import { projectedSince, projectedVehicles, tableInput } from './tableInput.js';
import type { PartitionProjection } from './tableInput.js';

/** Table definitions by name: `TABLES`, a map that adds topic tables, or a function. */
export type TableLookup =
  | Readonly<Record<string, TableDef<unknown>>>
  | ReadonlyMap<string, TableDef<unknown>>
  | ((name: string) => TableDef<unknown> | undefined);

export interface RegisterWrittenFilesOptions {
  catalog: TableCatalog;
  /** Catalog database (created if missing). */
  database: string;
  /** What the writers' `close()` returned. */
  files: readonly WrittenFile[];
  /** The lake's URI (`ObjectStore.uri`), for table and partition locations. */
  lakeUri: string;
  tables: TableLookup;
  /**
   * Athena partition projection for the tables touched: `enum` keeps the table's vehicle list the union of
   * the vehicles registered so far, `injected` makes vehicle filters mandatory in Athena (see `tableInput.ts`).
   * The projected date range starts at the earliest date registered so far.
   * @default 'none' (Athena uses the registered partitions)
   */
  projection?: 'none' | 'injected' | 'enum';
}

export interface TableRegistration {
  table: UpsertResult;
  /** Partitions registered now, and those that were registered before. */
  added: number;
  existing: number;
}

/**
 * Upserts each table the files belong to and adds each distinct (table, vehicle, date) partition.
 * Returns what happened per table. Throws `UsageError` (before touching the catalog) when a file names a
 * table the lookup does not know or a key that is not in its partition's folder.
 */
export async function registerWrittenFiles(
  options: RegisterWrittenFilesOptions,
): Promise<Record<string, TableRegistration>> {
  const { catalog, database, lakeUri } = options;
  const byTable = new Map<string, Map<string, { vehicle: string; date: string }>>();
  const problems: string[] = [];
  for (const file of options.files) {
    if (!lookup(options.tables, file.table)) {
      problems.push(`${file.key}: no table definition for ${file.table}`);
      continue;
    }
    if (!file.key.startsWith(partitionPrefix(file.table, file.vehicle, file.date))) {
      problems.push(`${file.key} is not in the folder of ${file.table} / ${file.vehicle} / ${file.date}`);
      continue;
    }
    let partitions = byTable.get(file.table);
    if (!partitions)
      byTable.set(file.table, (partitions = new Map<string, { vehicle: string; date: string }>()));
    partitions.set(JSON.stringify([file.vehicle, file.date]), { vehicle: file.vehicle, date: file.date });
  }
  if (problems.length > 0) {
    throw new UsageError(
      `cannot register ${problems.length} file(s): ${problems.join('; ')}`,
      {},
      { cause: problems },
    );
  }

  const report: Record<string, TableRegistration> = {};
  if (byTable.size === 0) return report;
  await catalog.ensureDatabase(database);
  for (const [name, partitions] of [...byTable].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const def = lookup(options.tables, name) as TableDef<unknown>;
    const values = [...partitions.values()].sort((a, b) =>
      a.vehicle === b.vehicle ? (a.date < b.date ? -1 : 1) : a.vehicle < b.vehicle ? -1 : 1,
    );
    const projection =
      options.projection === undefined || options.projection === 'none'
        ? undefined
        : await projectionFor(catalog, database, name, options.projection, values);
    const input = tableInput(def, { lakeUri, ...(projection ? { projection } : {}) });
    const table = await catalog.upsertTable(database, input);
    const added = await catalog.addPartitions(
      database,
      name,
      values.map((v) => partitionInput(input, v)),
    );
    report[name] = { table, ...added };
  }
  return report;
}

/** The projection covering what is registered already and the new partitions. */
async function projectionFor(
  catalog: TableCatalog,
  database: string,
  table: string,
  kind: 'injected' | 'enum',
  values: readonly { vehicle: string; date: string }[],
): Promise<PartitionProjection> {
  const existing = await catalog.getTable(database, table);
  const dates = values.map((v) => v.date);
  const since = existing ? projectedSince(existing) : undefined;
  if (since !== undefined) dates.push(since);
  const earliest = dates.reduce((a, b) => (b < a ? b : a));
  if (kind === 'injected') return { since: earliest, vehicles: 'injected' };
  const vehicles = new Set([
    ...(existing ? (projectedVehicles(existing) ?? []) : []),
    ...values.map((v) => v.vehicle),
  ]);
  return { since: earliest, vehicles: [...vehicles] };
}

function lookup(tables: TableLookup, name: string): TableDef<unknown> | undefined {
  if (typeof tables === 'function') return tables(name);
  if (isMap(tables)) return tables.get(name);
  return Object.hasOwn(tables, name) ? tables[name] : undefined;
}

function isMap(
  tables: Exclude<TableLookup, (name: string) => unknown>,
): tables is ReadonlyMap<string, TableDef<unknown>> {
  return tables instanceof Map;
}
