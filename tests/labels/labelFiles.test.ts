/**
 * The label readers on the real SeqLabel.json and mixed manifest of amazon-sagemaker-examples, the AWS docs'
 * output examples, and small fixtures in a temporary folder for what real jobs rarely show: broken and
 * incomplete worker responses, failed objects, Ground Truth's own folder layout, empty inputs.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { importLabels } from '../../labels/importLabels.js';
import { classifyJobKey, jobFromLayout, jobRelativeStart } from '../../labels/labelingJobLayout.js';
import { openLabelSource } from '../../labels/openLabelSource.js';
import { parseIsoTimestampNs } from '../../labels/parseIsoTimestamp.js';
import { readManifestLine } from '../../labels/readOutputManifest.js';
import { readWorkerResponse } from '../../labels/readWorkerResponse.js';
import { openLabelEngine } from './labelViews.js';

const EXAMPLES = '../shared/data/groundtruth/amazon-sagemaker-examples';
const DOCS = '../shared/data/groundtruth/awsdocs-sagemaker-dg/sms-data-output';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'adlake-labels-files-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes files (text or bytes) under a fresh folder and returns its path. */
async function tree(name: string, files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [path, body] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), body);
  }
  return dir;
}

async function importPath(path: string, options: { job?: string; now?: () => bigint } = {}) {
  const lake = await LocalObjectStore.open({ root: await mkdtemp(join(root, 'lake-')) });
  const source = await openLabelSource(path, { cwd: process.cwd() });
  const report = await importLabels({
    lake,
    source: source.store,
    ...(source.keys ? { keys: source.keys } : {}),
    ...options,
  });
  return { lake, report };
}

async function query(lake: LocalObjectStore, sql: string): Promise<Record<string, unknown>[]> {
  const engine = await openLabelEngine(lake);
  try {
    const result = await engine.query(sql);
    return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
  } finally {
    await engine.close();
  }
}

const answer = (worker: string, label: string, time = '2024-06-14T10:00:00Z') => ({
  answerContent: { 'crowd-image-classifier': { label } },
  submissionTime: time,
  workerId: worker,
});

describe('parseIsoTimestampNs', () => {
  it('reads the forms Ground Truth writes, exactly', () => {
    expect(parseIsoTimestampNs('2019-04-18T16:10:53Z')).toBe(
      BigInt(Date.UTC(2019, 3, 18, 16, 10, 53)) * 1_000_000n,
    );
    expect(parseIsoTimestampNs('2019-04-18T16:40:59.217995')).toBe(
      BigInt(Date.UTC(2019, 3, 18, 16, 40, 59)) * 1_000_000n + 217_995_000n,
    );
    expect(parseIsoTimestampNs('2020-12-28T18:59:58.321Z')).toBe(
      BigInt(Date.parse('2020-12-28T18:59:58.321Z')) * 1_000_000n,
    );
    expect(parseIsoTimestampNs('2024-06-14T10:00:00+02:00')).toBe(
      BigInt(Date.parse('2024-06-14T08:00:00Z')) * 1_000_000n,
    );
    expect(parseIsoTimestampNs('2024-06-14')).toBe(BigInt(Date.parse('2024-06-14T00:00:00Z')) * 1_000_000n);
    expect(parseIsoTimestampNs('2024-06-14T10:00:00.123456789Z')! % 1_000_000_000n).toBe(123_456_789n);
  });

  it('refuses what is not a time', () => {
    for (const bad of [
      '',
      'yesterday',
      '2019-02-30T00:00:00Z',
      '2019-04-18T24:00:00Z',
      '2019-04-18T16:10:60Z',
      '18/04/2019',
    ]) {
      expect(parseIsoTimestampNs(bad), bad).toBeUndefined();
    }
  });
});

