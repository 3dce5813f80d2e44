/**
 * `adlake labels import`: reads a Ground Truth job's output tree through an `ObjectStore` (a local folder or
 * an S3 prefix) and writes `gt_worker_responses`, `gt_output_manifest` and `gt_seq_labels`
 * (see `groundTruthTables.ts` for what the partitions mean).
 *
 * Re-importing a job replaces its rows in each table the import has rows for; a table it found nothing for
 * is left as it was, so importing a job's SeqLabel files alone keeps its worker responses.
 */
import { NotFoundError, UsageError } from '../core/errors.js';
import type { Reject } from '../core/reject.js';
import { streamSource } from '../core/source.js';
import type { ObjectStore } from '../catalog/objectStore.js';
import { PartitionedTableWriter } from '../catalog/tableWriter.js';
import type { WrittenFile } from '../catalog/tableWriter.js';
import type { TableDef } from '../catalog/tables.js';
import {
  GT_OUTPUT_MANIFEST,
  GT_SEQ_LABELS,
  GT_WORKER_RESPONSES,
  type LabelTableName,
} from './groundTruthTables.js';
import { parseJson } from './jsonFields.js';
import { classifyJobKey, jobFromLayout } from './labelingJobLayout.js';
import { manifestJobNames, readOutputManifest } from './readOutputManifest.js';
import { readSeqLabel, seqLabelKind } from './readSeqLabel.js';
import { readWorkerResponse } from './readWorkerResponse.js';

export interface ImportLabelsOptions {
  /** Where the tables go. */
  lake: ObjectStore;
  /** The job output tree (or a folder holding several jobs' trees). */
  source: ObjectStore;
  /** Only these keys of `source` (a single file was named). @default every object in `source` */
  keys?: readonly string[];
  /**
   * The job the files belong to. @default the folder above `annotations/`/`manifests/` in Ground Truth's
   * layout, else the one job name in the output manifests' metadata
   */
  job?: string;
  /** Rows per Parquet part file. @default the writer's */
  rowsPerFile?: number;
  /** The time given to SeqLabel rows that no manifest line dates. @default the current time */
  now?: () => bigint;
}

/** What one job's import read and wrote. */
export interface LabelsJobReport {
  job: string;
  /** Where the job name came from. */
  jobFrom: 'option' | 'layout' | 'manifest';
  files: { workerResponses: number; manifests: number; seqLabels: number };
  rows: Record<LabelTableName, number>;
  /** Frames in the SeqLabel files (frames without objects give no rows). */
  frames: number;
  /** Files, answers and lines that were not imported, with the reason. */
  skipped: Reject[];
  /** `skipped` counted by reason. */
  skippedByReason: Record<string, number>;
  written: WrittenFile[];
  /** Stale part files of an earlier import of the job that were deleted. */
  removed: string[];
}

export interface LabelsImportReport {
  source: string;
  files: { listed: number; hidden: number; ignored: number };
  /** Files that are not Ground Truth labels (JSON of another shape, other file types), with the reason. */
  ignored: { uri: string; reason: string }[];
  jobs: LabelsJobReport[];
}

interface JobFiles {
  job: string | undefined;
  jobFrom: LabelsJobReport['jobFrom'] | undefined;
  workerResponses: { key: string; iteration: number; dataObjectId: string }[];
  manifests: string[];
  json: { key: string; dataObjectId: string | null }[];
}

/** Worker-response files fetched at once: S3 answers many small GETs faster in parallel. */
const FETCH_CONCURRENCY = 16;
const ROWS_PER_APPEND = 4096;

/**
 * Imports every Ground Truth file under `source` into the lake, one job at a time. Throws NotFoundError when
 * `source` holds nothing or no Ground Truth file, UsageError when a job's name cannot be told (give `job`).
 * Bad files, answers and lines never abort the import: they are skipped and listed in the report.
 */
