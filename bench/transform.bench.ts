/**
 * Transform + detection benchmark (run by hand: `npm run bench:transform -- --help`; not a test).
 *
 * Builds a synthetic drive of `--hours` hours in a cached lake (the demo vehicle's CAN messages at their DBC
 * cycle times, decoded by ingest's own DBC decoder into `can_signals`, GNSS at 10 Hz into `gps`, one `drives`
 * row), then times the transform step (`transformDrive`: read the lake, time sync and resampling, sun, quality
 * gates, writes) and the detection step (`detectDrive`) at each tick rate, each in its own child process as
 * `adlake transform` and `adlake detect` run, so that its peak RSS is its own. A third kind of child runs the
 * same steps one by one to split the time.
 * See bench/README.md.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readDriveRecord, updateDriveRecord } from '../catalog/driveRecord.js';
import { LocalObjectStore } from '../catalog/localObjectStore.js';
import { PartitionedTableWriter, type WrittenFile } from '../catalog/tableWriter.js';
import { CAN_SIGNALS, DRIVES, GPS } from '../catalog/tables.js';
import { NS_PER_S } from '../core/time.js';
import { Interner, SignalColumns } from '../ingest/can/canBatchColumns.js';
import { compileDecoder, parseDbc } from '../ingest/dbc/index.js';
import { DEMO_GEOID_SEPARATION, generateDemoDrive } from '../ingest/demo/generateDemoDrive.js';
import { detectDrive } from '../transforms/detectDrive.js';
import { judgeDrive } from '../transforms/quality/qualityGates.js';
import { DEFAULT_QUALITY_CONFIG } from '../transforms/quality/qualityConfig.js';
import { QUALITY, qualityToBatch } from '../transforms/quality/qualityTable.js';
import { readQualityInputs } from '../transforms/quality/readQualityInputs.js';
import { readTimeline } from '../transforms/readTimeline.js';
import { DETECTION_COLUMNS, detectScenarios } from '../transforms/scenarios/detectScenarios.js';
import { DEFAULT_DETECTOR_CONFIG } from '../transforms/scenarios/detectorConfig.js';
import { SCENARIOS, scenariosToBatch } from '../transforms/scenarios/scenariosTable.js';
import { enrichSun } from '../transforms/sun.js';
import { buildTimeline } from '../transforms/sync/buildTimeline.js';
import { estimateClockOffset, shiftTimes } from '../transforms/sync/clockOffset.js';
import { DEFAULT_MAPPINGS } from '../transforms/sync/defaultMappings.js';
import { readDriveSeries } from '../transforms/sync/readDriveSeries.js';
import { writeTimeline } from '../transforms/sync/writeTimeline.js';
import type { SignalSeries } from '../transforms/timeline.js';
import { transformDrive, transformDriveWithTimeline } from '../transforms/transformDrive.js';
import { WEATHER } from '../transforms/weather/weatherTable.js';
import { shouldRelaunch, tunedEnvironment, tunedNodeFlags } from '../cli/mallocTunables.js';
import { GNU_TIME, measureCommand } from './measureCommand.js';
import { findRoot, int, shown, spread, table, verdict } from './reportText.js';

const USAGE = `usage: node dist/bench/transform.bench.js [options]   (npm run bench:transform -- [options])

Times adlake's transform step (transformDrive) and detection step (detectDrive) on a synthetic drive, per
hour of driving, at each tick rate, with peak RSS and the split by stage. Each run is a child process.

  --hours N      length of the synthetic drive in hours (default 1)
  --hz LIST      tick rates, comma-separated (default 10,100)
  --repeat N     runs per rate and kind; the best is reported with the spread (default 3)
  --dir DIR      where the cached lake goes (default bench/out)
  --regen        rebuild the lake even if it is cached
  --profile      also run each rate once under node --cpu-prof and print where the CPU time goes
  --json         also write <dir>/transform-results.json
  -h, --help

The children run with the allocator settings and V8 flags \`adlake transform\` gives itself
(cli/mallocTunables.ts); with ADLAKE_NO_RELAUNCH=1 they do not.
`;

/** Targets of issue 4: one hour of 100 Hz driving transformed and detected in under 2 s, under 512 MB. */
const TARGET_SECONDS_PER_HOUR = 2;
const TARGET_HZ = 100;
const TARGET_RSS_BYTES = 512 * 2 ** 20;