describe('job layout', () => {
  it('classifies files by the end of their path', () => {
    expect(classifyJobKey('worker-response/iteration-2/17/2019-04-18_16:13:05.json')).toEqual({
      kind: 'worker-response',
      iteration: 2,
      dataObjectId: '17',
    });
    expect(classifyJobKey('job/annotations/worker-response/iteration-1/0/x.json').kind).toBe(
      'worker-response',
    );
    expect(classifyJobKey('._output.manifest')).toEqual({ kind: 'hidden' });
    expect(classifyJobKey('worker-response/iteration-1/0/._x.json')).toEqual({ kind: 'hidden' });
    expect(classifyJobKey('job/manifests/output/output.manifest')).toEqual({ kind: 'manifest' });
    expect(classifyJobKey('job/manifests/intermediate/1/output.manifest').kind).toBe('ignored');
    expect(classifyJobKey('job/annotations/consolidated-annotation/output/4/SeqLabel.json')).toEqual({
      kind: 'json',
      dataObjectId: '4',
    });
    expect(classifyJobKey('worker-response/stray.json').kind).toBe('ignored');
    expect(classifyJobKey('notes.txt').kind).toBe('ignored');
  });

  it('finds the job name above annotations/ and manifests/, and where a lone file’s context starts', () => {
    expect(jobFromLayout('s3://b/out/my-job/annotations/worker-response/iteration-1/0/x.json')).toBe(
      'my-job',
    );
    expect(jobFromLayout('file:///x/my-job/manifests/output/output.manifest')).toBe('my-job');
    expect(jobFromLayout('file:///x/ic_data/worker-response/iteration-1/0/x.json')).toBeUndefined();
    expect(jobRelativeStart('a/j/annotations/worker-response/iteration-1/0/x.json'.split('/'))).toBe(2);
    expect(jobRelativeStart('a/ic/worker-response/iteration-1/0/x.json'.split('/'))).toBe(2);
    expect(jobRelativeStart('a/b/SeqLabel.json'.split('/'))).toBe(2);
  });
});

describe('worker responses', () => {
  it('keeps a private worker’s identity and gives non-classification answers as JSON (docs examples)', async () => {
    // The worker metadata of the docs page "Output Data" (sms-worker-id-private, a fragment), in a file.
    const fragment = await readFile(join(DOCS, 'sms-worker-id-private__block1.txt'), 'utf8');
    const boxes = {
      boundingBox: { boundingBoxes: [{ height: 2052, label: 'Bird', left: 583, top: 302, width: 1375 }] },
    };
    const text = `{"answers": [{"answerContent": ${JSON.stringify(boxes)}, ${fragment}}]}`;
    const read = readWorkerResponse(text, 'mem://private.json');
    expect(read.rejects).toEqual([]);
    expect(read.answers).toEqual([
      expect.objectContaining({
        workerId: 'a12b3cdefg4h5i67',
        identityProviderType: 'Cognito',
        identityIssuer: 'https://cognito-idp.aws-region.amazonaws.com/aws-region_123456789',
        identitySub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        timeSpentS: 40.543,
        task: 'boundingBox',
        label: JSON.stringify(boxes.boundingBox),
        submissionNs: BigInt(Date.parse('2020-12-28T18:59:58.321Z')) * 1_000_000n,
      }),
    ]);
  });

  it('skips broken files and incomplete answers, names them, imports the rest, ignores AppleDouble', async () => {
    const dir = await tree('broken', {
      'worker-response/iteration-1/0/ok.json': JSON.stringify({
        answers: [
          answer('w1', 'Duck'),
          { workerId: 'w2', answerContent: {} },
          answer('w3', 'Swan', 'tuesday'),
        ],
      }),
      'worker-response/iteration-1/1/truncated.json': '{"answers": [{"answerContent": {"crowd-image',
      'worker-response/iteration-1/2/other.json': JSON.stringify({ labels: ['Duck'] }),
      'worker-response/iteration-1/3/empty.json': JSON.stringify({ answers: [] }),
      'worker-response/iteration-1/4/nobody.json': JSON.stringify({
        answers: [{ submissionTime: '2024-06-14T10:00:00Z', answerContent: {} }],
      }),
      'worker-response/iteration-1/0/._ok.json': new Uint8Array([0, 5, 22, 7, 0, 2, 0, 0, 0x4d, 0x61, 0x63]),
    });
    const { lake, report } = await importPath(dir, { job: 'fixture-job' });
    const job = report.jobs[0];
    expect(report.files.hidden).toBe(1);
    expect(job?.rows.gt_worker_responses).toBe(1);
    const skipped = (job?.skipped ?? []).map((r) => [r.uri.slice(r.uri.indexOf('/iteration-')), r.reason]);
    expect(skipped.sort()).toEqual(
      [
        ['/iteration-1/0/ok.json', 'missing_submission_time'],
        ['/iteration-1/0/ok.json', 'bad_submission_time'],
        ['/iteration-1/1/truncated.json', 'invalid_json'],
        ['/iteration-1/2/other.json', 'no_answers'],
        ['/iteration-1/3/empty.json', 'no_answers'],
        ['/iteration-1/4/nobody.json', 'missing_worker_id'],
      ].sort(),
    );
    expect(job?.skipped.find((r) => r.reason === 'bad_submission_time')?.message).toBe(
      'answer 2: submissionTime "tuesday" is not ISO 8601',
    );
    expect(job?.skippedByReason).toEqual({
      missing_submission_time: 1,
      bad_submission_time: 1,
      invalid_json: 1,
      no_answers: 2,
      missing_worker_id: 1,
    });
    expect(await query(lake, 'SELECT worker_id, label, answer_index FROM gt_worker_responses')).toEqual([
      { worker_id: 'w1', label: 'Duck', answer_index: 0 },
    ]);
  });
});

