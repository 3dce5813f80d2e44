import lz4 from '@foxglove/wasm-lz4';
import { beforeAll, describe, expect, it } from 'vitest';
import { lz4Frame, xxh32 } from '../../ingest/rosbag/lz4Frame.js';

describe('lz4Frame', () => {
  beforeAll(async () => {
    await lz4.isLoaded;
  });

  it('computes xxHash32 test vectors', () => {
    // Reference values from the xxHash repository (xxhsum): "" and "abc" with seed 0.
    expect(xxh32(new Uint8Array(0), 0)).toBe(0x02cc5d05);
    expect(xxh32(new TextEncoder().encode('abc'), 0)).toBe(0x32d153ff);
    expect(xxh32(new TextEncoder().encode('Nobody inspects the spammish repetition'), 0)).toBe(0xe2293b2f);
  });

  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['short', new TextEncoder().encode('hello')],
    [
      'repetitive, several blocks',
      Uint8Array.from({ length: 9_000_000 }, (_, i) => (i % 1000 < 500 ? i % 7 : (i * 31) % 251)),
    ],
    ['incompressible', pseudoRandom(300_000)],
  ];
  for (const [name, data] of cases) {
    it(`round-trips through the reference LZ4 frame decoder (${name})`, () => {
      const frame = lz4Frame(data);
      const back = lz4(frame, data.byteLength);
      // Buffer.compare, not toEqual: deep equality over megabytes is very slow in vitest.
      expect(back.byteLength).toBe(data.byteLength);
      expect(Buffer.compare(back, data)).toBe(0);
      if (name.startsWith('repetitive')) expect(frame.byteLength).toBeLessThan(data.byteLength / 2);
    });
  }
});

function pseudoRandom(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
