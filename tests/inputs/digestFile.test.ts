import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../core/errors.js';
import { fileStream } from '../../core/fileSource.js';
import { SNIFF_BYTES } from '../../ingest/detectFormat.js';
import { digestFile } from '../../ingest/inputs/digestFile.js';
import { digestStream } from '../../ingest/inputs/digestStream.js';

describe('digestFile', () => {
  let dir: string;
  const files: { name: string; bytes: Uint8Array }[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adlake-digest-'));
    // Sizes around the head and the 4 MiB read: empty, shorter than the head, several reads with a tail.
    const sizes = [0, 1, SNIFF_BYTES - 1, SNIFF_BYTES + 1, (4 << 20) * 2 + 12345];
    for (const size of sizes) {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 2654435761) >>> 24;
      files.push({ name: `f${size}.bin`, bytes });
    }
    files.push({ name: 'log.gz', bytes: new Uint8Array(gzipSync('(1.0) can0 123#00\n'.repeat(1000))) });
    for (const f of files) await writeFile(join(dir, f.name), f.bytes);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the sha256, size, head and gzip flag that digestStream gives, reading files at once', async () => {
    const digests = await Promise.all(files.map((f) => digestFile(join(dir, f.name))));
    for (const [k, f] of files.entries()) {
      const digest = digests[k]!;
      expect(digest.sha256, f.name).toBe(createHash('sha256').update(f.bytes).digest('hex'));
      expect(digest.bytes).toBe(f.bytes.byteLength);
      expect(digest.head).toEqual(f.bytes.subarray(0, SNIFF_BYTES));
      expect(digest).toEqual(await digestStream(fileStream(join(dir, f.name))));
    }
    expect(digests.map((d) => d.gzip)).toEqual([false, false, false, false, false, true]);
  });

  it('reports a missing file as NotFoundError', async () => {
    await expect(digestFile(join(dir, 'missing.bag'))).rejects.toBeInstanceOf(NotFoundError);
  });
});
