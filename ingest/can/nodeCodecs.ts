import { Readable } from 'node:stream';
import { createGunzip, inflateSync } from 'node:zlib';
import type { ByteStream } from '../../core/source.js';

/** Node adapter: zlib inflate for BLF log containers (`BlfOptions.inflate`). */
export function nodeInflate(bytes: Uint8Array): Uint8Array {
  return inflateSync(bytes);
}

/** Node adapter: gunzips a byte stream (gzip'ed ASC or candump logs), for `readCanLog`'s `gunzipStream`. */
export function nodeGunzipStream(stream: ByteStream): ByteStream {
  return Readable.from(stream, { objectMode: false }).pipe(createGunzip());
}
