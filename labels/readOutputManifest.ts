/**
 * Ground Truth output manifests (`manifests/output/output.manifest`, JSON Lines): one line per data object,
 * with the object (`source-ref`, or `source` for inline text) and, per labeling job that labeled it, a label
 * attribute and its `<attribute>-metadata` (SageMaker Developer Guide, "Output Data"):
 *
 * ```json
 * {"source-ref": "s3://…/0273f487d52c16d2.jpg", "birds-open-images-clone": 9,
 *  "birds-open-images-clone-metadata": {"class-name": "Canary", "confidence": 0.95, "type": "groundtruth/image-classification",
 *    "job-name": "labeling-job/birds-open-images-clone", "human-annotated": "yes", "creation-date": "2019-04-18T16:40:59.217995"}}
 * ```
 * The attribute name defaults to the job name but need not be it (`species` of job `identify-animal-species`);
 * what marks an attribute is its `-metadata` sibling. Chained and adjustment jobs add more attributes to the
 * same line. Values: a class index (classification), a list of indices (multi-label), an object (bounding
 * boxes), an `s3://` reference (semantic segmentation masks, video and 3D SeqLabel files).
 */
import type { Batch, Reject } from '../core/reject.js';
import { printable } from '../core/reject.js';
import type { ByteStream } from '../core/source.js';
import { isRecord, numberOf, parseJson, stringOf, textOf } from './jsonFields.js';
import { parseIsoTimestampNs } from './parseIsoTimestamp.js';
import { readUtf8Lines } from './readUtf8Lines.js';

/** One label attribute of one manifest line: a `gt_output_manifest` row. */
export interface ManifestLabel {
  line: number;
  sourceRef: string | null;
  source: string | null;
  attribute: string;
  label: string | null;
  /** The attribute's value as JSON. */
  labelValue: string;
  /** The value when it is a string (an `s3://` reference for masks and SeqLabel files). */
  ref: string | null;
  className: string | null;
  confidence: number | null;
  humanAnnotated: boolean | null;
  creationNs: bigint;
  jobName: string | null;
  type: string | null;
  /** class-map (or class_map): class id → class name, when the metadata has one. */
  classMap: Readonly<Record<string, string>> | null;
  metadata: string;
  raw: string;
}

const METADATA_SUFFIX = '-metadata';
/** Keys of the data object itself, never label attributes (`source-ref-metadata` describes 3D frames). */
const OBJECT_KEYS = new Set(['source-ref', 'source']);

/** Reads a manifest stream: label rows in line order, rejects for lines that yield none. */
export async function* readOutputManifest(
  stream: ByteStream,
  uri: string,
): AsyncIterable<Batch<ManifestLabel>> {
  for await (const { firstLine, lines } of readUtf8Lines(stream)) {
    const batch: Batch<ManifestLabel> = { records: [], rejects: [] };
    lines.forEach((text, i) => {
      if (text.trim() === '') return;
      const read = readManifestLine(text, firstLine + i, uri);
      for (const record of read.records) batch.records.push(record);
      for (const reject of read.rejects) batch.rejects.push(reject);
    });
    yield batch;
  }
}

/**
 * The job names (`job-name` of every `<attribute>-metadata`) of a manifest's lines, read without building
 * label rows: what naming a job from its manifests needs. Lines that are not JSON objects are passed over
 * (the import reports them).
 */
export async function manifestJobNames(stream: ByteStream): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const { lines } of readUtf8Lines(stream)) {
    for (const text of lines) {
      if (text.trim() === '') continue;
      const parsed = parseJson(text);
      if (!('value' in parsed) || !isRecord(parsed.value)) continue;
      for (const [key, metadata] of Object.entries(parsed.value)) {
        if (!key.endsWith(METADATA_SUFFIX) || !isRecord(metadata)) continue;
        const name = stringOf(metadata, 'job-name', 'job_name');
        if (name !== undefined) names.add(jobNameOf(name));
      }
    }
  }
  return names;
}

