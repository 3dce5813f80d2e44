/**
 * Node adapter: one pass over an input's bytes that hashes them and keeps the first ones for detection.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ByteStream } from '../../core/source.js';
import { SNIFF_BYTES, isGzip } from '../detectFormat.js';

export interface StreamDigest {
  bytes: number;
  /** Hex sha256. */
  sha256: string;
  /** The first `SNIFF_BYTES` bytes as stored (not gunzipped). */
  head: Uint8Array;
  gzip: boolean;
}

/** Hashes `stream` (sha256) and keeps its first `SNIFF_BYTES` bytes, reading it once. */
export async function digestStream(stream: ByteStream): Promise<StreamDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  let head: Uint8Array = new Uint8Array(0);
  for await (const chunk of stream) {
    hash.update(chunk);
    if (head.length < SNIFF_BYTES) head = concat(head, chunk.subarray(0, SNIFF_BYTES - head.length));
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex'), head, gzip: isGzip(head) };
}

/**
 * The first `SNIFF_BYTES` bytes of a gzip stream's content. Stops inflating once they are there, so a large
 * file is not inflated for a verdict.
 */
export async function gunzipHead(raw: ByteStream): Promise<Uint8Array> {
  let head: Uint8Array = new Uint8Array(0);
  const input = Readable.from(raw, { objectMode: false });
  const stream = input.pipe(createGunzip());
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      head = concat(head, chunk.subarray(0, SNIFF_BYTES - head.length));
      if (head.length >= SNIFF_BYTES) break;
    }
  } catch {
    // A corrupt or truncated gzip still gets a format verdict from what was inflated.
  } finally {
    stream.destroy();
    input.destroy();
  }
  return head;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
