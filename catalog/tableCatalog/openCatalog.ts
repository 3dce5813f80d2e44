/**
 * Chooses and opens the table catalog for a lake.
 *
 * - A local lake (`file://…`) gets the embedded SQLite catalog inside it, at `<lake>/_catalog/catalog.sqlite`,
 *   so the lake folder carries its own catalog when it is copied or archived.
 * - An S3 lake gets an embedded SQLite catalog in a local state folder (the lake's bucket is not a place for a
 *   database file), unless `backend: 'glue'` (the CLI's `--catalog glue`) asks for the Glue Data Catalog,
 *   which is what Athena reads. The Glue client is loaded only then.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../core/errors.js';
import type { GlueCatalogOptions } from './glueCatalog.js';
import { SqliteCatalog } from './sqliteCatalog.js';
import type { TableCatalog } from './tableCatalog.js';

/** The catalog database the pipeline registers tables in, unless told otherwise. */
export const DEFAULT_DATABASE = 'adlake';

/** Where a local lake keeps its embedded catalog, relative to the lake root. */
export const CATALOG_KEY = '_catalog/catalog.sqlite';

export type CatalogBackend = 'sqlite' | 'glue';

export interface OpenCatalogOptions {
  /** The lake's URI (`ObjectStore.uri`): `file:///abs/lake` or `s3://bucket/prefix`. */
  lakeUri: string;
  /** @default 'sqlite' */
  backend?: CatalogBackend;
  /**
   * Folder for the SQLite catalogs of S3 lakes (one file per lake URI).
   * @default `$XDG_STATE_HOME/adlake`, else `~/.local/state/adlake`
   */
  stateDir?: string;
  /** Options for the Glue backend (client configuration, catalog id, retries). */
  glue?: GlueCatalogOptions;
}

/** Opens the catalog `options` describe; the caller closes it. */
export async function openCatalog(options: OpenCatalogOptions): Promise<TableCatalog> {
  const backend = options.backend ?? 'sqlite';
  switch (backend) {
    case 'sqlite':
      return SqliteCatalog.open({ path: sqliteCatalogPath(options.lakeUri, options.stateDir) });
    case 'glue': {
      const { GlueCatalog } = await import('./glueCatalog.js');
      return GlueCatalog.open(options.glue);
    }
    default:
      throw new UsageError(`unknown catalog backend ${JSON.stringify(backend)}; use sqlite or glue`);
  }
}

/**
 * The SQLite catalog file of a lake: inside a local lake, or
 * `<stateDir>/catalogs/<bucket>-<first 16 hex of sha256(lake URI)>.sqlite` for an S3 lake.
 */
export function sqliteCatalogPath(lakeUri: string, stateDir?: string): string {
  if (lakeUri.startsWith('file://')) return join(fileURLToPath(lakeUri), ...CATALOG_KEY.split('/'));
  const s3 = /^s3:\/\/([^/]+)/.exec(lakeUri);
  if (!s3) throw new UsageError(`lake URI ${JSON.stringify(lakeUri)} must be file://… or s3://…`);
  const hash = createHash('sha256').update(lakeUri.replace(/\/+$/, '')).digest('hex').slice(0, 16);
  return join(stateDir ?? defaultStateDir(), 'catalogs', `${s3[1]}-${hash}.sqlite`);
}

function defaultStateDir(): string {
  const xdg = process.env.XDG_STATE_HOME;
  return xdg ? join(xdg, 'adlake') : join(homedir(), '.local', 'state', 'adlake');
}
