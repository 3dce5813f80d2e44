import { availableParallelism } from 'node:os';
import { DEFAULT_ROWS_PER_PART } from './ingestDefaults.js';
import type { ObjectStore } from '../catalog/objectStore.js';
import { LazyEncoder } from '../catalog/lazyEncoder.js';
import type { ClosableEncoder } from '../catalog/lazyEncoder.js';
import { ParquetWorker } from '../catalog/parquetWorker.js';
import { inThreadEncoder } from '../catalog/parquetWriter.js';
import type { ParquetEncoder } from '../catalog/parquetWriter.js';
import { PartitionedTableWriter, type WrittenFile } from '../catalog/tableWriter.js';
import {
  CAN_FRAMES,
  CAN_SIGNALS,
  DRIVES,
  GPS,
  type CanFramesBatch,
  type CanSignalsBatch,
  type DrivesBatch,
  EGO_MOTION,
  type EgoMotionBatch,
  type GpsBatch,
  IMU,
  type ImuBatch,
  type TableDef,
} from '../catalog/tables.js';
import { AdlakeError } from '../core/errors.js';
import { CanVinMasker } from '../transforms/pseudonym/CanVinMasker.js';
import { Pseudonymiser } from '../transforms/pseudonym/Pseudonymiser.js';
import type { Batch, Reject } from '../core/reject.js';
import type { ByteStream, RandomAccessSource } from '../core/source.js';
import { settleAll } from '../core/settleAll.js';
import { isoString } from '../core/time.js';
import type { CanFrame } from './can/frame.js';
import { openCanLog } from './can/readCanLog.js';
import { CanTables } from './canTables.js';
import type { DbcDatabase } from './dbc/model.js';
import type { InputFormat } from './detectFormat.js';
import { gpsColumns, trackDistance } from './gpsColumns.js';
import { isCanFrameGroup, openMdf, readCanFrames } from './mdf4/index.js';
import { mdfGroupMessages } from './mdf4Messages.js';
import { readNmea } from './nmea/readNmea.js';
import { readMcap } from './mcap/readMcap.js';
import { readBag } from './rosbag/readBag.js';
import { loadDecompressors } from './rosmsg/decompressors.js';
import type { Decompressors } from './rosmsg/LogMessage.js';
import { GenericTopicTables } from './topics/GenericTopicTables.js';
import { TopicTables } from './topics/topicTables.js';
import type { IngestReport, InputReport, TableReport } from './ingestReport.js';

/** One raw input, opened by an adapter (local file now, S3 later). */
export interface IngestInput {
  uri: string;
  bytes: number;
  sha256: string;
  format: InputFormat;
  /** The bytes in order, gunzipped when the file is gzip-compressed. */
  stream(): ByteStream;
  /** `stream` through reused buffers where cheaper; see `RawInput.reusedChunks`. */
  reusedChunks?(): ByteStream;
  /** Random access to the raw bytes (for binary formats with an index). */
  source(): RandomAccessSource;
}

/** A DBC to decode with; `bus` limits it to frames of that bus. */
export interface IngestDbc {
  uri: string;
  sha256: string;
  bytes: number;
  db: DbcDatabase;
  bus?: string;
}

