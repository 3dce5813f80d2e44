/**
 * `adlake report`: the lake's dashboard. Opens the embedded engine over the lake with the views of
 * `queries/analytics`, `queries/quality` and `queries/labels`, reads what the charts need and renders the
 * self-contained HTML page.
 */
import { CURATED_TABLES } from '../catalog/curatedTables.js';
import type { ObjectStore } from '../catalog/objectStore.js';
import { LABEL_TABLES } from '../labels/groundTruthTables.js';
import { DuckdbEngine } from '../sql/duckdbEngine.js';
import { readQueryViews } from './queryViews.js';
import { readReportData, type ReportData } from './readReportData.js';
import { renderReport } from './renderReport.js';

export interface BuildReportOptions {
  /** The lake. */
  store: ObjectStore;
  /** The `queries/` folder with the views. @default the one beside the program */
  queriesRoot?: string;
  /** @default 'adlake report' */
  title?: string;
}

export interface ReportChart {
  /** The chart's `data-chart` name. */
  name: string;
  /** Its `data-points`: the data marks drawn. */
  points: number;
}

export interface ReportResult {
  html: string;
  /** The charts drawn, in page order. */
  charts: ReportChart[];
  /** The panels shown instead of a chart for lack of data (`data-empty` names), in page order. */
  empty: string[];
  data: ReportData;
}

/** Builds the report of the lake. Label tables and every curated table may be missing (empty views). */
export async function buildReport(options: BuildReportOptions): Promise<ReportResult> {
  const views = await readQueryViews(options.queriesRoot === undefined ? {} : { root: options.queriesRoot });
  const engine = await DuckdbEngine.open({
    store: options.store,
    views,
    tableDefs: Object.values({ ...CURATED_TABLES, ...LABEL_TABLES }),
  });
  let data: ReportData;
  try {
    data = await readReportData(engine);
  } finally {
    await engine.close();
  }
  const html = renderReport(data, {
    lake: options.store.uri,
    ...(options.title ? { title: options.title } : {}),
  });
  const charts = [...html.matchAll(/data-chart="([^"]+)" data-points="(\d+)"/g)].map((m) => ({
    name: m[1] ?? '',
    points: Number(m[2]),
  }));
  const empty = [...html.matchAll(/data-empty="([^"]+)"/g)].map((m) => m[1] ?? '');
  return { html, charts, empty, data };
}
