/**
 * The Ground Truth label tables: worker answers, consolidated labels (output manifests) and video/3D
 * sequence labels (SeqLabel.json), written by `adlake labels import`.
 *
 * The lake partitions every table by `vehicle` and `date` (see `catalog/tables.ts`). For labels:
 * - `vehicle` is the labeling job name. Labels are organised by job the way drives are by vehicle: a job is
 *   what one queries, re-imports and deletes. The `job` column repeats it so the tables read naturally.
 * - `date` is the UTC date of the row's own time: the worker's submission time, the manifest's
 *   `creation-date`, the creation date of the SeqLabel file's manifest line.
 * - the part files' drive id (`<drive id>-<part>.parquet`) is the job name too, so re-importing a job
 *   overwrites its parts and deletes the stale ones (see `PartitionedTableWriter`).
 * Rows have no `drive_id` column: labels belong to data objects (images, frames), not to drives.
 * Column names avoid Trino's reserved words (`left` is one), so Athena SQL needs no quoting.
 */
import { Bool, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import type {
  BoolColumn,
  Float64Column,
  IntColumn,
  StringColumn,
  TimestampColumn,
} from '../catalog/columnBuffer.js';
import { column, name, PARTITION_KEYS, timestamp, type TableDef } from '../catalog/tables.js';

/** Column shapes of `gt_worker_responses` rows. */
export interface WorkerResponsesBatch {
  job: StringColumn;
  iteration?: IntColumn;
  data_object_id?: StringColumn;
  object_path: StringColumn;
  answer_index: IntColumn;
  submission_time: TimestampColumn;
  worker_id: StringColumn;
  identity_provider_type?: StringColumn;
  identity_issuer?: StringColumn;
  identity_sub?: StringColumn;
  time_spent_s?: Float64Column;
  task?: StringColumn;
  label?: StringColumn;
  answer: StringColumn;
}

/** Column shapes of `gt_output_manifest` rows. */
export interface OutputManifestBatch {
  job: StringColumn;
  manifest_path: StringColumn;
  line: IntColumn;
  source_ref?: StringColumn;
  source?: StringColumn;
  label_attribute: StringColumn;
  label?: StringColumn;
  label_value: StringColumn;
  class_name?: StringColumn;
  confidence?: Float64Column;
  human_annotated?: BoolColumn;
  creation_date: TimestampColumn;
  job_name?: StringColumn;
  type?: StringColumn;
  metadata: StringColumn;
  raw: StringColumn;
}

/** Column shapes of `gt_seq_labels` rows. */
export interface SeqLabelsBatch {
  job: StringColumn;
  object_path: StringColumn;
  data_object_id?: StringColumn;
  kind: StringColumn;
  frame_no: IntColumn;
  frame?: StringColumn;
  object_id?: StringColumn;
  object_name?: StringColumn;
  class_id?: IntColumn;
  label?: StringColumn;
  box_left?: Float64Column;
  box_top?: Float64Column;
  box_width?: Float64Column;
  box_height?: Float64Column;
  box_length?: Float64Column;
  center_x?: Float64Column;
  center_y?: Float64Column;
  center_z?: Float64Column;
  roll?: Float64Column;
  pitch?: Float64Column;
  yaw?: Float64Column;
  attributes?: StringColumn;
  frame_attributes?: StringColumn;
  creation_time: TimestampColumn;
}

const jobColumn = () =>
  column('job', name(), 'Labeling job the row was imported under (also the vehicle partition value).');
const optional = { nullable: true } as const;
/** Label tables keep the labeling job in the lake's `vehicle` partition (see the file comment). */
const partitionDocs = {
  vehicle: 'Labeling job name (the job column), from the vehicle= folder.',
} as const;

export const GT_WORKER_RESPONSES: TableDef<WorkerResponsesBatch> = {
  name: 'gt_worker_responses',
  doc: 'One row per worker answer in a Ground Truth job (annotations/worker-response/iteration-N/<object>/*.json).',
  schema: new Schema([
    jobColumn(),
    column('iteration', new Int32(), 'N of the iteration-N folder; null when the path has none.', optional),
    column(
      'data_object_id',
      new Utf8(),
      'Dataset object id: the folder under iteration-N (the 0-based line of the input manifest).',
      optional,
    ),
    column('object_path', new Utf8(), 'URI (s3:// or file://) of the worker-response file.'),
    column('answer_index', new Int32(), '0-based position of the answer in the file’s answers array.'),
    column('submission_time', timestamp(), 'submissionTime of the answer, UTC.'),
    column('worker_id', name(), 'workerId (public.<region>.<id> for the public workforce).'),
    column(
      'identity_provider_type',
      name(),
      'workerMetadata.identityData.identityProviderType (Cognito, Oidc); private workforces only.',
      optional,
    ),
    column('identity_issuer', name(), 'workerMetadata.identityData.issuer.', optional),
    column(
      'identity_sub',
      name(),
      'workerMetadata.identityData.sub: the worker in the identity provider.',
      optional,
    ),
    column('time_spent_s', new Float64(), 'timeSpentInSeconds, when given.', { ...optional, unit: 's' }),
    column(
      'task',
      name(),
      'The task template element the answer came from (crowd-image-classifier, ...): answerContent’s single key.',
      optional,
    ),
    column(
      'label',
      new Utf8(),
      'The label for classification tasks; for other tasks the answer content as JSON.',
      optional,
    ),
    column(
      'answer',
      new Utf8(),
      'The whole answer object as JSON text, as the worker-response file holds it.',
    ),
  ]),
  partitionKeys: PARTITION_KEYS,
  partitionDocs,
  timeColumn: 'submission_time',
  // A job has thousands of answers, not millions: default encodings.
  encodings: {},
};

export const GT_OUTPUT_MANIFEST: TableDef<OutputManifestBatch> = {
  name: 'gt_output_manifest',
  doc: 'Consolidated labels of Ground Truth output manifests: one row per data object and label attribute.',
  schema: new Schema([
    jobColumn(),
    column('manifest_path', new Utf8(), 'URI of the manifest file.'),
    column('line', new Int32(), '1-based line in the manifest (line - 1 is usually the dataset object id).'),
    column(
      'source_ref',
      new Utf8(),
      'source-ref: URI of the labeled object; null for inline text.',
      optional,
    ),
    column('source', new Utf8(), 'source: the labeled text itself, for text tasks.', optional),
    column(
      'label_attribute',
      name(),
      'The label attribute name (the key that has a <name>-metadata sibling; by default the job name).',
    ),
    column(
      'label',
      new Utf8(),
      'class-name when the metadata has one; class names (JSON) for multi-label; else the value as text/JSON.',
      optional,
    ),
    column(
      'label_value',
      new Utf8(),
      'The label attribute’s value as JSON (class index, boxes, an s3:// ref).',
    ),
    column('class_name', name(), 'Metadata class-name (classification).', optional),
    column('confidence', new Float64(), 'Metadata confidence (classification).', optional),
    column(
      'human_annotated',
      new Bool(),
      'Metadata human-annotated: yes (true) or no (auto-labeled).',
      optional,
    ),
    column('creation_date', timestamp(), 'Metadata creation-date, UTC.'),
    column('job_name', name(), 'Metadata job-name as written (labeling-job/<name>).', optional),
    column('type', name(), 'Metadata type (groundtruth/image-classification, ...).', optional),
    column('metadata', new Utf8(), 'The <attribute>-metadata object as JSON.'),
    column('raw', new Utf8(), 'The whole manifest line as JSON text.'),
  ]),
  partitionKeys: PARTITION_KEYS,
  partitionDocs,
  timeColumn: 'creation_date',
  encodings: {},
};

const box = (key: string, doc: string) =>
  column(key, new Float64(), `${doc}; null when the annotation has none.`, optional);

export const GT_SEQ_LABELS: TableDef<SeqLabelsBatch> = {
  name: 'gt_seq_labels',
  doc: 'Video and 3D point-cloud sequence labels (SeqLabel.json): one row per object per frame.',
  schema: new Schema([
    jobColumn(),
    column('object_path', new Utf8(), 'URI of the SeqLabel file.'),
    column(
      'data_object_id',
      new Utf8(),
      'Dataset object id (the folder the file is in, under consolidated-annotation/output/); null elsewhere.',
      optional,
    ),
    column(
      'kind',
      name(),
      'tracking or detection (the file’s tracking-annotations / detection-annotations).',
    ),
    column('frame_no', new Int32(), 'frame-no (video, written as a string) or frame-number (3D).'),
    column('frame', new Utf8(), 'frame or frame-name: the frame’s file name.', optional),
    column('object_id', name(), 'object-id: the same object across frames (tracking).', optional),
    column('object_name', name(), 'object-name, e.g. Pedestrian:1.', optional),
    column('class_id', new Int32(), 'class-id.', optional),
    column(
      'label',
      name(),
      'Class name: the job’s class-map entry for class-id, else object-name without its :N suffix.',
      optional,
    ),
    box('box_left', '2D box left edge, pixels'),
    box('box_top', '2D box top edge, pixels'),
    box('box_width', 'Box width: pixels (2D) or metres (3D)'),
    box('box_height', 'Box height: pixels (2D) or metres (3D)'),
    box('box_length', '3D box length, metres'),
    box('center_x', '3D box centre x, metres'),
    box('center_y', '3D box centre y, metres'),
    box('center_z', '3D box centre z, metres'),
    box('roll', '3D box roll, radians'),
    box('pitch', '3D box pitch, radians'),
    box('yaw', '3D box yaw, radians'),
    column('attributes', new Utf8(), 'label-category-attributes as JSON.', optional),
    column('frame_attributes', new Utf8(), 'frame-attributes as JSON.', optional),
    column(
      'creation_time',
      timestamp(),
      'creation-date of the manifest line referencing the file; the import time when no manifest names it.',
    ),
  ]),
  partitionKeys: PARTITION_KEYS,
  partitionDocs,
  timeColumn: 'creation_time',
  encodings: {},
};

/** The label tables, by name. */
export const LABEL_TABLES = {
  gt_worker_responses: GT_WORKER_RESPONSES,
  gt_output_manifest: GT_OUTPUT_MANIFEST,
  gt_seq_labels: GT_SEQ_LABELS,
} as const;

export type LabelTableName = keyof typeof LABEL_TABLES;
