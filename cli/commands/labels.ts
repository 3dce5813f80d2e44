import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { Command, CommandContext, ParsedOptions } from '../command.js';
import { catalogOption, registerOutputs } from '../catalogOption.js';
import { lakeOption, openLake, s3ClientConfig } from '../lakeOption.js';

const USAGE = [
  'adlake labels import <path or s3:// URI> [--job <name>] [--lake <dir>] [--catalog sqlite|glue]',
  '       adlake labels manifest --scenario-type <type> [--vehicle <id>] [--from <date>] [--to <date>] [--min-duration <s>] [--limit <n>] [--clips | --frame-rate <hz>] [--source-prefix <s3://…>] --out <file>',
].join('\n');

export const labelsCommand: Command = {
  name: 'labels',
  summary: 'Import SageMaker Ground Truth labels; write Ground Truth input manifests of scenarios',
  usage: USAGE,
  description: [
    'labels import reads a Ground Truth labeling job output tree (a folder, an s3:// prefix, or one file):',
    'worker responses (annotations/worker-response/iteration-N/<object>/*.json, also flattened copies),',
    'output manifests (*.manifest) and video/3D SeqLabel JSON files, and writes gt_worker_responses (one',
    'row per worker answer), gt_output_manifest (one row per data object and label attribute) and',
    'gt_seq_labels (one row per object per frame). The vehicle partition of these tables is the job name',
    '(--job, else the folder above annotations/ or manifests/, else the job-name in the manifests), the date',
    'partition the submission/creation date. Re-importing a job replaces its rows. Files, answers and lines',
    'that cannot be read are skipped and listed with their reason; macOS ._* files are ignored.',
    'The Athena views in queries/labels/ (annotations_view, annotations_per_user/_label/_day,',
    'users_per_bucket_annotations) read these tables.',
    '',
    'labels manifest writes a Ground Truth input manifest (JSON Lines) of the scenarios of one type: one line',
    "per scenario (--clips, the default) or per frame at --frame-rate. source-ref is the drive's recording",
    '(a container file such as MCAP or bag if the drive has one; moved under --source-prefix when given) with',
    'a Media Fragments time: #t=<start>,<end> (clip) or #t=<time> (frame), seconds from the drive start. Each',
    'line carries scenario-id, scenario-type, drive-id, vehicle, start-time, end-time (and frame-time).',
    '--from/--to take a date (the --to day is included) or an ISO 8601 time.',
  ].join('\n'),
  options: {
    lake: lakeOption,
    catalog: { ...catalogOption, description: `import: ${catalogOption.description}` },
    job: {
      type: 'string',
      valueName: 'name',
      description: 'import: the labeling job name (default: from the layout or the manifests)',
    },
    'scenario-type': {
      type: 'string',
      valueName: 'type',
      description: 'manifest: scenario type to select (hard_braking, left_turn, ...)',
    },
    vehicle: { type: 'string', valueName: 'id', description: 'manifest: only this vehicle partition' },
    from: { type: 'string', valueName: 'date', description: 'manifest: scenarios starting at or after' },
    to: {
      type: 'string',
      valueName: 'date',
      description: 'manifest: scenarios starting before (a date: through that day)',
    },
    'min-duration': { type: 'string', valueName: 's', description: 'manifest: shortest scenario, seconds' },
    limit: { type: 'string', valueName: 'n', description: 'manifest: at most n scenarios (the earliest)' },
    clips: { type: 'boolean', description: 'manifest: one line per scenario (default)' },
    'frame-rate': {
      type: 'string',
      valueName: 'hz',
      description: 'manifest: one line per frame at this rate',
    },
    'source-prefix': {
      type: 'string',
      valueName: 's3://…',
      description:
        "manifest: S3 prefix the drives' raw files were uploaded to (source-ref = prefix/<file name>)",
    },
    out: {
      type: 'string',
      valueName: 'file',
      description: 'manifest: the manifest file to write (or s3:// URI)',
    },
  },
  examples: [
    'adlake labels import s3://bucket/gt-output/birds-job/ --lake s3://lake/',
    'adlake labels import ./ic_data --job birds-open-images-clone',
    'adlake labels manifest --scenario-type hard_braking --from 2024-06-01 --frame-rate 2 --source-prefix s3://raw/drives/ --out braking.manifest',
  ],
  async run(ctx, { positionals, options }) {
    const [sub, ...rest] = positionals;
    if (sub === 'import') return importLabelsRun(ctx, rest, options);
    if (sub === 'manifest') return manifestRun(ctx, rest, options);
    throw new UsageError(
      `labels: give a subcommand, import or manifest${sub === undefined ? '' : ` (not '${sub}')`}`,
    );
  },
};

