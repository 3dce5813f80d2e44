import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeError } from '../../core/errors.js';
import { fileSource } from '../../core/fileSource.js';
import type { Reject } from '../../core/reject.js';
import { bytesSource } from '../../core/source.js';
import { readBagRecordHead, u32 } from '../../ingest/rosbag/bagRecord.js';
import { readBag } from '../../ingest/rosbag/readBag.js';
import { BagScan } from '../../ingest/rosbag/scanBag.js';
import type { Decompressors, LogMessage } from '../../ingest/rosmsg/LogMessage.js';
import { loadDecompressors } from '../../ingest/rosmsg/decompressors.js';
import { walk } from './oracleCompare.js';

const ROOT = '../shared/data/rosbag';
const bags = (await walk(ROOT, '.bag')).filter((p) => readFileSync(p).byteLength > 0);

let decompress: Decompressors;
let dir: string;
beforeAll(async () => {
  decompress = await loadDecompressors();
  dir = mkdtempSync(join(tmpdir(), 'adlake-rosbag-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(
  source: Parameters<typeof readBag>[0],
): Promise<{ records: LogMessage[]; rejects: Reject[] }> {
  const records: LogMessage[] = [];
  const rejects: Reject[] = [];
  for await (const batch of readBag(source, { decompress })) {
    records.push(...batch.records);
    rejects.push(...batch.rejects);
  }
  return { records, rejects };
}

describe('readBag on cut copies', () => {
  for (const path of bags) {
    it(`${basename(path)}: never crashes, keeps messages before the cut, names the cut`, async () => {
      const bytes = readFileSync(path);
      const whole = await readAll(fileSource(path));
      const known = new Set(whole.records.map((m) => `${m.topic}@${m.logTime}`));
      const cuts = [1, 13, 200, 4200, 0.25, 0.5, 0.75, 0.99].map((f) =>
        f < 1 ? Math.floor(bytes.byteLength * f) : f,
      );
      for (const cut of cuts.filter((c) => c < bytes.byteLength)) {
        const file = join(dir, `${basename(path)}.${cut}`);
        writeFileSync(file, bytes.subarray(0, cut));
        let result: { records: LogMessage[]; rejects: Reject[] };
        try {
          result = await readAll(fileSource(file));
        } catch (error) {
          // Only a cut inside the magic or bag header record may abort the read.
          expect(error, `cut ${cut}`).toBeInstanceOf(DecodeError);
          expect(cut, `cut ${cut} threw ${String(error)}`).toBeLessThanOrEqual(4117);
          continue;
        }
        for (const m of result.records) expect(known.has(`${m.topic}@${m.logTime}`), `cut ${cut}`).toBe(true);
        const truncated = result.rejects.filter((r) => r.reason === 'truncated');
        if (whole.records.length > 0) {
          expect(truncated.length, `cut ${cut}: ${JSON.stringify(result.rejects)}`).toBe(1);
          expect(truncated[0]!.offset).toBeLessThanOrEqual(cut);
        }
        if (cut >= bytes.byteLength * 0.5 && whole.records.length > 0) {
          expect(result.records.length, `cut ${cut} keeps messages`).toBeGreaterThan(0);
        }
      }
    });
  }
});

describe('readBag on damaged bags', () => {
  it('rejects a 0-byte file and a non-bag with DecodeError', async () => {
    await expect(readAll(bytesSource('empty.bag', new Uint8Array(0)))).rejects.toBeInstanceOf(DecodeError);
    await expect(
      readAll(bytesSource('x.bag', new TextEncoder().encode('#ROSBAG V1.2\nxxxx'))),
    ).rejects.toThrow(/bad magic/);
  });

  it('reports a chunk that does not decompress and reads the other chunks', async () => {
    const path = bags.find((p) => p.endsWith('test1.bag'))!;
    const bytes = new Uint8Array(readFileSync(path));
    const scan = new BagScan(bytesSource(path, bytes), path, decompress);
    await scan.open();
    const index = (await scan.readIndex([]))!;
    expect(index.chunks.length).toBeGreaterThan(2);
    const victim = index.chunks[2]!;
    const head = await readBagRecordHead(scan.window, victim.chunkPos, path);
    bytes.fill(0, head.dataOffset + 100, head.dataOffset + 400);
    const lost = [...victim.counts.values()].reduce((a, b) => a + b, 0);
    const { records, rejects } = await readAll(bytesSource(path, bytes));
    expect(rejects.map((r) => [r.reason, r.offset])).toEqual([['bad_chunk', victim.chunkPos]]);
    expect(records.length).toBe(16806 - lost);
  });

  it('reports a record with a wrong length and keeps the messages before it', async () => {
    const path = bags.find((p) => basename(p) === 'example.bag')!;
    const bytes = new Uint8Array(readFileSync(path));
    const scan = new BagScan(bytesSource(path, bytes), path, decompress);
    await scan.open();
    const index = (await scan.readIndex([]))!;
    const head = await readBagRecordHead(scan.window, index.chunks[0]!.chunkPos, path);
    // Walk to the 100th record inside the (uncompressed) chunk and break its data length.
    let at = head.dataOffset;
    for (let i = 0; i < 100; i++) at += 8 + u32(bytes, at) + u32(bytes, at + 4 + u32(bytes, at));
    const lenAt = at + 4 + u32(bytes, at);
    new DataView(bytes.buffer).setUint32(lenAt, 0x7fffff00, true);
    const { records, rejects } = await readAll(bytesSource(path, bytes));
    expect(rejects.map((r) => [r.reason, r.offset])).toEqual([['bad_record', at]]);
    expect(records.length).toBeGreaterThan(50);
    expect(records.length).toBeLessThan(100);
  });

  it('rejects each connection without a message definition, naming its topic', async () => {
    const path = bags.find((p) => basename(p) === 'example.bag')!;
    const text = Buffer.from(readFileSync(path));
    const bytes = new Uint8Array(
      Buffer.from(text.toString('latin1').replaceAll('message_definition=', 'message_definitioX='), 'latin1'),
    );
    const scan = new BagScan(bytesSource(path, bytes), path, decompress);
    await scan.open();
    const { records, rejects } = await readAll(bytesSource(path, bytes));
    expect(records).toEqual([]);
    expect(rejects.length).toBe(scan.connectionCount);
    for (const r of rejects) {
      expect(r.reason).toBe('no_message_definition');
      expect(r.message).toMatch(/topic \/\w+/);
    }
  });
});
