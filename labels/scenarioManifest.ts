/**
 * `adlake labels manifest`: a Ground Truth input manifest (JSON Lines, one `{"source-ref": …}` per line;
 * SageMaker Developer Guide, "Input data") of the scenarios of one type, to send them for labeling.
 *
 * What a line points at. The lake keeps the raw recordings, not extracted images, so a line refers to the
 * drive's recording and a time in it:
 * - the source object is one of the drive's `source_files` (drives table): the first container that can
 *   hold camera data (MCAP, ROS bag, MDF4) by URI order, else the first other non-DBC file;
 * - with `sourcePrefix`, its URI becomes `<prefix>/<file name>`: where the raw files were uploaded to S3
 *   (ingest may have read them from a local disk, and Ground Truth reads only `s3://`);
 * - the time is a W3C Media Fragments temporal fragment (Media Fragments URI 1.0, §4.2.1, normal play time
 *   in seconds from the start of the drive): `#t=<start>,<end>` for a clip, `#t=<time>` for a frame;
 * - the line also carries the scenario's metadata (`scenario-id`, `scenario-type`, `drive-id`, `vehicle`,
 *   absolute `start-time`/`end-time` and, for frames, `frame-time`/`frame-index`, ISO 8601 UTC), which Ground
 *   Truth passes through to the output manifest, so labels join back to scenarios.
 * A frame extraction step that writes images to S3 can rewrite `source-ref` from `drive-id` and `frame-time`.
 */
import type { Table as ArrowTable, Vector } from 'apache-arrow';
import { readDriveRecord } from '../catalog/driveRecord.js';
import type { ObjectStore } from '../catalog/objectStore.js';
import { listTableParts, readPart } from '../catalog/readTable.js';
import { NotFoundError, UsageError } from '../core/errors.js';
import { NS_PER_S } from '../core/time.js';

export interface ScenarioManifestOptions {
  store: ObjectStore;
  /** Scenario type (`hard_braking`, `left_turn`, …), as the scenarios table stores it. */
  scenarioType: string;
  /** Only this vehicle partition. @default every vehicle */
  vehicle?: string;
  /** Scenarios starting at or after this time (ns). @default no bound */
  fromNs?: bigint;
  /** Scenarios starting before this time (ns, exclusive). @default no bound */
  toNs?: bigint;
  /** Shortest scenario to take, seconds. @default 0 */
  minDurationS?: number;
  /** At most this many scenarios (the earliest). @default all */
  limit?: number;
  /** One line per frame at this rate, Hz; undefined gives one line per scenario (a clip). */
  frameRateHz?: number;
  /** S3 prefix the drives' raw files were uploaded to. @default the URIs the drives table records */
  sourcePrefix?: string;
}

export interface ScenarioManifest {
  /** The manifest lines (JSON text, no newline). */
  lines: string[];
  /** Scenarios that matched and have lines. */
  scenarios: number;
  /** Frame lines (0 for clips). */
  frames: number;
  /** Scenarios left out, and why (their drive has no drives row or no source file). */
  skipped: { scenarioId: string; driveId: string; reason: string }[];
}

/** Frame lines one manifest may hold; Ground Truth jobs take far fewer objects. */
export const MAX_MANIFEST_LINES = 1_000_000;

interface ScenarioRow {
  scenarioId: string;
  driveId: string;
  vehicle: string;
  type: string;
  startNs: bigint;
  endNs: bigint;
  durationS: number;
  description: string | null;
  tags: string[];
  weather: string | null;
  light: string | null;
}

interface DriveSource {
  uri: string;
  startNs: bigint;
}

/** Formats whose files can hold camera frames, preferred as a clip's source. */
const MEDIA_FORMATS = new Set(['mcap', 'rosbag', 'mdf4']);
const SCENARIO_COLUMNS = [
  'scenario_id',
  'drive_id',
  'type',
  'start_time',
  'end_time',
  'duration_s',
  'description',
  'tags',
  'weather',
  'light',
];

/**
 * Selects scenarios from the `scenarios` table (earliest first) and builds the manifest lines. Throws
 * NotFoundError when the lake has no scenarios table.
 */
