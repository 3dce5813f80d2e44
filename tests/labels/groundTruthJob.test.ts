/**
 * The real Ground Truth image-classification job of amazon-sagemaker-examples (ic_data: 302 images, 5 public
 * workers each, two iterations): imported into a lake, then every view of queries/labels/ run on DuckDB and
 * checked against numbers computed here straight from the raw worker-response JSON; the consolidated labels
 * of output.manifest checked against the plain majority of the worker answers.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { runCli } from '../../cli/run.js';
import { importLabels, type LabelsImportReport } from '../../labels/importLabels.js';
import { openLabelSource } from '../../labels/openLabelSource.js';
import type { DuckdbEngine } from '../../sql/duckdbEngine.js';
import { countBy, openLabelEngine, rawAnswers, type RawAnswer } from './labelViews.js';

const JOB_DIR = '../shared/data/groundtruth/amazon-sagemaker-examples/ic_data';
const JOB = 'birds-open-images-clone';

interface ManifestMetadata {
  'class-name': string;
  confidence: number;
  'job-name': string;
  'human-annotated': string;
  'creation-date': string;
  type: string;
}

/** A line of the job's output manifest: the label attribute is the job name. */
type ManifestLine = { 'source-ref': string } & Record<typeof JOB, number> &
  Record<`${typeof JOB}-metadata`, ManifestMetadata>;

let root: string;
let lake: LocalObjectStore;
let report: LabelsImportReport;
let engine: DuckdbEngine;
let raw: RawAnswer[];
let manifest: ManifestLine[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'adlake-labels-'));
  lake = await LocalObjectStore.open({ root: join(root, 'lake') });
  const source = await openLabelSource(JOB_DIR, { cwd: process.cwd() });
  report = await importLabels({ lake, source: source.store });
  engine = await openLabelEngine(lake);
  raw = await rawAnswers(JOB_DIR);
  manifest = (await readFile(join(JOB_DIR, 'output.manifest'), 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ManifestLine);
});

afterAll(async () => {
  await engine.close();
  await rm(root, { recursive: true, force: true });
});

/** `2019-04-18T16:12:02.46366Z` (the engine trims zeros) → `2019-04-18T16:12:02.463660`. */
function microsText(iso: string): string {
  const [whole = '', fraction = ''] = iso.replace(/Z$/, '').split('.');
  return `${whole}.${fraction.padEnd(6, '0')}`;
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const result = await engine.query(sql);
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
}

