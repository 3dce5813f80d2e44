import { createHash, randomUUID } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { InputLedger } from '../catalog/inputLedger.js';
import type { ObjectStore } from '../catalog/objectStore.js';
import { quarantinePrefix } from '../catalog/layout.js';
import { quarantine } from '../catalog/quarantine.js';
import { RunRecorder } from '../catalog/runRecord.js';
import { AdlakeError, NotFoundError } from '../core/errors.js';
import { silentProgress, type Progress } from '../cli/progress.js';
import { detectFormat } from './detectFormat.js';
import { ingestDrive, type IngestDbc, type IngestInput } from './ingestDrive.js';
import type { IngestReport, InputReport } from './ingestReport.js';
import { inspectLocalFile, listLocalFiles } from './inputs/localInputs.js';
import type { RawInput } from './inputs/RawInput.js';
import type { S3Inputs, S3InputsOptions } from './inputs/S3Inputs.js';
import { Pseudonymiser } from '../transforms/pseudonym/Pseudonymiser.js';
import type { PseudonymKey } from '../transforms/pseudonym/pseudonymKey.js';

export interface IngestPathsOptions {
  store: ObjectStore;
  /**
   * Files and folders (walked recursively, hidden entries skipped), and `s3://bucket/prefix` URIs (every
   * object under the prefix, or the one object named).
   */
  paths: string[];
  /** DBC files (paths or `s3://` URIs) given explicitly; `bus` limits one to a bus. */
  dbcs: { path: string; bus?: string }[];
  /**
   * The vehicle id (a VIN or a fleet label). With `pseudonymKey` it is replaced by its pseudonym everywhere
   * (partitions, drives row, report, run record, ledger); without, a VIN is refused and other ids are kept.
   */
  vehicle: string;
  /**
   * Key for vehicle pseudonyms (see `transforms/pseudonym`). Without it VINs found in the inputs are redacted
   * and a vehicle id that is a VIN is refused with a `UsageError`. @default none
   */
  pseudonymKey?: PseudonymKey;
  rowsPerFile?: number;
  /** Topics the drive must have; a missing one is flagged in its quality issues. */
  expectedTopics?: string[];
  progress?: (label: string, total?: number) => Progress;
  /** The command line, for the run record. */
  argv?: string[];
  /** How to reach S3 for `s3://` inputs. @default the SDK's default credential and region chain */
  s3?: Omit<S3InputsOptions, 'concurrency'>;
}

/**
 * The ingest worker's entry for files and S3 objects: finds the inputs, hashes them, detects formats by
 * content, skips inputs the lake already has, quarantines what cannot be read, ingests the rest as one drive,
 * and records the run.
 */
