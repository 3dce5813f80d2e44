/**
 * Gathers what the quality gates need for one drive from the lake, through the object store: the drive's
 * row (vehicle, start, source files), its GNSS track from the `gps` table, and the CAN decode statistics of
 * the ingest run that wrote it (its OpenLineage RunEvent in `_runs/`, found through the input ledger). The
 * signal series come from time sync (`transforms/sync`) and are passed in.
 */
import type { Table as ArrowTable, Vector } from 'apache-arrow';
import { readDriveRecord } from '../../catalog/driveRecord.js';
import { InputLedger } from '../../catalog/inputLedger.js';
import { asRecord, getJson } from '../../catalog/jsonObject.js';
import { RUNS_PREFIX, runKey } from '../../catalog/layout.js';
import type { ObjectStore } from '../../catalog/objectStore.js';
import { readDriveTable } from '../../catalog/readTable.js';
import { GPS } from '../../catalog/tables.js';
import { NotFoundError } from '../../core/errors.js';
import type { SignalSeries } from '../timeline.js';
import type { DecodeStats, GpsTrack, QualityInput } from './qualityGates.js';

export interface ReadQualityInputsOptions {
  store: ObjectStore;
  driveId: string;
  /** The drive's recorded signals (from time sync's series reader). */
  series: SignalSeries[];
  expectedSignals?: string[];
  clockOffsetS?: number;
}

export interface QualityInputs extends QualityInput {
  /** The ingest run the decode statistics come from; undefined when no run record names the drive. */
  ingestRunId?: string;
}

/** Formats whose rejects are CAN log lines or records that could not be read as frames. */
const CAN_LOG_FORMATS = new Set(['candump', 'asc', 'blf', 'trc', 'mdf4']);

/**
 * Reads the quality inputs of `driveId`. Throws NotFoundError when the lake has no such drive. A drive
 * without GNSS gets no `gps`; one without CAN (or without a run record) gets no `decode`.
 */
export async function readQualityInputs(options: ReadQualityInputsOptions): Promise<QualityInputs> {
  const { store, driveId } = options;
  const record = await readDriveRecord(store, driveId);
  const start = record.row.start_time;
  const gps = await readGpsTrack(store, driveId);
  const run = await findIngestRun(store, driveId, sourceHashes(record.row.source_files));
  const decode = run ? decodeStats(run.summary) : undefined;
  return {
    driveId,
    vehicle: record.vehicle,
    ...(typeof start === 'bigint' ? { start } : {}),
    series: options.series,
    ...(gps ? { gps } : {}),
    ...(decode ? { decode } : {}),
    ...(options.expectedSignals ? { expectedSignals: options.expectedSignals } : {}),
    ...(options.clockOffsetS !== undefined ? { clockOffsetS: options.clockOffsetS } : {}),
    ...(run ? { ingestRunId: run.runId } : {}),
  };
}

/** The drive's GNSS fixes from the `gps` table, every part concatenated; undefined without fixes. */
export async function readGpsTrack(store: ObjectStore, driveId: string): Promise<GpsTrack | undefined> {
  const columns = ['t', 'lat', 'lon', 'fix_quality', 'hdop', 'satellites'];
  const parts: ArrowTable[] = [];
  for await (const { rows } of readDriveTable(store, GPS.name, driveId, columns)) {
    if (rows.numRows > 0) parts.push(rows);
  }
  const n = parts.reduce((sum, p) => sum + p.numRows, 0);
  if (n === 0) return undefined;
  const track = {
    t: new BigInt64Array(n),
    lat: new Float64Array(n),
    lon: new Float64Array(n),
    fixQuality: new Float64Array(n),
    hdop: new Float64Array(n),
    satellites: new Float64Array(n),
  };
  let at = 0;
  for (const part of parts) {
    copyMicrosAsNs(part.getChild('t'), track.t, at);
    copyNumbers(part.getChild('lat'), track.lat, at, part.numRows);
    copyNumbers(part.getChild('lon'), track.lon, at, part.numRows);
    copyNumbers(part.getChild('fix_quality'), track.fixQuality, at, part.numRows);
    copyNumbers(part.getChild('hdop'), track.hdop, at, part.numRows);
    copyNumbers(part.getChild('satellites'), track.satellites, at, part.numRows);
    at += part.numRows;
  }
  return track;
}

// Arrow JS returns timestamps from `get` as milliseconds (a double); the exact micros are in the buffers.
function copyMicrosAsNs(vector: Vector | null, out: BigInt64Array, at: number): void {
  if (!vector) return;
  let k = at;
  for (const data of vector.data) {
    const values = data.values as BigInt64Array;
    for (let i = 0; i < data.length; i++) out[k + i] = (values[i] ?? 0n) * 1000n;
    k += data.length;
  }
}

