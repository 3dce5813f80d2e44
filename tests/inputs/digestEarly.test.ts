import { createHash } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { digestEarly, digestFile } from '../../ingest/inputs/digestFile.js';

const BYTES = 33 << 20; // above the size hashed early
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'adlake-digest-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

function content(seed: number): Uint8Array {
  const bytes = new Uint8Array(BYTES);
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = (i / 4096 + seed) & 0xff;
  bytes.set([0x1f, 0x8b, 8], 0); // a gzip magic, so the head and the gzip flag are checked too
  return bytes;
}

describe('digestEarly', () => {
  test('a large file hashed early on a thread gives the digest a direct pass gives', async () => {
    const path = join(folder, 'a.bin');
    const bytes = content(1);
    await writeFile(path, bytes);
    digestEarly([path]);
    const early = await digestFile(path);
    const direct = await digestFile(path);
    expect(early.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(early).toEqual(direct);
    expect(early.bytes).toBe(BYTES);
    expect(early.gzip).toBe(true);
    expect([...early.head.subarray(0, 3)]).toEqual([0x1f, 0x8b, 8]);
  });

  test('a file changed after the early hash started is hashed again', async () => {
    const path = join(folder, 'b.bin');
    await writeFile(path, content(2));
    digestEarly([path]);
    const changed = content(3);
    await writeFile(path, changed);
    await utimes(path, new Date(), new Date(Date.now() + 5000));
    const digest = await digestFile(path);
    expect(digest.sha256).toBe(createHash('sha256').update(changed).digest('hex'));
  });

  test('the early result is what digestFile returns while size and modification time are unchanged', async () => {
    const path = join(folder, 'c.bin');
    const first = content(4);
    await writeFile(path, first);
    // A whole-second time, which utimes can set again exactly.
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000);
    await utimes(path, mtime, mtime);
    digestEarly([path]);
    // Let the thread finish (33 MB), then change the bytes behind its back, keeping size and mtime.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await writeFile(path, content(5));
    await utimes(path, mtime, mtime);
    const digest = await digestFile(path);
    expect(digest.sha256).toBe(createHash('sha256').update(first).digest('hex'));
  });

  test('small files, folders and missing paths are left to digestFile', async () => {
    const small = join(folder, 'small.txt');
    await writeFile(small, 'hello');
    digestEarly([small, folder, join(folder, 'missing')]);
    expect((await digestFile(small)).sha256).toBe(createHash('sha256').update('hello').digest('hex'));
    await expect(digestFile(join(folder, 'missing'))).rejects.toThrow(/no such file/);
  });
});
