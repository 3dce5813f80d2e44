/**
 * Ports through which format cores read bytes. Cores never import `node:*` or `@aws-sdk/*`:
 * adapters (files, S3, memory) implement these.
 */

/** Random access to one object's bytes, like a file or an S3 object with range reads. */
export interface RandomAccessSource {
  /** A stable name for messages and lineage: a path, `file://` or `s3://` URI. */
  readonly uri: string;
  size(): Promise<number>;
  /** Reads exactly `length` bytes at `offset`, or fewer only at the end of the object. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Reads `target.length` bytes at `offset` into `target` (fewer only at the end of the object) and returns
   * how many; for readers that reuse their buffers. Optional: callers fall back to `read`.
   */
  readInto?(offset: number, target: Uint8Array): Promise<number>;
}

/** A sequential stream of byte chunks (any chunk sizes). */
export type ByteStream = AsyncIterable<Uint8Array>;

/** Streams a random-access source in chunks of `chunkSize` bytes. @default chunkSize 1 MiB */
export async function* streamSource(
  source: RandomAccessSource,
  options: { chunkSize?: number; start?: number } = {},
): ByteStream {
  const chunkSize = options.chunkSize ?? 1 << 20;
  const size = await source.size();
  for (let offset = options.start ?? 0; offset < size; offset += chunkSize) {
    yield await source.read(offset, Math.min(chunkSize, size - offset));
  }
}

/** An in-memory source, for tests and small inputs. */
export function bytesSource(uri: string, bytes: Uint8Array): RandomAccessSource {
  return {
    uri,
    size: () => Promise.resolve(bytes.byteLength),
    read: (offset, length) =>
      Promise.resolve(bytes.subarray(offset, Math.min(offset + length, bytes.byteLength))),
  };
}
