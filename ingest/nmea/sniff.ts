import { nmeaChecksum } from './parseSentence.js';

/** How many valid sentences the head must hold: one could be luck in a binary file, two are not. */
const REQUIRED = 2;
/** Longest sentence considered; real ones are at most 82 characters, proprietary ones somewhat more. */
const MAX_SENTENCE = 256;

const DOLLAR = 0x24;
const STAR = 0x2a;
const COMMA = 0x2c;

/**
 * Content detection for NMEA 0183: true when `head` (the first few KB of a file) holds at least two
 * `$` sentences with an address (`$GPGGA,`, proprietary `$PGRME,`) and a valid `*hh` checksum. Binary
 * data mixed in (u-blox UBX, SiRF, RTCM) does not matter, so receiver logs that interleave protocols are
 * recognised; text that merely contains `$` is not, nor is a log without checksums (which the reader
 * would reject line by line anyway).
 */
export function sniffNmea(head: Uint8Array): boolean {
  let found = 0;
  for (let start = head.indexOf(DOLLAR); start >= 0; start = head.indexOf(DOLLAR, start + 1)) {
    if (isValidSentence(head, start) && ++found >= REQUIRED) return true;
  }
  return false;
}

function isValidSentence(bytes: Uint8Array, start: number): boolean {
  let i = start + 1;
  while (isAddressByte(bytes[i] ?? 0)) i += 1;
  if (i - start - 1 < 2 || bytes[i] !== COMMA) return false;
  const limit = Math.min(bytes.length - 2, start + MAX_SENTENCE);
  for (; i < limit; i += 1) {
    const c = bytes[i] ?? 0;
    if (c === STAR)
      return hexPair(bytes[i + 1] ?? 0, bytes[i + 2] ?? 0) === nmeaChecksum(bytes, start + 1, i);
    if (c === DOLLAR || c === 0x0a || c === 0x0d) return false;
  }
  return false;
}

function isAddressByte(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

/** Value of two hex digits, or -1. */
function hexPair(hi: number, lo: number): number {
  const h = hexDigit(hi);
  const l = hexDigit(lo);
  return h < 0 || l < 0 ? -1 : (h << 4) | l;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}
