/**
 * Compresses bytes into one LZ4 frame (LZ4 Frame Format 1.6.x), the `lz4` chunk compression of ROS bags
 * (roslz4 reads and writes frames): independent 4 MiB blocks, content checksum, no block checksums. The
 * block compressor is a plain greedy one (one hash probe per position): fast enough for writing bags,
 * not tuned for ratio. A block that does not shrink is stored raw (block size high bit set).
 */
export function lz4Frame(data: Uint8Array): Uint8Array {
  const blockCount = Math.max(1, Math.ceil(data.byteLength / BLOCK_SIZE));
  // Worst case per block before the raw fallback: its size, a length byte per 255 literals, token and size.
  const out = new Uint8Array(7 + data.byteLength + blockCount * (4 + Math.ceil(BLOCK_SIZE / 255) + 16) + 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  out[4] = FLG;
  out[5] = BD;
  // Header checksum: second byte of xxh32 over the descriptor (FLG, BD) (Frame Format §"Header Checksum").
  out[6] = (xxh32(out.subarray(4, 6), 0) >>> 8) & 0xff;
  let at = 7;
  const table = new Int32Array(1 << HASH_BITS);
  for (let start = 0; start < data.byteLength; start += BLOCK_SIZE) {
    const end = Math.min(start + BLOCK_SIZE, data.byteLength);
    const written = compressBlock(data, start, end, out, at + 4, table);
    if (written >= end - start) {
      view.setUint32(at, (end - start) | RAW_BLOCK, true);
      out.set(data.subarray(start, end), at + 4);
      at += 4 + end - start;
    } else {
      view.setUint32(at, written, true);
      at += 4 + written;
    }
  }
  view.setUint32(at, 0, true); // EndMark
  view.setUint32(at + 4, xxh32(data, 0), true);
  return out.subarray(0, at + 8);
}

const MAGIC = 0x184d2204;
/** Version 01, independent blocks, content checksum. */
const FLG = 0b0110_0100;
/** Block maximum size 4 MiB (id 7). */
const BD = 7 << 4;
const BLOCK_SIZE = 4 << 20;
const RAW_BLOCK = 0x8000_0000;
const HASH_BITS = 16;
const MIN_MATCH = 4;
/** Block format end rules: the last match starts at least 12 bytes before the end; the last 5 bytes are literals. */
const MF_LIMIT = 12;
const LAST_LITERALS = 5;
const MAX_OFFSET = 65535;

/** LZ4 block format: sequences of (token, literals, offset, match length). Returns the bytes written. */
function compressBlock(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  outStart: number,
  table: Int32Array,
): number {
  table.fill(-1);
  let o = outStart;
  let anchor = start;
  let ip = start;
  const matchLimit = end - LAST_LITERALS;
  const limit = end - MF_LIMIT;
  while (ip < limit) {
    const seq = read32(src, ip);
    const h = Math.imul(seq, 2654435761) >>> (32 - HASH_BITS);
    const ref = table[h]!;
    table[h] = ip;
    if (ref < start || ip - ref > MAX_OFFSET || read32(src, ref) !== seq) {
      // Skip faster through data that does not compress (the reference implementation's acceleration).
      ip += 1 + ((ip - anchor) >>> 6);
      continue;
    }
    let length = MIN_MATCH;
    while (ip + length < matchLimit && src[ref + length] === src[ip + length]) length++;
    o = writeSequence(src, anchor, ip - anchor, Math.min(length - MIN_MATCH, 15), out, o);
    out[o++] = (ip - ref) & 0xff;
    out[o++] = (ip - ref) >>> 8;
    let rest = length - MIN_MATCH;
    if (rest >= 15) {
      rest -= 15;
      for (; rest >= 255; rest -= 255) out[o++] = 255;
      out[o++] = rest;
    }
    ip += length;
    anchor = ip;
  }
  o = writeSequence(src, anchor, end - anchor, 0, out, o);
  return o - outStart;
}

/**
 * Writes a token (literal length nibble, match length nibble), the literal length's extra bytes and the
 * literals; the caller writes the offset and the match length's extra bytes (none after the last literals).
 */
function writeSequence(
  src: Uint8Array,
  from: number,
  literals: number,
  matchNibble: number,
  out: Uint8Array,
  at: number,
): number {
  out[at++] = (Math.min(literals, 15) << 4) | matchNibble;
  if (literals >= 15) {
    let rest = literals - 15;
    for (; rest >= 255; rest -= 255) out[at++] = 255;
    out[at++] = rest;
  }
  out.set(src.subarray(from, from + literals), at);
  at += literals;
  return at;
}

function read32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

const P1 = 2654435761;
const P2 = 2246822519;
const P3 = 3266489917;
const P4 = 668265263;
const P5 = 374761393;

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, P2)) >>> 0, 13), P1) >>> 0;
}

/** xxHash32 (the frame format's header and content checksums). */
export function xxh32(data: Uint8Array, seed: number): number {
  const n = data.byteLength;
  let at = 0;
  let h: number;
  if (n >= 16) {
    let v1 = (seed + P1 + P2) >>> 0;
    let v2 = (seed + P2) >>> 0;
    let v3 = seed >>> 0;
    let v4 = (seed - P1) >>> 0;
    for (; at + 16 <= n; at += 16) {
      v1 = round(v1, read32(data, at));
      v2 = round(v2, read32(data, at + 4));
      v3 = round(v3, read32(data, at + 8));
      v4 = round(v4, read32(data, at + 12));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) >>> 0;
  } else {
    h = (seed + P5) >>> 0;
  }
  h = (h + n) >>> 0;
  for (; at + 4 <= n; at += 4) h = Math.imul(rotl((h + Math.imul(read32(data, at), P3)) >>> 0, 17), P4) >>> 0;
  for (; at < n; at++) h = Math.imul(rotl((h + Math.imul(data[at]!, P5)) >>> 0, 11), P1) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, P2) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, P3) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
