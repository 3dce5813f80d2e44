import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync, createGunzip } from 'node:zlib';
import { InputLedger } from '../catalog/inputLedger.js';
import type { ObjectStore } from '../catalog/objectStore.js';
import { quarantine } from '../catalog/quarantine.js';
import { RunRecorder } from '../catalog/runRecord.js';
import { AdlakeError, NotFoundError } from '../core/errors.js';
import type { Progress } from '../cli/progress.js';
import { loadDbcFile } from './dbc/loadDbcFile.js';
import { SNIFF_BYTES, detectFormat, isGzip } from './detectFormat.js';
import { fileSource, fileStream } from '../core/fileSource.js';
import { ingestDrive, type IngestDbc, type IngestInput } from './ingestDrive.js';
import type { IngestReport, InputReport } from './ingestReport.js';

export interface IngestPathsOptions {
  store: ObjectStore;
  /** Files and folders (walked recursively, hidden entries skipped). */
  paths: string[];
  /** DBC files given explicitly; `bus` limits one to a bus. */
  dbcs: { path: string; bus?: string }[];
  vehicle: string;
  rowsPerFile?: number;
  progress?: (label: string, total?: number) => Progress;
  /** The command line, for the run record. */
  argv?: string[];
}

interface LocalInput {
  path: string;
  bytes: number;
  sha256: string;
  gzip: boolean;
  head: Uint8Array;
}

/**
 * The ingest worker's local-file adapter: finds the files, hashes them, detects formats by content,
 * skips inputs the lake already has, quarantines what cannot be read, ingests the rest as one drive, and
 * records the run.
 */