const DRIVE_ID = 'bench-drive';
const VEHICLE = 'bench';
/** 2024-06-14T07:00:00Z: a morning, so the sun stage sees daylight. */
const START_NS = 1_718_348_400n * NS_PER_S;

interface Options {
  hours: number;
  hz: number[];
  repeat: number;
  dir: string;
  regen: boolean;
  profile: boolean;
  json: boolean;
}

/** What the cached lake holds (its sidecar). */
interface LakeStats {
  hours: number;
  driveId: string;
  segments: number;
  canSignals: number;
  gpsFixes: number;
  bytes: number;
}

/** Seconds of each stage in one child run. */
type Stages = Record<string, number>;

/** What a child prints on stdout (one JSON line). */
interface ChildReport {
  mode: ChildMode;
  hz: number;
  ticks: number;
  scenarios: number;
  /** Wall-clock seconds per stage. */
  stages: Stages;
  /** CPU seconds (user + system, every thread of the child) per stage. */
  cpu: Stages;
  /** Peak RSS of the child so far at the end of each stage, bytes: which stage set the peak. */
  rss: Stages;
  /** process.resourceUsage().maxRSS, bytes (the child's own view; GNU time's is preferred). */
  maxRssBytes: number;
}

interface ChildRun extends ChildReport {
  wallSeconds: number;
  cpuSeconds?: number;
  peakRssBytes: number;
}

/**
 * `transform` and `detect` run as the CLI runs them, each in its own process; `together` runs both in one
 * process as `adlake transform --detect` does (detection from the timeline in memory); `stages` splits them.
 */
type ChildMode = 'transform' | 'detect' | 'stages' | 'together';

/** One run of the pipeline: `adlake transform` then `adlake detect`, each a process. */
interface PipelineRun {
  transform: ChildRun;
  detect: ChildRun;
}

