import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { ingestPaths } from '../../ingest/ingestPaths.js';

const CAN = resolve('../shared/data/can');

/** Frame count of a python-can oracle dump (header line + one line per frame). */
async function oracleFrames(file: string): Promise<number> {
  const path = join(CAN, 'python-can/expected-generated', `${file}.python-can-4.1.0.jsonl`);
  return (await readFile(path, 'utf8')).trim().split('\n').length - 1;
}

describe('ingest detects CAN log formats by content', () => {
  let lake: string;
  beforeAll(async () => {
    lake = await mkdtemp(join(tmpdir(), 'adlake-formats-'));
  });
  afterAll(async () => {
    await rm(lake, { recursive: true, force: true });
  });

  // TRC is left out: python-can 4.1.0 skips its remote-request lines, which we keep (see tests/can).
  it.each(['issue_1256.asc', 'test_CanMessage.asc.gz', 'test_CanFdMessage64.asc', 'test_CanMessage.blf'])(
    '%s lands every frame in can_frames',
    async (file) => {
      const store = await LocalObjectStore.open({ root: lake });
      const report = await ingestPaths({
        store,
        paths: [join(CAN, 'python-can', file)],
        dbcs: [],
        vehicle: 'bench',
      });
      expect(report.status).toBe('ingested');
      expect(report.inputs[0]?.format).toBe(file.split('.')[1]);
      expect(report.tables.can_frames?.rows).toBe(await oracleFrames(file));
      expect(report.rows.rejected).toBe(0);
    },
  );
});
