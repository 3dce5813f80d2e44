/**
 * The report renderer on hand-made data (no lake): every chart's data-points equals the marks it drew, text
 * is escaped everywhere, nothing external is referenced, the output is the same for the same data, and
 * empty sections become panels that say what would fill them.
 */
import { describe, expect, it } from 'vitest';
import { niceScale } from '../../report/charts/axis.js';
import { clipMiddle, escapeHtml, formatDuration, formatNumber, formatPercent } from '../../report/html.js';
import { scenarioColour, sequentialColour } from '../../report/palette.js';
import type { ReportData } from '../../report/readReportData.js';
import { renderReport } from '../../report/renderReport.js';

const EVIL = `<script>alert("x")</script>'&`;

function sampleData(): ReportData {
  return {
    summary: {
      drives: 2,
      vehicles: 1,
      distanceM: 5200,
      durationS: 260,
      scenarios: 3,
      firstDate: '2024-06-15',
      lastDate: '2024-06-17',
    },
    perType: [
      { type: 'hard_braking', scenarios: 2, durationS: 5, drives: 2 },
      { type: EVIL, scenarios: 1, durationS: 3, drives: 1 },
    ],
    perWeek: [
      { week: '2024-06-10', type: 'hard_braking', scenarios: 1 },
      { week: '2024-06-17', type: 'hard_braking', scenarios: 1 },
      { week: '2024-06-17', type: EVIL, scenarios: 1 },
    ],
    coverage: [
      {
        speedBand: '0-30',
        speedBandOrder: 1,
        weather: 'rain',
        light: 'day',
        ticks: 10,
        timeS: 1,
        timeShare: 0.25,
        scenarios: 1,
      },
      {
        speedBand: '120+',
        speedBandOrder: 5,
        weather: EVIL,
        light: 'night',
        ticks: 30,
        timeS: 3,
        timeShare: 0.75,
        scenarios: 0,
      },
    ],
    driveKpis: [
      {
        driveId: 'd1',
        vehicle: EVIL,
        date: '2024-06-15',
        startTime: '2024-06-15T07:00:00Z',
        durationS: 130,
        distanceM: 2600,
        meanSpeedKmh: 72,
        qualityStatus: 'warn',
        qualityIssues: [EVIL],
        scenarios: 2,
        scenariosPer100km: 77,
        scenarioCounts: { hard_braking: 1, [EVIL]: 1 },
        scenarioTimeShare: { hard_braking: 0.02, [EVIL]: 0.03 },
      },
      {
        driveId: 'd2',
        vehicle: 'v',
        date: '2024-06-17',
        startTime: '2024-06-17T07:00:00Z',
        durationS: 130,
        distanceM: 2600,
        meanSpeedKmh: 72,
        qualityStatus: null,
        qualityIssues: [],
        scenarios: 1,
        scenariosPer100km: 38,
        scenarioCounts: { hard_braking: 1 },
        scenarioTimeShare: { hard_braking: 0 },
      },
    ],
    qualityWeeks: [
      { week: '2024-06-10', status: 'pass', drives: 1 },
      { week: '2024-06-17', status: 'not_judged', drives: 1 },
    ],
    signalQuality: [
      {
        signal: EVIL,
        drives: 1,
        samples: 10,
        meanRateHz: 10,
        meanNominalHz: 10,
        maxAbsDriftPct: 0,
        gaps: 0,
        maxGapS: 0.1,
        duplicates: 0,
        nonMonotonic: 0,
        drivesPass: 1,
        drivesWarn: 0,
        drivesFail: 0,
        reasons: [EVIL],
      },
    ],
    tracks: [
      {
        driveId: 'd1',
        vehicle: EVIL,
        runs: [
          [
            [48.0, 11.5],
            [48.001, 11.501],
            [48.002, 11.503],
          ],
          [[48.01, 11.51]],
        ],
      },
    ],
    markers: [
      {
        scenarioId: 's1',
        driveId: 'd1',
        type: EVIL,
        startTime: '2024-06-15T07:00:01Z',
        lat: 48.001,
        lon: 11.501,
        description: EVIL,
      },
    ],
    trackSlotS: 1,
    labels: {
      jobs: [EVIL],
      answers: 5,
      workers: 2,
      topWorkers: [
        { workerId: EVIL, annotations: 3 },
        { workerId: 'w2', annotations: 2 },
      ],
      perLabel: [{ job: EVIL, label: EVIL, annotations: 5 }],
      perDay: [{ day: '2019-04-18', annotations: 5 }],
      histogram: [{ bucket: 1, range: '[0,25)', users: 2 }],
    },
  };
}

