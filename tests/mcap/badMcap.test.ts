import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeError } from '../../core/errors.js';
import { fileSource } from '../../core/fileSource.js';
import type { Reject } from '../../core/reject.js';
import { bytesSource, type RandomAccessSource } from '../../core/source.js';
import { readMcap } from '../../ingest/mcap/readMcap.js';
import type { Decompressors, LogMessage } from '../../ingest/rosmsg/LogMessage.js';
import { loadDecompressors } from '../../ingest/rosmsg/decompressors.js';
import { walk } from '../rosbag/oracleCompare.js';

const files = await walk('../shared/data/mcap', '.mcap');

let decompress: Decompressors;
let dir: string;
beforeAll(async () => {
  decompress = await loadDecompressors();
  dir = mkdtempSync(join(tmpdir(), 'adlake-mcap-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(source: RandomAccessSource): Promise<{ records: LogMessage[]; rejects: Reject[] }> {
  const records: LogMessage[] = [];
  const rejects: Reject[] = [];
  for await (const batch of readMcap(source, { decompress })) {
    records.push(...batch.records);
    rejects.push(...batch.rejects);
  }
  return { records, rejects };
}

describe('readMcap on cut copies', () => {
  for (const path of files) {
    it(`${basename(path)}: never crashes; a loss is reported as truncated`, async () => {
      const bytes = readFileSync(path);
      const whole = await readAll(fileSource(path));
      const known = new Set(whole.records.map((m) => `${m.topic}@${m.logTime}`));
      const cuts = [4, 8, 100, 0.1, 0.33, 0.5, 0.66, 0.9, 0.99].map((f) =>
        f < 1 ? Math.floor(bytes.byteLength * f) : f,
      );
      for (const cut of cuts) {
        const file = join(dir, `${basename(path)}.${cut}`);
        writeFileSync(file, bytes.subarray(0, cut));
        let result: { records: LogMessage[]; rejects: Reject[] };
        try {
          result = await readAll(fileSource(file));
        } catch (error) {
          expect(error, `cut ${cut}`).toBeInstanceOf(DecodeError);
          expect(cut, `cut ${cut} threw ${String(error)}`).toBeLessThan(8);
          continue;
        }
        for (const m of result.records) expect(known.has(`${m.topic}@${m.logTime}`), `cut ${cut}`).toBe(true);
        if (result.records.length < whole.records.length) {
          const truncated = result.rejects.filter((r) => r.reason === 'truncated');
          expect(truncated.length, `cut ${cut}: ${JSON.stringify(result.rejects)}`).toBe(1);
          expect(truncated[0]!.offset).toBeLessThanOrEqual(cut);
        }
      }
    });
  }

  it('rejects a 0-byte file and a foreign file with DecodeError', async () => {
    await expect(readAll(bytesSource('e.mcap', new Uint8Array(0)))).rejects.toThrow(/empty file/);
    await expect(readAll(bytesSource('x.mcap', new Uint8Array(64)))).rejects.toThrow(/bad magic/);
  });

  it('reports a zstd chunk that does not decompress, with its offset', async () => {
    const path = files.find((p) => basename(p) === 'talker.mcap')!;
    const bytes = new Uint8Array(readFileSync(path));
    // The first chunk record (opcode 0x06) follows the header record.
    const chunkAt = 8 + 9 + Number(new DataView(bytes.buffer).getBigUint64(9, true));
    expect(bytes[chunkAt]).toBe(0x06);
    bytes.fill(0xff, chunkAt + 80, chunkAt + 120);
    const { rejects } = await readAll(bytesSource(path, bytes));
    expect(rejects.map((r) => [r.reason, r.offset])).toContainEqual(['bad_chunk', chunkAt]);
  });
});
