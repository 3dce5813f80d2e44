import { describe, expect, it } from 'vitest';
import { ByteBuilder } from '../../catalog/byteBuilder.js';
import { countOnes, writeByteStreamSplit } from '../../catalog/parquetEncodings.js';

describe('parquet encodings', () => {
  it('countOnes counts 0/1 flags at any offset and length', () => {
    const buffer = new Uint8Array(103);
    for (let i = 0; i < buffer.length; i++) buffer[i] = (i * 7) % 3 === 0 ? 1 : 0;
    for (const offset of [0, 1, 2, 3, 5]) {
      const flags = buffer.subarray(offset);
      for (const [from, to] of [
        [0, flags.length],
        [1, 2],
        [3, 11],
        [2, 2],
        [0, 7],
        [5, flags.length - 1],
      ]) {
        let expected = 0;
        for (let i = from as number; i < (to as number); i++) expected += flags[i] as number;
        expect(countOnes(flags, from as number, to as number)).toBe(expected);
      }
    }
  });

  it('byte-stream-splits 8-byte values as the plain byte-by-byte split does, aligned or not', () => {
    const values = Float64Array.from({ length: 37 }, (_, i) => Math.sin(i) * 1e6);
    const reference = (bytes: Uint8Array, count: number): number[] =>
      Array.from({ length: 8 * count }, (_, j) => bytes[(j % count) * 8 + Math.floor(j / count)] as number);
    const aligned = new Uint8Array(values.buffer);
    const unaligned = new Uint8Array(values.byteLength + 1).subarray(1);
    unaligned.set(aligned);
    for (const bytes of [aligned, unaligned]) {
      const sink = new ByteBuilder(4);
      sink.byte(0xee); // output that does not start at 0
      writeByteStreamSplit(sink, bytes, values.length, 8);
      expect([...sink.view()]).toEqual([0xee, ...reference(bytes, values.length)]);
    }
  });
});
