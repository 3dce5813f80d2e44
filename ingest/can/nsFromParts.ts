/**
 * Exact `seconds * 1e9 + nanos` as a bigint with a single bigint allocation: the 64-bit sum is assembled
 * from two 32-bit halves in double arithmetic (every step stays below 2^53, so it is exact) and read
 * back through a `BigUint64Array`. `BigInt(a) * 1_000_000_000n + BigInt(b)` allocates four bigints and
 * is the main cost of timestamp parsing at millions of frames per second.
 */

const scratch = new BigUint64Array(1);
const halves = new Uint32Array(scratch.buffer);
// The halves' order follows the platform's byte order.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

const TWO_16 = 65536;
const TWO_32 = 4294967296;
/** Largest `seconds` whose nanoseconds fit the construction: 2^34 - 1 (year 2514). */
const MAX_FAST_SECONDS = 17179869183;

/**
 * `seconds * 1e9 + nanos` exactly. `seconds` and `nanos` must be non-negative integers, `nanos` < 1e9.
 */
export function nsFromParts(seconds: number, nanos: number): bigint {
  if (seconds > MAX_FAST_SECONDS) return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
  // seconds = sh * 2^16 + sl; ns = (sh * 1e9) * 2^16 + (sl * 1e9 + nanos).
  const sh = Math.floor(seconds / TWO_16);
  const low = (seconds - sh * TWO_16) * 1e9 + nanos; // < 2^47
  const b = sh * 1e9; // < 2^48
  const bh = Math.floor(b / TWO_16);
  // ns = bh * 2^32 + c, with c = (b mod 2^16) * 2^16 + low < 2^48.
  const c = (b - bh * TWO_16) * TWO_16 + low;
  const carry = Math.floor(c / TWO_32);
  halves[LO] = c - carry * TWO_32;
  halves[HI] = bh + carry;
  return scratch[0] ?? 0n;
}