export interface IngestDriveOptions {
  store: ObjectStore;
  driveId: string;
  /** The partition value, already pseudonymised (see `Pseudonymiser.vehicle`). */
  vehicle: string;
  /** Id of the key `vehicle` is a pseudonym under, for the drives row; absent when it was kept as given. */
  vehicleKeyId?: string;
  /**
   * Replaces VINs in what the inputs carry (topic names and strings, bytes, CAN transfers, source URIs)
   * before it is written. @default a Pseudonymiser without a key: VINs are redacted, not pseudonymised
   */
  pseudonymiser?: Pseudonymiser;
  inputs: IngestInput[];
  dbcs: IngestDbc[];
  /** Rows per Parquet part file. @default DEFAULT_ROWS_PER_PART (262144, see ingestDefaults.ts) */
  rowsPerFile?: number;
  /** Called with input bytes done so far (for a progress bar). */
  onProgress?: (bytesDone: number, detail: string) => void;
  /** Zlib inflate for BLF containers (a Node codec is supplied by the caller). */
  inflate: (bytes: Uint8Array) => Uint8Array;
  /** Topics a drive must have (bag/MCAP); a missing one is a quality issue, the drive still lands. */
  expectedTopics?: readonly string[];
  /** Detailed rejects kept in the report (all are counted). @default 100 */
  maxRejectDetails?: number;
  /**
   * Threads that encode Parquet while this one decodes; 0 encodes in this thread. Encoding is most of the
   * work: on 2 cores, 2 encoder threads beat 1 (5.9 s vs 7.0 s for 5M frames) although they share a core
   * with the decoding thread. @default defaultEncoderThreads()
   */
  encoderThreads?: number;
  /**
   * Encode `can_frames` and `can_signals` with adlake's own Parquet encoder on a thread of its own (see
   * `catalog/columnsWorker.ts`) rather than with the parquet-wasm threads: 2-3x less CPU per row for these
   * tables (bench/README.md, session 5). Falls back to parquet-wasm when the thread cannot start.
   * @default true
   */
  canEncoderThread?: boolean;
}

/** What the drive's inputs produced, before the run is recorded. */
export interface DriveResult {
  inputs: InputReport[];
  files: WrittenFile[];
  tables: Record<string, TableReport>;
  rows: IngestReport['rows'];
  can: NonNullable<IngestReport['can']>;
  gps: NonNullable<IngestReport['gps']>;
  topics: NonNullable<IngestReport['topics']>;
  /** Things that were read but look wrong or were left out, naming the input. */
  warnings: string[];
  drive?: NonNullable<IngestReport['drive']>;
  rejects: Reject[];
  /** VINs replaced in content (strings, bytes, URIs) and CAN transfers whose VIN bytes were masked. */
  vins: { replaced: number; canMasked: number };
}

export { DEFAULT_ROWS_PER_PART } from './ingestDefaults.js';

/** Two encoder threads, up to four on machines with more cores. */
export function defaultEncoderThreads(): number {
  return Math.min(4, Math.max(2, availableParallelism() - 1));
}

/**
 * Decodes one drive's inputs into the curated tables in a single pass per file: CAN frames into
 * `can_frames` and (with a DBC) `can_signals`, NMEA into `gps`, then one `drives` row. An input that fails
 * part-way keeps what was read before the failure and is reported with the error's position; the rest of
 * the drive still lands.
 */
export async function ingestDrive(options: IngestDriveOptions): Promise<DriveResult> {
  const { store, driveId, vehicle } = options;
  const rowsPerFile = options.rowsPerFile ?? DEFAULT_ROWS_PER_PART;
  const threads = options.encoderThreads ?? defaultEncoderThreads();
  // Both start on their first part: a CAN-only drive never starts parquet-wasm threads, a drive without
  // CAN never starts the CAN encoder's thread.
  const encoder = threads > 0 ? new LazyEncoder(() => ParquetWorker.start({ threads })) : undefined;
  const canEncoder =
    (options.canEncoderThread ?? true)
      ? new LazyEncoder(() => startCanEncoder(encoder ?? inThreadEncoder))
      : undefined;
  // Start the encoders while the first part is decoded, not when it is due (a parquet-wasm thread takes
  // ~0.2 s to load and compile its WebAssembly): the CAN encoder for inputs that can carry CAN,
  // parquet-wasm unless the CAN encoder takes every table the inputs can fill.
  if (options.inputs.some((input) => CAN_FORMATS.has(input.format))) canEncoder?.warm();
  if (!canEncoder || options.inputs.some((input) => !CAN_ONLY_FORMATS.has(input.format))) encoder?.warm();
  const encoding = (table: string): { encoder?: ParquetEncoder; maxPendingFiles?: number } => {
    // Two parts in flight per table: the decoding thread runs on while the encoder finishes one (5M
    // mixed frames 4.46-4.57 -> 4.32-4.40 s, +15 MB peak RSS; measured alternately).
    if (canEncoder && CAN_TABLES.has(table)) return { encoder: canEncoder, maxPendingFiles: 2 };
    if (!encoder) return {};
    return { encoder: table === DRIVES.name ? startedOr(encoder, inThreadEncoder) : encoder };
  };
  try {
    return await ingestWith(
      options,
      <T>(table: TableDef<T>) =>
        new PartitionedTableWriter<T>({
          store,
          table,
          vehicle,
          driveId,
          rowsPerFile,
          ...encoding(table.name),
        }),
    );
  } finally {
    await canEncoder?.close();
    await encoder?.close();
  }
}

