import { describe, expect, it } from 'vitest';
import type { Decompress } from '../../ingest/rosmsg/LogMessage.js';
import { decompressorFor } from '../../ingest/rosmsg/decompressorFor.js';
import { loadDecompressors } from '../../ingest/rosmsg/decompressors.js';
import { lz4Frame } from '../../ingest/rosbag/lz4Frame.js';

describe('decompressorFor', () => {
  it('returns ready codecs as they are, loads a loader once, and says undefined for unknown names', async () => {
    const ready: Decompress = (data) => data;
    let loads = 0;
    const codecs = {
      ready,
      lazy: {
        load: () => {
          loads++;
          return Promise.resolve(ready);
        },
      },
    };
    expect(await decompressorFor(codecs, 'ready')).toBe(ready);
    expect(await decompressorFor(codecs, 'nope')).toBeUndefined();
    expect(loads).toBe(0);
    expect(await decompressorFor(codecs, 'lazy')).toBe(ready);
    expect(loads).toBe(1);
  });

  it('loads the wasm lz4 codec on first use, once, and it returns plain Uint8Arrays', async () => {
    const codecs = await loadDecompressors();
    const content = new TextEncoder().encode('lz4 frame content '.repeat(1000));
    const [a, b] = await Promise.all([decompressorFor(codecs, 'lz4'), decompressorFor(codecs, 'lz4')]);
    expect(a).toBeDefined();
    expect(a).toBe(b);
    const out = a!(lz4Frame(content), content.byteLength);
    // Not a Buffer: a Buffer's subarray goes through its species constructor (see decompressors).
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
    expect(out).toEqual(content);
  });
});
