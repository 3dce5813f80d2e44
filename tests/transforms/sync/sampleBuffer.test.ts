import { describe, expect, test } from 'vitest';
import { InternalError } from '../../../core/errors.js';
import { SampleBuffer } from '../../../transforms/sync/sampleBuffer.js';
import { textAt } from '../../../transforms/timeline.js';

describe('SampleBuffer', () => {
  test('grows past its first capacity and keeps every sample in order', () => {
    const buffer = new SampleBuffer();
    for (let i = 0; i < 1000; i++) buffer.push(BigInt(i) * 10n, i / 2, i % 3 === 0 ? 'x' : null);
    const { t, v, text } = buffer.take();
    expect(t).toHaveLength(1000);
    expect(t[999]).toBe(9990n);
    expect(v[999]).toBe(499.5);
    expect(textAt(text, 999)).toBe('x');
    expect(textAt(text, 998)).toBeNull();
    expect(text?.names).toEqual(['x']);
  });

  test('many samples: grown past its capacity many times, in order, labels kept', () => {
    const buffer = new SampleBuffer();
    const n = 200_000;
    for (let i = 0; i < n; i++) buffer.push(BigInt(i), i * 0.5, i === n - 1 ? 'last' : null);
    const { t, v, text } = buffer.take();
    expect(t).toHaveLength(n);
    expect(v).toHaveLength(n);
    expect(t.every((x, i) => x === BigInt(i))).toBe(true);
    expect(v.every((x, i) => x === i * 0.5)).toBe(true);
    expect(textAt(text, n - 1)).toBe('last');
    expect(textAt(text, n - 2)).toBeNull();
    expect(buffer.take().v[n - 1]).toBe((n - 1) * 0.5);
  });

  test('the first take hands over the arrays; later takes copy, so changing one does not change another', () => {
    const buffer = new SampleBuffer();
    buffer.push(1n, 1);
    buffer.push(2n, 2);
    const first = buffer.take();
    const second = buffer.take();
    first.v[0] = 100;
    expect(second.v[0]).toBe(1);
    expect(first.v).toHaveLength(2);
    expect(() => buffer.push(3n, 3)).toThrow(InternalError);
  });

  test('pushScaled scales int64 times exactly without bigints, across the 32-bit carry and before 1970', () => {
    const times = BigInt64Array.of(
      0n,
      1_718_000_000_123_456n,
      -1n,
      -86_400_000_000n,
      0xffff_ffffn,
      0x1_0000_0000n * 7n + 0xffff_fff0n,
      9_000_000_000_000_000n,
    );
    const words = new Int32Array(times.buffer);
    for (const scale of [1, 1000, 1_000_000]) {
      const buffer = new SampleBuffer();
      times.forEach((_, row) => buffer.pushScaled(words, row, scale, row, `r${row}`));
      const { t, v, text } = buffer.take();
      const limit = 2n ** 63n;
      const expected = [...times].map((x) => BigInt.asIntN(64, x * BigInt(scale)));
      // Products past int64 wrap like any int64 store; the in-range ones must be exact.
      expect([...t].filter((_, i) => (times[i] as bigint) * BigInt(scale) < limit)).toEqual(
        expected.filter((_, i) => (times[i] as bigint) * BigInt(scale) < limit),
      );
      expect([...v]).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(textAt(text, 6)).toBe('r6');
    }
  });

  test('texts are codes from the first text on: earlier samples read null, a buffer without text has none', () => {
    const buffer = new SampleBuffer();
    for (let i = 0; i < 300; i++) buffer.push(BigInt(i), i, i < 290 ? null : i % 2 === 0 ? 'D' : 'R');
    const { text } = buffer.take();
    expect(text?.codes).toHaveLength(300);
    expect(text?.names).toEqual(['D', 'R']);
    expect([...Array(300).keys()].map((i) => textAt(text, i))).toEqual(
      [...Array(300).keys()].map((i) => (i < 290 ? null : i % 2 === 0 ? 'D' : 'R')),
    );
    const plain = new SampleBuffer();
    plain.push(1n, 1, null);
    expect(plain.take().text).toBeUndefined();
    expect(textAt(undefined, 0)).toBeNull();
  });

  test('later takes copy the codes too', () => {
    const buffer = new SampleBuffer();
    buffer.push(1n, 1, 'P');
    const first = buffer.take();
    const second = buffer.take();
    (first.text as { codes: Int32Array }).codes[0] = -1;
    expect(textAt(second.text, 0)).toBe('P');
  });

  test('reserve grows once and keeps the samples', () => {
    const buffer = new SampleBuffer();
    for (let i = 0; i < 300; i++) buffer.push(BigInt(i), i);
    buffer.reserve(10_000);
    buffer.reserve(10); // never shrinks
    for (let i = 300; i < 10_000; i++) buffer.push(BigInt(i), i);
    const { t, v } = buffer.take();
    expect(t).toHaveLength(10_000);
    expect(t.buffer.byteLength).toBe(10_000 * 8);
    expect(v.every((x, i) => x === i)).toBe(true);
    expect(t[9_999]).toBe(9_999n);
  });
});