export async function importLabels(options: ImportLabelsOptions): Promise<LabelsImportReport> {
  const { source } = options;
  const report: LabelsImportReport = {
    source: source.uri,
    files: { listed: 0, hidden: 0, ignored: 0 },
    ignored: [],
    jobs: [],
  };
  const groups = new Map<string | undefined, JobFiles>();
  const groupOf = (key: string): JobFiles => {
    const layout = options.job === undefined ? jobFromLayout(source.uriOf(key)) : undefined;
    const name = options.job ?? layout;
    let group = groups.get(name);
    if (!group) {
      const jobFrom = options.job !== undefined ? 'option' : layout !== undefined ? 'layout' : undefined;
      group = { job: name, jobFrom, workerResponses: [], manifests: [], json: [] };
      groups.set(name, group);
    }
    return group;
  };
  for await (const key of keysOf(source, options.keys)) {
    report.files.listed += 1;
    const file = classifyJobKey(key);
    switch (file.kind) {
      case 'hidden':
        report.files.hidden += 1;
        break;
      case 'ignored':
        report.files.ignored += 1;
        report.ignored.push({ uri: source.uriOf(key), reason: file.reason });
        break;
      case 'worker-response':
        groupOf(key).workerResponses.push({
          key,
          iteration: file.iteration,
          dataObjectId: file.dataObjectId,
        });
        break;
      case 'manifest':
        groupOf(key).manifests.push(key);
        break;
      case 'json':
        groupOf(key).json.push({ key, dataObjectId: file.dataObjectId });
        break;
    }
  }
  if (report.files.listed === 0) {
    throw new NotFoundError(`labels: nothing to import: no files under ${source.uri}`, { uri: source.uri });
  }
  if (groups.size === 0) {
    throw new NotFoundError(
      `labels: no Ground Truth output under ${source.uri} (worker-response/iteration-N/…/*.json, *.manifest, SeqLabel .json); ${report.files.listed} other file(s)`,
      { uri: source.uri },
    );
  }
  for (const group of await resolveJobs(source, groups, report)) {
    const job = await importJob(options, group, report);
    // A "job" of JSON files that all turned out not to be labels is no job.
    if (job.files.workerResponses + job.files.manifests + job.files.seqLabels > 0) report.jobs.push(job);
  }
  if (report.jobs.length === 0) {
    throw new NotFoundError(
      `labels: no Ground Truth output under ${source.uri}: ${report.ignored.length} JSON/other file(s), none of them labels`,
      { uri: source.uri },
    );
  }
  return report;
}

/**
 * Names the files outside Ground Truth's layout by the one job their manifests name, and merges them into
 * that job's files. Without manifests, JSON that is not a SeqLabel file is set aside as ignored first, so a
 * folder of unrelated JSON reads as "no Ground Truth output" rather than as a missing job name.
 */
async function resolveJobs(
  source: ObjectStore,
  groups: Map<string | undefined, JobFiles>,
  report: LabelsImportReport,
): Promise<JobFiles[]> {
  const unnamed = groups.get(undefined);
  const named = [...groups.values()].filter((g) => g.job !== undefined);
  if (!unnamed) return named;
  const jobs = new Set<string>();
  for (const key of unnamed.manifests) {
    for (const name of await manifestJobNames(streamSource(source.source(key)))) jobs.add(name);
  }
  if (jobs.size === 0 && unnamed.manifests.length === 0 && unnamed.workerResponses.length === 0) {
    const labels = [];
    for (const file of unnamed.json) {
      const parsed = parseJson(decodeText(await source.get(file.key)));
      if ('value' in parsed && seqLabelKind(parsed.value) !== undefined) labels.push(file);
      else {
        report.files.ignored += 1;
        report.ignored.push({ uri: source.uriOf(file.key), reason: notLabelsReason(parsed) });
      }
    }
    if (labels.length === 0) return named;
  }
  if (jobs.size !== 1) {
    const found = jobs.size === 0 ? 'no manifest names one' : `the manifests name ${[...jobs].join(', ')}`;
    throw new UsageError(
      `labels: cannot tell which labeling job the files under ${source.uri} belong to (${found}); give --job <name>`,
    );
  }
  const [job] = [...jobs] as [string];
  const same = named.find((g) => g.job === job);
  if (same) {
    same.workerResponses.push(...unnamed.workerResponses);
    same.manifests.push(...unnamed.manifests);
    same.json.push(...unnamed.json);
    return named;
  }
  return [...named, { ...unnamed, job, jobFrom: 'manifest' }];
}