/**
 * Tables whose parts the CAN encoder thread takes: the large CAN tables. (`drives`, one
 * row, goes to the parquet-wasm threads only if they run anyway: starting them for it cost more than it,
 * and their memory came on top of the CAN tables' at the end of a CAN-only run.)
 */
const CAN_TABLES: ReadonlySet<string> = new Set([CAN_FRAMES.name, CAN_SIGNALS.name]);

/** Input formats that may hold CAN frames. */
const CAN_FORMATS: ReadonlySet<InputFormat> = new Set([
  'candump',
  'asc',
  'blf',
  'trc',
  'rosbag',
  'mcap',
  'mdf4',
]);

/**
 * `encoder` if it was started by then, else `fallback`: the one `drives` row goes to the encoder threads
 * when they run anyway, and does not start them (or load parquet-wasm in this thread) when they do not.
 */
function startedOr(encoder: LazyEncoder, fallback: ParquetEncoder): ParquetEncoder {
  return { encode: (ipc, plan) => (encoder.started ? encoder : fallback).encode(ipc, plan) };
}

/** Input formats whose rows all go to the CAN encoder when it runs (CAN logs) or to no table (DBCs). */
const CAN_ONLY_FORMATS: ReadonlySet<InputFormat> = new Set(['candump', 'asc', 'blf', 'trc', 'dbc']);

/** The columns encoder's thread; the fallback alone when it cannot start. */
async function startCanEncoder(fallback: ParquetEncoder): Promise<ClosableEncoder> {
  try {
    const { ColumnsWorker } = await import('../catalog/columnsWorker.js');
    return await ColumnsWorker.start({ fallback });
  } catch {
    return { encode: (ipc, plan) => fallback.encode(ipc, plan), close: () => Promise.resolve() };
  }
}

async function ingestWith(
  options: IngestDriveOptions,
  writer: <T>(table: TableDef<T>) => PartitionedTableWriter<T>,
): Promise<DriveResult> {
  const writers = {
    frames: writer(CAN_FRAMES),
    signals: writer(CAN_SIGNALS),
    gps: writer(GPS),
    imu: writer(IMU),
    egoMotion: writer(EGO_MOTION),
  };
  try {
    return await ingestInto(options, writers, writer);
  } catch (error) {
    await Promise.all(Object.values(writers).map((w) => w.abort()));
    throw error;
  }
}

