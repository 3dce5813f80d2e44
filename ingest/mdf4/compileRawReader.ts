import { DecodeError } from '../../core/errors.js';
import { latin1 } from '../../core/latin1.js';
import type { MdfChannel } from './model.js';

/**
 * Reads one channel's raw value from a record (record id stripped; `base` = record start). Numeric readers
 * return a number (64-bit integers above 2^53 lose precision, as they do in every float64 column);
 * `text` and `bytes` readers return the decoded string or a copy of the bytes.
 */
export type RawReader =
  | { kind: 'number'; read: (view: DataView, base: number) => number }
  | { kind: 'text'; read: (bytes: Uint8Array, base: number) => string }
  | { kind: 'bytes'; read: (bytes: Uint8Array, base: number) => Uint8Array };

/**
 * Compiles the reader for a channel stored in the record (§6.16 cn_byte_offset / cn_bit_offset /
 * cn_bit_count / cn_data_type). VLSD channels read their u64 offset with a numeric reader.
 * @throws DecodeError for data types adlake does not decode (MIME, CANopen, complex).
 */
export function compileRawReader(channel: MdfChannel, uri: string): RawReader {
  const { byteOffset: at, bitOffset, bitCount } = channel;
  const where = { uri, offset: channel.offset };
  const byteCount = Math.ceil((bitOffset + bitCount) / 8);
  switch (channel.dataType) {
    case 'uint_le':
    case 'uint_be':
    case 'int_le':
    case 'int_be':
      return { kind: 'number', read: integerReader(channel, at, bitOffset, bitCount, byteCount) };
    case 'float_le':
    case 'float_be': {
      const le = channel.dataType === 'float_le';
      if (bitOffset !== 0) break;
      if (bitCount === 64) return { kind: 'number', read: (v, b) => v.getFloat64(b + at, le) };
      if (bitCount === 32) return { kind: 'number', read: (v, b) => v.getFloat32(b + at, le) };
      if (bitCount === 16) return { kind: 'number', read: (v, b) => halfToNumber(v.getUint16(b + at, le)) };
      break;
    }
    case 'string_latin1':
    case 'string_utf8':
    case 'string_utf16le':
    case 'string_utf16be': {
      const decode = textDecoder(channel.dataType);
      const length = Math.floor(bitCount / 8);
      return { kind: 'text', read: (bytes, b) => decode(bytes.subarray(b + at, b + at + length)) };
    }
    case 'bytes':
    case 'mime_sample':
    case 'mime_stream': {
      const length = Math.floor(bitCount / 8);
      return { kind: 'bytes', read: (bytes, b) => bytes.slice(b + at, b + at + length) };
    }
    default:
      break;
  }
  throw new DecodeError(
    `mdf4: unsupported channel data type ${channel.dataType} (${bitCount} bits at bit offset ${bitOffset}) for ${JSON.stringify(channel.name)}`,
    where,
  );
}

function integerReader(
  channel: MdfChannel,
  at: number,
  bitOffset: number,
  bitCount: number,
  byteCount: number,
): (view: DataView, base: number) => number {
  const le = channel.dataType === 'uint_le' || channel.dataType === 'int_le';
  const signed = channel.dataType === 'int_le' || channel.dataType === 'int_be';
  if (bitOffset === 0) {
    // Fast paths for byte-aligned standard widths.
    if (bitCount === 8) return signed ? (v, b) => v.getInt8(b + at) : (v, b) => v.getUint8(b + at);
    if (bitCount === 16) return signed ? (v, b) => v.getInt16(b + at, le) : (v, b) => v.getUint16(b + at, le);
    if (bitCount === 32) return signed ? (v, b) => v.getInt32(b + at, le) : (v, b) => v.getUint32(b + at, le);
    if (bitCount === 64)
      return signed
        ? (v, b) => Number(v.getBigInt64(b + at, le))
        : (v, b) => Number(v.getBigUint64(b + at, le));
  }
  if (bitCount === 0) return () => 0;
  if (byteCount <= 6) {
    // Exact in float64: at most 48 bits are gathered. Big-endian values are gathered most significant byte
    // first, then shifted by the bit offset, as asammdf and the vendor examples do.
    const shift = 2 ** bitOffset;
    const modulus = 2 ** bitCount;
    const half = modulus / 2;
    return (v, b) => {
      let raw = 0;
      if (le) for (let i = byteCount - 1; i >= 0; i--) raw = raw * 256 + v.getUint8(b + at + i);
      else for (let i = 0; i < byteCount; i++) raw = raw * 256 + v.getUint8(b + at + i);
      let value = Math.floor(raw / shift) % modulus;
      if (signed && value >= half) value -= modulus;
      return value;
    };
  }
  const shift = BigInt(bitOffset);
  const width = BigInt(bitCount);
  const mask = (1n << width) - 1n;
  return (v, b) => {
    let raw = 0n;
    if (le) for (let i = byteCount - 1; i >= 0; i--) raw = (raw << 8n) | BigInt(v.getUint8(b + at + i));
    else for (let i = 0; i < byteCount; i++) raw = (raw << 8n) | BigInt(v.getUint8(b + at + i));
    const value = (raw >> shift) & mask;
    return Number(signed ? BigInt.asIntN(bitCount, value) : value);
  };
}

const utf8 = new TextDecoder('utf-8');
const utf16le = new TextDecoder('utf-16le');
const utf16be = new TextDecoder('utf-16be');

/** Strings are zero-terminated inside their fixed field (§6.16.6); text after the terminator is padding. */
export function textDecoder(type: MdfChannel['dataType']): (bytes: Uint8Array) => string {
  switch (type) {
    case 'string_utf16le':
    case 'string_utf16be': {
      const decoder = type === 'string_utf16le' ? utf16le : utf16be;
      return (bytes) => {
        let end = bytes.length & ~1;
        for (let i = 0; i + 1 < bytes.length; i += 2) {
          if (bytes[i] === 0 && bytes[i + 1] === 0) {
            end = i;
            break;
          }
        }
        return decoder.decode(bytes.subarray(0, end));
      };
    }
    case 'string_utf8':
      return (bytes) => {
        const end = bytes.indexOf(0);
        return utf8.decode(end < 0 ? bytes : bytes.subarray(0, end));
      };
    default:
      return (bytes) => {
        const end = bytes.indexOf(0);
        return latin1(bytes, 0, end < 0 ? bytes.length : end);
      };
  }
}

/** IEEE 754 binary16 → number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
