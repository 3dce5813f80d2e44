/**
 * `adlake report` end to end: two demo drives through ingest → transform → detect, then the real Ground Truth
 * job of amazon-sagemaker-examples (ic_data) imported with `importLabels`. The report is written by the CLI
 * before and after the import ("no label data" panel, then the label charts), its numbers are checked
 * against the pipeline's reports, and the page is opened in headless Chromium with every network request
 * blocked: no request but the file's may be attempted, and every chart must render with its marks.
 * A screenshot goes to test-output/report.png.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/run.js';
import { importLabels } from '../../labels/importLabels.js';
import { openLabelSource } from '../../labels/openLabelSource.js';
import { buildReport, type ReportResult } from '../../report/buildReport.js';
import { buildDemoLake, type DemoLake } from '../queries/demoLake.js';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const JOB_DIR = '../shared/data/groundtruth/amazon-sagemaker-examples/ic_data';
const SCREENSHOT = 'test-output/report.png';
if (!HAS_CHROMIUM)
  console.warn(`report: ${CHROMIUM} is missing, the headless Chromium test is skipped (CI installs it)`);

let lake: DemoLake;
let withoutLabels: { code: number; json: Record<string, unknown>; html: string };
let withLabels: { code: number; json: Record<string, unknown>; html: string; path: string };
let direct: ReportResult;

async function cliReport(
  out: string,
): Promise<{ code: number; json: Record<string, unknown>; html: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['report', '--out', out, '--lake', join(lake.root, 'lake'), '--json'], {
    cwd: lake.root,
    env: {},
    isTTY: false,
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  if (code !== 0) throw new Error(`adlake report exited ${code}: ${stderr}`);
  return { code, json: JSON.parse(stdout) as Record<string, unknown>, html: await readFile(out, 'utf8') };
}

beforeAll(async () => {
  lake = await buildDemoLake([{ seed: 1 }, { seed: 3, vehicle: 'fleet-car-b' }]);
  withoutLabels = await cliReport(join(lake.root, 'before-labels.html'));
  const source = await openLabelSource(JOB_DIR, { cwd: process.cwd() });
  await importLabels({ lake: lake.store, source: source.store });
  const path = join(lake.root, 'out', 'report.html');
  withLabels = { ...(await cliReport(path)), path };
  direct = await buildReport({ store: lake.store });
}, 240_000);

afterAll(async () => {
  await lake?.remove();
});

describe('adlake report on a lake without labels', () => {
  it('draws the scenario and quality charts and says there is no label data', () => {
    expect(withoutLabels.json.empty).toEqual(['labels']);
    expect((withoutLabels.json.charts as { name: string }[]).map((c) => c.name)).toEqual([
      'scenarios_per_type',
      'scenarios_per_week',
      'coverage_matrix',
      'scenario_map',
      'drive_kpis',
      'quality_per_week',
    ]);
    expect(withoutLabels.json.labels).toBeNull();
    expect(withoutLabels.html).toContain('<h3>No label data</h3>');
  });
});

describe('adlake report on a lake with drives and Ground Truth labels', () => {
  it('writes the file the command reports, byte for byte what buildReport renders, every time', async () => {
    expect(withLabels.json.out).toBe(resolve(withLabels.path));
    expect(withLabels.html).toBe(direct.html);
    expect((await buildReport({ store: lake.store })).html).toBe(direct.html);
    expect(withLabels.json.empty).toEqual([]);
  });

  it('shows the numbers of the pipeline', () => {
    const drives = lake.drives;
    const data = direct.data;
    expect(data.summary.drives).toBe(2);
    expect(data.summary.vehicles).toBe(2);
    expect(data.summary.scenarios).toBe(drives.reduce((n, d) => n + d.detect.scenarios.length, 0));
    const perType = new Map<string, number>();
    for (const d of drives)
      for (const s of d.detect.scenarios) perType.set(s.type, (perType.get(s.type) ?? 0) + 1);
    expect(new Map(data.perType.map((t) => [t.type, t.scenarios]))).toEqual(perType);
    expect(data.driveKpis.map((k) => [k.driveId, k.scenarios, k.qualityStatus])).toEqual(
      drives.map((d) => [d.driveId, d.detect.scenarios.length, d.transform.quality.status]),
    );
    // Every scenario has a position in the demo, so every one is a marker; one track per drive.
    expect(data.markers).toHaveLength(data.summary.scenarios);
    expect(data.tracks.map((t) => t.driveId)).toEqual(drives.map((d) => d.driveId).sort());
    const coverageShare = data.coverage.reduce((s, c) => s + c.timeShare, 0);
    expect(coverageShare).toBeCloseTo(1, 9);
    // The ic_data job: 302 images × 5 answers by 97 public workers, 10 bird classes, all on 2019-04-18.
    expect(data.labels).toMatchObject({ jobs: ['birds-open-images-clone'], answers: 1510, workers: 97 });
    expect(data.labels?.perLabel).toHaveLength(10);
    expect(data.labels?.perLabel.reduce((s, l) => s + l.annotations, 0)).toBe(1510);
    expect(data.labels?.perDay).toEqual([{ day: '2019-04-18', annotations: 1510 }]);
    expect(data.labels?.histogram.reduce((s, h) => s + h.users, 0)).toBe(97);
    expect(data.labels?.topWorkers).toHaveLength(30);
  });

  it.skipIf(!HAS_CHROMIUM)(
    'renders every chart in headless Chromium without a single network request (skipped when /usr/bin/chromium is missing)',
    async () => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const fileUrl = pathToFileURL(withLabels.path).href;
        const blocked: string[] = [];
        const requested: string[] = [];
        const problems: string[] = [];
        page.on('request', (request) => requested.push(request.url()));
        page.on('console', (message) => {
          if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
        });
        page.on('pageerror', (error) => problems.push(error.message));
        await page.route('**/*', async (route) => {
          const url = route.request().url();
          if (url === fileUrl) return route.continue();
          blocked.push(url);
          return route.abort('blockedbyclient');
        });
        await page.goto(fileUrl, { waitUntil: 'load' });

        // Locators rather than code run in the page: the tests compile without the DOM types.
        const charts = [];
        for (const element of await page.locator('[data-chart]').all()) {
          const box = await element.boundingBox();
          const marks = await element.locator('rect.mark, circle.mark, path.mark').all();
          let visibleMarks = 0;
          for (const mark of marks) {
            const r = await mark.boundingBox();
            if (r && (r.width > 0 || r.height > 0)) visibleMarks++;
          }
          charts.push({
            name: (await element.getAttribute('data-chart')) ?? '',
            points: Number(await element.getAttribute('data-points')),
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            marks: marks.length,
            visibleMarks,
          });
        }
        expect(charts.map((c) => c.name)).toEqual(direct.charts.map((c) => c.name));
        expect(charts).toHaveLength(10);
        for (const chart of charts) {
          expect(chart.width, chart.name).toBeGreaterThan(0);
          expect(chart.height, chart.name).toBeGreaterThan(0);
          expect(chart.marks, chart.name).toBeGreaterThan(0);
          expect(chart.marks, chart.name).toBe(chart.points);
          expect(chart.visibleMarks, chart.name).toBe(chart.marks);
        }
        expect(blocked).toEqual([]);
        expect(requested).toEqual([fileUrl]);
        expect(problems).toEqual([]);

        await mkdir('test-output', { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        expect(existsSync(SCREENSHOT)).toBe(true);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
