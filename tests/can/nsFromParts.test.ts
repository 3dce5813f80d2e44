import { describe, expect, it } from 'vitest';
import { nsFromParts } from '../../ingest/can/nsFromParts.js';
import { seeded } from './collect.js';

describe('nsFromParts', () => {
  it('equals seconds * 1e9 + nanos in bigint arithmetic, at the edges and at random', () => {
    const random = seeded(99);
    const cases: [number, number][] = [
      [0, 0],
      [0, 999_999_999],
      [65_535, 1],
      [65_536, 0],
      [4_294_967_295, 999_999_999],
      [4_294_967_296, 0],
      [17_179_869_183, 999_999_999],
      [17_179_869_184, 1],
      [Number.MAX_SAFE_INTEGER, 999_999_999],
    ];
    for (let i = 0; i < 100_000; i++) cases.push([Math.floor(random() * 2e10), Math.floor(random() * 1e9)]);
    const wrong = cases.filter(([s, n]) => nsFromParts(s, n) !== BigInt(s) * 1_000_000_000n + BigInt(n));
    expect(wrong).toEqual([]);
  });
});