describe('labels import of the ic_data job', () => {
  it('reads every worker response and manifest line, names the job from the manifest, ignores AppleDouble', () => {
    expect(raw.length).toBe(1510); // 302 objects × 5 workers
    expect(report.files).toEqual({ listed: 306, hidden: 2, ignored: 1 });
    expect(report.ignored.map((i) => i.uri.split('/').pop())).toEqual(['true_labels.json']);
    expect(report.jobs).toHaveLength(1);
    const job = report.jobs[0];
    expect(job).toMatchObject({
      job: JOB,
      jobFrom: 'manifest',
      files: { workerResponses: 302, manifests: 1, seqLabels: 0 },
      rows: { gt_worker_responses: raw.length, gt_output_manifest: manifest.length, gt_seq_labels: 0 },
      skipped: [],
    });
    // vehicle = job, date = submission / creation date, part name = job.
    expect(job?.written.map((f) => f.key).sort()).toEqual([
      `tables/gt_output_manifest/vehicle=${JOB}/date=2019-04-18/${JOB}-00000.parquet`,
      `tables/gt_worker_responses/vehicle=${JOB}/date=2019-04-18/${JOB}-00000.parquet`,
    ]);
  });

  it('stores each answer with its path, iteration, object, worker and time', async () => {
    const stored = await rows(
      `SELECT object_path, iteration, data_object_id, worker_id, label, task,
              submission_time AS t, answer_index, vehicle, date
       FROM gt_worker_responses`,
    );
    expect(stored).toHaveLength(raw.length);
    const key = (path: string, worker: string) => `${path}|${worker}`;
    const byKey = new Map(raw.map((a) => [key(a.path, a.workerId), a]));
    for (const row of stored) {
      const path = String(row.object_path).split('/ic_data/')[1] ?? '';
      const answer = byKey.get(key(path, String(row.worker_id)));
      expect(answer, path).toBeDefined();
      expect(row).toMatchObject({
        iteration: answer?.iteration,
        data_object_id: answer?.dataObject,
        label: answer?.label,
        task: 'crowd-image-classifier',
        vehicle: JOB,
        date: '2019-04-18',
      });
      expect(Date.parse(String(row.t))).toBe(Date.parse(answer?.submissionTime ?? ''));
    }
  });

  it('annotations_view parses iteration and data record from the path and the time from the answer', async () => {
    const view = await rows(
      `SELECT v.iteration, v.data_record, v.label, v.worker_id, v.submission_day,
              v.submission_time = r.submission_time AS same_time, r.iteration AS stored_iteration,
              r.data_object_id AS stored_object, v.identity_sub
       FROM annotations_view v JOIN gt_worker_responses r
         ON v.object_path = r.object_path AND v.worker_id = r.worker_id`,
    );
    expect(view).toHaveLength(raw.length);
    for (const row of view) {
      expect(row.iteration).toBe(row.stored_iteration);
      expect(row.data_record).toBe(row.stored_object);
      expect(row.same_time).toBe(true);
      expect(row.submission_day).toBe('2019-04-18');
      expect(row.identity_sub).toBeNull(); // public workforce: no workerMetadata
    }
    expect(countBy(view, (r) => String(r.iteration))).toEqual(countBy(raw, (a) => String(a.iteration)));
  });

  it('annotations_per_user: answers per worker as the raw files count them', async () => {
    const expected = countBy(raw, (a) => a.workerId);
    const view = await rows('SELECT worker_id, annotations, data_records FROM annotations_per_user');
    expect(view).toHaveLength(expected.size);
    expect(expected.size).toBe(97);
    for (const row of view) {
      expect(Number(row.annotations)).toBe(expected.get(String(row.worker_id)));
      // A worker answers a data object once.
      expect(row.data_records).toBe(row.annotations);
    }
  });

  it('annotations_per_label: answers per label', async () => {
    const expected = countBy(raw, (a) => a.label);
    const view = await rows('SELECT label, annotations, workers FROM annotations_per_label');
    expect(new Map(view.map((r) => [String(r.label), Number(r.annotations)]))).toEqual(expected);
    expect(expected.get('Parrot')).toBe(312);
  });

  it('annotations_per_day: answers and workers per UTC day', async () => {
    const expected = countBy(raw, (a) => a.submissionTime.slice(0, 10));
    const view = await rows('SELECT day, annotations, workers FROM annotations_per_day');
    expect(view).toEqual([{ day: '2019-04-18', annotations: 1510n, workers: 97n }]);
    expect(expected).toEqual(new Map([['2019-04-18', 1510]]));
  });

  it('users_per_bucket_annotations: the histogram of answers per worker in buckets of 25', async () => {
    const perWorker = countBy(raw, (a) => a.workerId);
    const expected = countBy([...perWorker.values()], (n) => String(Math.min(Math.floor(n / 25), 4) + 1));
    const view = await rows(
      'SELECT bucket, annotations_range, min_annotations, users FROM users_per_bucket_annotations ORDER BY bucket',
    );
    expect(view.map((r) => [String(r.bucket), Number(r.users)])).toEqual(
      [...expected].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    expect(view.map((r) => r.annotations_range)).toEqual(['[0,25)', '[25,50)', '[50,75)', '[75,100)']);
    expect(view.map((r) => Number(r.users))).toEqual([73, 17, 5, 2]);
  });

  it('stores the consolidated labels of output.manifest, one row per line', async () => {
    const stored = await rows(
      `SELECT line, source_ref, label, label_value, class_name, confidence, human_annotated, job_name, type,
              creation_date AS created, vehicle
       FROM gt_output_manifest ORDER BY line`,
    );
    expect(stored).toHaveLength(manifest.length);
    stored.forEach((row, i) => {
      const line = manifest[i];
      const meta = line?.[`${JOB}-metadata`];
      expect(row).toMatchObject({
        line: i + 1,
        source_ref: line?.['source-ref'],
        label: meta?.['class-name'],
        label_value: String(line?.[JOB]),
        class_name: meta?.['class-name'],
        confidence: meta?.confidence,
        human_annotated: true,
        job_name: 'labeling-job/birds-open-images-clone',
        type: 'groundtruth/image-classification',
        vehicle: JOB,
      });
      // creation-date has microseconds and no zone: UTC, kept to the microsecond.
      expect(microsText(String(row.created))).toBe(meta?.['creation-date']);
    });
  });

  it('consolidated labels agree with the plain majority of the worker answers where it is clear', () => {
    // The dataset object id (worker-response folder) is the 0-based line of the manifest.
    const votes = new Map<string, Map<string, number>>();
    for (const a of raw) {
      const object = votes.get(a.dataObject) ?? new Map<string, number>();
      object.set(a.label, (object.get(a.label) ?? 0) + 1);
      votes.set(a.dataObject, object);
    }
    expect(votes.size).toBe(manifest.length);
    let clear = 0;
    let clearAgree = 0;
    let unique = 0;
    let uniqueDisagree = 0;
    let ties = 0;
    let tiesPickedATop = 0;
    manifest.forEach((line, i) => {
      const counts = [...(votes.get(String(i)) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]);
      const [top, second] = counts;
      const consolidated = line[`${JOB}-metadata`]['class-name'];
      if (!top) throw new Error(`no votes for object ${i}`);
      if (top[1] >= 3) {
        clear += 1;
        if (consolidated === top[0]) clearAgree += 1;
      }
      if (second && second[1] === top[1]) {
        ties += 1;
        if (counts.some(([label, n]) => n === top[1] && label === consolidated)) tiesPickedATop += 1;
      } else {
        unique += 1;
        if (consolidated !== top[0]) uniqueDisagree += 1;
      }
    });
    console.info(
      `ic_data: ${clearAgree}/${clear} objects with a clear majority (>= 3 of 5) agree with output.manifest; ` +
        `${uniqueDisagree} of ${unique} with a unique plurality disagree; ${ties} ties (2-2-1), ` +
        `consolidation picked one of the tied labels in ${tiesPickedATop}`,
    );
    expect(clear).toBe(295);
    expect(clearAgree).toBe(clear);
    expect(uniqueDisagree).toBe(0);
    expect(ties).toBe(3);
    // Ground Truth's image-classification consolidation weighs workers by estimated accuracy (an EM method),
    // not by plain votes: ties are broken by it, and its confidence is lower there.
    expect(tiesPickedATop).toBe(ties);
    const tieConfidence = manifest
      .filter((_, i) => {
        const counts = [...(votes.get(String(i)) ?? new Map<string, number>()).values()].sort(
          (a, b) => b - a,
        );
        return counts[0] === counts[1];
      })
      .map((line) => line[`${JOB}-metadata`].confidence);
    expect(Math.max(...tieConfidence)).toBeLessThan(0.95);
  });

  it('re-importing the job replaces its rows; a partial re-import replaces only the tables it has rows for', async () => {
    const source = await openLabelSource(JOB_DIR, { cwd: process.cwd() });
    const again = await importLabels({ lake, source: source.store });
    expect(again.jobs[0]?.written.map((f) => f.key).sort()).toEqual(
      report.jobs[0]?.written.map((f) => f.key).sort(),
    );
    const one = await openLabelSource(
      join(JOB_DIR, 'worker-response/iteration-1/7/2019-04-18_16:12:00.json'),
      { cwd: process.cwd() },
    );
    const partial = await importLabels({
      lake,
      source: one.store,
      ...(one.keys ? { keys: one.keys } : {}),
      job: JOB,
    });
    expect(partial.jobs[0]?.rows.gt_worker_responses).toBe(5);
    const fresh = await openLabelEngine(lake);
    try {
      const counts = await fresh.query(
        `SELECT (SELECT count(*) FROM gt_worker_responses), (SELECT count(*) FROM gt_output_manifest)`,
      );
      expect(counts.rows[0]).toEqual([5n, BigInt(manifest.length)]);
    } finally {
      await fresh.close();
    }
  });

  it('adlake labels import prints the report and writes the tables', async () => {
    let out = '';
    const lakeDir = join(root, 'cli-lake');
    const code = await runCli(['labels', 'import', resolve(JOB_DIR), '--lake', lakeDir], {
      cwd: root,
      env: {},
      stdout: (t) => void (out += t),
      stderr: (t) => void (out += t),
    });
    expect(code).toBe(0);
    expect(out).toContain(`Job ${JOB} (name from manifest)`);
    expect(out).toMatch(/gt_worker_responses\s+1510 rows/);
    expect(out).toMatch(/gt_output_manifest\s+302 rows/);
    expect(out).toContain('2 hidden');
    let json = '';
    const jsonCode = await runCli(['labels', 'import', resolve(JOB_DIR), '--lake', lakeDir, '--json'], {
      cwd: root,
      env: {},
      stdout: (t) => void (json += t),
      stderr: () => undefined,
    });
    expect(jsonCode).toBe(0);
    const parsed = JSON.parse(json) as LabelsImportReport;
    expect(parsed.jobs[0]?.rows.gt_worker_responses).toBe(1510);
  });
});
