/**
 * The Athena views of `queries/` that the report reads, as `ViewSource`s for the embedded engine: every
 * statement of every `.sql` file in the given folders, with its file and line for error positions.
 *
 * Node adapter: reads the files with `node:fs`.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError } from '../core/errors.js';
import type { ViewSource } from '../sql/duckdbEngine.js';
import { splitStatements } from '../sql/splitStatements.js';

/** The folders of `queries/` whose views the report uses. `ddl/` is Athena-only DDL and is not among them. */
export const REPORT_VIEW_FOLDERS = ['analytics', 'quality', 'labels'] as const;

/**
 * The repository's `queries/` folder. This module runs from `report/` (sources, tests) or `dist/report/`
 * (the built CLI), so the folder is looked for one and two levels up.
 */
export function queriesRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'queries'), join(here, '..', '..', 'queries')];
  const found = candidates.find((dir) => existsSync(join(dir, REPORT_VIEW_FOLDERS[0])));
  if (found === undefined) {
    throw new NotFoundError(
      `report: the queries/ folder is not beside the program (looked in ${candidates.join(', ')})`,
    );
  }
  return found;
}

export interface QueryViewsOptions {
  /** The `queries/` folder. @default queriesRoot() */
  root?: string;
  /** Sub-folders to read. @default REPORT_VIEW_FOLDERS */
  folders?: readonly string[];
}

/** The `CREATE VIEW` statements of the `.sql` files in the folders (each folder's files sorted by name). */
export async function readQueryViews(options: QueryViewsOptions = {}): Promise<ViewSource[]> {
  const root = options.root ?? queriesRoot();
  const views: ViewSource[] = [];
  for (const folder of options.folders ?? REPORT_VIEW_FOLDERS) {
    const dir = join(root, folder);
    const files = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
    for (const name of files) {
      const uri = join(dir, name);
      for (const statement of splitStatements(await readFile(uri, 'utf8'))) {
        views.push({ sql: statement.sql, uri, line: statement.line, column: statement.column });
      }
    }
  }
  return views;
}
