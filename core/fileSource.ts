import { open, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { isNodeError, NotFoundError } from './errors.js';
import type { ByteStream, RandomAccessSource } from './source.js';

/**
 * Node adapter: a local file as a `RandomAccessSource`. Opens the file per read, lazily; a missing file is
 * a `NotFoundError` (or what `notFound` makes of it).
 */
export function fileSource(
  path: string,
  options: { uri?: string; notFound?: (error: unknown) => Error } = {},
): RandomAccessSource {
  const notFound =
    options.notFound ??
    ((error: unknown) =>
      isNodeError(error) && error.code === 'ENOENT'
        ? new NotFoundError(`no such file: ${path}`, { uri: path }, { cause: error })
        : error instanceof Error
          ? error
          : new Error(String(error)));
  return {
    uri: options.uri ?? path,
    size: async () => {
      try {
        return (await stat(path)).size;
      } catch (error) {
        throw notFound(error);
      }
    },
    read: async (offset, length) => {
      const handle = await open(path, 'r').catch((error: unknown) => {
        throw notFound(error);
      });
      try {
        const buffer = new Uint8Array(length);
        let filled = 0;
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return filled === length ? buffer : buffer.subarray(0, filled);
      } finally {
        await handle.close();
      }
    },
  };
}

/** Streams a local file; gunzips transparently when `gzip` is set. @default highWaterMark 1 MiB */
export function fileStream(
  path: string,
  options: { gzip?: boolean; highWaterMark?: number } = {},
): ByteStream {
  const raw = createReadStream(path, { highWaterMark: options.highWaterMark ?? 1 << 20 });
  return options.gzip ? raw.pipe(createGunzip()) : raw;
}