async function importLabelsRun(ctx: CommandContext, paths: string[], options: ParsedOptions) {
  if (paths.length !== 1) throw new UsageError('labels import: give one folder, file or s3:// URI');
  const [path = ''] = paths;
  // Loaded on use, so `--help` does not pay for the readers and the Parquet engine.
  const { openLabelSource } = await import('../../labels/openLabelSource.js');
  const { importLabels } = await import('../../labels/importLabels.js');
  const { formatLabelsReport } = await import('../../labels/formatLabelsReport.js');
  const source = await openLabelSource(path, { cwd: ctx.cwd, s3: s3ClientConfig(ctx.env) });
  try {
    const lake = await openLake(ctx, options);
    const report = await importLabels({
      lake,
      source: source.store,
      ...(source.keys ? { keys: source.keys } : {}),
      ...(typeof options.job === 'string' ? { job: options.job } : {}),
    });
    const catalog = await registerOutputs(
      ctx,
      options,
      lake,
      report.jobs.flatMap((job) => job.written),
    );
    const skipped = report.jobs.reduce((n, job) => n + job.skipped.length, 0);
    const registered = Object.keys(catalog.tables);
    const text = [
      formatLabelsReport(report),
      registered.length > 0 ? `Registered ${registered.join(', ')} in ${catalog.catalog}` : '',
    ].filter((line) => line !== '');
    // Skipped answers or lines are bad input, as for ingest: the rest landed, the exit code says not all.
    return { data: { ...report, catalog }, text: text.join('\n'), exitCode: skipped > 0 ? 65 : 0 };
  } finally {
    source.close();
  }
}

async function manifestRun(ctx: CommandContext, rest: string[], options: ParsedOptions) {
  if (rest.length > 0) throw new UsageError(`labels manifest: unexpected argument '${rest[0]}'`);
  const scenarioType = stringOption(options, 'scenario-type');
  const out = stringOption(options, 'out');
  if (scenarioType === undefined) throw new UsageError('labels manifest: --scenario-type is required');
  if (out === undefined) throw new UsageError('labels manifest: --out is required');
  const frameRate = numberOption(options, 'frame-rate', (n) => n > 0);
  if (frameRate !== undefined && options.clips === true) {
    throw new UsageError('labels manifest: give --clips or --frame-rate, not both');
  }
  const minDuration = numberOption(options, 'min-duration', (n) => n >= 0);
  const limit = numberOption(options, 'limit', (n) => Number.isInteger(n) && n > 0);
  const { parseIsoTimestampNs, isDateOnly } = await import('../../labels/parseIsoTimestamp.js');
  const time = (name: 'from' | 'to'): bigint | undefined => {
    const text = stringOption(options, name);
    if (text === undefined) return undefined;
    const ns = parseIsoTimestampNs(text);
    if (ns === undefined)
      throw new UsageError(`labels manifest: --${name} '${text}' is not a date or ISO 8601 time`);
    // A --to date includes that day.
    return name === 'to' && isDateOnly(text) ? ns + 86_400_000_000_000n : ns;
  };
  const sourcePrefix = stringOption(options, 'source-prefix');
  if (sourcePrefix !== undefined && !sourcePrefix.startsWith('s3://')) {
    throw new UsageError(`labels manifest: --source-prefix must be an s3:// URI, got '${sourcePrefix}'`);
  }
  const vehicle = stringOption(options, 'vehicle');
  const fromNs = time('from');
  const toNs = time('to');
  const store = await openLake(ctx, options);
  const { buildScenarioManifest } = await import('../../labels/scenarioManifest.js');
  const manifest = await buildScenarioManifest({
    store,
    scenarioType,
    ...(vehicle !== undefined ? { vehicle } : {}),
    ...(fromNs !== undefined ? { fromNs } : {}),
    ...(toNs !== undefined ? { toNs } : {}),
    ...(minDuration !== undefined ? { minDurationS: minDuration } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(frameRate !== undefined ? { frameRateHz: frameRate } : {}),
    ...(sourcePrefix !== undefined ? { sourcePrefix } : {}),
  });
  const body = new TextEncoder().encode(manifest.lines.map((line) => `${line}\n`).join(''));
  const written = await writeOut(ctx, out, body);
  const what = frameRate === undefined ? `${manifest.lines.length} clip(s)` : `${manifest.frames} frame(s)`;
  const lines = [`Wrote ${what} of ${manifest.scenarios} ${scenarioType} scenario(s) to ${written}`];
  for (const s of manifest.skipped) lines.push(`  skipped ${s.scenarioId} (drive ${s.driveId}): ${s.reason}`);
  return {
    data: {
      out: written,
      lines: manifest.lines.length,
      scenarios: manifest.scenarios,
      frames: manifest.frames,
      skipped: manifest.skipped,
    },
    text: lines.join('\n'),
  };
}

/** Writes the manifest to a local file, or to S3 for an `s3://` URI. Returns where it went. */
async function writeOut(ctx: CommandContext, out: string, body: Uint8Array): Promise<string> {
  if (!out.startsWith('s3://')) {
    const path = resolve(ctx.cwd, out);
    await writeFile(path, body);
    return path;
  }
  const slash = out.lastIndexOf('/');
  if (slash <= 's3://'.length || slash === out.length - 1) {
    throw new UsageError(`labels manifest: --out ${out} must name an object (s3://bucket/key)`);
  }
  const { S3ObjectStore } = await import('../../catalog/s3ObjectStore.js');
  const store = await S3ObjectStore.open({ uri: out.slice(0, slash), clientConfig: s3ClientConfig(ctx.env) });
  try {
    await store.put(out.slice(slash + 1), body);
  } finally {
    store.close();
  }
  return out;
}

function stringOption(options: ParsedOptions, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

function numberOption(
  options: ParsedOptions,
  name: string,
  valid: (n: number) => boolean,
): number | undefined {
  const text = stringOption(options, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !valid(n)) {
    throw new UsageError(`labels manifest: --${name} '${text}' is not valid`);
  }
  return n;
}
