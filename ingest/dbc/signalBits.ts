import type { DbcByteOrder } from './model.js';

/**
 * Where a signal's bits are in the payload, as positions `8 * byte + bit` (bit 0 = least significant bit of the
 * byte), listed from the signal's least significant bit to its most significant bit.
 *
 * Intel (`@1`): the DBC start bit is the LSB; bits go up through the byte and on into the next byte.
 * Motorola (`@0`): the DBC start bit is the MSB, numbered the same way (the "sawtooth": bit 7 of byte 0 is 7,
 * bit 0 of byte 1 is 8); bits go down within the byte and continue at bit 7 of the NEXT byte. So a 12-bit
 * Motorola signal starting at 7 covers byte 0 entirely and the top nibble of byte 1.
 */
export function signalBits(startBit: number, length: number, byteOrder: DbcByteOrder): number[] {
  const bits = new Array<number>(length);
  if (byteOrder === 'little_endian') {
    for (let i = 0; i < length; i++) bits[i] = startBit + i;
    return bits;
  }
  let byte = startBit >> 3;
  let bit = startBit & 7;
  for (let i = length - 1; i >= 0; i--) {
    bits[i] = byte * 8 + bit;
    if (bit === 0) {
      bit = 7;
      byte++;
    } else bit--;
  }
  return bits;
}

/** Number of payload bytes a signal needs: one past the highest byte it touches. */
export function signalEndByte(startBit: number, length: number, byteOrder: DbcByteOrder): number {
  if (length <= 0) return 0;
  if (byteOrder === 'little_endian') return ((startBit + length - 1) >> 3) + 1;
  // Motorola: count bits in "big-endian linear" order, where the MSB of byte 0 is position 0.
  const msb = (startBit >> 3) * 8 + (7 - (startBit & 7));
  return ((msb + length - 1) >> 3) + 1;
}

/** The signal's bits per payload byte: `bytes[i]` is the mask of its bits in byte `first + i`. */
export interface SignalByteMasks {
  first: number;
  bytes: Uint8Array;
}

export function signalByteMasks(startBit: number, length: number, byteOrder: DbcByteOrder): SignalByteMasks {
  const bits = signalBits(startBit, length, byteOrder);
  let first = Infinity;
  let last = -Infinity;
  for (const bit of bits) {
    first = Math.min(first, bit >> 3);
    last = Math.max(last, bit >> 3);
  }
  const bytes = new Uint8Array(Math.max(0, last - first + 1));
  for (const bit of bits) bytes[(bit >> 3) - first]! |= 1 << (bit & 7);
  return { first, bytes };
}

/** Whether two signals share a bit. */
export function masksOverlap(a: SignalByteMasks, b: SignalByteMasks): boolean {
  const from = Math.max(a.first, b.first);
  const to = Math.min(a.first + a.bytes.length, b.first + b.bytes.length);
  for (let byte = from; byte < to; byte++) {
    if ((a.bytes[byte - a.first]! & b.bytes[byte - b.first]!) !== 0) return true;
  }
  return false;
}
