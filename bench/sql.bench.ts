/**
 * SQL benchmark (run by hand: `npm run bench:sql -- --help`; not a test).
 *
 * Scales the demo lake to `--rows` (default 100 million) `can_signals` rows and times two queries through
 * the engine `adlake sql` uses (`sql/duckdbEngine.ts`: the lake's tables as views over read_parquet), cold
 * and warm, against plain DuckDB reading the same files with read_parquet. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { listTableParts } from '../catalog/readTable.js';
import { LocalObjectStore } from '../catalog/localObjectStore.js';
import { partKey } from '../catalog/layout.js';
import { writeDemoDrive } from '../ingest/demo/writeDemoDrive.js';
import { ingestPaths } from '../ingest/ingestPaths.js';
import { DuckdbEngine } from '../sql/duckdbEngine.js';
import { measureCommand } from './measureCommand.js';
import { findRoot, int, shown, spread, table, verdict } from './reportText.js';

const USAGE = `usage: node dist/bench/sql.bench.js [options]   (npm run bench:sql -- [options])

Builds (once, cached) a lake of at least --rows can_signals rows by copying the can_signals part of one
ingested demo drive across vehicles and dates, then times an aggregate over everything (Q1) and a window
on one drive (Q2) through adlake's DuckDB engine, cold and warm, with plain read_parquet as the baseline.

  --rows N       can_signals rows at least (default 100M; 1e8, 100M, 100_000_000)
  --vehicles N   vehicles the copies are spread over; dates follow from --rows (default 20)
  --repeat N     cold and warm runs per query; the best is reported with the spread (default 3)
  --dir DIR      where the lake is cached, as DIR/sql-lake (default bench/out)
  --regen        rebuild the lake even if it is cached
  --no-cli       skip the end-to-end \`adlake sql\` runs
  --json         also write DIR/sql-results.json
  -h, --help
`;

/** Targets of issue 5. */
const TARGET_AGGREGATE_S = 5;
const TARGET_WINDOW_S = 0.2;

/** Row group size of the copies: what our writer writes (4 per 1M-row part). */
const ROW_GROUP_ROWS = 262_144;
/** Seconds of the drive the window query reads. */
const WINDOW_S = 10;

interface Options {
  rows: number;
  vehicles: number;
  repeat: number;
  dir: string;
  regen: boolean;
  cli: boolean;
  json: boolean;
  root: string;
}

/** The sidecar of the cached lake: what it holds and how it was made. */
interface LakeStats {
  rows: number;
  vehicles: number;
  dates: number;
  files: number;
  bytes: number;
  seed: {
    driveId: string;
    date: string;
    rows: number;
    bytes: number;
    start: string;
    end: string;
  };
  /** DESCRIBE of a seed part and of a copy: column name and type. */
  columns: { seed: string[]; copy: string[] };
  /** One copied drive, for the window query. */
  sample: { vehicle: string; date: string; driveId: string; start: string; file: string };
}

interface Timing {
  seconds: number;
  rows: number;
  /**
   * Bytes the process read through read/pread calls during the query (`rchar` of /proc/self/io): what
   * DuckDB asked the OS for, from the page cache or the disk.
   */
  bytesRead?: number;
  /** Bytes fetched from the block device during the query (`read_bytes`): after eviction, the cold I/O. */
  diskBytes?: number;
  /** "Total Files Read" of the parquet scan, from the same profile. */
  filesRead?: number;
  /** "Scanning Files" of the scan (`1/660`: files left after partition pruning, of all). */
  scanning?: string;
  /** DuckDB's own latency for the query (profile); the rest of `seconds` is turning rows into JS values. */
  latency?: number;
}

interface QueryResult {
  name: string;
  title: string;
  sql: string;
  /** Rows in the files the query must open (partition pruning decides which). */
  rowsScanned: number;
  /** Bytes of the files the query must open. */
  bytesOfFiles: number;
  filesOpened: number;
  cold: Timing[];
  warm: Timing[];
  cli?: { seconds: number; peakRssBytes?: number }[];
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (text: string): void => void process.stderr.write(text);
  const loadBefore = loadavg();
  const lakePath = join(options.dir, 'sql-lake');
  const lake = await prepareLake(lakePath, options, log);
  const engineOpen: number[] = [];

