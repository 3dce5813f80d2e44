import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../core/errors.js';
import { fileChunks, fileSource } from '../../core/fileSource.js';

describe('fileSource', () => {
  let dir: string;
  const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) % 251);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adlake-file-source-'));
    await writeFile(join(dir, 'data.bin'), bytes);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads ranges, concurrently and one after the other, and short at the end', async () => {
    const source = fileSource(join(dir, 'data.bin'));
    expect(await source.size()).toBe(10_000);
    const ranges = Array.from({ length: 40 }, (_, i) => [i * 250, 250] as const);
    const parts = await Promise.all(ranges.map(([offset, length]) => source.read(offset, length)));
    parts.forEach((part, i) => expect(part).toEqual(bytes.subarray(i * 250, i * 250 + 250)));
    for (const [offset, length] of ranges.slice(0, 5))
      expect(await source.read(offset, length)).toEqual(bytes.subarray(offset, offset + length));
    expect(await source.read(9_990, 100)).toEqual(bytes.subarray(9_990));
  });

  it('reads again after the idle handle was closed', async () => {
    const source = fileSource(join(dir, 'data.bin'));
    expect(await source.read(0, 10)).toEqual(bytes.subarray(0, 10));
    await new Promise((done) => setTimeout(done, 120));
    expect(await source.read(100, 10)).toEqual(bytes.subarray(100, 110));
  });

  it('a missing file is NotFoundError on every read, and a file created later is then read', async () => {
    const path = join(dir, 'later.bin');
    const source = fileSource(path);
    await expect(source.read(0, 4)).rejects.toThrow(NotFoundError);
    await expect(source.read(0, 4)).rejects.toThrow(NotFoundError);
    await writeFile(path, bytes.subarray(0, 4));
    expect(await source.read(0, 4)).toEqual(bytes.subarray(0, 4));
  });
});

describe('fileChunks', () => {
  it('the whole file in order, through two buffers used in turn', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'adlake-chunks-'));
    try {
      const path = join(dir, 'log.txt');
      const text = Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join('');
      await writeFile(path, text);
      const buffers = new Set<ArrayBufferLike>();
      let read = '';
      for await (const chunk of fileChunks(path, 64)) {
        // Decoded before the next chunk is asked for, as the contract says.
        read += Buffer.from(chunk).toString('latin1');
        buffers.add(chunk.buffer);
        expect(chunk.length).toBeLessThanOrEqual(64);
      }
      expect(read).toBe(text);
      expect(buffers.size).toBe(2);
      const readMissing = async () => {
        for await (const chunk of fileChunks(join(dir, 'missing'))) expect(chunk).toBeUndefined();
      };
      await expect(readMissing()).rejects.toBeInstanceOf(NotFoundError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
