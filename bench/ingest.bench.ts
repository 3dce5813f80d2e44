/**
 * adlake ingest benchmark (run by hand: `npm run bench -- --help`; not a test).
 *
 * Generates a mixed candump log, an all-DBC candump log and an NMEA log, times `adlake ingest` end to end
 * to Parquet on each as a child process, and in the same run the tools a user would pick instead, then
 * prints frames/s, MB/s, peak RSS, our/their ratios and the targets. See bench/README.md.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchOptions, USAGE, type BenchOptions, type WorkloadName } from './benchOptions.js';
import { prepareCanLog, prepareNmeaLog, type GeneratedFile, type InputOptions } from './benchInputs.js';
import type { BenchResults, RunResult, WorkloadResult } from './benchResult.js';
import {
  gpsdecodeContender,
  log2ascContender,
  oursContender,
  pythonCanContender,
  type Contender,
} from './contenders.js';
import { formatResults } from './formatResults.js';
import { GNU_TIME, measureCommand, type Measurement } from './measureCommand.js';
import { checkTargets } from './targets.js';
import { shown } from './reportText.js';

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(
      process.argv.slice(2),
      process.cwd(),
      dirname(fileURLToPath(import.meta.url)),
    );
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  await mkdir(options.dir, { recursive: true });
  const log = (text: string): void => void process.stderr.write(text);

  const ours = oursContender(options.ours);
  const workloads: WorkloadResult[] = [];
  for (const name of options.workloads) {
    const plan = await planWorkload(name, { ...options, log });
    const peers = options.peers ? plan.peers : [];
    const runs: RunResult[] = [];
    for (const contender of [ours, ...peers]) {
      log(`${name}: ${contender.tool} ... `);
      const run = await timeContender(contender, plan, options);
      log(run.status === 'ok' ? `${run.seconds?.toFixed(2)} s\n` : `${run.status}\n`);
      runs.push(run);
    }
    const workload = {
      name,
      title: plan.title,
      unit: plan.unit,
      inputPath: shown(plan.file.path),
      inputBytes: plan.file.stats.bytes,
      records: plan.records,
      input: plan.input,
      runs,
    };
    workloads.push({ ...workload, targets: checkTargets(workload) });
  }

  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      loadAverage: loadavg(),
      node: process.version,
      gnuTime: existsSync(GNU_TIME),
    },
    options: { ...options, help: undefined },
    workloads,
  };
  process.stdout.write(formatResults(results));
  if (options.json) {
    const path = join(options.dir, 'results.json');
    await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`\nwrote ${shown(path)}\n`);
  }
  return 0;
}

interface WorkloadPlan {
  name: WorkloadName;
  title: string;
  unit: string;
  file: GeneratedFile<{ bytes: number }>;
  records: number;
  buses: string[];
  input: Record<string, number>;
  peers: Contender[];
}

/** Generates (or reuses) the workload's input and says who runs on it. */
async function planWorkload(name: WorkloadName, inputOptions: InputOptions): Promise<WorkloadPlan> {
  switch (name) {
    case 'can-mixed':
    case 'can-dbc': {
      const file = await prepareCanLog(name === 'can-mixed' ? 'mixed' : 'dbc', inputOptions);
      const s = file.stats;
      return {
        name,
        title:
          name === 'can-mixed' ? 'CAN, mixed log (most ids not in the DBC)' : 'CAN, every frame in the DBC',
        unit: 'frames',
        file,
        records: s.frames,
        buses: s.buses,
        input: {
          'DBC frames': s.dbcFrames,
          'DBC frames %': Math.round((100 * s.dbcFrames) / s.frames),
          'decodable DBC frames': s.decodableFrames,
          'signal values': s.signals,
        },
        peers: [pythonCanContender, log2ascContender],
      };
    }
    case 'nmea': {
      const file = await prepareNmeaLog(inputOptions);
      return {
        name,
        title: 'NMEA 0183, 10 Hz GGA+RMC+VTG, 1 Hz GSA',
        unit: 'sentences',
        file,
        records: file.stats.sentences,
        buses: [],
        input: { 'fix epochs': file.stats.epochs },
        peers: [gpsdecodeContender],
      };
    }
  }
}

/** Runs one contender `--repeat` times on the workload (or its prefix) and keeps the fastest run. */
async function timeContender(
  contender: Contender,
  plan: WorkloadPlan,
  options: BenchOptions,
): Promise<RunResult> {
  const source = contender.readsPrefix
    ? plan.file.prefix
    : { path: plan.file.path, lines: plan.records, bytes: plan.file.stats.bytes };
  const base = {
    tool: contender.tool,
    role: contender.role,
    inputPath: shown(source.path),
    prefix: source.path !== plan.file.path,
    records: source.lines,
    inputBytes: source.bytes,
    facts: {},
  };
  const missing = contender.missing();
  if (missing !== undefined) return { ...base, status: 'not installed', note: missing };

  let best: { run: Measurement; outputBytes: number } | undefined;
  for (let i = 0; i < options.repeat; i++) {
    const scratch = await mkdtemp(join(options.dir, `run-${plan.name}-`));
    const input = {
      workload: plan.name,
      file: source.path,
      dbc: options.dbc,
      buses: plan.buses,
      scratch,
      root: options.root,
    };
    try {
      const run = await measureCommand(contender.command(input));
      if (run.exitCode !== 0) {
        return { ...base, status: 'failed', note: `exit ${run.exitCode}: ${failureReason(run)}` };
      }
      const outputBytes = await sizeOf(contender.output(input));
      if (!best || run.seconds < best.run.seconds) best = { run, outputBytes };
    } finally {
      if (!options.keep) await rm(scratch, { recursive: true, force: true });
    }
  }
  if (!best) return { ...base, status: 'failed', note: 'no run' };
  const { run, outputBytes } = best;
  return {
    ...base,
    status: 'ok',
    seconds: run.seconds,
    cpuSeconds: run.cpuSeconds,
    peakRssBytes: run.peakRssBytes,
    recordsPerSecond: source.lines / run.seconds,
    mbPerSecond: source.bytes / 1e6 / run.seconds,
    outputBytes,
    facts: contender.facts(run),
  };
}

/**
 * The most telling line of a failed run: adlake's `--json` error message, else the first stderr line that
 * names an error (a Node stack trace ends with noise such as the Node version), else the last one.
 */
function failureReason(run: Measurement): string {
  try {
    const report = JSON.parse(run.stdout) as { error?: { message?: unknown } };
    if (typeof report.error?.message === 'string') return report.error.message;
  } catch {
    // not a JSON report: look at stderr
  }
  const lines = run.stderrTail
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const telling = lines.find((line) => /error|adlake:|not found|no such/i.test(line)) ?? lines.at(-1);
  return (telling ?? 'no output').slice(0, 300);
}

/** Bytes under a path (a file, or a folder such as a lake); 0 when it does not exist. */
async function sizeOf(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}

// Setup failures (a missing DBC or profile, a full disk) end the run with one line, not a stack trace.
process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
