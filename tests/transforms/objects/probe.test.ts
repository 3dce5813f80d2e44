import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { LocalObjectStore } from '../../../catalog/localObjectStore.js';
import { generateDemoDrive } from '../../../ingest/demo/generateDemoDrive.js';
import { writeDemoMcap } from '../../../ingest/demo/writeDemoMcap.js';
import { ingestPaths } from '../../../ingest/ingestPaths.js';
import { listTableParts, readPart } from '../../../catalog/readTable.js';

it('probe', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'probe-'));
  const drive = generateDemoDrive({ seed: 5 });
  await writeDemoMcap(drive, join(dir, 'd.mcap'));
  const store = await LocalObjectStore.open({ root: join(dir, 'lake') });
  const r = await ingestPaths({ store, paths: [join(dir, 'd.mcap')], dbcs: [], vehicle: 'v' });
  console.log(r.driveId, dir);
  for await (const info of store.list('tables/topics_')) console.log(info.key, info.size);
  const parts = await listTableParts(store, 'topics_perception_objects');
  const t = await readPart(store, parts[0]!.key, ['t', 'header_frame_id', 'objects']);
  console.log(t.schema.fields.map((f) => [f.name, String(f.type), [...f.metadata]]));
  const objs = t.getChild('objects');
  for (let i = 0; i < t.numRows; i++) { const v = objs?.get(i) as string; if (v && v.length > 2) { console.log(i, v.slice(0, 600)); break; } }
}, 120000);