export async function buildScenarioManifest(options: ScenarioManifestOptions): Promise<ScenarioManifest> {
  const { store, frameRateHz } = options;
  if (frameRateHz !== undefined && !(frameRateHz > 0 && Number.isFinite(frameRateHz))) {
    throw new UsageError(`frame rate must be a positive number of Hz, got ${frameRateHz}`);
  }
  const scenarios = await selectScenarios(options);
  const drives = new Map<string, DriveSource | string>();
  const result: ScenarioManifest = { lines: [], scenarios: 0, frames: 0, skipped: [] };
  for (const scenario of scenarios) {
    let drive = drives.get(scenario.driveId);
    if (drive === undefined) {
      drive = await driveSource(store, scenario.driveId, options.sourcePrefix);
      drives.set(scenario.driveId, drive);
    }
    if (typeof drive === 'string') {
      result.skipped.push({ scenarioId: scenario.scenarioId, driveId: scenario.driveId, reason: drive });
      continue;
    }
    result.scenarios += 1;
    const base = scenarioMetadata(scenario);
    if (frameRateHz === undefined) {
      const t = `${seconds(scenario.startNs - drive.startNs)},${seconds(scenario.endNs - drive.startNs)}`;
      result.lines.push(JSON.stringify({ 'source-ref': `${drive.uri}#t=${t}`, ...base }));
      continue;
    }
    for (let k = 0; ; k++) {
      const frameNs = scenario.startNs + BigInt(Math.round((k * 1e9) / frameRateHz));
      if (frameNs > scenario.endNs) break;
      if (result.lines.length >= MAX_MANIFEST_LINES) {
        throw new UsageError(
          `the manifest would have more than ${MAX_MANIFEST_LINES} frames; lower --frame-rate or --limit`,
        );
      }
      result.lines.push(
        JSON.stringify({
          'source-ref': `${drive.uri}#t=${seconds(frameNs - drive.startNs)}`,
          ...base,
          'frame-index': k,
          'frame-time': isoNs(frameNs),
        }),
      );
      result.frames += 1;
    }
  }
  return result;
}

async function selectScenarios(options: ScenarioManifestOptions): Promise<ScenarioRow[]> {
  const { store, fromNs, toNs } = options;
  const parts = await listTableParts(store, 'scenarios', {
    ...(options.vehicle !== undefined ? { vehicle: options.vehicle } : {}),
  });
  if (parts.length === 0) {
    const where = options.vehicle === undefined ? '' : ` for vehicle ${options.vehicle}`;
    throw new NotFoundError(`no scenarios table in ${store.uri}${where}: run scenario detection first`, {
      uri: store.uri,
    });
  }
  // Partition dates are the UTC dates of start_time: skip whole days outside the range.
  const fromDate = fromNs === undefined ? undefined : isoNs(fromNs).slice(0, 10);
  const toDate = toNs === undefined ? undefined : isoNs(toNs - 1n).slice(0, 10);
  const rows: ScenarioRow[] = [];
  for (const part of parts) {
    if ((fromDate !== undefined && part.date < fromDate) || (toDate !== undefined && part.date > toDate))
      continue;
    const table = await readPart(store, part.key, SCENARIO_COLUMNS);
    for (const row of scenarioRows(table, part.vehicle)) {
      if (row.type !== options.scenarioType) continue;
      if (fromNs !== undefined && row.startNs < fromNs) continue;
      if (toNs !== undefined && row.startNs >= toNs) continue;
      if (options.minDurationS !== undefined && row.durationS < options.minDurationS) continue;
      rows.push(row);
    }
  }
  rows.sort((a, b) =>
    a.startNs !== b.startNs ? (a.startNs < b.startNs ? -1 : 1) : a.scenarioId < b.scenarioId ? -1 : 1,
  );
  return options.limit === undefined ? rows : rows.slice(0, options.limit);
}