async function ingestInto(
  options: IngestDriveOptions,
  writers: {
    frames: PartitionedTableWriter<CanFramesBatch>;
    signals: PartitionedTableWriter<CanSignalsBatch>;
    gps: PartitionedTableWriter<GpsBatch>;
    imu: PartitionedTableWriter<ImuBatch>;
    egoMotion: PartitionedTableWriter<EgoMotionBatch>;
  },
  writer: <T>(table: TableDef<T>) => PartitionedTableWriter<T>,
): Promise<DriveResult> {
  const can = new CanTables(writers.frames, writers.signals, options.dbcs);
  // No VIN reaches a table in clear: frames are masked before they are written or decoded, strings and
  // bytes of messages scrubbed as they are converted, topic names as they arrive.
  const scrub = options.pseudonymiser ?? new Pseudonymiser();
  const vinsBefore = scrub.vinsReplaced;
  const masker = new CanVinMasker({ bytes: scrub.bytes });
  const addCan = (frames: CanFrame[]): Promise<void> => {
    masker.mask(frames);
    return can.add(frames);
  };
  const topicNames = new Map<string, string>();
  const scrubTopic = <M extends { topic: string; schemaName: string }>(messages: M[]): M[] => {
    for (const m of messages) {
      let topic = topicNames.get(m.topic);
      if (topic === undefined) topicNames.set(m.topic, (topic = scrub.text(m.topic)));
      m.topic = topic;
      m.schemaName = scrub.text(m.schemaName);
    }
    return messages;
  };
  const topics = new TopicTables(
    { gps: writers.gps, imu: writers.imu, egoMotion: writers.egoMotion, can: { add: addCan } },
    undefined,
    scrub.text,
  );
  const otherTopics = new GenericTopicTables({ writerFor: (def) => writer(def), scrub });
  let decompressors: Decompressors | undefined;
  const gpsCounts = { fixes: 0 };
  const distance = trackDistance();
  const span = timeSpan();
  const rejects = new RejectLog(options.maxRejectDetails ?? 100);
  const warnings: string[] = [];
  const reports: InputReport[] = [];
  let bytesBefore = 0;

  for (const input of options.inputs) {
    const report: InputReport = {
      uri: input.uri,
      sha256: input.sha256,
      bytes: input.bytes,
      format: input.format,
      status: 'ingested',
      records: 0,
    };
    reports.push(report);
    const progress = (bytes: number): void =>
      options.onProgress?.(
        bytesBefore + bytes,
        `${can.counts.frames.toLocaleString('en')} frames, ${gpsCounts.fixes.toLocaleString('en')} fixes`,
      );
    try {
      if (input.format === 'nmea') {
        for await (const batch of readNmea(countBytes(input.stream(), progress), { uri: input.uri })) {
          rejects.add(batch.rejects, report);
          report.records = (report.records ?? 0) + batch.records.length;
          gpsCounts.fixes += batch.records.length;
          for (const fix of batch.records) {
            span.add(fix.t);
            distance.add(fix);
          }
          if (batch.records.length > 0) await writers.gps.append(gpsColumns(batch.records));
        }
      } else if (input.format === 'rosbag' || input.format === 'mcap') {
        decompressors ??= await loadDecompressors();
        const read = input.format === 'rosbag' ? readBag : readMcap;
        // A bag's chunk buffers are reused (see `reuseBuffers`): rows that still view a batch's bytes (CAN
        // data) go into the table buffers before the next batch is asked for.
        const reuseBuffers = input.format === 'rosbag';
        for await (const batch of read(countedSource(input.source(), progress), {
          uri: input.uri,
          decompress: decompressors,
          reuseBuffers,
        })) {
          rejects.add(batch.rejects, report);
          markDamaged(report, batch.rejects);
          report.records = (report.records ?? 0) + batch.records.length;
          await otherTopics.add(await topics.add(scrubTopic(batch.records), (t) => span.add(t)));
          if (reuseBuffers) await topics.flush();
        }
        await topics.flush();
      } else if (input.format === 'mdf4') {
        const file = await openMdf(countedSource(input.source(), progress), { inflate: options.inflate });
        for await (const batch of readCanFrames(file)) {
          rejects.add(batch.rejects, report);
          report.records = (report.records ?? 0) + batch.records.length;
          for (const frame of batch.records) span.add(frame.t);
          if (batch.records.length > 0) await addCan(batch.records);
        }
        for (const w of file.warnings) warnings.push(`${input.uri}: ${w}`);
        // Measured signals (not bus logging) land in one topics_mdf_<group> table per channel group.
        for (const group of file.groups.filter((g) => !isCanFrameGroup(g) && !g.isVlsd && g.cycles > 0)) {
          for await (const batch of mdfGroupMessages(file, group, input.uri)) {
            rejects.add(batch.rejects, report);
            report.records = (report.records ?? 0) + batch.records.length;
            for (const m of batch.records) span.add(m.logTime);
            await otherTopics.add(scrubTopic(batch.records));
          }
        }
      } else if (input.format !== 'dbc') {
        for await (const batch of readCan(input, options.inflate, progress)) {
          rejects.add(batch.rejects, report);
          report.records = (report.records ?? 0) + batch.records.length;
          for (const frame of batch.records) span.add(frame.t);
          if (batch.records.length > 0) await addCan(batch.records);
        }
      }
    } catch (error) {
      // A failure part-way (a truncated binary log, a read error) keeps what was read before it.
      report.status = report.records ? 'partial' : 'quarantined';
      report.reason = error instanceof AdlakeError ? 'decode_error' : 'read_error';
      report.message = error instanceof Error ? error.message : String(error);
    }
    bytesBefore += input.bytes;
    progress(0);
  }

  // All at once: each table's last part encodes beside the others' rather than after them.
  const files: WrittenFile[] = (
    await settleAll([
      writers.frames.close(),
      writers.signals.close(),
      writers.gps.close(),
      writers.imu.close(),
      writers.egoMotion.close(),
      otherTopics.close(),
    ])
  ).flat();
  let drive: DriveResult['drive'];
  if (span.first !== undefined && span.last !== undefined) {
    const durationS = Number(span.last - span.first) / 1e9;
    drive = {
      start: isoString(span.first),
      end: isoString(span.last),
      durationS,
      distanceM: distance.metres,
    };
    const issues = ingestIssues(span.first, span.last, topics.counts.messages, options);
    for (const issue of issues) warnings.push(`drive ${options.driveId}: ${issue}`);
    const drives = writer(DRIVES);
    await drives.append(
      driveRow(options, scrub, span.first, span.last, gpsCounts.fixes > 0 ? distance.metres : null, issues),
    );
    files.push(...(await drives.close()));
  }

  const vins = { replaced: scrub.vinsReplaced - vinsBefore, canMasked: masker.masked };
  if (scrub.keyId === undefined && vins.replaced + vins.canMasked > 0) {
    warnings.push(
      `VINs found in the inputs were redacted (${vins.replaced} in text, ${vins.canMasked} in CAN transfers): no pseudonym key is set, so they cannot be joined across drives`,
    );
  }

  const tables: Record<string, TableReport> = {};
  for (const f of files) {
    const t = (tables[f.table] ??= { rows: 0, files: 0, bytes: 0 });
    t.rows += f.rows;
    t.files += 1;
    t.bytes += f.bytes;
  }
  return {
    inputs: reports,
    files,
    tables,
    rows: {
      // Every record read (frames, fixes, bag/MCAP/MDF4 messages) and every one rejected.
      in: reports.reduce((sum, r) => sum + (r.records ?? 0), 0) + rejects.total,
      out: files.reduce((a, f) => a + f.rows, 0),
      rejected: rejects.total,
      rejectedByReason: rejects.byReason,
    },
    can: can.counts,
    gps: gpsCounts,
    topics: topics.counts,
    warnings,
    ...(drive ? { drive } : {}),
    rejects: rejects.details,
    vins,
  };
}

