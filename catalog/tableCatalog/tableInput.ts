/**
 * The Glue `TableInput` of a curated table, derived from its `TableDef`: the one description of a table that both
 * catalog backends store (Glue as-is, SQLite as JSON) and that Athena reads.
 *
 * Partition keys are `vehicle string, date string`. `date` is a string, not a Hive `date`, on purpose:
 * - Athena partition projection treats `projection.date.type=date` as a *format* for the values it generates;
 *   the key's own type stays what the table says, and every AWS example keeps it `string`.
 * - `YYYY-MM-DD` strings order like dates, so `date >= '2024-01-01'`, `BETWEEN` and `IN` work the same in
 *   Athena, in Glue partition expressions (GetPartitions) and in the SQLite catalog.
 * - A `date`-typed key would make Athena (Trino) refuse `date = '2024-01-01'` (no implicit varchar → date
 *   cast), which breaks SQL shared with DuckDB. DuckDB's `hive_partitioning` casts `date=` folders to DATE by
 *   default; the DuckDB side should read them with `hive_types = {'vehicle': VARCHAR, 'date': VARCHAR}` so
 *   the same queries type the same way.
 *
 * Partition projection (Athena "Partition projection with Amazon Athena") is optional. Athena requires
 * every partition key to be projected once `projection.enabled` is true, and then ignores the partitions
 * registered in Glue, so `vehicle` cannot be "left to registered partitions" beside a projected date. It is
 * either `injected` (every query must filter `vehicle` by literal equality, else CONSTRAINT_VIOLATION) or an
 * `enum` of the fleet's vehicle ids kept up to date at registration (Athena advises at most a few dozen values).
 * Without projection (the default) Athena prunes with the partitions the pipeline registers as it writes them.
 */
import type { Column, TableInput } from '@aws-sdk/client-glue';
import type { DataType } from 'apache-arrow';
import { UsageError } from '../../core/errors.js';
import { assertDate, escapePathValue, tablePrefix } from '../layout.js';
import type { TableDef } from '../tables.js';
import { assertName, hiveType } from './hiveType.js';

export const PARQUET_INPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat';
export const PARQUET_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat';
export const PARQUET_SERDE = 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe';

/** Glue's limits (API `Column.Comment`, `TableInput.Description`). */
const MAX_COMMENT = 255;
const MAX_DESCRIPTION = 2048;

/** Athena partition projection for the `vehicle`/`date` keys. */
export interface PartitionProjection {
  /** First day of the projected `date` range, `YYYY-MM-DD` (the earliest partition); the range ends at NOW. */
  since: string;
  /**
   * `'injected'`: Athena takes the vehicle from each query's `WHERE vehicle = '…'` (queries without it fail);
   * or the vehicle ids to project as an `enum` (fleet-wide queries work; keep the list to a few dozen).
   */
  vehicles: 'injected' | readonly string[];
}

export interface TableInputOptions {
  /** The lake's URI, as `ObjectStore.uri` gives it: `s3://bucket/prefix` or `file:///abs/lake`. */
  lakeUri: string;
  /** Athena partition projection. @default none: Athena uses the registered partitions */
  projection?: PartitionProjection;
}

/** The table parameters adlake sets; `mergeTableInput` keeps any others that Glue, Athena or a user added. */
export const OWNED_PARAMETER = (key: string): boolean =>
  key === 'classification' ||
  key === 'parquet.compression' ||
  key === 'EXTERNAL' ||
  key === 'storage.location.template' ||
  key.startsWith('projection.');

/** `<lake>/tables/<table>/`, the table's Location. */
export function tableLocation(lakeUri: string, table: string): string {
  if (!/^(s3|file):\/\//.test(lakeUri)) {
    throw new UsageError(`lake URI ${JSON.stringify(lakeUri)} must be s3://… or file://…`);
  }
  return `${lakeUri.replace(/\/+$/, '')}/${tablePrefix(table)}`;
}

/**
 * The Glue `TableInput` of a table: Hive-typed columns with their `doc` (and `unit`) as comments, `vehicle` and
 * `date` string partition keys (commented from the table's `partitionDocs`, else with their usual meaning),
 * Parquet SerDe and formats, `EXTERNAL_TABLE` at `<lake>/tables/<name>/`, and the partition projection
 * properties when asked for. Works for any `TableDef`, including ones defined later.
 * Throws one `UsageError` listing every column Athena could not read.
 */
