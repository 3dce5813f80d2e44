import { McapIndexedReader } from '@mcap/core';
import { describe, expect, it } from 'vitest';
import { fileSource } from '../../core/fileSource.js';
import { bytesSource, type RandomAccessSource } from '../../core/source.js';
import { readMcap } from '../../ingest/mcap/readMcap.js';
import { SourceWindow } from '../../ingest/rosmsg/SourceWindow.js';
import { loadDecompressors } from '../../ingest/rosmsg/decompressors.js';
import { walk } from '../rosbag/oracleCompare.js';

/** Records every read, to check which bytes were fetched how often. */
function counting(source: RandomAccessSource): { source: RandomAccessSource; reads: [number, number][] } {
  const reads: [number, number][] = [];
  return {
    reads,
    source: {
      uri: source.uri,
      size: () => source.size(),
      read: (offset, length) => {
        reads.push([offset, length]);
        return source.read(offset, length);
      },
    },
  };
}

describe('SourceWindow.limitReadAhead', () => {
  it('does not widen reads past the limit, but still serves reads beyond it', async () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
    const { source, reads } = counting(bytesSource('mem', bytes));
    const window = new SourceWindow(source, 100, 40);
    window.limitReadAhead(70);
    expect([...(await window.read(50, 4))]).toEqual([50, 51, 52, 53]);
    expect(reads.at(-1)).toEqual([50, 20]);
    expect([...(await window.read(60, 10))]).toEqual([60, 61, 62, 63, 64, 65, 66, 67, 68, 69]);
    expect(reads).toHaveLength(1);
    // A read crossing the limit gets its bytes, not fewer.
    expect([...(await window.read(68, 4))]).toEqual([68, 69, 70, 71]);
    expect(reads.at(-1)).toEqual([68, 4]);
    // Past the limit the window reads ahead as before.
    await window.read(75, 2);
    expect(reads.at(-1)).toEqual([75, 25]);
  });
});

const files = await walk('../shared/data/mcap', '.mcap');

/** Bytes of the reads that fall in `[from, size)`. */
function bytesFrom(reads: [number, number][], from: number): number {
  let total = 0;
  for (const [offset, length] of reads) total += Math.max(0, offset + length - Math.max(offset, from));
  return total;
}

describe('readMcap fetches the summary once', () => {
  it.each(files)('%s', async (path) => {
    const decompress = await loadDecompressors();
    // Oracle: what @mcap/core alone reads of the summary and footer to open the file.
    const alone = counting(fileSource(path));
    const probe = await McapIndexedReader.Initialize({
      readable: {
        size: async () => BigInt(await alone.source.size()),
        read: (offset, length) => alone.source.read(Number(offset), Number(length)),
      },
    }).catch(() => undefined);
    const summaryStart = Number(probe?.footer.summaryStart ?? 0n);
    const { source, reads } = counting(fileSource(path));
    let messages = 0;
    for await (const batch of readMcap(source, { decompress })) messages += batch.records.length;
    if (probe === undefined || summaryStart === 0 || probe.chunkIndexes.length === 0) return;
    expect(messages).toBeGreaterThan(0);
    expect(bytesFrom(reads, summaryStart)).toBe(bytesFrom(alone.reads, summaryStart));
  });
});
