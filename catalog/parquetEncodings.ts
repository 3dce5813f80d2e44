/**
 * Parquet value and level encodings, written into a `ByteBuilder` (Parquet `Encodings.md`): the
 * RLE / bit-packing hybrid (dictionary indices, definition levels), DELTA_BINARY_PACKED (timestamps and
 * other sorted integers), BYTE_STREAM_SPLIT (noisy doubles) and PLAIN booleans.
 */
import type { ByteBuilder } from './byteBuilder.js';

/** Bits needed for a non-negative integer below 2^53 (0 for 0). */
export function bitWidth(max: number): number {
  if (max < 0x1_0000_0000) return 32 - Math.clz32(max);
  return 32 + bitWidth(Math.floor(max / 0x1_0000_0000));
}

/** The shortest run of one repeated value worth an RLE run instead of bit-packing (as arrow-rs). */
const MIN_RLE_RUN = 8;

/**
 * The RLE / bit-packing hybrid of `values[from..to)` at `width` bits (at most 24), without a length
 * prefix. Runs of eight or more equal values become RLE runs; the rest is bit-packed in groups of eight,
 * the last group padded with zeros (readers stop at the page's value count).
 */
export function writeHybrid(
  sink: ByteBuilder,
  values: ArrayLike<number>,
  from: number,
  to: number,
  width: number,
): void {
  let packFrom = from;
  let i = from;
  while (i < to) {
    const value = values[i] as number;
    // A run worth RLE has its eighth value equal to its first: one compare per value where runs are rare.
    if (i + MIN_RLE_RUN - 1 >= to || values[i + MIN_RLE_RUN - 1] !== value) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < to && values[j] === value) j++;
    if (j - i >= MIN_RLE_RUN) {
      // Bit-packed runs hold whole groups of eight: lend the pending run the first values of this one.
      const lend = (8 - ((i - packFrom) & 7)) & 7;
      if (j - i - lend >= MIN_RLE_RUN) {
        if (i + lend > packFrom) writeBitPacked(sink, values, packFrom, i + lend, width);
        writeRle(sink, value, j - i - lend, width);
        packFrom = j;
      }
    }
    i = j;
  }
  if (packFrom < to) writeBitPacked(sink, values, packFrom, to, width);
}

/** One RLE run: the count, then the value in ceil(width / 8) little-endian bytes. */
export function writeRle(sink: ByteBuilder, value: number, count: number, width: number): void {
  sink.varint(count * 2);
  for (let b = 0; b < width; b += 8) sink.byte((value >>> b) & 0xff);
}

