import { inflateSync } from 'node:zlib';

/** Node adapter: zlib inflate for MDF4 DZ blocks (`OpenMdfOptions.inflate`). */
export function nodeInflate(bytes: Uint8Array, expectedSize?: number): Uint8Array {
  // A known output size lets zlib allocate once; maxOutputLength guards against a lying header.
  return expectedSize === undefined
    ? inflateSync(bytes)
    : inflateSync(bytes, {
        maxOutputLength: Math.max(expectedSize, 1),
        chunkSize: Math.max(64, Math.min(expectedSize, 1 << 24)),
      });
}