function notLabelsReason(parsed: { value: unknown } | { error: string }): string {
  return 'error' in parsed ? `not valid JSON: ${parsed.error}` : NOT_LABELS;
}

const NOT_LABELS = 'JSON that is not a SeqLabel file or worker response';

/** Creation time and class map of a SeqLabel file, from the manifest line that references it. */
interface SeqLabelContext {
  creationNs: bigint;
  classMap: Readonly<Record<string, string>> | null;
}

async function importJob(
  options: ImportLabelsOptions,
  files: JobFiles,
  report: LabelsImportReport,
): Promise<LabelsJobReport> {
  const { source } = options;
  const job = files.job ?? '';
  const skipped: Reject[] = [];
  const tables = {
    gt_worker_responses: new TableRows(options, GT_WORKER_RESPONSES, job),
    gt_output_manifest: new TableRows(options, GT_OUTPUT_MANIFEST, job),
    gt_seq_labels: new TableRows(options, GT_SEQ_LABELS, job),
  };
  const seqContext = new Map<string, SeqLabelContext>();
  let frames = 0;
  let seqLabels = 0;
  try {
    for (const key of files.manifests) {
      const uri = source.uriOf(key);
      for await (const batch of readOutputManifest(streamSource(source.source(key)), uri)) {
        skipped.push(...batch.rejects);
        for (const label of batch.records) {
          if (label.ref !== null) {
            seqContext.set(refSuffix(label.ref), { creationNs: label.creationNs, classMap: label.classMap });
          }
          await tables.gt_output_manifest.add({
            job,
            manifest_path: uri,
            line: label.line,
            source_ref: label.sourceRef,
            source: label.source,
            label_attribute: label.attribute,
            label: label.label,
            label_value: label.labelValue,
            class_name: label.className,
            confidence: label.confidence,
            human_annotated: label.humanAnnotated,
            creation_date: label.creationNs,
            job_name: label.jobName,
            type: label.type,
            metadata: label.metadata,
            raw: label.raw,
          });
        }
      }
    }

    for (let i = 0; i < files.workerResponses.length; i += FETCH_CONCURRENCY) {
      const chunk = files.workerResponses.slice(i, i + FETCH_CONCURRENCY);
      const texts = await Promise.all(chunk.map(async (f) => decodeText(await source.get(f.key))));
      for (const [j, file] of chunk.entries()) {
        const uri = source.uriOf(file.key);
        const read = readWorkerResponse(texts[j] ?? '', uri);
        skipped.push(...read.rejects);
        for (const answer of read.answers) {
          await tables.gt_worker_responses.add({
            job,
            iteration: file.iteration,
            data_object_id: file.dataObjectId,
            object_path: uri,
            answer_index: answer.answerIndex,
            submission_time: answer.submissionNs,
            worker_id: answer.workerId,
            identity_provider_type: answer.identityProviderType,
            identity_issuer: answer.identityIssuer,
            identity_sub: answer.identitySub,
            time_spent_s: answer.timeSpentS,
            task: answer.task,
            label: answer.label,
            answer: answer.answer,
          });
        }
      }
    }

    const importNs = (options.now ?? (() => BigInt(Date.now()) * 1_000_000n))();
    for (const file of files.json) {
      const uri = source.uriOf(file.key);
      const parsed = parseJson(decodeText(await source.get(file.key)));
      if ('error' in parsed) {
        skipped.push({ uri, reason: 'invalid_json', message: `not valid JSON: ${parsed.error}` });
        continue;
      }
      const context = seqContext.get(refSuffix(uri));
      const read = readSeqLabel(parsed.value, uri, context?.classMap);
      if (!read) {
        report.files.ignored += 1;
        report.ignored.push({ uri, reason: NOT_LABELS });
        continue;
      }
      seqLabels += 1;
      frames += read.frames;
      skipped.push(...read.rejects);
      for (const box of read.boxes) {
        await tables.gt_seq_labels.add({
          job,
          object_path: uri,
          data_object_id: file.dataObjectId,
          kind: box.kind,
          frame_no: box.frameNo,
          frame: box.frame,
          object_id: box.objectId,
          object_name: box.objectName,
          class_id: box.classId,
          label: box.label,
          box_left: box.left,
          box_top: box.top,
          box_width: box.width,
          box_height: box.height,
          box_length: box.length,
          center_x: box.centerX,
          center_y: box.centerY,
          center_z: box.centerZ,
          roll: box.roll,
          pitch: box.pitch,
          yaw: box.yaw,
          attributes: box.attributes,
          frame_attributes: box.frameAttributes,
          creation_time: context?.creationNs ?? importNs,
        });
      }
    }

    const written: WrittenFile[] = [];
    const removed: string[] = [];
    for (const table of Object.values(tables)) {
      const closed = await table.close();
      written.push(...closed.written);
      removed.push(...closed.removed);
    }
    return {
      job,
      jobFrom: files.jobFrom ?? 'manifest',
      files: { workerResponses: files.workerResponses.length, manifests: files.manifests.length, seqLabels },
      rows: {
        gt_worker_responses: tables.gt_worker_responses.count,
        gt_output_manifest: tables.gt_output_manifest.count,
        gt_seq_labels: tables.gt_seq_labels.count,
      },
      frames,
      skipped,
      skippedByReason: countByReason(skipped),
      written,
      removed,
    };
  } catch (error) {
    for (const table of Object.values(tables)) await table.abort();
    throw error;
  }
}