export function tableInput(def: TableDef<unknown>, options: TableInputOptions): TableInput {
  const location = tableLocation(options.lakeUri, def.name);
  const problems: string[] = [];
  const columns: Column[] = [];
  const seen = new Set<string>(def.partitionKeys);
  for (const field of def.schema.fields) {
    try {
      assertName(field.name, field.name);
      if (seen.has(field.name))
        throw new UsageError(`column ${field.name} is defined twice or is a partition key`);
      seen.add(field.name);
      columns.push({
        Name: field.name,
        Type: hiveType(field.type as DataType, field.name),
        Comment: fieldComment(field.metadata),
      });
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (problems.length > 0) {
    throw new UsageError(
      `table ${def.name} cannot be catalogued: ${problems.join('; ')}`,
      {},
      { cause: problems },
    );
  }
  return {
    Name: def.name,
    Description: clip(def.doc, MAX_DESCRIPTION),
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      classification: 'parquet',
      'parquet.compression': 'ZSTD',
      EXTERNAL: 'TRUE',
      ...(options.projection ? projectionParameters(location, options.projection) : {}),
    },
    PartitionKeys: def.partitionKeys.map((key) => ({
      Name: key,
      Type: 'string',
      Comment: clip(def.partitionDocs?.[key] ?? partitionKeyComment(key, def.timeColumn), MAX_COMMENT),
    })),
    StorageDescriptor: {
      Columns: columns,
      Location: location,
      InputFormat: PARQUET_INPUT_FORMAT,
      OutputFormat: PARQUET_OUTPUT_FORMAT,
      SerdeInfo: { SerializationLibrary: PARQUET_SERDE, Parameters: { 'serialization.format': '1' } },
    },
  };
}

/**
 * Table properties for Athena partition projection (Athena "Supported types for partition projection"):
 * `date` as a `date` projection in `yyyy-MM-dd` from `since` to NOW, one day apart; `vehicle` injected or enum;
 * the location template spelled out although it equals Athena's default `key=value/` layout.
 */
function projectionParameters(location: string, projection: PartitionProjection): Record<string, string> {
  assertDate(projection.since);
  const parameters: Record<string, string> = {
    'projection.enabled': 'true',
    'projection.date.type': 'date',
    'projection.date.format': 'yyyy-MM-dd',
    'projection.date.range': `${projection.since},NOW`,
    'projection.date.interval': '1',
    'projection.date.interval.unit': 'DAYS',
    'storage.location.template': `${location}vehicle=\${vehicle}/date=\${date}/`,
  };
  if (projection.vehicles === 'injected') {
    parameters['projection.vehicle.type'] = 'injected';
  } else {
    parameters['projection.vehicle.type'] = 'enum';
    parameters['projection.vehicle.values'] = enumValues(projection.vehicles);
  }
  return parameters;
}

/**
 * The enum list, sorted and without duplicates so the same fleet always gives the same table. Athena puts
 * the raw value into the location template, so a vehicle id that the lake escapes in its path (`%XX`), or
 * that contains the list's `,` separator, cannot be projected.
 */
function enumValues(vehicles: readonly string[]): string {
  const values = [...new Set(vehicles)].sort();
  if (values.length === 0) throw new UsageError('enum partition projection needs at least one vehicle id');
  const bad = values.filter((v) => v.includes(',') || v.trim() !== v || escapePathValue(v, 'vehicle') !== v);
  if (bad.length > 0) {
    throw new UsageError(
      `vehicle ids ${bad.map((v) => JSON.stringify(v)).join(', ')} cannot be projected (a comma, surrounding spaces, or characters the lake escapes in paths); use registered partitions or injected projection`,
    );
  }
  return values.join(',');
}

/** The vehicle ids of a table's enum projection, or undefined when it has none. */
export function projectedVehicles(input: Pick<TableInput, 'Parameters'>): string[] | undefined {
  const parameters = input.Parameters ?? {};
  if (parameters['projection.vehicle.type'] !== 'enum') return undefined;
  const values = parameters['projection.vehicle.values'];
  return values ? values.split(',') : [];
}

/** The first projected date of a table, or undefined when it has no date projection. */
export function projectedSince(input: Pick<TableInput, 'Parameters'>): string | undefined {
  const range = input.Parameters?.['projection.date.range'];
  return range?.split(',')[0]?.trim();
}

function fieldComment(metadata: Map<string, string>): string {
  const doc = metadata.get('doc') ?? '';
  const unit = metadata.get('unit');
  return clip(unit === undefined ? doc : `${doc} Unit: ${unit}.`.trim(), MAX_COMMENT);
}

function partitionKeyComment(key: string, timeColumn: string): string {
  if (key === 'vehicle') return 'Vehicle id (pseudonymised), from the vehicle= folder.';
  if (key === 'date') return `UTC date (YYYY-MM-DD) of ${timeColumn}, from the date= folder.`;
  return `Partition key, from the ${key}= folder.`;
}

/**
 * Glue's comment and description text: no control characters but tab (API pattern
 * `[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*`), at most `max` UTF-16 code units,
 * cut without splitting a surrogate pair and ending with an ellipsis.
 */
function clip(raw: string, max: number): string {
  let text = '';
  for (const char of raw) text += char < ' ' && char !== '\t' ? ' ' : char;
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
