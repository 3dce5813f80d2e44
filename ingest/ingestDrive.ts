import { availableParallelism } from 'node:os';
import type { ObjectStore } from '../catalog/objectStore.js';
import { ParquetWorker } from '../catalog/parquetWorker.js';
import { PartitionedTableWriter, type WrittenFile } from '../catalog/tableWriter.js';
import { CAN_FRAMES, CAN_SIGNALS, DRIVES, GPS, type TableDef } from '../catalog/tables.js';
import { AdlakeError } from '../core/errors.js';
import type { Batch, Reject } from '../core/reject.js';
import type { ByteStream, RandomAccessSource } from '../core/source.js';
import { isoString } from '../core/time.js';
import { SignalColumns, Interner, canFrameColumns } from './can/canBatchColumns.js';
import type { CanFrame } from './can/frame.js';
import { openCanLog } from './can/readCanLog.js';
import { compileDecoder, type CanDecoder } from './dbc/compileDecoder.js';
import type { DbcDatabase } from './dbc/model.js';
import type { InputFormat } from './detectFormat.js';
import { gpsColumns, trackDistance } from './gpsColumns.js';
import { readNmea } from './nmea/readNmea.js';
import type { IngestReport, InputReport, TableReport } from './ingestReport.js';

/** One raw input, opened by an adapter (local file now, S3 later). */
export interface IngestInput {
  uri: string;
  bytes: number;
  sha256: string;
  format: InputFormat;
  /** The bytes in order, gunzipped when the file is gzip-compressed. */
  stream(): ByteStream;
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
  vehicle: string;
  inputs: IngestInput[];
  dbcs: IngestDbc[];
  /**
   * Rows per Parquet part file. Smaller parts keep the encoder threads busy and memory low (measured on a
   * 5M-frame log with 2 encoder threads: 256 Ki rows 5.9 s / 400 MB peak RSS, 512 Ki 6.1 s / 515 MB,
   * 1M 7.0 s / 710 MB); compaction into larger files is a later, separate step.
   * @default DEFAULT_ROWS_PER_PART (262144)
   */
  rowsPerFile?: number;
  /** Called with input bytes done so far (for a progress bar). */
  onProgress?: (bytesDone: number, detail: string) => void;
  /** Zlib inflate for BLF containers (a Node codec is supplied by the caller). */
  inflate: (bytes: Uint8Array) => Uint8Array;
  /** Detailed rejects kept in the report (all are counted). @default 100 */
  maxRejectDetails?: number;
  /**
   * Threads that encode Parquet while this one decodes; 0 encodes in this thread. Encoding is most of the
   * work: on 2 cores, 2 encoder threads beat 1 (5.9 s vs 7.0 s for 5M frames) although they share a core
   * with the decoding thread. @default defaultEncoderThreads()
   */
  encoderThreads?: number;
}

/** What the drive's inputs produced, before the run is recorded. */
export interface DriveResult {
  inputs: InputReport[];
  files: WrittenFile[];
  tables: Record<string, TableReport>;
  rows: IngestReport['rows'];
  can: NonNullable<IngestReport['can']>;
  gps: NonNullable<IngestReport['gps']>;
  drive?: NonNullable<IngestReport['drive']>;
  rejects: Reject[];
}

export const DEFAULT_ROWS_PER_PART = 262_144;

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
  const encoder = threads > 0 ? await ParquetWorker.start({ threads }) : undefined;
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
          ...(encoder ? { encoder } : {}),
        }),
    );
  } finally {
    await encoder?.close();
  }
}