/** Each `data-chart` figure's name, data-points and the class="mark" elements inside it. */
function charts(html: string): { name: string; points: number; marks: number }[] {
  return [
    ...html.matchAll(/<figure[^>]* data-chart="([^"]+)" data-points="(\d+)">([\s\S]*?)<\/figure>/g),
  ].map((m) => ({
    name: m[1] ?? '',
    points: Number(m[2]),
    marks: (m[3]?.match(/<(rect|circle|path) class="mark[ "]/g) ?? []).length,
  }));
}

describe('renderReport', () => {
  it('draws every chart with as many marks as its data-points say', () => {
    const html = renderReport(sampleData(), { lake: 'file:///lake' });
    const drawn = charts(html);
    expect(drawn.map((c) => c.name)).toEqual([
      'scenarios_per_type',
      'scenarios_per_week',
      'coverage_matrix',
      'scenario_map',
      'drive_kpis',
      'quality_per_week',
      'annotations_per_worker',
      'annotations_per_label',
      'annotations_per_day',
      'annotations_histogram',
    ]);
    for (const chart of drawn) expect(chart.marks, chart.name).toBe(chart.points);
    const points = Object.fromEntries(drawn.map((c) => [c.name, c.points]));
    expect(points).toMatchObject({
      scenarios_per_type: 2,
      scenarios_per_week: 3,
      coverage_matrix: 2,
      // one track line (two runs in one path) and one marker
      scenario_map: 2,
      // drive d2's only share is 0: nothing drawn for it
      drive_kpis: 2,
      quality_per_week: 2,
      annotations_per_worker: 2,
    });
  });

  it('escapes every text that comes from the lake', () => {
    const html = renderReport(sampleData(), { lake: `file:///${EVIL}` });
    expect(html).not.toContain('<script');
    expect(html).not.toContain(`'&`);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;');
  });

  it('is self-contained: no script, no external reference, a CSP that loads nothing', () => {
    const html = renderReport(sampleData(), { lake: 'file:///lake' });
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import|https?:\/\//i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('gives the same bytes for the same data', () => {
    expect(renderReport(sampleData(), { lake: 'l' })).toBe(renderReport(sampleData(), { lake: 'l' }));
  });

  it('shows panels instead of charts without data', () => {
    const data: ReportData = {
      ...sampleData(),
      summary: { ...sampleData().summary, scenarios: 0 },
      perType: [],
      perWeek: [],
      coverage: [],
      tracks: [],
      markers: [],
      labels: undefined,
    };
    const html = renderReport(data, { lake: 'l' });
    const empty = [...html.matchAll(/data-empty="([^"]+)"/g)].map((m) => m[1]);
    expect(empty).toEqual([
      'scenarios_per_type',
      'scenarios_per_week',
      'coverage_matrix',
      'scenario_map',
      'labels',
    ]);
    expect(html).toContain('No label data');
    expect(html).toContain('adlake labels import');
    expect(html).toContain('run adlake detect --all');
  });
});

describe('report text and scales', () => {
  it('formats numbers without locale', () => {
    expect(formatNumber(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatNumber(-0.04, 1)).toBe('0.0');
    expect(formatNumber(-12.5, 1)).toBe('−12.5');
    expect(formatNumber(null)).toBe('–');
    expect(formatPercent(0.1234)).toBe('12.3 %');
    expect(formatDuration(8.44)).toBe('8.4 s');
    expect(formatDuration(725)).toBe('12 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(escapeHtml(`a<b>"c"&'d'`)).toBe('a&lt;b&gt;&quot;c&quot;&amp;&#39;d&#39;');
    expect(clipMiddle('public.us-east-1.ABCDEFGHIJKL', 12)).toBe('public…HIJKL');
  });

  it('picks round axis ends', () => {
    expect(niceScale(0)).toEqual({ max: 1, ticks: [0, 1] });
    expect(niceScale(21)).toEqual({ max: 30, ticks: [0, 10, 20, 30] });
    expect(niceScale(1510)).toEqual({ max: 2000, ticks: [0, 500, 1000, 1500, 2000] });
    expect(niceScale(0.3)).toEqual({ max: 0.3, ticks: [0, 0.1, 0.2, 0.3] });
  });

  it('gives each scenario type a fixed colour and scales the heatmap from light to dark', () => {
    expect(scenarioColour('high_velocity')).toBe('#4e79a7');
    expect(scenarioColour('hard_braking')).toBe('#e15759');
    expect(scenarioColour('no_such_type')).toBe(scenarioColour('no_such_type'));
    expect(sequentialColour(0)).toBe('#f0f6fc');
    expect(sequentialColour(1)).toBe('#08306b');
  });
});