export async function ingestPaths(options: IngestPathsOptions): Promise<IngestReport> {
  const started = performance.now();
  const { store, vehicle } = options;
  const runId = randomUUID();
  const recorder = await RunRecorder.start({ store, job: 'ingest', runId, args: options.argv ?? [] });
  try {
    const files = (await Promise.all(options.paths.map(listFiles))).flat();
    const explicitDbcs = new Set(options.dbcs.map((d) => d.path));
    const local = await Promise.all(files.filter((f) => !explicitDbcs.has(f)).map(inspect));
    const ledger = new InputLedger(store);
    const inputs: InputReport[] = [];
    const dbcs: IngestDbc[] = [];
    const data: { input: LocalInput; format: IngestInput['format'] }[] = [];

    for (const d of options.dbcs) {
      const info = await inspect(d.path);
      dbcs.push(await loadDbc(info, d.bus));
      inputs.push({ uri: d.path, sha256: info.sha256, bytes: info.bytes, format: 'dbc', status: 'dbc' });
    }
    for (const input of local) {
      const format = input.bytes === 0 ? undefined : detectFormat(input.head);
      const report: InputReport = {
        uri: input.path,
        sha256: input.sha256,
        bytes: input.bytes,
        status: 'ingested',
      };
      if (format) report.format = format;
      inputs.push(report);
      if (format === undefined) {
        report.status = 'quarantined';
        report.reason = input.bytes === 0 ? 'empty_file' : 'unknown_format';
        report.message =
          input.bytes === 0
            ? 'the file is empty'
            : 'not a format adlake reads (candump, Vector ASC/BLF, NMEA 0183, DBC), judged by content';
        report.quarantineKey = await quarantine(store, {
          sha256: input.sha256,
          uri: input.path,
          reason: report.reason,
          message: report.message,
          runId,
          bytes: input.bytes === 0 ? new Uint8Array() : undefined,
          stream: input.bytes === 0 ? undefined : fileStream(input.path),
        });
        continue;
      }
      if (format === 'rosbag2_metadata') {
        report.status = 'sidecar';
        continue;
      }
      if (format === 'dbc') {
        try {
          dbcs.push(await loadDbc(input));
          report.status = 'dbc';
        } catch (error) {
          report.status = 'quarantined';
          report.reason = 'bad_dbc';
          report.message = error instanceof Error ? error.message : String(error);
          report.quarantineKey = await quarantine(store, {
            sha256: input.sha256,
            uri: input.path,
            reason: report.reason,
            message: report.message,
            runId,
            where: error instanceof AdlakeError ? error.where : undefined,
          });
        }
        continue;
      }
      if (await ledger.has(input.sha256)) {
        report.status = 'duplicate';
        report.message = 'already in the lake (same sha256)';
        continue;
      }
      data.push({ input, format });
    }

    let status: IngestReport['status'] = 'unchanged';
    let result: Awaited<ReturnType<typeof ingestDrive>> | undefined;
    let driveId: string | undefined;
    if (data.length > 0) {
      // The drive is the set of its new data files: the same files always give the same id.
      driveId = createHash('sha256')
        .update(
          data
            .map((d) => d.input.sha256)
            .sort()
            .join('\n'),
        )
        .digest('hex')
        .slice(0, 16);
      const total = data.reduce((a, d) => a + d.input.bytes, 0);
      const progress = options.progress?.('ingest', total);
      result = await ingestDrive({
        store,
        driveId,
        vehicle,
        rowsPerFile: options.rowsPerFile,
        dbcs,
        inflate: (bytes) => new Uint8Array(inflateSync(bytes)),
        inputs: data.map(({ input, format }) => ({
          uri: input.path,
          bytes: input.bytes,
          sha256: input.sha256,
          format,
          stream: () => fileStream(input.path, { gzip: input.gzip }),
          source: () => fileSource(input.path),
        })),
        onProgress: (done, detail) => progress?.update(done, detail),
      });
      progress?.done(`${result.rows.out.toLocaleString('en')} rows`);
      for (const r of result.inputs) {
        const report = inputs.find((i) => i.uri === r.uri && i.sha256 === r.sha256);
        if (report) Object.assign(report, r);
        if (r.status === 'quarantined' || r.status === 'partial') {
          const reason = r.reason ?? 'decode_error';
          const message = r.message ?? 'could not be decoded';
          const key = await quarantine(store, {
            sha256: r.sha256,
            uri: r.uri,
            reason,
            message,
            runId,
            stream: fileStream(r.uri),
          });
          if (report) report.quarantineKey = key;
        }
        if (r.status === 'ingested' || r.status === 'partial') {
          await ledger.record({
            sha256: r.sha256,
            uri: r.uri,
            bytes: r.bytes,
            format: r.format ?? 'unknown',
            driveId,
            runId,
          });
        }
      }
      const anyQuarantined = inputs.some((i) => i.status === 'quarantined' || i.status === 'partial');
      status = anyQuarantined ? 'partial' : 'ingested';
      if (!result.inputs.some((i) => i.status === 'ingested' || i.status === 'partial')) status = 'failed';
    } else if (inputs.some((i) => i.status === 'quarantined')) {
      status = 'failed';
    }
    if (inputs.length === 0) throw new NotFoundError(`no files found in ${options.paths.join(', ')}`);

    const report: IngestReport = {
      runId,
      status,
      ...(driveId ? { driveId } : {}),
      vehicle,
      lake: store.uri,
      inputs,
      tables: result?.tables ?? {},
      rows: result?.rows ?? { in: 0, out: 0, rejected: 0, rejectedByReason: {} },
      ...(result ? { can: result.can, gps: result.gps, topics: result.topics } : {}),
      ...(result?.drive ? { drive: result.drive } : {}),
      warnings: [
        ...(result?.warnings ?? []),
        ...dbcs.flatMap((d) => d.db.warnings.map((w) => `${w.uri}:${w.line}: ${w.message}`)),
        ...Object.entries(result?.topics.unmapped ?? {}).map(
          ([topic, n]) =>
            `topic ${topic}: ${n} messages of a type with no curated table; not stored (topics_* tables are not built yet)`,
        ),
      ],
      rejects: result?.rejects ?? [],
      seconds: (performance.now() - started) / 1000,
    };
    for (const i of inputs) {
      recorder.addInput({ uri: i.uri, sha256: i.sha256, bytes: i.bytes, format: i.format ?? 'unknown' });
    }
    for (const f of result?.files ?? []) recorder.addOutput(f);
    recorder.count('rows_in', report.rows.in);
    recorder.count('rows_out', report.rows.out);
    recorder.count('rows_rejected', report.rows.rejected);
    for (const [reason, n] of Object.entries(report.rows.rejectedByReason))
      recorder.count(`rejected_${reason}`, n);
    await recorder.finish({ status: status === 'failed' ? 'FAIL' : 'COMPLETE', summary: report });
    return report;
  } catch (error) {
    await recorder.finish({ status: 'FAIL', error });
    throw error;
  }
}

async function listFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new NotFoundError(`no such file or folder: ${path}`, { uri: path }, { cause: error });
  }
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Hashes the file and keeps its first bytes (gunzipped when gzip) for format detection, in one read. */
async function inspect(path: string): Promise<LocalInput> {
  const hash = createHash('sha256');
  let bytes = 0;
  let head: Uint8Array = new Uint8Array(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (head.length < SNIFF_BYTES) head = concat(head, chunk.subarray(0, SNIFF_BYTES - head.length));
    bytes += chunk.length;
  }
  const gzip = isGzip(head);
  if (gzip) head = await gunzipHead(path);
  return { path, bytes, sha256: hash.digest('hex'), gzip, head };
}

async function gunzipHead(path: string): Promise<Uint8Array> {
  let head: Uint8Array = new Uint8Array(0);
  const stream = createReadStream(path).pipe(createGunzip());
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      head = concat(head, chunk.subarray(0, SNIFF_BYTES - head.length));
      if (head.length >= SNIFF_BYTES) break;
    }
  } catch {
    // A corrupt gzip still gets a format verdict from what was inflated.
  } finally {
    stream.destroy();
  }
  return head;
}

async function loadDbc(info: LocalInput, bus?: string): Promise<IngestDbc> {
  const db = await loadDbcFile(info.path);
  return { uri: info.path, sha256: info.sha256, bytes: info.bytes, db, ...(bus ? { bus } : {}) };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