/**
 * Rows of one table, appended in batches to a writer opened on the first row (a table with no rows in this
 * import keeps its parts).
 */
class TableRows<TBatch> {
  count = 0;
  private rows: Record<string, unknown>[] = [];
  private writer: PartitionedTableWriter<TBatch> | undefined;

  constructor(
    private readonly options: ImportLabelsOptions,
    private readonly table: TableDef<TBatch>,
    private readonly job: string,
  ) {}

  async add(row: Record<string, unknown>): Promise<void> {
    this.rows.push(row);
    this.count += 1;
    if (this.rows.length >= ROWS_PER_APPEND) await this.flush();
  }

  async close(): Promise<{ written: WrittenFile[]; removed: readonly string[] }> {
    await this.flush();
    if (!this.writer) return { written: [], removed: [] };
    const written = await this.writer.close();
    return { written, removed: this.writer.removedKeys };
  }

  async abort(): Promise<void> {
    await this.writer?.abort();
  }

  private async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    this.writer ??= new PartitionedTableWriter({
      store: this.options.lake,
      table: this.table,
      vehicle: this.job,
      driveId: this.job,
      ...(this.options.rowsPerFile !== undefined ? { rowsPerFile: this.options.rowsPerFile } : {}),
    });
    const batch: Record<string, unknown[]> = {};
    for (const field of this.table.schema.fields) {
      batch[field.name] = this.rows.map((row) => row[field.name] ?? null);
    }
    this.rows = [];
    await this.writer.append(batch as TBatch);
  }
}

/**
 * The part of a SeqLabel reference that a copy of the job keeps: from `annotations/` on, when the path has
 * it (`s3://…/<job>/annotations/consolidated-annotation/output/0/SeqLabel.json` matches the same file in a
 * local copy); otherwise the whole URI.
 */
function refSuffix(uri: string): string {
  const at = uri.lastIndexOf('/annotations/');
  return at >= 0 ? uri.slice(at + 1) : uri;
}

/** The given keys, or every key of the store. */
async function* keysOf(source: ObjectStore, keys: readonly string[] | undefined): AsyncIterable<string> {
  if (keys) {
    yield* keys;
    return;
  }
  for await (const { key } of source.list('')) yield key;
}

function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

function countByReason(rejects: readonly Reject[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rejects) counts[r.reason] = (counts[r.reason] ?? 0) + (r.count ?? 1);
  return counts;
}
