/**
 * Writes a raw signal value into a CAN payload at a DBC position. The inverse of decoding, used by the
 * demo generator (and handy for tests): start bit and byte order follow the DBC convention, where a
 * Motorola (big-endian) signal's start bit is its most significant bit in "sawtooth" numbering.
 */
export function packSignal(
  data: Uint8Array,
  raw: bigint | number,
  position: { start: number; length: number; byteOrder: 'little_endian' | 'big_endian' },
): void {
  const { start, length, byteOrder } = position;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && length <= 31 && Math.abs(raw) < 2 ** 31) {
    // The common case without BigInt arithmetic (which made a demo drive take seconds to generate).
    const value = raw & ((1 << length) - 1); // two's complement for negative raws
    packBits(data, start, length, byteOrder, (i) => (value >>> i) & 1);
    return;
  }
  const big = BigInt(raw);
  const mask = (1n << BigInt(length)) - 1n;
  const value = big & mask; // two's complement for negative raws
  packBits(data, start, length, byteOrder, (i) => Number((value >> BigInt(i)) & 1n));
}

/** Sets `length` bits from `bit(i)` (i = 0 is the least significant) at a DBC position. */
function packBits(
  data: Uint8Array,
  start: number,
  length: number,
  byteOrder: 'little_endian' | 'big_endian',
  bit: (i: number) => number,
): void {
  if (byteOrder === 'little_endian') {
    for (let i = 0; i < length; i++) setBit(data, start + i, bit(i));
    return;
  }
  let pos = start;
  for (let i = length - 1; i >= 0; i--) {
    setBit(data, pos, bit(i));
    // Motorola order walks down a byte's bits, then to bit 7 of the next byte.
    pos = (pos & 7) === 0 ? pos + 15 : pos - 1;
  }
}

function setBit(data: Uint8Array, pos: number, bit: number): void {
  const byte = pos >> 3;
  if (byte >= data.length) throw new RangeError(`bit ${pos} is outside a ${data.length}-byte payload`);
  if (bit) data[byte] = (data[byte] ?? 0) | (1 << (pos & 7));
  else data[byte] = (data[byte] ?? 0) & ~(1 << (pos & 7));
}