/** One bit-packed run of `values[from..to)` (padded to a multiple of 8 values), LSB first. */
function writeBitPacked(
  sink: ByteBuilder,
  values: ArrayLike<number>,
  from: number,
  to: number,
  width: number,
): void {
  const groups = Math.ceil((to - from) / 8);
  sink.varint(groups * 2 + 1);
  const bytes = groups * width;
  sink.reserve(bytes);
  const out = sink.bytes;
  let at = sink.length;
  out.fill(0, at, at + bytes);
  // acc holds fewer than 8 pending bits, so with width <= 24 it stays within 32 bits.
  let acc = 0;
  let bits = 0;
  for (let i = from; i < to; i++) {
    acc |= (values[i] as number) << bits;
    bits += width;
    while (bits >= 8) {
      out[at++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out[at] = acc & 0xff;
  sink.length += bytes;
}

/** PLAIN booleans: one bit per value, LSB first. `values` holds 0 or 1 per value. */
export function writePlainBooleans(sink: ByteBuilder, values: Uint8Array, count: number): void {
  const bytes = (count + 7) >>> 3;
  sink.reserve(bytes);
  const out = sink.bytes;
  const at = sink.length;
  out.fill(0, at, at + bytes);
  for (let i = 0; i < count; i++)
    if (values[i] !== 0) out[at + (i >>> 3)] = (out[at + (i >>> 3)] as number) | (1 << (i & 7));
  sink.length += bytes;
}

/**
 * BYTE_STREAM_SPLIT of `count` values of `size` bytes: byte k of every value, then byte k + 1, ...
 * `bytes` holds the values' little-endian bytes back to back.
 */
export function writeByteStreamSplit(
  sink: ByteBuilder,
  bytes: Uint8Array,
  count: number,
  size: number,
): void {
  sink.reserve(count * size);
  if (size === 8 && bytes.byteOffset % 4 === 0)
    splitWords(new Uint32Array(bytes.buffer, bytes.byteOffset, count * 2), sink.bytes, sink.length, count);
  else splitBytes(bytes, sink.bytes, sink.length, count, size);
  sink.length += count * size;
}

/**
 * BYTE_STREAM_SPLIT of 8-byte values in one pass: two 32-bit loads per value, a byte to each of the eight
 * streams (8 strided passes over the input took ~1.7x as long).
 */
function splitWords(words: Uint32Array, out: Uint8Array, at: number, count: number): void {
  const s1 = at + count;
  const s2 = s1 + count;
  const s3 = s2 + count;
  const s4 = s3 + count;
  const s5 = s4 + count;
  const s6 = s5 + count;
  const s7 = s6 + count;
  for (let i = 0; i < count; i++) {
    const low = words[2 * i] as number;
    const high = words[2 * i + 1] as number;
    out[at + i] = low;
    out[s1 + i] = low >>> 8;
    out[s2 + i] = low >>> 16;
    out[s3 + i] = low >>> 24;
    out[s4 + i] = high;
    out[s5 + i] = high >>> 8;
    out[s6 + i] = high >>> 16;
    out[s7 + i] = high >>> 24;
  }
}

/** BYTE_STREAM_SPLIT of values of any size, a stream at a time. */
function splitBytes(bytes: Uint8Array, out: Uint8Array, at: number, count: number, size: number): void {
  for (let k = 0; k < size; k++) {
    const stream = at + k * count;
    for (let i = 0, from = k; i < count; i++, from += size) out[stream + i] = bytes[from] as number;
  }
}

/** How many of `flags[from..to)` are 1, for bytes that are 0 or 1 (validity, definition levels). */
export function countOnes(flags: Uint8Array, from: number, to: number): number {
  // Four flags per 32-bit word from the first aligned byte; the bytes either side one by one.
  const first = Math.min(to, from + ((4 - ((flags.byteOffset + from) % 4)) % 4));
  const words = Math.floor((to - first) / 4);
  const last = first + words * 4;
  const aligned = words > 0 ? sumWords(new Uint32Array(flags.buffer, flags.byteOffset + first, words)) : 0;
  return sumBytes(flags, from, first) + aligned + sumBytes(flags, last, to);
}

// One loop per function, returning what it summed: a loop compiled while running (on-stack replacement)
// that runs on into code without type feedback deoptimises, and here it was entered again at every call.

function sumBytes(flags: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n += flags[i] as number;
  return n;
}

/** The sum of the four bytes of each word: the top byte of the word times 0x01010101. */
function sumWords(view: Uint32Array): number {
  let n = 0;
  for (let w = 0; w < view.length; w++) n += Math.imul(view[w] as number, 0x01010101) >>> 24;
  return n;
}

const BLOCK = 128;
const MINIBLOCKS = 4;
const MINIBLOCK = BLOCK / MINIBLOCKS;
const deltas = new Float64Array(BLOCK);
const widths = new Uint8Array(MINIBLOCKS);

/** Integers whose range (max - min) is below this can be delta-encoded here (see `packMiniblock`). */
export const MAX_DELTA_RANGE = 2 ** 44;

/**
 * DELTA_BINARY_PACKED of `values[0..count)`: integers as numbers whose range (max - min) is below
 * `MAX_DELTA_RANGE`, so every delta minus its block's minimum is exact and below 2^45. Blocks of 128 deltas in four
 * miniblocks of 32, as parquet-mr and arrow-rs write them.
 */
export function writeDeltaBinaryPacked(sink: ByteBuilder, values: Float64Array, count: number): void {
  sink.varint(BLOCK);
  sink.varint(MINIBLOCKS);
  sink.varint(count);
  sink.zigzag(count > 0 ? (values[0] as number) : 0);
  for (let start = 1; start < count; start += BLOCK) {
    const n = Math.min(BLOCK, count - start);
    let min = Infinity;
    for (let i = 0; i < n; i++) {
      const delta = (values[start + i] as number) - (values[start + i - 1] as number);
      deltas[i] = delta;
      if (delta < min) min = delta;
    }
    for (let i = 0; i < n; i++) deltas[i] = (deltas[i] as number) - min;
    deltas.fill(0, n);
    sink.zigzag(min);
    const used = Math.ceil(n / MINIBLOCK);
    for (let m = 0; m < MINIBLOCKS; m++) {
      let max = 0;
      if (m < used)
        for (let i = m * MINIBLOCK; i < (m + 1) * MINIBLOCK; i++)
          if ((deltas[i] as number) > max) max = deltas[i] as number;
      widths[m] = bitWidth(max);
      sink.byte(widths[m] as number);
    }
    for (let m = 0; m < used; m++) packMiniblock(sink, deltas, m * MINIBLOCK, widths[m] as number);
  }
}

/** 32 values of up to 45 bits, LSB first: `width * 4` bytes. */
function packMiniblock(sink: ByteBuilder, values: Float64Array, from: number, width: number): void {
  const bytes = width * 4;
  sink.reserve(bytes);
  const out = sink.bytes;
  let at = sink.length;
  if (width <= 24) {
    // The loop of `writeBitPacked`, kept apart: one array type per loop keeps element access monomorphic
    // in both hot paths (indices and levels there, Float64Array deltas here).
    let acc = 0;
    let bits = 0;
    for (let i = from; i < from + MINIBLOCK; i++) {
      acc |= (values[i] as number) << bits;
      bits += width;
      while (bits >= 8) {
        out[at++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
  } else {
    // Wide deltas (a clock jump): exact arithmetic on numbers, fewer than 8 + 45 bits pending.
    let acc = 0;
    let scale = 1;
    for (let i = from; i < from + MINIBLOCK; i++) {
      acc += (values[i] as number) * scale;
      scale *= 2 ** width;
      while (scale >= 256) {
        out[at++] = acc % 256;
        acc = Math.floor(acc / 256);
        scale /= 256;
      }
    }
  }
  sink.length += bytes;
}
