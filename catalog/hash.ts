/**
 * Node adapter: content hashes of inputs. Inputs are identified by SHA-256 of their bytes, so a file
 * renamed or copied is still the same input and a re-run skips it.
 */
import { createHash } from 'node:crypto';
import type { ByteStream } from '../core/source.js';

export interface ContentHash {
  /** Lowercase hex. */
  sha256: string;
  bytes: number;
}

/** Hashes a stream chunk by chunk (node:crypto; WebCrypto's digest is not incremental), in bounded memory. */
export async function hashStream(stream: ByteStream): Promise<ContentHash> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  return { sha256: hash.digest('hex'), bytes };
}
