import { open, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { ByteStream, RandomAccessSource } from '../core/source.js';

/** Node adapter: a local file as a `RandomAccessSource`. Opens the file per read batch, lazily. */
export function fileSource(path: string): RandomAccessSource {
  return {
    uri: path,
    size: async () => (await stat(path)).size,
    read: async (offset, length) => {
      const handle = await open(path, 'r');
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
