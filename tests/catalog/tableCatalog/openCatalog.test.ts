import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import { GlueCatalog } from '../../../catalog/tableCatalog/glueCatalog.js';
import { openCatalog, sqliteCatalogPath } from '../../../catalog/tableCatalog/openCatalog.js';

describe('openCatalog', () => {
  it('keeps a local lake’s catalog inside the lake and an S3 lake’s in the state folder, one file per lake', () => {
    expect(sqliteCatalogPath(pathToFileURL('/data/my lake').href)).toBe(
      join('/data/my lake', '_catalog', 'catalog.sqlite'),
    );
    const a = sqliteCatalogPath('s3://fleet-bucket/lake', '/state');
    expect(a).toMatch(/^\/state\/catalogs\/fleet-bucket-[0-9a-f]{16}\.sqlite$/);
    expect(sqliteCatalogPath('s3://fleet-bucket/lake/', '/state')).toBe(a);
    expect(sqliteCatalogPath('s3://fleet-bucket/other', '/state')).not.toBe(a);
    expect(() => sqliteCatalogPath('/plain/path')).toThrow(UsageError);
  });

  it('opens Glue only when asked, without calling AWS', async () => {
    const catalog = await openCatalog({
      lakeUri: 's3://fleet-bucket/lake',
      backend: 'glue',
      glue: { clientConfig: { region: 'eu-central-1' }, catalogId: '123456789012' },
    });
    try {
      expect(catalog).toBeInstanceOf(GlueCatalog);
      expect(catalog.uri).toBe('glue://eu-central-1/123456789012');
    } finally {
      await catalog.close();
    }
  });
});
