/**
 * `CREATE EXTERNAL TABLE` statements for Athena, written from the same Glue `TableInput` the catalog
 * registers (`tableInput.ts`): the same Hive column types, comments, `vehicle`/`date` string partition keys,
 * Parquet SerDe and table properties. For setting a lake up by hand in the Athena console, or with tools
 * that take DDL; `adlake … --catalog glue` registers the same tables through the Glue API.
 *
 * Syntax: Athena's Hive DDL ("CREATE TABLE", Athena SQL reference). Identifiers are quoted with backticks
 * (`date` is a reserved word in Athena DDL); string literals escape `\` and `'` with a backslash, as Hive's
 * lexer reads them (a doubled `''` would be two adjacent literals, concatenated).
 */
import type { TableInput } from '@aws-sdk/client-glue';
import type { TableDef } from '../tables.js';
import { tableInput, type TableInputOptions } from './tableInput.js';

export interface AthenaDdlOptions extends TableInputOptions {
  /** Write `IF NOT EXISTS`, so running the statement on an existing table does nothing. @default true */
  ifNotExists?: boolean;
}

/** Table properties that `EXTERNAL` in the statement already says. */
const IMPLIED_PARAMETERS = new Set(['EXTERNAL']);

/**
 * The Athena `CREATE EXTERNAL TABLE` statement of a table (no trailing semicolon), from its `TableDef`.
 * Throws `UsageError` (from `tableInput`) for columns Athena cannot read.
 */
export function athenaDdl(def: TableDef<unknown>, options: AthenaDdlOptions): string {
  return ddlOfTableInput(tableInput(def, options), options.ifNotExists ?? true);
}

/** The lake URI written into checked-in DDL files, to be replaced by the real one. */
export const SHIPPED_DDL_LAKE_URI = 's3://LAKE_BUCKET/LAKE_PREFIX';

/**
 * A `.sql` file with the table's DDL for the repository (`queries/ddl/<table>.sql`): a header saying what it
 * is, where it comes from and how to use it, then the statement with `SHIPPED_DDL_LAKE_URI` as the lake.
 */
export function athenaDdlFile(def: TableDef<unknown>): string {
  const header = [
    ...wrap(`Athena DDL of the \`${def.name}\` table: ${def.doc}`, 106),
    '',
    'Generated from its TableDef (catalog/curatedTables.ts) by athenaDdlFile() in',
    'catalog/tableCatalog/athenaDdl.ts; do not edit. tests/queries/athenaDdl.test.ts fails when this file and',
    'the generator disagree; regenerate with `npx vitest run tests/queries/athenaDdl.test.ts -u`.',
    '',
    'Athena only: DuckDB has no CREATE EXTERNAL TABLE (nor Hive SerDes), so this file is not run on the',
    "embedded engine, which reads the lake's Parquet files as views instead (sql/duckdbEngine.ts).",
    `Before running it, replace ${SHIPPED_DDL_LAKE_URI} with the lake's S3 URI. Partitions (the`,
    `vehicle=/date= folders) then need registering: MSCK REPAIR TABLE \`${def.name}\`, or the`,
    '`--catalog glue` option of the pipeline commands, which adds them as it writes them.',
  ];
  const comments = header.map((line) => (line === '' ? '--' : `-- ${line}`)).join('\n');
  return `${comments}\n${athenaDdl(def, { lakeUri: SHIPPED_DDL_LAKE_URI })};\n`;
}

function ddlOfTableInput(input: TableInput, ifNotExists: boolean): string {
  const storage = input.StorageDescriptor ?? {};
  const columns = (storage.Columns ?? []).map(
    (c) => `  ${identifier(c.Name ?? '')} ${c.Type ?? ''}${comment(c.Comment)}`,
  );
  const keys = (input.PartitionKeys ?? []).map(
    (k) => `  ${identifier(k.Name ?? '')} ${k.Type ?? ''}${comment(k.Comment)}`,
  );
  const serde = storage.SerdeInfo ?? {};
  const serdeParameters = Object.entries(serde.Parameters ?? {});
  const properties = Object.entries(input.Parameters ?? {}).filter(([key]) => !IMPLIED_PARAMETERS.has(key));
  const lines = [
    `CREATE EXTERNAL TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${identifier(input.Name ?? '')} (`,
    columns.join(',\n'),
    ')',
    ...(input.Description ? [`COMMENT ${literal(input.Description)}`] : []),
    ...(keys.length > 0 ? ['PARTITIONED BY (', keys.join(',\n'), ')'] : []),
    `ROW FORMAT SERDE ${literal(serde.SerializationLibrary ?? '')}`,
    ...(serdeParameters.length > 0 ? [`WITH SERDEPROPERTIES (${propertyList(serdeParameters)})`] : []),
    `STORED AS INPUTFORMAT ${literal(storage.InputFormat ?? '')}`,
    `OUTPUTFORMAT ${literal(storage.OutputFormat ?? '')}`,
    `LOCATION ${literal(storage.Location ?? '')}`,
    ...(properties.length > 0
      ? ['TBLPROPERTIES (', properties.map(([k, v]) => `  ${literal(k)} = ${literal(v)}`).join(',\n'), ')']
      : []),
  ];
  return lines.join('\n');
}

/** Words of `text` in lines of at most `width` characters (a longer word gets its own line). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function comment(text: string | undefined): string {
  return text ? ` COMMENT ${literal(text)}` : '';
}

function propertyList(entries: readonly [string, string][]): string {
  return entries.map(([k, v]) => `${literal(k)} = ${literal(v)}`).join(', ');
}

function identifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

function literal(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