interface RateResult {
  hz: number;
  e2e: PipelineRun[];
  /** `adlake transform --detect`: one process. */
  together: ChildRun[];
  stages: ChildRun[];
  profile?: ProfileSummary;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return runChild(args.slice(1));
  let options: Options;
  try {
    options = parseOptions(args);
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (text: string): void => void process.stderr.write(text);
  const lake = await prepareLake(options, log);
  const loadBefore = loadavg();

  const results: RateResult[] = [];
  for (const hz of options.hz) {
    const result: RateResult = { hz, e2e: [], together: [], stages: [] };
    for (let i = 0; i < options.repeat; i++) {
      const run = (mode: ChildMode): Promise<ChildRun> => {
        log(`${hz} Hz ${mode} run ${i + 1}/${options.repeat} ... `);
        return runMeasured(lake.path, hz, mode).then((child) => {
          log(`${child.wallSeconds.toFixed(2)} s wall, ${totalOf(child.stages).toFixed(2)} s in steps\n`);
          return child;
        });
      };
      const transform = await run('transform');
      result.e2e.push({ transform, detect: await run('detect') });
      result.together.push(await run('together'));
      result.stages.push(await run('stages'));
    }
    if (options.profile) {
      log(`${hz} Hz profile run ... `);
      result.profile = await profileRun(lake.path, hz, join(options.dir, 'profiles'));
      log(`${result.profile.file}\n`);
    }
    results.push(result);
  }

  const report = {
    date: new Date().toISOString(),
    machine: machine([loadBefore, loadavg()]),
    lake: { ...lake.stats, path: shown(lake.path) },
    results,
  };
  process.stdout.write(formatReport(report));
  if (options.json) {
    const path = join(options.dir, 'transform-results.json');
    await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\nwrote ${shown(path)}\n`);
  }
  return 0;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      hours: { type: 'string' },
      hz: { type: 'string' },
      repeat: { type: 'string' },
      dir: { type: 'string' },
      regen: { type: 'boolean' },
      profile: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const root = findRoot(dirname(fileURLToPath(import.meta.url)));
  const positive = (flag: string, text: string | undefined, fallback: number): number => {
    const n = text === undefined ? fallback : Number(text);
    if (!(n > 0) || !Number.isFinite(n)) throw new Error(`${flag} must be a positive number, got '${text}'`);
    return n;
  };
  const hz = (values.hz ?? '10,100').split(',').map((h) => positive('--hz', h.trim(), 10));
  return {
    hours: positive('--hours', values.hours, 1),
    hz,
    repeat: Math.round(positive('--repeat', values.repeat, 3)),
    dir: values.dir === undefined ? join(root, 'bench', 'out') : resolve(values.dir),
    regen: values.regen === true,
    profile: values.profile === true,
    json: values.json === true,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The synthetic drive

/**
 * The cached lake of `--hours` hours, built if missing. Demo drives of successive seeds (about two minutes
 * each: standstill, motorway, lane change, turns, hard brake) are laid end to end on one clock, with each
 * segment's GNSS track moved to start where the previous one ended, so the drive is one continuous trip.
 * CAN frames go through ingest's compiled DBC decoder into `can_signals` rows exactly as ingest writes them;
 * fixes become `gps` rows as an NMEA GGA+RMC pair would (fix quality 1, 12 satellites, HDOP 0.8). No ingest
 * run record is written, so the quality step has no CAN decode statistics to judge (a small JSON read less).
 */
async function prepareLake(
  options: Options,
  log: (text: string) => void,
): Promise<{ path: string; stats: LakeStats }> {
  const name = `transform-lake-${options.hours}h`;
  const path = join(options.dir, name);
  const sidecar = `${path}.json`;
  if (!options.regen && existsSync(sidecar) && existsSync(path)) {
    return { path, stats: JSON.parse(await readFile(sidecar, 'utf8')) as LakeStats };
  }
  log(`building ${shown(path)} (${options.hours} h of driving) ... `);
  const started = performance.now();
  await rm(path, { recursive: true, force: true });
  await rm(sidecar, { force: true });
  const temp = `${path}.partial`;
  await rm(temp, { recursive: true, force: true });
  const store = await LocalObjectStore.open({ root: temp });
  const stats = await writeSyntheticDrive(store, options.hours);
  await rename(temp, path);
  const withBytes = { ...stats, bytes: await folderBytes(path) };
  await writeFile(sidecar, `${JSON.stringify(withBytes, null, 2)}\n`);
  log(`${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return { path, stats: withBytes };
}

async function writeSyntheticDrive(
  store: LocalObjectStore,
  hours: number,
): Promise<Omit<LakeStats, 'bytes'>> {
  const endNs = START_NS + BigInt(Math.round(hours * 3600)) * NS_PER_S;
  const first = generateDemoDrive({ seed: 1 });
  const decoder = compileDecoder(parseDbc(first.dbc, { uri: 'demo.dbc' }));
  const buses = new Interner();
  const bus = buses.id('can0', 'can0');
  const sink = new SignalColumns(buses);
  const writers = {
    signals: new PartitionedTableWriter({ store, table: CAN_SIGNALS, vehicle: VEHICLE, driveId: DRIVE_ID }),
    gps: new PartitionedTableWriter({ store, table: GPS, vehicle: VEHICLE, driveId: DRIVE_ID }),
    drives: new PartitionedTableWriter({ store, table: DRIVES, vehicle: VEHICLE, driveId: DRIVE_ID }),
  };
  let canSignals = 0;
  let gpsFixes = 0;
  let segments = 0;
  let lastNs = START_NS;
  let cursor = START_NS;
  let position: { lat: number; lon: number } | undefined;
  for (let seed = 1; cursor < endNs; seed++) {
    const drive = seed === 1 ? first : generateDemoDrive({ seed });
    const shift = cursor - drive.startNs;
    segments++;
    for (const frame of drive.frames()) {
      const t = frame.micros * 1000n + shift;
      if (t >= endNs) break;
      const compiled = decoder.lookup(frame.id, frame.extended);
      if (compiled === undefined) continue;
      sink.frame(t, bus, compiled.message);
      compiled.decode(frame.data, sink);
      lastNs = t;
      if (sink.rows >= 1 << 16) {
        canSignals += sink.rows;
        await writers.signals.append(sink.take());
      }
    }
    const fixes = [...drive.fixes()].filter((f) => f.micros * 1000n + shift < endNs);
    const head = fixes[0];
    const offset =
      position && head ? { lat: position.lat - head.lat, lon: position.lon - head.lon } : undefined;
    const n = fixes.length;
    const batch = {
      t: new BigInt64Array(n),
      lat: new Float64Array(n),
      lon: new Float64Array(n),
      alt: new Float64Array(n),
      alt_hae: new Float64Array(n),
      speed: new Float64Array(n),
      course: new Float64Array(n),
      fix_quality: new Int8Array(n).fill(1),
      satellites: new Int16Array(n).fill(12),
      hdop: new Float64Array(n).fill(0.8),
    };
    fixes.forEach((fix, i) => {
      batch.t[i] = fix.micros * 1000n + shift;
      batch.lat[i] = fix.lat + (offset?.lat ?? 0);
      batch.lon[i] = fix.lon + (offset?.lon ?? 0);
      batch.alt[i] = fix.alt;
      batch.alt_hae[i] = fix.alt + DEMO_GEOID_SEPARATION;
      batch.speed[i] = fix.speed;
      batch.course[i] = fix.course;
    });
    if (n > 0) {
      await writers.gps.append(batch);
      gpsFixes += n;
      position = { lat: batch.lat[n - 1] as number, lon: batch.lon[n - 1] as number };
    }
    // The next segment starts one simulation tick after this one's last state (both stand still there).
    cursor += BigInt(Math.round(drive.states.length * 0.01 * 1e9));
  }
  canSignals += sink.rows;
  if (sink.rows > 0) await writers.signals.append(sink.take());
  await writers.drives.append({
    start_time: [START_NS],
    end_time: [lastNs],
    duration_s: [Number(lastNs - START_NS) / 1e9],
    distance_m: [null],
    source_files: [[]],
    formats: [['candump', 'nmea']],
    quality_issues: [[]],
    quality_status: [null],
  });
  for (const writer of Object.values(writers)) await writer.close();
  return { hours, driveId: DRIVE_ID, segments, canSignals, gpsFixes };
}

// ---------------------------------------------------------------------------------------------------------
// Child processes

/** `--child <transform|detect|stages> --lake <dir> --hz <n>`: one run, its report as one JSON line on stdout. */
async function runChild(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { lake: { type: 'string' }, hz: { type: 'string' } },
  });
  const mode = CHILD_MODES.find((m) => m === positionals[0]);
  if (mode === undefined)
    throw new Error(`--child: expected ${CHILD_MODES.join('|')}, got ${positionals[0]}`);
  const hz = Number(values.hz);
  const store = await LocalObjectStore.open({ root: values.lake ?? '.' });
  const run = mode === 'stages' ? await stepByStep(store, hz) : await oneStep(store, hz, mode);
  const report: ChildReport = { mode, hz, ...run, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return 0;
}

type ChildResult = Pick<ChildReport, 'ticks' | 'scenarios' | 'stages' | 'cpu' | 'rss'>;

const CHILD_MODES: readonly ChildMode[] = ['transform', 'detect', 'stages', 'together'];

/** One step as the CLI runs it: `adlake transform --hz <n>` or `adlake detect` (the timeline it reads). */
async function oneStep(
  store: LocalObjectStore,
  hz: number,
  step: 'transform' | 'detect' | 'together',
): Promise<ChildResult> {
  const cpu: Stages = {};
  const rss: Stages = {};
  const clock = stopwatch(cpu, rss);
  if (step === 'together') {
    const { report, timeline } = await transformDriveWithTimeline(store, {
      driveId: DRIVE_ID,
      config: { sync: { signals: {}, policies: {}, hz } },
    });
    const transform = clock('transform');
    const detected = await detectDrive(store, { driveId: DRIVE_ID, timeline });
    return {
      ticks: report.sync.ticks,
      scenarios: detected.scenarios.length,
      stages: { transform, detect: clock('detect') },
      cpu,
      rss,
    };
  }
  if (step === 'transform') {
    const transformed = await transformDrive(store, {
      driveId: DRIVE_ID,
      config: { sync: { signals: {}, policies: {}, hz } },
    });
    return { ticks: transformed.sync.ticks, scenarios: 0, stages: { transform: clock(step) }, cpu, rss };
  }
  const detected = await detectDrive(store, { driveId: DRIVE_ID });
  return {
    ticks: detected.ticks,
    scenarios: detected.scenarios.length,
    stages: { detect: clock(step) },
    cpu,
    rss,
  };
}

/**
 * The same work as `transformDrive` and `detectDrive`, step by step with a clock around each, in their
 * order. Kept in step with transforms/transformDrive.ts and transforms/sync/syncDrive.ts by hand: the
 * transform and detect runs are the authority, and the report shows both totals so that a drift shows.
 */
async function stepByStep(store: LocalObjectStore, hz: number): Promise<ChildResult> {
  const stages: Stages = {};
  const cpu: Stages = {};
  const rss: Stages = {};
  const clock = stopwatch(cpu, rss);
  const lap = (stage: string): void => void (stages[stage] = (stages[stage] ?? 0) + clock(stage));

  const record = await readDriveRecord(store, DRIVE_ID);
  const drive = await readDriveSeries(store, { driveId: DRIVE_ID, mappings: DEFAULT_MAPPINGS });
  const receiver = await readDriveSeries(store, {
    driveId: DRIVE_ID,
    mappings: {
      speed: [
        { table: 'gps', column: 'speed' },
        { table: 'gps', column: 'speed_from_track' },
      ],
    },
  });
  lap('read lake');

  const isGps = (s: SignalSeries): boolean => s.source.startsWith('gps:');
  const empty = { t: new BigInt64Array(0), v: new Float64Array(0) };
  const vehicleSpeed = drive.series.find((s) => s.signal === 'speed' && !isGps(s));
  const offset = estimateClockOffset(vehicleSpeed ?? empty, receiver.series[0] ?? empty);
  const series = offset.applied
    ? drive.series.map((s) => (isGps(s) ? { ...s, t: shiftTimes(s.t, offset.offsetS) } : s))
    : drive.series;
  lap('clock offset');
  const timeline = buildTimeline(series, { driveId: DRIVE_ID, vehicle: record.vehicle, hz });
  lap('resample');
  const sun = enrichSun(timeline);
  timeline.enrichment.sun_elevation = sun.sun_elevation;
  timeline.enrichment.light = sun.light;
  lap('sun');

  const inputs = await readQualityInputs({
    store,
    driveId: DRIVE_ID,
    series,
    clockOffsetS: offset.offsetS,
  });
  const quality = judgeDrive(inputs, DEFAULT_QUALITY_CONFIG);
  lap('quality');

  const written: WrittenFile[] = [];
  written.push(...(await writeTable(store, WEATHER, record.vehicle, undefined)));
  written.push(...(await writeTable(store, QUALITY, record.vehicle, qualityToBatch(quality))));
  written.push(...(await writeTimeline(store, timeline)));
  written.push(...(await updateDriveRecord(store, record, { quality_status: quality.status })));
  lap('write');

  const stored = await readTimeline(store, DRIVE_ID, { columns: DETECTION_COLUMNS });
  lap('detect: read timeline');
  const found = detectScenarios(stored, DEFAULT_DETECTOR_CONFIG);
  lap('detect: detectors');
  written.push(
    ...(await writeTable(
      store,
      SCENARIOS,
      record.vehicle,
      found.scenarios.length > 0 ? scenariosToBatch(found.scenarios) : undefined,
    )),
  );
  lap('detect: write');
  return { ticks: timeline.t.length, scenarios: found.scenarios.length, stages, cpu, rss };
}

async function writeTable<TBatch>(
  store: LocalObjectStore,
  table: ConstructorParameters<typeof PartitionedTableWriter<TBatch>>[0]['table'],
  vehicle: string,
  batch: TBatch | undefined,
): Promise<WrittenFile[]> {
  const writer = new PartitionedTableWriter<TBatch>({ store, table, vehicle, driveId: DRIVE_ID });
  if (batch) await writer.append(batch);
  return writer.close();
}

/** Spawns one child under GNU time; throws with the child's stderr when it fails. */
async function runMeasured(lake: string, hz: number, mode: ChildMode, nodeFlags: string[] = []) {
  const script = fileURLToPath(import.meta.url);
  const tuned = shouldRelaunch(['transform']);
  const run = await measureCommand({
    command: process.execPath,
    args: [
      ...nodeFlags,
      // As `adlake transform` runs itself (cli/mallocTunables.ts), unless ADLAKE_NO_RELAUNCH=1 turns that off.
      ...(tuned ? tunedNodeFlags(['transform'], nodeFlags) : []),
      script,
      '--child',
      mode,
      '--lake',
      lake,
      '--hz',
      String(hz),
    ],
    cwd: process.cwd(),
    ...(tuned ? { env: tunedEnvironment() } : {}),
  });
  if (run.exitCode !== 0)
    throw new Error(`${mode} child at ${hz} Hz exited ${run.exitCode}: ${run.stderrTail}`);
  const report = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as ChildReport;
  const child: ChildRun = {
    ...report,
    wallSeconds: run.seconds,
    peakRssBytes: run.peakRssBytes ?? report.maxRssBytes,
    ...(run.cpuSeconds !== undefined ? { cpuSeconds: run.cpuSeconds } : {}),
  };
  return child;
}

// ---------------------------------------------------------------------------------------------------------
// CPU profile

interface ProfileSummary {
  file: string;
  /** Sampled seconds in the profile. */
  seconds: number;
  /** Self time by function (`file:line name`), largest first. */
  functions: ProfileEntry[];
  /** Self time by source file, largest first. */
  files: ProfileEntry[];
}

interface ProfileEntry {
  name: string;
  seconds: number;
  /** Of the sampled time. */
  share: number;
}

/** A `.cpuprofile` as V8 writes it (the parts read here). */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Runs the transform and detect children once under `--cpu-prof` and sums the self time of their samples. */
async function profileRun(lake: string, hz: number, dir: string): Promise<ProfileSummary> {
  const out = join(dir, `transform-${hz}hz-${Date.now()}`);
  await mkdir(out, { recursive: true });
  for (const step of ['transform', 'detect'] as const)
    await runMeasured(lake, hz, step, ['--cpu-prof', '--cpu-prof-dir', out]);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const name of (await readdir(out)).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(await readFile(join(out, name), 'utf8')) as CpuProfile;
    const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    profile.samples.forEach((id, i) => {
      const micros = profile.timeDeltas[i] ?? 0;
      const frame = frames.get(id);
      const source = frame ? sourceName(frame.url) : '?';
      const where = frame ? `${source}:${frame.lineNumber + 1} ${frame.functionName || '(anonymous)'}` : '?';
      byFunction.set(where, (byFunction.get(where) ?? 0) + micros);
      byFile.set(source, (byFile.get(source) ?? 0) + micros);
      total += micros;
    });
  }
  const ranked = (map: Map<string, number>): ProfileEntry[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([name, micros]) => ({ name, seconds: micros / 1e6, share: micros / total }));
  return { file: shown(out), seconds: total / 1e6, functions: ranked(byFunction), files: ranked(byFile) };
}

/** A script URL as a path relative to the repository (dist/x.js), or the V8 category ((garbage collector)). */
function sourceName(url: string): string {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const root = findRoot(dirname(fileURLToPath(import.meta.url)));
  return path.startsWith(root) ? relative(root, path) : path.replace(/^.*node_modules\//, '');
}

// ---------------------------------------------------------------------------------------------------------
// Report

function formatReport(report: {
  date: string;
  machine: ReturnType<typeof machine>;
  lake: LakeStats & { path: string };
  results: RateResult[];
}): string {
  const { lake, results } = report;
  const hours = lake.hours;
  const lines = [
    `machine: ${report.machine.text}`,
    `drive: ${hours} h, ${lake.segments} demo segments, ${int(lake.canSignals)} can_signals rows, ` +
      `${int(lake.gpsFixes)} gps rows, ${(lake.bytes / 1e6).toFixed(1)} MB (${lake.path})`,
    `best of ${results[0]?.e2e.length ?? 0} runs per rate; [min–max] over the runs; seconds are per hour of driving`,
    '',
    '== adlake transform --hz, then adlake detect: transformDrive and detectDrive, each in its own child process ==',
    '(s/h: seconds in the call per hour of driving; cpu: user + system of the call; wall: the child processes',
    ' from spawn to exit, with Node start-up and module loading)',
  ];
  const rows = [
    [
      'rate',
      'ticks',
      'transform s/h',
      'detect s/h',
      'total s/h',
      'total cpu s/h',
      'children wall s',
      'transform RSS MB',
      'detect RSS MB',
    ],
  ];
  for (const r of results) {
    const perHour = (pick: (run: PipelineRun) => number) => spread(r.e2e.map((run) => pick(run) / hours));
    rows.push([
      `${r.hz} Hz`,
      int(r.e2e[0]?.transform.ticks ?? 0),
      perHour((run) => run.transform.stages.transform ?? 0),
      perHour((run) => run.detect.stages.detect ?? 0),
      perHour(pipelineSeconds),
      perHour((run) => totalOf(run.transform.cpu) + totalOf(run.detect.cpu)),
      spread(r.e2e.map((run) => run.transform.wallSeconds + run.detect.wallSeconds)),
      spread(
        r.e2e.map((run) => run.transform.peakRssBytes / 2 ** 20),
        0,
      ),
      spread(
        r.e2e.map((run) => run.detect.peakRssBytes / 2 ** 20),
        0,
      ),
    ]);
  }
  lines.push(...table(rows), '');

  lines.push(
    '== adlake transform --hz --detect: both steps in one process, detection from the timeline in memory ==',
  );
  const together = [
    ['rate', 'transform s/h', 'detect s/h', 'total s/h', 'total cpu s/h', 'child wall s', 'RSS MB'],
  ];
  for (const r of results) {
    const perHour = (pick: (run: ChildRun) => number) => spread(r.together.map((run) => pick(run) / hours));
    together.push([
      `${r.hz} Hz`,
      perHour((run) => run.stages.transform ?? 0),
      perHour((run) => run.stages.detect ?? 0),
      perHour((run) => totalOf(run.stages)),
      perHour((run) => totalOf(run.cpu)),
      spread(r.together.map((run) => run.wallSeconds)),
      spread(
        r.together.map((run) => run.peakRssBytes / 2 ** 20),
        0,
      ),
    ]);
  }
  lines.push(...table(together), '');

  lines.push(
    '== split by stage (step-by-step child), s per hour of driving: wall, cpu, and the peak RSS when the stage ended (smallest over the runs) ==',
  );
  const names = [...new Set(results.flatMap((r) => r.stages.flatMap((run) => Object.keys(run.stages))))];
  const split = [
    ['stage', ...results.flatMap((r) => [`${r.hz} Hz wall`, `${r.hz} Hz cpu`, `${r.hz} Hz RSS MB`])],
  ];
  const pick = (stages: Stages, name: string): number =>
    name === 'total' ? totalOf(stages) : (stages[name] ?? 0);
  for (const name of [...names, 'total']) {
    split.push([
      name,
      ...results.flatMap((r) => [
        spread(r.stages.map((run) => pick(run.stages, name) / hours)),
        spread(r.stages.map((run) => pick(run.cpu, name) / hours)),
        name === 'total'
          ? ''
          : String(Math.round(Math.min(...r.stages.map((run) => run.rss[name] ?? 0)) / 2 ** 20)),
      ]),
    ]);
  }
  split.push([
    'peak RSS MB',
    ...results.flatMap((r) => [
      '',
      '',
      spread(
        r.stages.map((run) => run.peakRssBytes / 2 ** 20),
        0,
      ),
    ]),
  ]);
  lines.push(...table(split), '');

  for (const r of results) {
    if (!r.profile) continue;
    const p = r.profile;
    lines.push(
      `== CPU profile, ${r.hz} Hz transform + detect children: ${p.seconds.toFixed(2)} s sampled (${p.file}) ==`,
    );
    lines.push('self time by file:');
    for (const f of p.files.slice(0, 12))
      lines.push(`  ${pct(f.share)}  ${f.seconds.toFixed(2)} s  ${f.name}`);
    lines.push('self time by function:');
    for (const f of p.functions.slice(0, 20))
      lines.push(`  ${pct(f.share)}  ${f.seconds.toFixed(2)} s  ${f.name}`);
    lines.push('');
  }

  lines.push('targets (issue 4):');
  const target = results.find((r) => r.hz === TARGET_HZ);
  if (!target) {
    lines.push(
      `  UNKNOWN one hour at ${TARGET_HZ} Hz in < ${TARGET_SECONDS_PER_HOUR} s: no ${TARGET_HZ} Hz run`,
    );
  } else {
    const best = Math.min(...target.e2e.map((run) => pipelineSeconds(run) / hours));
    const cpu = Math.min(
      ...target.e2e.map((run) => (totalOf(run.transform.cpu) + totalOf(run.detect.cpu)) / hours),
    );
    lines.push(
      `  ${verdict(best < TARGET_SECONDS_PER_HOUR)} one hour at ${TARGET_HZ} Hz transformed + detected in < ${TARGET_SECONDS_PER_HOUR} s, two processes: best ${best.toFixed(2)} s per hour (${cpu.toFixed(2)} cpu s)`,
    );
    const one = Math.min(...target.together.map((run) => totalOf(run.stages) / hours));
    const oneCpu = Math.min(...target.together.map((run) => totalOf(run.cpu) / hours));
    lines.push(
      `  ${verdict(one < TARGET_SECONDS_PER_HOUR)} one hour at ${TARGET_HZ} Hz transformed + detected in < ${TARGET_SECONDS_PER_HOUR} s, one process (transform --detect): best ${one.toFixed(2)} s per hour (${oneCpu.toFixed(2)} cpu s)`,
    );
  }
  const worstRss = Math.max(
    ...results.flatMap((r) => [
      ...r.e2e.map((run) => Math.max(run.transform.peakRssBytes, run.detect.peakRssBytes)),
      ...r.together.map((run) => run.peakRssBytes),
    ]),
  );
  lines.push(
    `  ${verdict(worstRss < TARGET_RSS_BYTES)} peak RSS < 512 MB at every rate (every process): largest ${(worstRss / 2 ** 20).toFixed(0)} MB`,
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
    gnuTime: existsSync(GNU_TIME),
    text: `${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown'}, ${Math.round(totalmem() / 2 ** 30)} GB, load average ${load} (before → after), node ${process.version}${existsSync(GNU_TIME) ? '' : ' (no GNU time: RSS from the child itself)'}`,
  };
}

/** Seconds in transformDrive plus seconds in detectDrive. */
function pipelineSeconds(run: PipelineRun): number {
  return totalOf(run.transform.stages) + totalOf(run.detect.stages);
}

function totalOf(stages: Stages): number {
  return Object.values(stages).reduce((a, b) => a + b, 0);
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1).padStart(5)}%`;
}

/**
 * A clock: each call returns the wall-clock seconds since the previous call (or since it was made), adds
 * the CPU seconds (user + system, all threads) of the same span to `cpu` under `stage`, and notes the peak
 * RSS so far in `rss`.
 */
function stopwatch(cpu: Stages, rss: Stages): (stage: string) => number {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  return (stage) => {
    const now = performance.now();
    const seconds = (now - last) / 1000;
    last = now;
    const used = process.cpuUsage(lastCpu);
    lastCpu = process.cpuUsage();
    cpu[stage] = (cpu[stage] ?? 0) + (used.user + used.system) / 1e6;
    rss[stage] = process.resourceUsage().maxRSS * 1024;
    return seconds;
  };
}

async function folderBytes(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});