/** The drive's one `drives` row: its span, distance, and every source file with its hash. */
function driveRow(
  options: IngestDriveOptions,
  scrub: Pseudonymiser,
  first: bigint,
  last: bigint,
  distance: number | null,
  issues: readonly string[],
): DrivesBatch {
  const sources = [...options.inputs, ...options.dbcs.map((d) => ({ ...d, format: 'dbc' as const }))];
  return {
    start_time: [first],
    end_time: [last],
    duration_s: [Number(last - first) / 1e9],
    distance_m: [distance],
    // A folder or bucket prefix named by VIN is common: URIs carry the pseudonym (the sha256 finds the file).
    source_files: [
      sources.map((i) => ({ uri: scrub.text(i.uri), sha256: i.sha256, format: i.format, bytes: i.bytes })),
    ],
    formats: [[...new Set(options.inputs.map((i) => i.format))].sort()],
    quality_issues: [issues.map(scrub.text)],
    // The quality step (a later stage) judges a drive fully; ingest only flags what it saw.
    quality_status: [issues.length > 0 ? 'warn' : null],
    vehicle_key_id: [options.vehicleKeyId ?? null],
  };
}

/** Epochs before this are a logger clock that was never set (1970, GPS week rollover, RTC reset). */
const PLAUSIBLE_FROM = Date.UTC(2000, 0, 1);

/**
 * What ingest can already tell is wrong with a drive, as machine-readable `kind:detail` strings:
 * a clock that does not start at a plausible epoch, and expected topics that never appeared.
 */
