/**
 * Node adapter: one pass over a local file that hashes it and keeps its first bytes for detection.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { openFile } from '../../core/fileSource.js';
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
  const early = started.get(path);
  if (early) {
    started.delete(path);
    const digest = await early.catch(() => undefined);
    // Used only if the file is still the one hashed (else hashed again, here).
    const now = await stat(path).catch(() => undefined);
    if (digest && now && now.size === digest.bytes && now.mtimeMs === digest.mtimeMs) return digest.result;
  }
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
  const handle = await openFile(path);
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

/** Files at least this large are hashed on a thread of their own when started early. */
const EARLY_MIN_BYTES = 32 << 20;

const started = new Map<string, Promise<{ result: StreamDigest; bytes: number; mtimeMs: number }>>();

/**
 * Starts hashing the large files among `paths` (plain files only; folders are listed later) on worker
 * threads, so the hash runs on another core while the process loads the readers and the lake code; a
 * later `digestFile` of the same unchanged file takes the result. (A 315 MB bag: its 0.3 s hash hidden
 * behind start-up.) Errors surface in `digestFile`, which then hashes the file itself.
 */
export function digestEarly(paths: readonly string[]): void {
  for (const path of paths) {
    if (started.has(path)) continue;
    const digest = stat(path).then((info) => {
      if (!info.isFile() || info.size < EARLY_MIN_BYTES) throw new Error('not hashed early');
      return hashOnThread(path).then((result) => ({ result, bytes: info.size, mtimeMs: info.mtimeMs }));
    });
    digest.catch(() => undefined);
    started.set(path, digest);
  }
}

/** The same pass as `hashFile`, on a worker thread (synchronous reads there; one buffer). */
const HASH_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const fd = openSync(workerData.path, 'r');
try {
  const hash = createHash('sha256');
  const buffer = new Uint8Array(workerData.readBytes);
  const head = new Uint8Array(workerData.headBytes);
  let bytes = 0;
  for (;;) {
    const read = readSync(fd, buffer, 0, buffer.byteLength, bytes);
    if (read === 0) break;
    hash.update(buffer.subarray(0, read));
    if (bytes < head.byteLength) head.set(buffer.subarray(0, Math.min(read, head.byteLength - bytes)), bytes);
    bytes += read;
  }
  parentPort.postMessage({ bytes, sha256: hash.digest('hex'), head: head.subarray(0, Math.min(bytes, head.byteLength)) });
} finally {
  closeSync(fd);
}
`;

function hashOnThread(path: string): Promise<StreamDigest> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(HASH_SOURCE, {
      eval: true,
      workerData: { path, readBytes: READ_BYTES, headBytes: SNIFF_BYTES },
    });
    worker.once('message', (digest: { bytes: number; sha256: string; head: Uint8Array }) =>
      resolve({ ...digest, gzip: isGzip(digest.head) }),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`hash thread exited with ${code}`)));
  });
}