function scenarioRows(table: ArrowTable, vehicle: string): ScenarioRow[] {
  const start = timestampsNs(table.getChild('start_time'));
  const end = timestampsNs(table.getChild('end_time'));
  const text = (name: string, i: number): string | null => {
    const value = table.getChild(name)?.get(i) as unknown;
    return typeof value === 'string' ? value : null;
  };
  const out: ScenarioRow[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const startNs = start[i];
    const endNs = end[i];
    const scenarioId = text('scenario_id', i);
    const driveId = text('drive_id', i);
    const type = text('type', i);
    if (
      startNs === undefined ||
      endNs === undefined ||
      scenarioId === null ||
      driveId === null ||
      type === null
    ) {
      continue;
    }
    const tags = table.getChild('tags')?.get(i) as Iterable<unknown> | null | undefined;
    out.push({
      scenarioId,
      driveId,
      vehicle,
      type,
      startNs,
      endNs,
      durationS: Number(table.getChild('duration_s')?.get(i) ?? Number(endNs - startNs) / 1e9),
      description: text('description', i),
      tags: tags ? [...tags].filter((t): t is string => typeof t === 'string') : [],
      weather: text('weather', i),
      light: text('light', i),
    });
  }
  return out;
}

/** Exact timestamps: Arrow JS `get` gives milliseconds as a double; the microseconds are in the buffer. */
function timestampsNs(column: Vector | null): (bigint | undefined)[] {
  const out: (bigint | undefined)[] = [];
  if (!column) return out;
  for (const data of column.data) {
    const micros = data.values as BigInt64Array;
    for (let i = 0; i < data.length; i++) {
      const value = data.getValid(i) ? micros[i] : undefined;
      out.push(value === undefined ? undefined : value * 1000n);
    }
  }
  return out;
}

/** The drive's source object and start, or why the drive cannot be referenced. */
async function driveSource(
  store: ObjectStore,
  driveId: string,
  sourcePrefix: string | undefined,
): Promise<DriveSource | string> {
  let row: Record<string, unknown>;
  try {
    row = (await readDriveRecord(store, driveId)).row;
  } catch (error) {
    if (error instanceof NotFoundError) return 'no drives row';
    throw error;
  }
  const startNs = row.start_time;
  const files = Array.isArray(row.source_files) ? (row.source_files as unknown[]) : [];
  const candidates = files
    .filter((f): f is { uri: string; format: string } => {
      const file = f as { uri?: unknown; format?: unknown } | null;
      return typeof file?.uri === 'string' && typeof file.format === 'string' && file.format !== 'dbc';
    })
    .sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  const chosen = candidates.find((f) => MEDIA_FORMATS.has(f.format)) ?? candidates[0];
  if (typeof startNs !== 'bigint' || chosen === undefined) return 'no source file in its drives row';
  return { uri: sourcePrefix === undefined ? chosen.uri : underPrefix(sourcePrefix, chosen.uri), startNs };
}

/** `<prefix>/<file name>`; a file:// URI's name is percent-decoded (S3 keys are raw). */
function underPrefix(prefix: string, uri: string): string {
  let name = uri.slice(uri.lastIndexOf('/') + 1);
  if (uri.startsWith('file:')) {
    try {
      name = decodeURIComponent(name);
    } catch {
      // Keep the name as recorded.
    }
  }
  return `${prefix.replace(/\/+$/, '')}/${name}`;
}

function scenarioMetadata(s: ScenarioRow): Record<string, unknown> {
  return {
    'scenario-id': s.scenarioId,
    'scenario-type': s.type,
    'drive-id': s.driveId,
    vehicle: s.vehicle,
    'start-time': isoNs(s.startNs),
    'end-time': isoNs(s.endNs),
    'duration-s': s.durationS,
    ...(s.description !== null ? { description: s.description } : {}),
    ...(s.tags.length > 0 ? { tags: s.tags } : {}),
    ...(s.weather !== null ? { weather: s.weather } : {}),
    ...(s.light !== null ? { light: s.light } : {}),
  };
}

/** Seconds with millisecond precision, without trailing zeros (`12.5`, `3`). */
function seconds(ns: bigint): string {
  const ms = Number((ns < 0n ? 0n : ns) / 1_000_000n);
  return String(ms / 1000);
}

/** ISO 8601 UTC with microseconds (the lake's precision). */
function isoNs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const micros = Number((ns % NS_PER_S) / 1000n);
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  return `${base}.${String(micros).padStart(6, '0')}Z`;
}
