import type Bzip2 from '@foxglove/wasm-bz2';
import type { Decompress, DecompressLoader, Decompressors } from './LogMessage.js';

/**
 * wasm adapter: bz2 (ROS 1 bags), lz4 (bags, MCAP; LZ4 frame format) and zstd (MCAP) decompressors. Each
 * wasm module loads (asynchronously) when a chunk first needs it, so a run without compressed chunks, or
 * with only one codec, does not pay for the others (see `decompressorFor`).
 */
export function loadDecompressors(): Promise<Decompressors> {
  return Promise.resolve({
    bz2: loader(async () => {
      // An `export =` module: Node's import() puts module.exports on `default`, which TypeScript's typing of
      // a CommonJS module (esModuleInterop off) does not show.
      const module = (await import('@foxglove/wasm-bz2')) as unknown as { default: typeof Bzip2 };
      const bzip2 = await module.default.init();
      return (data, size) => plain(bzip2.decompress(data, size, { small: false }));
    }),
    lz4: loader(async () => {
      const lz4 = (await import('@foxglove/wasm-lz4')).default;
      await lz4.isLoaded;
      return (data, size) => plain(lz4(data, size));
    }),
    zstd: loader(async () => {
      const zstd = await import('@foxglove/wasm-zstd');
      await zstd.isLoaded;
      return (data, size) => plain(zstd.decompress(data, size));
    }),
  });
}

/** Loads once; later calls share the first load. */
function loader(load: () => Promise<Decompress>): DecompressLoader {
  let loaded: Promise<Decompress> | undefined;
  return { load: () => (loaded ??= load()) };
}

/**
 * The codecs return Node Buffers; a view on the same bytes as a plain Uint8Array, since a Buffer's
 * `subarray` builds a Buffer through its species constructor, a measurable cost per message read from it.
 */
function plain(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
