import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { isNodeError, NotFoundError } from './errors.js';
import type { ByteStream, RandomAccessSource } from './source.js';

/**
 * Node adapter: a local file as a `RandomAccessSource`. The file is opened on the first read and kept open
 * while reads follow each other (a reader of a bag or MCAP file reads chunk after chunk: one open per read
 * cost ~50 ms a 50 MB bag), then closed after a short idle time. A missing file is a `NotFoundError` (or what
 * `notFound` makes of it).
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
  let handle: Promise<FileHandle> | undefined;
  let reading = 0;
  let idle: NodeJS.Timeout | undefined;
  const acquire = (): Promise<FileHandle> => {
    clearTimeout(idle);
    reading++;
    handle ??= open(path, 'r').catch((error: unknown) => {
      handle = undefined;
      throw notFound(error);
    });
    return handle;
  };
  const release = (): void => {
    reading--;
    if (reading > 0) return;
    idle = setTimeout(() => {
      const closing = handle;
      handle = undefined;
      void closing?.then((h) => h.close()).catch(() => undefined);
    }, IDLE_CLOSE_MS);
    // An idle handle never keeps the process alive; the OS closes it at exit.
    idle.unref();
  };
  const readInto = async (offset: number, target: Uint8Array): Promise<number> => {
    try {
      const file = await acquire();
      let filled = 0;
      while (filled < target.length) {
        const { bytesRead } = await file.read(target, filled, target.length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled;
    } finally {
      release();
    }
  };
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
      const buffer = new Uint8Array(length);
      const filled = await readInto(offset, buffer);
      return filled === length ? buffer : buffer.subarray(0, filled);
    },
    readInto,
  };
}

/** How long an unused file handle stays open. */
const IDLE_CLOSE_MS = 50;

/** Streams a local file; gunzips transparently when `gzip` is set. @default highWaterMark 1 MiB */
export function fileStream(
  path: string,
  options: { gzip?: boolean; highWaterMark?: number } = {},
): ByteStream {
  const raw = createReadStream(path, { highWaterMark: options.highWaterMark ?? 1 << 20 });
  return options.gzip ? raw.pipe(createGunzip()) : raw;
}

/**
 * Streams a local file through two buffers used in turn: the next read runs while the caller works on the
 * current chunk, and no chunk is fresh memory (first touches of fresh pages are slow on the virtual
 * machines adlake runs on: a 223 MB candump log took 0.3-0.6 s longer through a read stream). A chunk is
 * valid only until the next one is asked for: for readers that copy what they keep.
 */
export async function* fileChunks(path: string, chunkBytes = 1 << 20): ByteStream {
  const handle = await openFile(path);
  const buffers = [new Uint8Array(chunkBytes), new Uint8Array(chunkBytes)];
  let current = 0;
  let position = 0;
  let next = handle.read(buffers[0] as Uint8Array, 0, chunkBytes, 0);
  try {
    for (;;) {
      const { bytesRead, buffer } = await next;
      if (bytesRead === 0) break;
      position += bytesRead;
      current ^= 1;
      next = handle.read(buffers[current] as Uint8Array, 0, chunkBytes, position);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await next.catch(() => undefined);
    await handle.close();
  }
}

/** Opens a local file for reading; a missing file is a `NotFoundError` naming it. */
export function openFile(path: string): Promise<FileHandle> {
  return open(path, 'r').catch((error: unknown) => {
    throw isNodeError(error) && error.code === 'ENOENT'
      ? new NotFoundError(`no such file: ${path}`, { uri: path }, { cause: error })
      : error;
  });
}