export function ingestIssues(
  first: bigint,
  last: bigint,
  topicCounts: Readonly<Record<string, number>>,
  options: { expectedTopics?: readonly string[]; now?: () => number },
): string[] {
  const issues: string[] = [];
  const firstMs = Number(first / 1_000_000n);
  const lastMs = Number(last / 1_000_000n);
  const now = (options.now ?? Date.now)();
  if (firstMs < PLAUSIBLE_FROM)
    issues.push(`implausible_clock:starts ${isoString(first)}, before 2000-01-01`);
  // A day of slack for loggers whose clock runs a little ahead.
  if (lastMs > now + 86_400_000) issues.push(`implausible_clock:ends ${isoString(last)}, in the future`);
  for (const topic of options.expectedTopics ?? []) {
    if (!(topicCounts[topic] ?? 0)) issues.push(`missing_topic:${topic}`);
  }
  return issues;
}

/** Container damage that loses messages: the input is kept as far as it is valid, and quarantined. */
const DAMAGE = new Set(['truncated', 'bad_chunk', 'bad_record', 'bad_index']);

/**
 * Marks an input `partial` at its first damaged region (a cut file, a chunk that does not decompress):
 * the messages before and around it land, and the caller quarantines the file with the offset.
 */
function markDamaged(report: InputReport, list: readonly Reject[]): void {
  if (report.status === 'partial') return;
  const damage = list.find((r) => DAMAGE.has(r.reason));
  if (!damage) return;
  report.status = 'partial';
  report.reason = damage.reason;
  report.message =
    damage.offset === undefined ? damage.message : `${damage.message} (at byte ${damage.offset})`;
}

/** Rejects of a drive: exact counts by reason, the first ones in detail. */
class RejectLog {
  readonly byReason: Record<string, number> = {};
  readonly details: Reject[] = [];
  total = 0;

  constructor(private readonly maxDetails: number) {}

  add(list: readonly Reject[], report: InputReport): void {
    for (const r of list) {
      // Past a reader's detail cap one summary entry stands for `count` rejects of its reason.
      const n = r.count ?? 1;
      this.byReason[r.reason] = (this.byReason[r.reason] ?? 0) + n;
      this.total += n;
      report.rejected = (report.rejected ?? 0) + n;
      if (this.details.length < this.maxDetails) this.details.push(r);
    }
  }
}

function timeSpan(): { add(t: bigint): void; first?: bigint; last?: bigint } {
  const span: { add(t: bigint): void; first?: bigint; last?: bigint } = {
    add(t) {
      if (span.first === undefined || t < span.first) span.first = t;
      if (span.last === undefined || t > span.last) span.last = t;
    },
  };
  return span;
}

/** Reports the furthest byte read so far (for progress) while passing reads through. */
function countedSource(source: RandomAccessSource, onBytes: (bytes: number) => void): RandomAccessSource {
  let furthest = 0;
  const seen = (end: number): void => {
    if (end > furthest) {
      furthest = end;
      onBytes(furthest);
    }
  };
  const readInto = source.readInto?.bind(source);
  return {
    uri: source.uri,
    size: () => source.size(),
    read: async (offset, length) => {
      const bytes = await source.read(offset, length);
      seen(offset + bytes.length);
      return bytes;
    },
    ...(readInto
      ? {
          readInto: async (offset: number, target: Uint8Array) => {
            const filled = await readInto(offset, target);
            seen(offset + filled);
            return filled;
          },
        }
      : {}),
  };
}

/** Passes a stream through, reporting the bytes seen so far (for progress). */
async function* countBytes(stream: ByteStream, onBytes: (bytes: number) => void): ByteStream {
  let seen = 0;
  for await (const chunk of stream) {
    seen += chunk.byteLength;
    onBytes(seen);
    yield chunk;
  }
}

async function* readCan(
  input: IngestInput,
  inflate: (bytes: Uint8Array) => Uint8Array,
  onBytes: (bytes: number) => void,
): AsyncIterable<Batch<CanFrame>> {
  // BLF reads from the random-access source; text logs stream (gunzipped already). The candump parser
  // copies what it keeps (frame data into its own slabs), so it may read through reused buffers.
  const stream = (input.format === 'candump' ? input.reusedChunks?.() : undefined) ?? input.stream();
  const log = await openCanLog(input.format === 'blf' ? input.source() : countBytes(stream, onBytes), {
    uri: input.uri,
    inflate,
  });
  yield* log.batches;
}