  const tables = join(lakePath, 'tables', 'can_signals');
  const allFiles = await filesUnder(tables);
  const { sample } = lake;
  const windowStart = new Date(Date.parse(sample.start) + 30_000);
  const windowEnd = new Date(windowStart.getTime() + WINDOW_S * 1000);
  // Athena SQL: `t` is a timestamp (UTC wall clock) on both engines, compared with timestamp literals.
  const literal = (d: Date) => `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'`;
  const window = `t BETWEEN ${literal(windowStart)} AND ${literal(windowEnd)}`;
  const sampleFiles = allFiles.filter((f) =>
    f.path.includes(`${join('vehicle=' + sample.vehicle, 'date=' + sample.date)}`),
  );
  const rowsOf = (files: readonly { rows: number }[]) => files.reduce((a, f) => a + f.rows, 0);
  const bytesOf = (files: readonly { bytes: number }[]) => files.reduce((a, f) => a + f.bytes, 0);
  const q1 =
    "SELECT signal, date_trunc('hour', t) AS hour, count(*), avg(value), min(value), max(value) FROM can_signals GROUP BY 1, 2";
  const plans = [
    {
      name: 'Q1',
      title: 'aggregate by signal and hour, whole table (adlake engine)',
      sql: q1,
      files: allFiles,
      engine: 'adlake' as const,
    },
    {
      name: 'Q1 baseline',
      title:
        'the same aggregate, plain DuckDB read_parquet over the same files (t as TIMESTAMPTZ: date_trunc through ICU)',
      sql: q1.replace(
        'FROM can_signals',
        `FROM read_parquet(${sqlString(join(tables, '*', '*', '*.parquet'))})`,
      ),
      files: allFiles,
      engine: 'plain' as const,
    },
    {
      name: 'Q2',
      title: `${WINDOW_S} s window on one drive, with its vehicle and date (partition pruning)`,
      sql: `SELECT t, message, signal, value FROM can_signals WHERE vehicle = ${sqlString(sample.vehicle)} AND date = ${sqlString(sample.date)} AND drive_id = ${sqlString(sample.driveId)} AND ${window}`,
      files: sampleFiles,
      engine: 'adlake' as const,
    },
    {
      name: 'Q2 no partition filter',
      title: 'the same window with drive_id and t only (every file opened; row groups skipped by statistics)',
      sql: `SELECT t, message, signal, value FROM can_signals WHERE drive_id = ${sqlString(sample.driveId)} AND ${window}`,
      files: allFiles,
      engine: 'adlake' as const,
    },
  ];

  const results: QueryResult[] = [];
  for (const plan of plans) {
    const result: QueryResult = {
      name: plan.name,
      title: plan.title,
      sql: plan.sql,
      rowsScanned: rowsOf(plan.files),
      bytesOfFiles: bytesOf(plan.files),
      filesOpened: plan.files.length,
      cold: [],
      warm: [],
    };
    for (let i = 0; i < options.repeat; i++) {
      log(`${plan.name} run ${i + 1}/${options.repeat}: evicting the lake from the page cache ... `);
      const evicted = evictFromPageCache(allFiles.map((f) => f.path));
      log(`${evicted ? 'done' : 'not possible (no python3): cold = fresh engine only'}; cold ... `);
      const timed = await timeQuery(plan.engine, lakePath, plan.sql, engineOpen);
      result.cold.push(timed.cold);
      result.warm.push(timed.warm);
      log(`${timed.cold.seconds.toFixed(3)} s, warm ${timed.warm.seconds.toFixed(3)} s\n`);
    }
    if (options.cli && plan.engine === 'adlake') {
      result.cli = [];
      for (let i = 0; i < options.repeat; i++) {
        log(`${plan.name}: adlake sql run ${i + 1}/${options.repeat} ... `);
        const run = await measureCommand({
          command: process.execPath,
          args: [join(options.root, 'bin', 'adlake.js'), 'sql', plan.sql, '--lake', lakePath, '--csv'],
          cwd: options.root,
          stdoutFile: join(tmpdir(), `adlake-sql-bench-${process.pid}.csv`),
        });
        if (run.exitCode !== 0) throw new Error(`adlake sql exited ${run.exitCode}: ${run.stderrTail}`);
        result.cli.push({
          seconds: run.seconds,
          ...(run.peakRssBytes !== undefined ? { peakRssBytes: run.peakRssBytes } : {}),
        });
        log(`${run.seconds.toFixed(2)} s\n`);
      }
      await rm(join(tmpdir(), `adlake-sql-bench-${process.pid}.csv`), { force: true });
    }
    results.push(result);
  }

