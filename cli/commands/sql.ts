import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { QueryResult, SqlEngine } from '../../sql/sqlEngine.js';
import type { SqlStatement } from '../../sql/splitStatements.js';
import type { ViewSource } from '../../sql/duckdbEngine.js';
import type { Command, CommandContext, ParsedOptions } from '../command.js';
import { lakeOption, openLake, stringList } from '../lakeOption.js';

/** Exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
const EXIT_INTERRUPTED = 130;

export const sqlCommand: Command = {
  name: 'sql',
  summary: 'Run Athena SQL on the lake (embedded DuckDB, or Amazon Athena)',
  usage:
    'adlake sql "<query>" | --file <q.sql> [--lake <dir>] [--engine duckdb|athena] [--workgroup <name>] [--database <name>] [--output-location <s3://…>] [--views <path>]… [--csv] [--max-rows <n>]',
  description: [
    'Runs the statements of the query (or of --file) in order and prints the result of the last one: an',
    'aligned table (wide cells cut), CSV with --csv (RFC 4180), or an array of row objects with --json.',
    'The default engine is DuckDB in memory: every table of the lake is a view (partition columns vehicle and',
    'date as strings, Athena\'s "$path" column with the object\'s URI), and Athena/Trino functions DuckDB lacks',
    '(date_format, date_parse, from_iso8601_timestamp, width_bucket, date_diff, json_extract_scalar, …) are',
    'defined as macros, so the same SQL runs on both engines. For an s3:// lake the files of the tables a query',
    'names are fetched to a temporary folder first. --engine athena runs the query in Athena instead (AWS',
    'credentials and region from the SDK chain). A syntax error exits 65 with its line:column; a table that does',
    'not exist exits 66 and lists the tables there are. Ctrl-C cancels the query (Athena: StopQueryExecution).',
  ].join('\n'),
  options: {
    file: { type: 'string', short: 'f', valueName: 'q.sql', description: 'Read the statements from a file' },
    lake: lakeOption,
    engine: {
      type: 'string',
      valueName: 'duckdb|athena',
      description: 'Where the query runs',
      default: 'duckdb',
    },
    workgroup: {
      type: 'string',
      valueName: 'name',
      description: 'Athena work group (ADLAKE_ATHENA_WORKGROUP)',
      default: 'primary',
    },
    database: {
      type: 'string',
      valueName: 'name',
      description:
        'Athena: the Glue database for unqualified names (ADLAKE_ATHENA_DATABASE); DuckDB: also expose tables as <name>.<table>',
    },
    'output-location': {
      type: 'string',
      valueName: 's3://…',
      description: "Athena: where results are written (ADLAKE_ATHENA_OUTPUT); default the work group's",
    },
    views: {
      type: 'string',
      multiple: true,
      valueName: 'path',
      description: 'DuckDB: a .sql file or a folder of them with CREATE VIEW statements to register first',
    },
    'no-shipped-views': {
      type: 'boolean',
      description:
        'DuckDB: do not create the views adlake ships (queries/labels, queries/analytics, queries/quality)',
    },
    csv: { type: 'boolean', description: 'Print CSV (RFC 4180) instead of a table' },
    'max-rows': { type: 'string', valueName: 'n', description: 'Print at most n rows (default: all)' },
  },
  examples: [
    `adlake sql "SELECT signal, count(*) AS n FROM can_signals GROUP BY signal ORDER BY n DESC"`,
    `adlake sql "SELECT date, count(*) FROM gps GROUP BY date" --csv > gps_per_day.csv`,
    'adlake sql --file report.sql --views queries/ --json',
    'adlake sql "SELECT count(*) FROM gps" --engine athena --workgroup adlake --database adlake',
  ],
  async run(ctx, { positionals, options }) {
    const { script, uri } = await readScript(ctx, positionals, options);
    if (options.csv === true && ctx.json) throw new UsageError('sql: give --csv or --json, not both');
    const maxRows = parseMaxRows(options['max-rows']);
    // Loaded on use: DuckDB and the AWS SDK are large and `adlake --help` must stay fast.
    const { splitStatements } = await import('../../sql/splitStatements.js');
    const statements = splitStatements(script);
    if (statements.length === 0) throw new UsageError('sql: the query has no statement');

    const controller = new AbortController();
    const onInterrupt = () => controller.abort(new Error('cancelled (Ctrl-C)'));
    process.once('SIGINT', onInterrupt);
    const engine = await openEngine(ctx, options);
    try {
      const result = await runStatements(engine, statements, uri, controller.signal, maxRows);
      const { formatCsv, formatTable, rowObjects } = await import('../../sql/formatQueryResult.js');
      return {
        data: rowObjects(result),
        text: options.csv === true ? formatCsv(result) : formatTable(result),
      };
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      ctx.stderr('adlake: sql: query cancelled\n');
      return { data: { cancelled: true }, text: '', exitCode: EXIT_INTERRUPTED };
    } finally {
      process.removeListener('SIGINT', onInterrupt);
      await engine.close();
    }
  },
};

async function readScript(
  ctx: CommandContext,
  positionals: string[],
  options: ParsedOptions,
): Promise<{ script: string; uri?: string }> {
  const file = typeof options.file === 'string' ? options.file : undefined;
  if (file !== undefined && positionals.length > 0) {
    throw new UsageError('sql: give the query as an argument or with --file, not both');
  }
  if (file !== undefined) {
    const path = resolve(ctx.cwd, file);
    return { script: await readFile(path, 'utf8'), uri: path };
  }
  if (positionals.length !== 1) {
    throw new UsageError('sql: give one query (quote it) or --file <q.sql>');
  }
  return { script: positionals[0] ?? '' };
}

function parseMaxRows(value: ParsedOptions[string]): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`sql: --max-rows must be a non-negative integer, got '${String(value)}'`);
  }
  return n;
}

async function openEngine(ctx: CommandContext, options: ParsedOptions): Promise<SqlEngine> {
  const engine = typeof options.engine === 'string' ? options.engine : 'duckdb';
  const database =
    typeof options.database === 'string' ? options.database : ctx.env.ADLAKE_ATHENA_DATABASE || undefined;
  if (engine === 'athena') {
    if (stringList(options.views).length > 0) {
      throw new UsageError('sql: --views is for the duckdb engine; Athena reads views from the Glue catalog');
    }
    const { AthenaEngine } = await import('../../sql/athenaEngine.js');
    const outputLocation =
      typeof options['output-location'] === 'string'
        ? options['output-location']
        : ctx.env.ADLAKE_ATHENA_OUTPUT || undefined;
    const workGroup =
      typeof options.workgroup === 'string'
        ? options.workgroup
        : (ctx.env.ADLAKE_ATHENA_WORKGROUP ?? 'primary');
    return AthenaEngine.open({
      workGroup,
      ...(database === undefined ? {} : { database }),
      ...(outputLocation === undefined ? {} : { outputLocation }),
      ...(ctx.env.AWS_REGION ? { clientConfig: { region: ctx.env.AWS_REGION } } : {}),
    });
  }
  if (engine !== 'duckdb') throw new UsageError(`sql: --engine must be duckdb or athena, got '${engine}'`);
  const store = await openLake(ctx, options);
  const given = await readViews(ctx, stringList(options.views));
  // The views adlake ships (label insights, scenario analytics, quality summaries) are there by default;
  // those over tables this lake does not have yet are left out quietly.
  const shipped =
    options['no-shipped-views'] === true
      ? []
      : await (await import('../../report/queryViews.js')).readQueryViews();
  const shippedNames = new Set(shipped.map((v) => viewName(v)));
  const views = [...shipped.filter((v) => !given.some((g) => viewName(g) === viewName(v))), ...given];
  const { DuckdbEngine } = await import('../../sql/duckdbEngine.js');
  const duckdb = await DuckdbEngine.open({ store, views, ...(database === undefined ? {} : { database }) });
  for (const [name, error] of duckdb.skippedViews) {
    if (shippedNames.has(name.toLowerCase()) && !given.some((g) => viewName(g) === name.toLowerCase()))
      continue;
    ctx.stderr(
      `adlake: sql: view ${name} skipped: ${error.detail.replace(/^sql: /, '').replace(/; tables: .*$/s, '')}\n`,
    );
  }
  return duckdb;
}

/** The (lower-case) name a CREATE VIEW statement defines. */
function viewName(view: ViewSource): string {
  const sql = typeof view === 'string' ? view : view.sql;
  const match = /create\s+(?:or\s+replace\s+)?view\s+("?)([\w.]+)\1/i.exec(sql);
  return (match?.[2] ?? '').toLowerCase();
}

/** The statements of the given `.sql` files and of the `.sql` files in the given folders (sorted by name). */
async function readViews(ctx: CommandContext, paths: string[]): Promise<ViewSource[]> {
  const { splitStatements } = await import('../../sql/splitStatements.js');
  const views: ViewSource[] = [];
  for (const given of paths) {
    const path = resolve(ctx.cwd, given);
    const files = (await stat(path)).isDirectory()
      ? (await readdir(path))
          .filter((name) => name.endsWith('.sql'))
          .sort()
          .map((name) => join(path, name))
      : [path];
    for (const file of files) {
      for (const statement of splitStatements(await readFile(file, 'utf8'))) {
        views.push({ sql: statement.sql, uri: file, line: statement.line, column: statement.column });
      }
    }
  }
  return views;
}

async function runStatements(
  engine: SqlEngine,
  statements: readonly SqlStatement[],
  uri: string | undefined,
  signal: AbortSignal,
  maxRows: number | undefined,
): Promise<QueryResult> {
  let result: QueryResult | undefined;
  for (const [i, statement] of statements.entries()) {
    const last = i === statements.length - 1;
    result = await engine.query(statement.sql, {
      signal,
      source: { ...(uri === undefined ? {} : { uri }), line: statement.line, column: statement.column },
      ...(last && maxRows !== undefined ? { maxRows } : {}),
    });
  }
  if (!result) throw new UsageError('sql: the query has no statement');
  return result;
}
