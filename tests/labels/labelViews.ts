/**
 * Test helper: the Athena views of `queries/labels/` on the embedded DuckDB engine over a lake, and the raw
 * worker answers of a job read straight from its JSON files (the independent side of the comparisons).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { TABLES } from '../../catalog/tables.js';
import type { ObjectStore } from '../../catalog/objectStore.js';
import { LABEL_TABLES } from '../../labels/groundTruthTables.js';
import { DuckdbEngine } from '../../sql/duckdbEngine.js';

export const VIEWS_DIR = 'queries/labels';

/** The engine with every view of `queries/labels/` created (order does not matter). */
export async function openLabelEngine(store: ObjectStore): Promise<DuckdbEngine> {
  const files = (await readdir(VIEWS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  const views = await Promise.all(
    files.map(async (f) => ({ sql: await readFile(join(VIEWS_DIR, f), 'utf8'), uri: join(VIEWS_DIR, f) })),
  );
  return DuckdbEngine.open({
    store,
    views,
    tableDefs: [...Object.values(TABLES), ...Object.values(LABEL_TABLES)],
  });
}

/** One answer as the worker-response file has it. */
export interface RawAnswer {
  /** Path relative to the job folder, `/`-separated. */
  path: string;
  iteration: number;
  dataObject: string;
  workerId: string;
  label: string;
  submissionTime: string;
}

/** Every answer of every `worker-response/iteration-N/<object>/*.json` under `root`, read with JSON.parse. */
export async function rawAnswers(root: string): Promise<RawAnswer[]> {
  const answers: RawAnswer[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.json') || entry.name.startsWith('._')) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(root, full).split(sep).join('/');
    const match = /worker-response\/iteration-(\d+)\/([^/]+)\/[^/]+\.json$/.exec(path);
    if (!match) continue;
    const doc = JSON.parse(await readFile(full, 'utf8')) as {
      answers: {
        workerId: string;
        submissionTime: string;
        answerContent: Record<string, { label: string }>;
      }[];
    };
    for (const a of doc.answers) {
      answers.push({
        path,
        iteration: Number(match[1]),
        dataObject: match[2] ?? '',
        workerId: a.workerId,
        label: Object.values(a.answerContent)[0]?.label ?? '',
        submissionTime: a.submissionTime,
      });
    }
  }
  return answers;
}

/** Counts of `key` over `items`. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