export async function ingestPaths(options: IngestPathsOptions): Promise<IngestReport> {
  const started = performance.now();
  const { store } = options;
  // Before anything is written: a VIN without a key is refused here, so not even a run record names it.
  const pseudonymiser = new Pseudonymiser(options.pseudonymKey);
  const vehicle = pseudonymiser.vehicle(options.vehicle);
  const redact = (text: string): string => (text === options.vehicle ? vehicle : pseudonymiser.text(text));
  const runId = randomUUID();
  const recorder = await RunRecorder.start({
    store,
    job: 'ingest',
    runId,
    args: options.argv ?? [],
    redact,
    ...(pseudonymiser.keyId !== undefined ? { pseudonymKeyId: pseudonymiser.keyId } : {}),
  });
  let s3: S3Inputs | undefined;
  // The AWS SDK is loaded only when an input is on S3.
  const openS3 = async (): Promise<S3Inputs> =>
    (s3 ??= new (await import('./inputs/S3Inputs.js')).S3Inputs(options.s3));
  try {
    const explicitDbcs = new Set(options.dbcs.map((d) => d.path));
    const listed = await Promise.all(
      options.paths.map(async (path) =>
        isS3(path)
          ? (await (await openS3()).list(path)).filter((i) => !explicitDbcs.has(i.uri))
          : Promise.all(
              (await listLocalFiles(path)).filter((f) => !explicitDbcs.has(f)).map(inspectLocalFile),
            ),
      ),
    );
    const local = listed.flat();
    const ledger = new InputLedger(store);
    const inputs: InputReport[] = [];
    const dbcs: IngestDbc[] = [];
    const data: { input: RawInput; format: IngestInput['format'] }[] = [];
    const byUri = new Map(local.map((i) => [i.uri, i]));

    for (const d of options.dbcs) {
      const info = isS3(d.path) ? await (await openS3()).open(d.path) : await inspectLocalFile(d.path);
      dbcs.push(await loadDbc(info, d.bus));
      inputs.push({ uri: d.path, sha256: info.sha256, bytes: info.bytes, format: 'dbc', status: 'dbc' });
    }
    for (const input of local) {
      const format = input.bytes === 0 ? undefined : detectFormat(input.head);
      const report: InputReport = {
        uri: input.uri,
        sha256: input.sha256,
        bytes: input.bytes,
        status: 'ingested',
      };
      if (format) report.format = format;
      inputs.push(report);
      if (format === undefined) {
        report.reason = input.bytes === 0 ? 'empty_file' : 'unknown_format';
        const key = `${quarantinePrefix(input.sha256)}reason.json`;
        if (await store.exists(key)) {
          // Same bytes, same verdict: re-running a drive must not turn into a failure.
          report.status = 'duplicate';
          report.message = 'already in quarantine (same sha256)';
          report.quarantineKey = key;
          continue;
        }
        report.status = 'quarantined';
        report.message =
          input.bytes === 0
            ? 'the file is empty'
            : 'not a format adlake reads (CAN logs, NMEA 0183, ROS bag, MCAP, MDF4, DBC), judged by content';
        report.quarantineKey = await quarantine(store, {
          sha256: input.sha256,
          uri: input.uri,
          reason: report.reason,
          message: report.message,
          runId,
          bytes: input.bytes === 0 ? new Uint8Array() : undefined,
          stream: input.bytes === 0 ? undefined : input.rawStream(),
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
            uri: input.uri,
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
      // A silent reporter gets no updates: their detail text (numbers formatted for the locale, whose first
      // use loads ICU data, some 30 ms) is then never built.
      const shown = options.progress?.('ingest', total);
      const progress = shown === silentProgress ? undefined : shown;
      result = await ingestDrive({
        store,
        driveId,
        vehicle,
        ...(pseudonymiser.pseudonymises(options.vehicle) && pseudonymiser.keyId !== undefined
          ? { vehicleKeyId: pseudonymiser.keyId }
          : {}),
        pseudonymiser,
        rowsPerFile: options.rowsPerFile,
        ...(options.expectedTopics ? { expectedTopics: options.expectedTopics } : {}),
        dbcs,
        inflate: (bytes) => new Uint8Array(inflateSync(bytes)),
        inputs: data.map(({ input, format }) => {
          const reusedChunks = input.reusedChunks?.bind(input);
          return {
            uri: input.uri,
            bytes: input.bytes,
            sha256: input.sha256,
            format,
            stream: () => input.stream(),
            ...(reusedChunks ? { reusedChunks } : {}),
            source: () => input.source(),
          };
        }),
        ...(progress ? { onProgress: (done: number, detail?: string) => progress.update(done, detail) } : {}),
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
            stream: byUri.get(r.uri)?.rawStream(),
          });
          if (report) report.quarantineKey = key;
        }
        if (r.status === 'ingested' || r.status === 'partial') {
          await ledger.record({
            sha256: r.sha256,
            uri: pseudonymiser.text(r.uri),
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

    // The report is the run record's summary and the command's output: every string in it is scrubbed.
    const report: IngestReport = pseudonymiser.json({
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
      ],
      rejects: result?.rejects ?? [],
      seconds: (performance.now() - started) / 1000,
    } satisfies IngestReport);
    for (const i of inputs) {
      recorder.addInput({ uri: i.uri, sha256: i.sha256, bytes: i.bytes, format: i.format ?? 'unknown' });
    }
    for (const f of result?.files ?? []) recorder.addOutput(f);
    recorder.count('rows_in', report.rows.in);
    recorder.count('rows_out', report.rows.out);
    recorder.count('rows_rejected', report.rows.rejected);
    if (result && result.vins.replaced > 0) recorder.count('vins_replaced', result.vins.replaced);
    if (result && result.vins.canMasked > 0)
      recorder.count('can_vin_transfers_masked', result.vins.canMasked);
    for (const [reason, n] of Object.entries(report.rows.rejectedByReason))
      recorder.count(`rejected_${reason}`, n);
    await recorder.finish({ status: status === 'failed' ? 'FAIL' : 'COMPLETE', summary: report });
    // The part files go to the caller (to register them in the catalog); the run record lists them as outputs.
    return { ...report, files: result?.files ?? [] };
  } catch (error) {
    await recorder.finish({ status: 'FAIL', error });
    throw error;
  } finally {
    s3?.close();
  }
}

function isS3(path: string): boolean {
  return path.startsWith('s3://');
}

async function loadDbc(info: RawInput, bus?: string): Promise<IngestDbc> {
  const db = await info.parseDbc();
  return { uri: info.uri, sha256: info.sha256, bytes: info.bytes, db, ...(bus ? { bus } : {}) };
}
