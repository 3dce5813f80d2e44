/**
 * Node adapter: one pass over a local file that hashes it and keeps its first bytes for detection.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { NotFoundError, isNodeError } from '../../core/errors.js';
import { SNIFF_BYTES, isGzip } from '../detectFormat.js';
import type { StreamDigest } from './digestStream.js';

/** Read size: large reads into one reused buffer (a read stream allocates a buffer per chunk). */
const READ_BYTES = 4 << 20;
/** Files hashed at once (a folder of many files): bounds the buffers to a few MiB. */
const CONCURRENCY = 4;

let running = 0;
const waiting: (() => void)[] = [];

/**
 * `digestStream` for a local file: sha256 and the first `SNIFF_BYTES` bytes, reading the file once through
 * one reused buffer, which is several times faster than a read stream on a large file. A missing file is a
 * `NotFoundError`.
 */
export async function digestFile(path: string): Promise<StreamDigest> {
  if (running >= CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await hashFile(path);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

async function hashFile(path: string): Promise<StreamDigest> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw isNodeError(error) && error.code === 'ENOENT'
      ? new NotFoundError(`no such file: ${path}`, { uri: path }, { cause: error })
      : error;
  });
  try {
    const hash = createHash('sha256');
    const buffer = new Uint8Array(READ_BYTES);
    let head = new Uint8Array(0);
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, bytes);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      hash.update(chunk);
      // Copied out: the buffer is reused by the next read.
      if (head.byteLength < SNIFF_BYTES)
        head = concat(head, chunk.subarray(0, SNIFF_BYTES - head.byteLength));
      bytes += bytesRead;
    }
    return { bytes, sha256: hash.digest('hex'), head, gzip: isGzip(head) };
  } finally {
    await handle.close();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}
