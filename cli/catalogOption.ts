import type { ObjectStore } from '../catalog/objectStore.js';
import type { WrittenFile } from '../catalog/tableWriter.js';
import { UsageError } from '../core/errors.js';
import type { CommandContext, OptionSpec, ParsedOptions } from './command.js';

export const catalogOption: OptionSpec = {
  type: 'string',
  valueName: 'sqlite|glue',
  description:
    'Where tables and partitions are registered: the embedded SQLite catalog, or AWS Glue (ADLAKE_CATALOG; database ADLAKE_GLUE_DATABASE)',
  default: 'sqlite',
};

export interface Registration {
  catalog: string;
  database: string;
  tables: Record<string, { table: string; added: number; existing: number }>;
  /** Tables written whose schema varies per drive (topics_*), not registered. */
  skipped: string[];
}

/**
 * Registers the tables and partitions a step wrote, as it wrote them: no crawler, no MSCK REPAIR. The
 * embedded catalog lives in the lake (`_catalog/catalog.sqlite`), or in the user's state folder for an S3 lake.
 */
export async function registerOutputs(
  ctx: CommandContext,
  options: ParsedOptions,
  store: ObjectStore,
  files: readonly WrittenFile[],
): Promise<Registration> {
  const backend = catalogBackend(ctx, options);
  const { openCatalog, DEFAULT_DATABASE } = await import('../catalog/tableCatalog/openCatalog.js');
  const { registerWrittenFiles } = await import('../catalog/tableCatalog/registerFiles.js');
  const { CURATED_TABLES } = await import('../catalog/curatedTables.js');
  const database = ctx.env.ADLAKE_GLUE_DATABASE ?? DEFAULT_DATABASE;
  const known = files.filter((f) => f.table in CURATED_TABLES);
  const skipped = [...new Set(files.filter((f) => !(f.table in CURATED_TABLES)).map((f) => f.table))].sort();
  const catalog = await openCatalog({ lakeUri: store.uri, backend });
  try {
    const result = await registerWrittenFiles({
      catalog,
      database,
      files: known,
      lakeUri: store.uri,
      tables: CURATED_TABLES,
    });
    return {
      catalog: catalog.uri,
      database,
      tables: Object.fromEntries(
        Object.entries(result).map(([name, r]) => [
          name,
          { table: r.table, added: r.added, existing: r.existing },
        ]),
      ),
      skipped,
    };
  } finally {
    await catalog.close();
  }
}

function catalogBackend(ctx: CommandContext, options: ParsedOptions): 'sqlite' | 'glue' {
  const given = typeof options.catalog === 'string' ? options.catalog : (ctx.env.ADLAKE_CATALOG ?? 'sqlite');
  if (given !== 'sqlite' && given !== 'glue')
    throw new UsageError(`--catalog must be sqlite or glue, got '${given}'`);
  return given;
}