async function ingestWith(
  options: IngestDriveOptions,
  writer: <T>(table: TableDef<T>) => PartitionedTableWriter<T>,
): Promise<DriveResult> {
  const maxRejectDetails = options.maxRejectDetails ?? 100;
  const frames = writer(CAN_FRAMES);
  const signals = writer(CAN_SIGNALS);
  const gps = writer(GPS);

  const decoders = options.dbcs.map((d) => ({ bus: d.bus, decoder: compileDecoder(d.db) }));
  const buses = new Interner();
  const sink = new SignalColumns(buses);
  const undecodedIds = new Set<number>();
  const can = {
    frames: 0,
    decodedFrames: 0,
    undecodedFrames: 0,
    undecodedIds: 0,
    shortFrames: 0,
    signals: 0,
  };
  const gpsCounts = { fixes: 0 };
  const rejectedByReason: Record<string, number> = {};
  const rejects: Reject[] = [];
  const reports: InputReport[] = [];
  let bytesBefore = 0;
  let first: bigint | undefined;
  let last: bigint | undefined;
  const distance = trackDistance();

  const noteRejects = (list: readonly Reject[], report: InputReport): void => {
    for (const r of list) {
      // Past a reader's detail cap one summary entry stands for `count` rejects of its reason.
      const n = r.count ?? 1;
      rejectedByReason[r.reason] = (rejectedByReason[r.reason] ?? 0) + n;
      report.rejected = (report.rejected ?? 0) + n;
      if (rejects.length < maxRejectDetails) rejects.push(r);
    }
  };
  const noteTime = (t: bigint): void => {
    if (first === undefined || t < first) first = t;
    if (last === undefined || t > last) last = t;
  };
  const decodersFor = (bus: string): CanDecoder[] =>
    decoders.filter((d) => d.bus === undefined || d.bus === bus).map((d) => d.decoder);
  const busDecoders = new Map<string, CanDecoder[]>();

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
    try {
      if (input.format === 'nmea') {
        for await (const batch of readNmea(input.stream(), { uri: input.uri })) {
          noteRejects(batch.rejects, report);
          if (batch.records.length === 0) continue;
          report.records = (report.records ?? 0) + batch.records.length;
          gpsCounts.fixes += batch.records.length;
          for (const fix of batch.records) {
            noteTime(fix.t);
            distance.add(fix);
          }
          await gps.append(gpsColumns(batch.records));
        }
      } else if (input.format !== 'dbc') {
        for await (const batch of readCan(input, options.inflate)) {
          noteRejects(batch.rejects, report);
          const list = batch.records;
          if (list.length === 0) continue;
          report.records = (report.records ?? 0) + list.length;
          can.frames += list.length;
          for (const frame of list) {
            noteTime(frame.t);
            if (frame.error || frame.remote) continue;
            let ds = busDecoders.get(frame.bus);
            if (ds === undefined) {
              ds = decodersFor(frame.bus);
              busDecoders.set(frame.bus, ds);
            }
            let decoded = false;
            for (const decoder of ds) {
              const compiled = decoder.lookup(frame.id, frame.extended);
              if (compiled === undefined) continue;
              sink.frame(frame.t, buses.id(frame.bus, frame.bus));
              const count = compiled.decode(frame.data, sink);
              if (count < 0 || compiled.lastTruncated) can.shortFrames += 1;
              decoded = true;
              break;
            }
            if (decoded) can.decodedFrames += 1;
            else {
              can.undecodedFrames += 1;
              undecodedIds.add(frame.extended ? frame.id + 0x1_0000_0000 : frame.id);
            }
          }
          await frames.append(canFrameColumns(list, buses));
          if (sink.rows > 0) {
            can.signals += sink.rows;
            await signals.append(sink.take());
          }
          options.onProgress?.(bytesBefore, `${can.frames.toLocaleString('en')} frames`);
        }
      }
    } catch (error) {
      report.status = report.records ? 'partial' : 'quarantined';
      report.reason = error instanceof AdlakeError ? 'decode_error' : 'read_error';
      report.message = error instanceof Error ? error.message : String(error);
    }
    bytesBefore += input.bytes;
    options.onProgress?.(bytesBefore, `${input.uri}`);
  }
  can.undecodedIds = undecodedIds.size;

  const files: WrittenFile[] = [
    ...(await frames.close()),
    ...(await signals.close()),
    ...(await gps.close()),
  ];
  let drive: DriveResult['drive'];
  if (first !== undefined && last !== undefined) {
    const durationS = Number(last - first) / 1e9;
    drive = { start: isoString(first), end: isoString(last), durationS, distanceM: distance.metres };
    const drives = writer(DRIVES);
    await drives.append({
      start_time: [first],
      end_time: [last],
      duration_s: [durationS],
      distance_m: [gpsCounts.fixes > 0 ? distance.metres : null],
      source_files: [
        [...options.inputs, ...options.dbcs.map((d) => ({ ...d, format: 'dbc' as const }))].map((i) => ({
          uri: i.uri,
          sha256: i.sha256,
          format: i.format,
          bytes: i.bytes,
        })),
      ],
      formats: [[...new Set(options.inputs.map((i) => i.format))].sort()],
      quality_issues: [[]],
    });
    files.push(...(await drives.close()));
  }

  const tables: Record<string, TableReport> = {};
  for (const f of files) {
    const t = (tables[f.table] ??= { rows: 0, files: 0, bytes: 0 });
    t.rows += f.rows;
    t.files += 1;
    t.bytes += f.bytes;
  }
  const rejected = Object.values(rejectedByReason).reduce((a, b) => a + b, 0);
  const recordsIn = can.frames + gpsCounts.fixes + rejected;
  const rowsOut = files.reduce((a, f) => a + f.rows, 0);
  return {
    inputs: reports,
    files,
    tables,
    rows: { in: recordsIn, out: rowsOut, rejected, rejectedByReason },
    can,
    gps: gpsCounts,
    ...(drive ? { drive } : {}),
    rejects,
  };
}

async function* readCan(
  input: IngestInput,
  inflate: (bytes: Uint8Array) => Uint8Array,
): AsyncIterable<Batch<CanFrame>> {
  // Binary formats with an index read from the random-access source; text logs stream (gunzipped already).
  const log = await openCanLog(input.format === 'blf' ? input.source() : input.stream(), {
    uri: input.uri,
    inflate,
  });
  yield* log.batches;
}
