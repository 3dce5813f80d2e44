/**
 * `adlake labels import s3://…`: part of the real ic_data job uploaded to s3rver (127.0.0.1) in Ground Truth's
 * own layout (`<prefix>/<job>/annotations/worker-response/…`, `<job>/manifests/output/output.manifest`),
 * read through the S3 object store.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { runCli } from '../../cli/run.js';
import { NotFoundError } from '../../core/errors.js';
import { importLabels, type LabelsImportReport } from '../../labels/importLabels.js';
import { openLabelSource } from '../../labels/openLabelSource.js';
import { startS3rver, type S3rver } from '../s3/startS3rver.js';

const JOB_DIR = '../shared/data/groundtruth/amazon-sagemaker-examples/ic_data';
const JOB = 'birds-open-images-clone';
const OBJECTS = ['7', '36', '153'];

describe('labels import from S3 (s3rver on 127.0.0.1)', () => {
  let server: S3rver;
  let work: string;
  let answers = 0;
  beforeAll(async () => {
    server = await startS3rver();
    work = await mkdtemp(join(tmpdir(), 'adlake-labels-s3-'));
    await server.createBucket('gt-output');
    const client = new S3Client(server.clientConfig);
    const put = (key: string, body: Uint8Array | string) =>
      client.send(new PutObjectCommand({ Bucket: 'gt-output', Key: key, Body: body }));
    try {
      for (const object of OBJECTS) {
        const folder = join(JOB_DIR, 'worker-response/iteration-1', object);
        for (const name of await readdir(folder)) {
          const body = await readFile(join(folder, name));
          answers += (JSON.parse(body.toString('utf8')) as { answers: unknown[] }).answers.length;
          await put(`jobs/${JOB}/annotations/worker-response/iteration-1/${object}/${name}`, body);
        }
      }
      await put(
        `jobs/${JOB}/manifests/output/output.manifest`,
        await readFile(join(JOB_DIR, 'output.manifest')),
      );
      await put(
        `jobs/${JOB}/manifests/output/._output.manifest`,
        await readFile(join(JOB_DIR, '._output.manifest')),
      );
    } finally {
      client.destroy();
    }
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('lists the prefix, names the job from the layout and writes the tables', async () => {
    const source = await openLabelSource('s3://gt-output/jobs/', { cwd: work, s3: server.clientConfig });
    try {
      const lake = await LocalObjectStore.open({ root: join(work, 'lake') });
      const report = await importLabels({ lake, source: source.store });
      expect(report.files).toEqual({ listed: OBJECTS.length + 2, hidden: 1, ignored: 0 });
      expect(report.jobs).toHaveLength(1);
      expect(report.jobs[0]).toMatchObject({
        job: JOB,
        jobFrom: 'layout',
        rows: { gt_worker_responses: answers, gt_output_manifest: 302 },
        skipped: [],
      });
      expect(answers).toBe(15);
    } finally {
      source.close();
    }
  });

  it('imports one object named by its URI, keeping its worker-response context', async () => {
    const folder = join(JOB_DIR, 'worker-response/iteration-1/7');
    const [name = ''] = await readdir(folder);
    const uri = `s3://gt-output/jobs/${JOB}/annotations/worker-response/iteration-1/7/${name}`;
    const source = await openLabelSource(uri, { cwd: work, s3: server.clientConfig });
    try {
      expect(source.keys).toEqual([`annotations/worker-response/iteration-1/7/${name}`]);
      const lake = await LocalObjectStore.open({ root: join(work, 'lake-one') });
      const report = await importLabels({
        lake,
        source: source.store,
        ...(source.keys ? { keys: source.keys } : {}),
      });
      expect(report.jobs[0]).toMatchObject({ job: JOB, jobFrom: 'layout', rows: { gt_worker_responses: 5 } });
    } finally {
      source.close();
    }
    await expect(
      openLabelSource('s3://gt-output/jobs/nothing-here/', { cwd: work, s3: server.clientConfig }),
    ).rejects.toThrow(NotFoundError);
  });

  it('adlake labels import s3://… with ADLAKE_S3_ENDPOINT', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    try {
      let out = '';
      const code = await runCli(
        ['labels', 'import', 's3://gt-output/jobs/', '--lake', join(work, 'lake-cli'), '--json'],
        {
          cwd: work,
          env: { ADLAKE_S3_ENDPOINT: server.endpoint },
          stdout: (t) => void (out += t),
          stderr: (t) => void (out += t),
        },
      );
      expect(code).toBe(0);
      const report = JSON.parse(out) as LabelsImportReport;
      expect(report.source).toBe('s3://gt-output/jobs');
      expect(report.jobs[0]?.rows.gt_worker_responses).toBe(answers);
      expect(report.jobs[0]?.written.map((f) => f.key).sort()).toEqual([
        `tables/gt_output_manifest/vehicle=${JOB}/date=2019-04-18/${JOB}-00000.parquet`,
        `tables/gt_worker_responses/vehicle=${JOB}/date=2019-04-18/${JOB}-00000.parquet`,
      ]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
