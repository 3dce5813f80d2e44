import Bzip2 from '@foxglove/wasm-bz2';
import lz4 from '@foxglove/wasm-lz4';
import * as zstd from '@foxglove/wasm-zstd';
import type { Decompressors } from './LogMessage.js';

/**
 * Node/wasm adapter: bz2 (ROS 1 bags), lz4 (bags, MCAP; LZ4 frame format) and zstd (MCAP) decompressors.
 * The wasm modules load asynchronously, so this waits for them once.
 */
export async function loadDecompressors(): Promise<Decompressors> {
  const [bzip2] = await Promise.all([Bzip2.init(), lz4.isLoaded, zstd.isLoaded]);
  return {
    bz2: (data, size) => bzip2.decompress(data, size, { small: false }),
    lz4: (data, size) => lz4(data, size),
    zstd: (data, size) => zstd.decompress(data, size),
  };
}