  const report = {
    date: new Date().toISOString(),
    machine: machine([loadBefore, loadavg()]),
    lake: { ...lake, path: shown(lakePath) },
    engineOpenSeconds: engineOpen,
    results,
  };
  process.stdout.write(formatReport(report));
  if (options.json) {
    const path = join(options.dir, 'sql-results.json');
    await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\nwrote ${shown(path)}\n`);
  }
  return 0;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      rows: { type: 'string' },
      vehicles: { type: 'string' },
      repeat: { type: 'string' },
      dir: { type: 'string' },
      regen: { type: 'boolean' },
      'no-cli': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const root = findRoot(dirname(fileURLToPath(import.meta.url)));
  return {
    rows: parseCount('--rows', values.rows, 100_000_000),
    vehicles: parseCount('--vehicles', values.vehicles, 20),
    repeat: parseCount('--repeat', values.repeat, 3),
    dir: values.dir === undefined ? join(root, 'bench', 'out') : resolve(values.dir),
    regen: values.regen === true,
    cli: values['no-cli'] !== true,
    json: values.json === true,
    root,
  };
}

/** `100000000`, `100_000_000`, `100M`, `200k`, `1e8`. */
function parseCount(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const match = /^([\d_.e+]+)([kKmM]?)$/.exec(text.trim());
  const base = match ? Number((match[1] ?? '').replaceAll('_', '')) : NaN;
  const n = Math.round(base * (match?.[2]?.toLowerCase() === 'm' ? 1e6 : match?.[2] ? 1e3 : 1));
  if (!Number.isFinite(n) || n < 1) throw new Error(`${flag} must be a positive count, got '${text}'`);
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// The scaled lake

/**
 * The cached lake, built when missing or made with other parameters. One demo drive is written and
 * ingested with adlake's own ingest into a seed lake; DuckDB then copies its `can_signals` part(s) to
 * `tables/can_signals/vehicle=vNN/date=<d>/<drive>-<part>.parquet` for every vehicle and date, with the
 * times moved by whole days (and 5 minutes per vehicle, so the hours differ) and a new drive id per copy.
 * The copies keep the columns and types of our parts (checked with DESCRIBE); DuckDB writes them with
 * zstd and 262,144-row row groups, as our writer does, but with its own encodings and with min/max
 * statistics on every column (ours leave them off message, signal, value and label).
 */
async function prepareLake(path: string, options: Options, log: (text: string) => void): Promise<LakeStats> {
  const sidecar = `${path}.json`;
  if (!options.regen && existsSync(sidecar) && existsSync(path)) {
    const stats = JSON.parse(await readFile(sidecar, 'utf8')) as LakeStats;
    if (stats.rows >= options.rows && stats.vehicles === options.vehicles) return stats;
    log(`the cached lake has ${stats.rows} rows over ${stats.vehicles} vehicles: rebuilding\n`);
  }
  const started = performance.now();
  await rm(path, { recursive: true, force: true });
  await rm(sidecar, { force: true });
  const partial = `${path}.partial`;
  const seedRoot = `${path}.seed`;
  await rm(partial, { recursive: true, force: true });
  await rm(seedRoot, { recursive: true, force: true });

  log('ingesting the seed demo drive ... ');
  const demo = await writeDemoDrive(join(seedRoot, 'demo'), { seed: 1 });
  const seedStore = await LocalObjectStore.open({ root: join(seedRoot, 'lake') });
  const report = await ingestPaths({ store: seedStore, paths: [demo.folder], dbcs: [], vehicle: 'seed' });
  const seedParts = await listTableParts(seedStore, 'can_signals');
  const first = seedParts[0];
  if (report.driveId === undefined || !first) throw new Error('the seed drive has no can_signals');
  const seedPaths = seedParts.map((p) => join(seedStore.root, ...p.key.split('/')));
  log('done\n');

  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    const seedInfo = await connection.runAndReadAll(
      `SELECT count(*), epoch_ms(min(t)), epoch_ms(max(t)) FROM read_parquet(${sqlList(seedPaths)})`,
    );
    const [seedRow] = seedInfo.getRows();
    const seedRows = Number(seedRow?.[0] ?? 0);
    const dates = Math.ceil(options.rows / (options.vehicles * seedRows));
    log(
      `copying ${seedParts.length} part(s) of ${seedRows} rows to ${options.vehicles} vehicles x ${dates} dates ... `,
    );
    let files = 0;
    let sample: LakeStats['sample'] | undefined;
    for (let v = 0; v < options.vehicles; v++) {
      const vehicle = `v${String(v).padStart(2, '0')}`;
      for (let d = 0; d < dates; d++) {
        const date = addDays(first.date, d);
        // Ingest's drive ids are 16 hex digits of a sha256; so are the copies'.
        const driveId = createHash('sha256')
          .update(`${report.driveId}/${vehicle}/${date}`)
          .digest('hex')
          .slice(0, report.driveId.length);
        const shift = `INTERVAL '${d} days ${v * 5} minutes'`;
        for (const [i, part] of seedParts.entries()) {
          const key = partKey({ table: 'can_signals', vehicle, date, driveId, part: part.part });
          const target = join(partial, ...key.split('/'));
          await mkdir(dirname(target), { recursive: true });
          await connection.run(
            `COPY (SELECT t + ${shift} AS t, ${sqlString(driveId)} AS drive_id, bus, message, signal, value, label ` +
              `FROM read_parquet(${sqlString(seedPaths[i] ?? '')})) TO ${sqlString(target)} ` +
              `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`,
          );
          files++;
          if (v === Math.floor(options.vehicles / 2) && d === Math.floor(dates / 2) && i === 0) {
            const start = Number(seedRow?.[1]) + d * 86_400_000 + v * 300_000;
            sample = { vehicle, date, driveId, start: new Date(start).toISOString(), file: key };
          }
        }
      }
    }
    if (!sample) throw new Error('no sample drive');
    log(`${files} files\n`);

    const describe = async (file: string): Promise<string[]> =>
      (
        await connection.runAndReadAll(
          `DESCRIBE SELECT * FROM read_parquet(${sqlString(file)}, hive_partitioning = false)`,
        )
      )
        .getRows()
        .map((row) => `${String(row[0])} ${String(row[1])}`);
    const columns = {
      seed: await describe(seedPaths[0] ?? ''),
      copy: await describe(join(partial, ...sample.file.split('/'))),
    };
    if (columns.seed.join() !== columns.copy.join()) {
      throw new Error(
        `copied parts differ from ours: ${columns.copy.join(', ')} vs ${columns.seed.join(', ')}`,
      );
    }
    const copied = await filesUnder(join(partial, 'tables', 'can_signals'));
    const stats: LakeStats = {
      rows: seedRows * options.vehicles * dates,
      vehicles: options.vehicles,
      dates,
      files,
      bytes: copied.reduce((a, f) => a + f.bytes, 0),
      seed: {
        driveId: report.driveId,
        date: first.date,
        rows: seedRows,
        bytes: first.size,
        start: new Date(Number(seedRow?.[1])).toISOString(),
        end: new Date(Number(seedRow?.[2])).toISOString(),
      },
      columns,
      sample,
    };
    await rename(partial, path);
    await writeFile(sidecar, `${JSON.stringify(stats, null, 2)}\n`);
    await rm(seedRoot, { recursive: true, force: true });
    log(`lake ready in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    return stats;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** `YYYY-MM-DD` plus `days`. */
function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

interface LakeFile {
  path: string;
  bytes: number;
  rows: number;
}

/** The part files under a folder with their sizes and row counts (from the Parquet footers). */
async function filesUnder(folder: string): Promise<LakeFile[]> {
  const paths: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.parquet')) paths.push(join(entry.parentPath, entry.name));
  }
  paths.sort();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const rows = new Map<string, number>();
    const reader = await connection.runAndReadAll(
      `SELECT file_name, num_rows FROM parquet_file_metadata(${sqlList(paths)})`,
    );
    for (const [file, n] of reader.getRows()) rows.set(String(file), Number(n));
    return Promise.all(
      paths.map(async (path) => ({ path, bytes: (await stat(path)).size, rows: rows.get(path) ?? 0 })),
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Drops the lake's pages from the OS page cache (posix_fadvise DONTNEED on each file, after fdatasync),
 * so that a cold run reads from the disk. Only these files are affected. False without python3.
 */
function evictFromPageCache(paths: readonly string[]): boolean {
  const script = [
    'import os, sys',
    'for path in sys.stdin.read().splitlines():',
    '    fd = os.open(path, os.O_RDONLY)',
    '    os.fdatasync(fd)',
    '    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)',
    '    os.close(fd)',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script], { input: paths.join('\n'), encoding: 'utf8' });
  return run.status === 0;
}

// ---------------------------------------------------------------------------------------------------------
// Queries

/**
 * One cold and one warm run of a query. Cold: a new DuckDB instance (no metadata or file cache), after the
 * page cache was emptied of the lake. Warm: the same query again on the same instance. `adlake` runs through
 * `DuckdbEngine` as `adlake sql` opens it (its views over the lake, the Athena macros); `plain` is a bare
 * DuckDB instance. Bytes read come from /proc/self/io (DuckDB's own `total_bytes_read` reported 0.8 MB for a
 * scan of 260 MB of files: it does not count the Parquet reads), files read from DuckDB's profile.
 */
async function timeQuery(
  engine: 'adlake' | 'plain',
  lakePath: string,
  sql: string,
  engineOpen: number[],
): Promise<{ cold: Timing; warm: Timing }> {
  const profile = join(tmpdir(), `adlake-sql-bench-${process.pid}.json`);
  const profiling = [
    "SET enable_profiling = 'json'",
    `SET profiling_output = ${sqlString(profile)}`,
    `SET custom_profiling_settings = '${JSON.stringify({ EXTRA_INFO: 'true', LATENCY: 'true' })}'`,
  ];
  const once = async (run: (statement: string) => Promise<number>): Promise<Timing> => {
    const io = processIo();
    const started = performance.now();
    const rows = await run(sql);
    const seconds = (performance.now() - started) / 1000;
    const after = processIo();
    const read =
      io && after ? { bytesRead: after.rchar - io.rchar, diskBytes: after.readBytes - io.readBytes } : {};
    return { seconds, rows, ...read, ...(await readProfile(profile)) };
  };
  try {
    if (engine === 'adlake') {
      const opening = performance.now();
      const store = await LocalObjectStore.open({ root: lakePath });
      const duckdb = await DuckdbEngine.open({ store });
      engineOpen.push((performance.now() - opening) / 1000);
      try {
        for (const statement of profiling) await duckdb.query(statement);
        const run = async (statement: string) => (await duckdb.query(statement)).rows.length;
        return { cold: await once(run), warm: await once(run) };
      } finally {
        await duckdb.close();
      }
    }
    const instance = await DuckDBInstance.create(':memory:');
    const connection: DuckDBConnection = await instance.connect();
    try {
      for (const statement of profiling) await connection.run(statement);
      const run = async (statement: string) => (await connection.runAndReadAll(statement)).getRows().length;
      return { cold: await once(run), warm: await once(run) };
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    await rm(profile, { force: true });
  }
}

/** DuckDB's latency and the scans' "Total Files Read" and "Scanning Files" from its JSON profile. */
async function readProfile(path: string): Promise<Pick<Timing, 'filesRead' | 'scanning' | 'latency'>> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  const profile = JSON.parse(text) as ProfileNode & { latency?: number };
  let files: number | undefined;
  let scanning: string | undefined;
  const walk = (node: ProfileNode): void => {
    const read = node.extra_info?.['Total Files Read'];
    if (typeof read === 'string') files = (files ?? 0) + Number(read);
    const pruned = node.extra_info?.['Scanning Files'];
    if (typeof pruned === 'string') scanning = pruned;
    for (const child of node.children ?? []) walk(child);
  };
  walk(profile);
  return {
    ...(files !== undefined ? { filesRead: files } : {}),
    ...(scanning !== undefined ? { scanning } : {}),
    ...(profile.latency !== undefined ? { latency: profile.latency } : {}),
  };
}

interface ProfileNode {
  extra_info?: Record<string, unknown>;
  children?: ProfileNode[];
}

/** The process's read counters (Linux /proc/self/io); undefined elsewhere. */
function processIo(): { rchar: number; readBytes: number } | undefined {
  try {
    const text = readFileSync('/proc/self/io', 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    return { rchar: field('rchar'), readBytes: field('read_bytes') };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Report

function formatReport(report: {
  date: string;
  machine: ReturnType<typeof machine>;
  lake: LakeStats & { path: string };
  engineOpenSeconds: number[];
  results: QueryResult[];
}): string {
  const { lake, results } = report;
  const lines = [
    `machine: ${report.machine.text}`,
    `lake: ${int(lake.rows)} can_signals rows in ${int(lake.files)} files, ${(lake.bytes / 1e6).toFixed(0)} MB ` +
      `(${(lake.bytes / lake.rows).toFixed(2)} B/row), ${lake.vehicles} vehicles x ${lake.dates} dates (${lake.path})`,
    `seed: demo drive ${lake.seed.driveId.slice(0, 12)}… ingested by adlake: ${int(lake.seed.rows)} rows, ` +
      `${(lake.seed.bytes / 1e6).toFixed(2)} MB (${(lake.seed.bytes / lake.seed.rows).toFixed(2)} B/row)`,
    `columns (ours = copies): ${lake.columns.seed.join(', ')}`,
    `engine open (views over the lake): ${spread(report.engineOpenSeconds, 3)} s`,
    `best of ${results[0]?.cold.length ?? 0} runs; [min–max] over the runs. cold = new DuckDB instance after the ` +
      'lake was dropped from the page cache; warm = the same query again on that instance',
    '',
  ];
  const rows = [
    [
      'query',
      'rows out',
      'cold s',
      'warm s',
      'rows/s (warm)',
      'duckdb s (warm)',
      'files',
      'MB in files',
      'MB read (cold)',
      'MB from disk (cold)',
      'adlake sql s',
    ],
  ];
  for (const r of results) {
    const warm = Math.min(...r.warm.map((t) => t.seconds));
    const mb = (pick: (t: Timing) => number | undefined): string => {
      const values = r.cold.map(pick).filter((b): b is number => b !== undefined);
      return values.length > 0 ? (Math.min(...values) / 1e6).toFixed(1) : '-';
    };
    rows.push([
      r.name,
      int(r.cold[0]?.rows ?? 0),
      spread(
        r.cold.map((t) => t.seconds),
        3,
      ),
      spread(
        r.warm.map((t) => t.seconds),
        3,
      ),
      `${compact(r.rowsScanned / warm)}`,
      spread(
        r.warm.map((t) => t.latency).filter((l): l is number => l !== undefined),
        3,
      ),
      r.cold[0]?.scanning ?? `${int(r.cold[0]?.filesRead ?? r.filesOpened)}`,
      (r.bytesOfFiles / 1e6).toFixed(1),
      mb((t) => t.bytesRead),
      mb((t) => t.diskBytes),
      r.cli ? spread(r.cli.map((c) => c.seconds)) : '-',
    ]);
  }
  lines.push(...table(rows), '');
  lines.push(
    'rows/s: rows in the files the query opens, per warm second. duckdb s: the latency DuckDB profiles for the',
    'query itself; the rest of the warm time is turning the result into JS values. files: "Scanning Files" of',
    'the scan (after partition pruning / all) or "Total Files Read".',
    'MB in files: sizes of those files (all, or the one partition). MB read: bytes the process read (rchar of',
    '/proc/self/io: the footers, columns and row groups DuckDB fetched), MB from disk: of those, from the device',
    '(read_bytes), both in the cold run. adlake sql s: `adlake sql <q> --csv` end to end (process start,',
    'engine open, output).',
    '',
  );
  for (const r of results) lines.push(`${r.name}: ${r.title}`, `  ${r.sql}`);
  lines.push('', 'targets (issue 5):');
  const best = (name: string, pick: 'cold' | 'warm') => {
    const r = results.find((x) => x.name === name);
    return r ? Math.min(...r[pick].map((t) => t.seconds)) : undefined;
  };
  const check = (label: string, seconds: number | undefined, limit: number, unit: string) =>
    seconds === undefined
      ? `  UNKNOWN ${label}`
      : `  ${verdict(seconds < limit)} ${label} under ${limit} ${unit}: ${seconds.toFixed(3)} s`;
  lines.push(
    check('Q1 aggregate by signal and hour, warm,', best('Q1', 'warm'), TARGET_AGGREGATE_S, 's'),
    check('Q1 aggregate by signal and hour, cold,', best('Q1', 'cold'), TARGET_AGGREGATE_S, 's'),
    check('Q2 single-drive window, warm,', best('Q2', 'warm'), TARGET_WINDOW_S, 's'),
    check('Q2 single-drive window, cold,', best('Q2', 'cold'), TARGET_WINDOW_S, 's'),
  );
  return `${lines.join('\n')}\n`;
}

function machine(loads: number[][]) {
  const cpu = cpus();
  const load = loads.map((l) => l.map((x) => x.toFixed(2)).join(' ')).join(' → ');
  return {
    cpus: cpu.length,
    model: cpu[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadAverage: loads,
    node: process.version,
    text: `${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown'}, ${Math.round(totalmem() / 2 ** 30)} GB, load average ${load} (before → after), node ${process.version}`,
  };
}

function compact(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)}k` : n.toFixed(0);
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function sqlList(items: readonly string[]): string {
  return `[${items.map(sqlString).join(', ')}]`;
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});