describe('users_per_bucket_annotations', () => {
  it('puts workers in [0,25) [25,50) [50,75) [75,100) and 100+ at the exact boundaries', async () => {
    const perWorker: Record<string, number> = { a: 100, b: 99, c: 25, d: 24, e: 1 };
    const answers = Object.entries(perWorker).flatMap(([worker, n]) =>
      Array.from({ length: n }, () => answer(worker, 'Duck')),
    );
    const dir = await tree('buckets', {
      'worker-response/iteration-1/0/all.json': JSON.stringify({ answers }),
    });
    const { lake } = await importPath(dir, { job: 'bucket-job' });
    const rows = await query(
      lake,
      'SELECT bucket, annotations_range, min_annotations, users FROM users_per_bucket_annotations ORDER BY bucket',
    );
    expect(rows).toEqual([
      { bucket: 1n, annotations_range: '[0,25)', min_annotations: 0n, users: 2n },
      { bucket: 2n, annotations_range: '[25,50)', min_annotations: 25n, users: 1n },
      { bucket: 4n, annotations_range: '[75,100)', min_annotations: 75n, users: 1n },
      { bucket: 5n, annotations_range: '100+', min_annotations: 100n, users: 1n },
    ]);
  });
});

describe('a job in Ground Truth’s own layout', () => {
  it('names the job from its folder, dates SeqLabel rows and maps classes from the manifest, skips failures', async () => {
    const seqRef = 's3://bucket/out/cars-job/annotations/consolidated-annotation/output/0/SeqLabel.json';
    const manifestLines = [
      {
        'source-ref': 's3://bucket/in/seq0.json',
        'cars-ref': seqRef,
        'cars-ref-metadata': {
          'class-map': { '0': 'car', '1': 'bus' },
          'job-name': 'labeling-job/cars-job',
          'human-annotated': 'yes',
          'creation-date': '2021-09-29T05:50:35.566000',
          type: 'groundtruth/video-object-tracking',
        },
      },
      {
        'source-ref': 's3://bucket/in/seq1.json',
        'cars-ref-metadata': { 'failure-reason': 'ClientError: timed out' },
      },
      { 'source-ref': 's3://bucket/in/seq2.json' },
    ];
    const seqLabel = {
      'tracking-annotations': [
        {
          'frame-no': '0',
          frame: 'f0.jpg',
          annotations: [
            {
              'object-id': 'a',
              'object-name': 'car:1',
              'class-id': '0',
              left: 1,
              top: 2,
              width: 3,
              height: 4,
            },
          ],
        },
        { 'frame-no': 'x', frame: 'f1.jpg', annotations: [] },
        {
          'frame-no': '2',
          frame: 'f2.jpg',
          'frame-attributes': { rain: 'yes' },
          annotations: [
            { 'object-id': 'b', 'object-name': 'bus:1', 'class-id': 1, left: 5, top: 6, width: 7, height: 8 },
          ],
        },
      ],
    };
    const dir = await tree('layout/out', {
      'cars-job/manifests/output/output.manifest': `${manifestLines.map((l) => JSON.stringify(l)).join('\n')}\nnot json\n`,
      'cars-job/manifests/intermediate/1/output.manifest': JSON.stringify(manifestLines[0]),
      'cars-job/annotations/consolidated-annotation/output/0/SeqLabel.json': JSON.stringify(seqLabel),
      'cars-job/annotations/consolidated-annotation/consolidation-request/iteration-1/x.json': '[]',
      'cars-job/annotations/worker-response/iteration-1/0/2021-09-29_05:50:00.json': JSON.stringify({
        answers: [answer('private.us-west-2.w1', 'car', '2021-09-29T05:40:00Z')],
      }),
    });
    const { lake, report } = await importPath(dir);
    expect(report.jobs.map((j) => [j.job, j.jobFrom])).toEqual([['cars-job', 'layout']]);
    expect(report.files.ignored).toBe(2);
    const job = report.jobs[0];
    expect(job?.rows).toEqual({ gt_worker_responses: 1, gt_output_manifest: 1, gt_seq_labels: 2 });
    expect(job?.frames).toBe(3);
    expect(Object.keys(job?.skippedByReason ?? {}).sort()).toEqual(
      ['bad_frame', 'invalid_json', 'label_missing', 'no_label_attribute'].sort(),
    );
    expect(job?.skipped.find((r) => r.reason === 'label_missing')).toMatchObject({
      line: 2,
      message: 'cars-ref: metadata without a label (ClientError: timed out)',
    });
    expect(job?.skipped.find((r) => r.reason === 'invalid_json')?.line).toBe(4);
    const seq = await query(
      lake,
      `SELECT frame_no, label, class_id, data_object_id, creation_time, frame_attributes, box_left, vehicle, date
       FROM gt_seq_labels ORDER BY frame_no`,
    );
    expect(seq).toEqual([
      expect.objectContaining({ frame_no: 0, label: 'car', class_id: 0, data_object_id: '0', box_left: 1 }),
      expect.objectContaining({ frame_no: 2, label: 'bus', class_id: 1, frame_attributes: '{"rain":"yes"}' }),
    ]);
    expect(seq[0]).toMatchObject({
      creation_time: '2021-09-29T05:50:35.566',
      vehicle: 'cars-job',
      date: '2021-09-29',
    });
    const manifest = await query(
      lake,
      'SELECT label_attribute, label, label_value, class_name FROM gt_output_manifest',
    );
    expect(manifest).toEqual([
      { label_attribute: 'cars-ref', label: seqRef, label_value: JSON.stringify(seqRef), class_name: null },
    ]);
  });
});

