/**
 * int64 arrays read through their 32-bit words (little-endian hosts): a BigInt read per element allocates
 * a BigInt, which made loops over millions of timestamps several times slower.
 */

export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A bigint's two 32-bit words as numbers: the high one signed, the low one unsigned. */
export function int64Halves(value: bigint): [high: number, low: number] {
  return [Number(BigInt.asIntN(32, value >> 32n)), Number(BigInt.asUintN(32, value))];
}

/**
 * Writes `base + offset` into element `i` of an int64 array seen as `words` (little-endian), `base` given by
 * its halves (`int64Halves`) and `offset` a whole double with |low + offset| < 2^53: the sum is exact in
 * double arithmetic and its carry joins the high word.
 */
export function setInt64Sum(words: Int32Array, i: number, high: number, low: number, offset: number): void {
  const x = low + offset;
  const carry = Math.floor(x / 4294967296);
  words[2 * i] = x - carry * 4294967296;
  words[2 * i + 1] = high + carry;
}

/** The least and greatest of int64 values (no BigInt per element, no copy); the array is not empty. */
export function int64Bounds(values: BigInt64Array): [bigint, bigint] {
  const [lo, hi] = int64MinMaxAt(values);
  return [values[lo] as bigint, values[hi] as bigint];
}

/**
 * Positions of the least and greatest values of a non-empty int64 array (the first of equal ones),
 * compared by words: high word signed, then low word unsigned. [-1, -1] when empty.
 */
export function int64MinMaxAt(values: BigInt64Array): [number, number] {
  if (values.length === 0) return [-1, -1];
  if (!LITTLE_ENDIAN) {
    let minAt = 0;
    let maxAt = 0;
    for (let i = 1; i < values.length; i++) {
      if ((values[i] as bigint) < (values[minAt] as bigint)) minAt = i;
      if ((values[i] as bigint) > (values[maxAt] as bigint)) maxAt = i;
    }
    return [minAt, maxAt];
  }
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  let minAt = 0;
  let maxAt = 0;
  for (let i = 1; i < values.length; i++) {
    const high = words[2 * i + 1] as number;
    const low = (words[2 * i] as number) >>> 0;
    const minHigh = words[2 * minAt + 1] as number;
    if (high < minHigh || (high === minHigh && low < (words[2 * minAt] as number) >>> 0)) minAt = i;
    const maxHigh = words[2 * maxAt + 1] as number;
    if (high > maxHigh || (high === maxHigh && low > (words[2 * maxAt] as number) >>> 0)) maxAt = i;
  }
  return [minAt, maxAt];
}