/** Copies a numeric column (any width) as doubles, NaN for null; a missing column is all NaN. */
function copyNumbers(vector: Vector | null, out: Float64Array, at: number, rows: number): void {
  if (!vector) {
    out.fill(NaN, at, at + rows);
    return;
  }
  let k = at;
  for (const data of vector.data) {
    const values = data.values as ArrayLike<number>;
    const nulls = data.nullCount > 0;
    for (let i = 0; i < data.length; i++) {
      out[k + i] = nulls && !data.getValid(i) ? NaN : (values[i] ?? NaN);
    }
    k += data.length;
  }
}

function sourceHashes(sourceFiles: unknown): string[] {
  if (!Array.isArray(sourceFiles)) return [];
  const hashes: string[] = [];
  for (const file of sourceFiles as unknown[]) {
    if (typeof file !== 'object' || file === null) continue;
    const { sha256, format } = file as { sha256?: unknown; format?: unknown };
    // DBCs are shared between drives; their ledger entry (if any) names another run.
    if (typeof sha256 === 'string' && format !== 'dbc') hashes.push(sha256);
  }
  return hashes;
}

interface IngestRun {
  runId: string;
  eventTime: string;
  summary: Record<string, unknown>;
}

/**
 * The latest completed ingest run whose summary names `driveId`: looked up through the input ledger (the
 * drive's data files name the run that ingested them), else by reading every run record.
 */
async function findIngestRun(
  store: ObjectStore,
  driveId: string,
  hashes: readonly string[],
): Promise<IngestRun | undefined> {
  const ledger = new InputLedger(store);
  const keys = new Set<string>();
  for (const sha256 of hashes) {
    const entry = await ledger.get(sha256);
    if (entry?.driveId === driveId) keys.add(runKey(entry.runId));
  }
  if (keys.size === 0) {
    for await (const object of store.list(RUNS_PREFIX))
      if (object.key.endsWith('.json')) keys.add(object.key);
  }
  let best: IngestRun | undefined;
  for (const key of keys) {
    let run: IngestRun | undefined;
    try {
      run = await getJson(store, key, (value) => ingestRunOf(value, driveId));
    } catch (error) {
      // A ledger entry can outlive its run record (a lake copied without `_runs/`).
      if (error instanceof NotFoundError) continue;
      throw error;
    }
    if (run && (!best || run.eventTime > best.eventTime)) best = run;
  }
  return best;
}

function ingestRunOf(value: unknown, driveId: string): IngestRun | undefined {
  const event = asRecord(value, 'run event');
  const job = event.job as { name?: unknown } | undefined;
  if (job?.name !== 'ingest' || event.eventType !== 'COMPLETE') return undefined;
  const run = asRecord(event.run, 'run');
  const facets = asRecord(run.facets, 'run facets');
  const summaryFacet = facets.adlake_summary as { summary?: unknown } | undefined;
  const summary = summaryFacet?.summary;
  if (typeof summary !== 'object' || summary === null) return undefined;
  const record = summary as Record<string, unknown>;
  if (record.driveId !== driveId || typeof run.runId !== 'string' || typeof event.eventTime !== 'string')
    return undefined;
  return { runId: run.runId, eventTime: event.eventTime, summary: record };
}

/**
 * CAN decode statistics from an ingest report: frames read plus CAN-log rejects in the denominator, short
 * frames and CAN-log rejects as errors. Rejects keep their reasons when every reject of the run came from a
 * CAN log; otherwise (NMEA rejects mixed in) the CAN ones are one `unreadable_record` count.
 */
export function decodeStats(summary: Record<string, unknown>): DecodeStats | undefined {
  const can = summary.can as Record<string, unknown> | undefined;
  if (typeof can !== 'object' || can === null) return undefined;
  const frames = count(can.frames);
  const shortFrames = count(can.shortFrames);
  let canRejected = 0;
  if (Array.isArray(summary.inputs)) {
    for (const input of summary.inputs as unknown[]) {
      if (typeof input !== 'object' || input === null) continue;
      const { format, rejected } = input as { format?: unknown; rejected?: unknown };
      if (typeof format === 'string' && CAN_LOG_FORMATS.has(format)) canRejected += count(rejected);
    }
  }
  if (frames === 0 && canRejected === 0) return undefined;
  const errorsByReason: Record<string, number> = {};
  if (shortFrames > 0) errorsByReason.short_frame = shortFrames;
  if (canRejected > 0) {
    const rows = summary.rows as { rejected?: unknown; rejectedByReason?: unknown } | undefined;
    const byReason = rows?.rejectedByReason;
    if (count(rows?.rejected) === canRejected && typeof byReason === 'object' && byReason !== null) {
      for (const [reason, n] of Object.entries(byReason))
        errorsByReason[reason] = (errorsByReason[reason] ?? 0) + count(n);
    } else errorsByReason.unreadable_record = canRejected;
  }
  return {
    frames: frames + canRejected,
    decoded: count(can.decodedFrames),
    errors: shortFrames + canRejected,
    errorsByReason,
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