/** An annotation of a video SeqLabel file, as written. */
interface RawBox {
  'object-id': string;
  'object-name': string;
  'class-id': string;
  left: number;
  top: number;
  width: number;
  height: number;
}

describe('real label files', () => {
  it('imports SeqLabel.json: 32 frames of Pedestrian tracks', async () => {
    const raw = JSON.parse(await readFile(join(EXAMPLES, 'SeqLabel.json'), 'utf8')) as {
      'tracking-annotations': { 'frame-no': string; frame: string; annotations: RawBox[] }[];
    };
    const frames = raw['tracking-annotations'];
    const boxes = frames.flatMap((f) => f.annotations.map((a) => ({ ...a, frameNo: Number(f['frame-no']) })));
    const now = BigInt(Date.parse('2024-06-14T12:00:00Z')) * 1_000_000n;
    const { lake, report } = await importPath(join(EXAMPLES, 'SeqLabel.json'), {
      job: 'pedestrians',
      now: () => now,
    });
    expect(report.files).toEqual({ listed: 1, hidden: 0, ignored: 0 });
    expect(report.jobs[0]).toMatchObject({
      job: 'pedestrians',
      jobFrom: 'option',
      frames: 32,
      files: { workerResponses: 0, manifests: 0, seqLabels: 1 },
      rows: { gt_seq_labels: boxes.length, gt_worker_responses: 0, gt_output_manifest: 0 },
      skipped: [],
    });
    expect(boxes.length).toBe(84);
    const rows = await query(
      lake,
      `SELECT kind, frame_no, frame, object_id, object_name, class_id, label, box_left, box_top, box_width, box_height,
              center_x, attributes, date
       FROM gt_seq_labels ORDER BY frame_no, object_name`,
    );
    const expected = [...boxes].sort(
      (a, b) => a.frameNo - b.frameNo || String(a['object-name']).localeCompare(String(b['object-name'])),
    );
    expect(
      rows.map((r) => [
        r.frame_no,
        r.object_id,
        r.object_name,
        r.box_left,
        r.box_top,
        r.box_width,
        r.box_height,
      ]),
    ).toEqual(
      expected.map((b) => [b.frameNo, b['object-id'], b['object-name'], b.left, b.top, b.width, b.height]),
    );
    expect(new Set(rows.map((r) => r.label))).toEqual(new Set(['Pedestrian']));
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['tracking']));
    expect(new Set(rows.map((r) => r.class_id))).toEqual(new Set([1]));
    expect(new Set(rows.map((r) => r.frame_no))).toEqual(new Set(frames.map((_, i) => i)));
    expect(new Set(rows.map((r) => r.object_id)).size).toBe(4);
    expect(rows.every((r) => r.center_x === null && r.attributes === '{}' && r.date === '2024-06-14')).toBe(
      true,
    );
  });

  it('imports the sm-feature_store manifest that mixes image and text classification', async () => {
    const path = join(
      EXAMPLES,
      'sm-feature_store_ground_truth_classification_output_to_store/output.manifest',
    );
    await expect(importPath(path)).rejects.toThrow(
      /cannot tell which labeling job .*the manifests name identify-animal-species, label-sentiment.*--job/,
    );
    const { lake, report } = await importPath(path, { job: 'feature-store' });
    expect(report.jobs[0]?.rows.gt_output_manifest).toBe(2);
    const rows = await query(
      lake,
      `SELECT line, source_ref, source, label_attribute, label, label_value, class_name, confidence, human_annotated,
              job_name, type, date FROM gt_output_manifest ORDER BY line`,
    );
    expect(rows).toEqual([
      {
        line: 1,
        source_ref: 's3://AWSDOC-EXAMPLE-BUCKET/example_image.jpg',
        source: null,
        label_attribute: 'species',
        label: 'dog',
        label_value: '"0"',
        class_name: 'dog',
        confidence: 0,
        human_annotated: true,
        job_name: 'identify-animal-species',
        type: 'groundtruth/image-classification',
        date: '2018-10-18',
      },
      {
        line: 2,
        source_ref: null,
        source: 'The food was delicious',
        label_attribute: 'mood',
        label: 'positive',
        label_value: '"1"',
        class_name: 'positive',
        confidence: 0.8,
        human_annotated: true,
        job_name: 'label-sentiment',
        type: 'groundtruth/text-classification',
        date: '2020-10-18',
      },
    ]);
  });

  it('reads every output example of the AWS docs that is valid JSON', async () => {
    const files = (await readdir(DOCS)).filter((f) => f.endsWith('.json')).sort();
    const read = new Map<string, ReturnType<typeof readManifestLine>>();
    for (const file of files) {
      const doc: unknown = JSON.parse(await readFile(join(DOCS, file), 'utf8'));
      read.set(file, readManifestLine(JSON.stringify(doc), 1, file));
    }
    const labels = (file: string) =>
      read.get(file)?.records.map((r) => [r.attribute, r.label, r.className, r.type]);
    expect(labels('sms-output-class__block1.json')).toEqual([
      ['species', 'dog', 'dog', 'groundtruth/image-classification'],
    ]);
    expect(labels('sms-output-box__block1.json')?.[0]?.slice(0, 1)).toEqual(['bounding-box-attribute-name']);
    expect(read.get('sms-output-box__block2.json')?.records.map((r) => r.attribute)).toEqual([
      'bounding-box-attribute-name',
      'adjusted-bounding-box',
    ]);
    expect(labels('sms-output-multi-label-classification__block1.json')).toEqual([
      [
        'image-label-attribute-name',
        '["bicycle","person","clothing"]',
        null,
        'groundtruth/image-classification-multilabel',
      ],
    ]);
    expect(read.get('sms-output-video-object-detection__block1.json')?.records[0]).toMatchObject({
      attribute: 'CarObjectDetection-ref',
      ref: 's3://AWSDOC-EXAMPLE-BUCKET/output/labeling-job-name/annotations/consolidated-annotation/output/0/SeqLabel.json',
      classMap: { '0': 'car', '1': 'bus' },
    });
    const box = read.get('sms-output-box__block1.json')?.records[0];
    expect(JSON.parse(box?.label ?? 'null')).toMatchObject({
      annotations: [{ class_id: 0, left: 111 }, {}, {}],
    });
    // Every valid-JSON example yields labels and no rejects.
    for (const [file, result] of read) {
      expect(result.rejects, file).toEqual([]);
      expect(result.records.length, file).toBeGreaterThan(0);
    }
  });
});

describe('nothing to import', () => {
  it('an empty folder, a missing path, a folder of other files: NotFoundError', async () => {
    const empty = await tree('empty', {});
    await expect(importPath(empty)).rejects.toThrow(NotFoundError);
    await expect(importPath(empty)).rejects.toThrow(/nothing to import: no files under/);
    await expect(importPath(join(root, 'no-such-folder'))).rejects.toThrow(NotFoundError);
    const onlyMac = await tree('only-mac', { '._output.manifest': new Uint8Array([0, 5, 22, 7]) });
    await expect(importPath(onlyMac)).rejects.toThrow(/no Ground Truth output/);
    const other = await tree('other', {
      'true_labels.json': '[{"ImageId": "x", "Label": "Duck"}]',
      'notes.txt': 'hi',
    });
    await expect(importPath(other)).rejects.toThrow(NotFoundError);
    // A worker response without a job name anywhere is a usage problem, not "nothing".
    const nameless = await tree('nameless', {
      'worker-response/iteration-1/0/a.json': JSON.stringify({ answers: [answer('w', 'Duck')] }),
    });
    await expect(importPath(nameless)).rejects.toThrow(UsageError);
  });
});