/**
 * Parses one manifest line. Rejects: `invalid_json`, `not_an_object`, `no_label_attribute` (an input
 * manifest line), `label_missing` (metadata without its attribute: the object failed, see its
 * `failure-reason`), `missing_creation_date`; the line's other attributes are still read.
 */
export function readManifestLine(text: string, line: number, uri: string): Batch<ManifestLabel> {
  const records: ManifestLabel[] = [];
  const rejects: Reject[] = [];
  const reject = (reason: string, message: string) =>
    rejects.push({ uri, line, reason, message, text: printable(text, 120) });
  const parsed = parseJson(text);
  if ('error' in parsed) {
    reject('invalid_json', `not valid JSON: ${parsed.error}`);
    return { records, rejects };
  }
  const doc = parsed.value;
  if (!isRecord(doc)) {
    reject('not_an_object', 'a manifest line must be a JSON object');
    return { records, rejects };
  }
  const sourceRef = stringOf(doc, 'source-ref') ?? null;
  const source = stringOf(doc, 'source') ?? null;
  let attributes = 0;
  for (const [key, metadata] of Object.entries(doc)) {
    if (!key.endsWith(METADATA_SUFFIX) || !isRecord(metadata)) continue;
    const attribute = key.slice(0, -METADATA_SUFFIX.length);
    if (OBJECT_KEYS.has(attribute)) continue;
    attributes += 1;
    if (!(attribute in doc)) {
      const failure = stringOf(metadata, 'failure-reason', 'failure_reason');
      reject('label_missing', `${attribute}: metadata without a label${failure ? ` (${failure})` : ''}`);
      continue;
    }
    const created = stringOf(metadata, 'creation-date', 'creation_date');
    const creationNs = created === undefined ? undefined : parseIsoTimestampNs(created);
    if (creationNs === undefined) {
      reject(
        'missing_creation_date',
        `${attribute}: ${created === undefined ? 'no creation-date' : `creation-date ${JSON.stringify(created)} is not ISO 8601`}`,
      );
      continue;
    }
    const value = doc[attribute];
    const classMap = classMapOf(metadata);
    const className = stringOf(metadata, 'class-name', 'class_name') ?? null;
    records.push({
      line,
      sourceRef,
      source,
      attribute,
      label: className ?? multiLabelOf(value, classMap) ?? textOf(value),
      labelValue: JSON.stringify(value),
      ref: typeof value === 'string' ? value : null,
      className,
      confidence: numberOf(metadata, 'confidence') ?? null,
      humanAnnotated: yesNo(stringOf(metadata, 'human-annotated', 'human_annotated')),
      creationNs,
      jobName: stringOf(metadata, 'job-name', 'job_name') ?? null,
      type: stringOf(metadata, 'type') ?? null,
      classMap,
      metadata: JSON.stringify(metadata),
      raw: text,
    });
  }
  if (attributes === 0) {
    reject('no_label_attribute', 'no <attribute>-metadata key: an input manifest line, not labels');
  }
  return { records, rejects };
}

/** `labeling-job/birds` and `arn:aws:sagemaker:…:labeling-job/birds` → `birds`. */
export function jobNameOf(jobName: string): string {
  return jobName.slice(jobName.lastIndexOf('/') + 1);
}

function classMapOf(metadata: Record<string, unknown>): Record<string, string> | null {
  const map = metadata['class-map'] ?? metadata.class_map;
  if (!isRecord(map)) return null;
  const out: Record<string, string> = {};
  for (const [id, className] of Object.entries(map)) if (typeof className === 'string') out[id] = className;
  return out;
}

/** Multi-label classification: `[1, 0, 8]` with a class-map → `["bicycle","person","clothing"]`. */
function multiLabelOf(value: unknown, classMap: Record<string, string> | null): string | undefined {
  if (!classMap || !Array.isArray(value)) return undefined;
  const names = (value as unknown[]).map((id) => classMap[String(id)]);
  return names.every((n) => n !== undefined) ? JSON.stringify(names) : undefined;
}

function yesNo(text: string | undefined): boolean | null {
  if (text === 'yes') return true;
  if (text === 'no') return false;
  return null;
}
