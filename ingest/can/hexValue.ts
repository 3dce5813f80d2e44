/**
 * Byte → hex digit value table for hand-written scanners (-1 for a non-hex byte). A table lookup per
 * character is the cheapest exact test in V8, and it works on both byte arrays and `charCodeAt` codes.
 */
export const HEX_VALUE: Int8Array = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) table[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    table[65 + i] = 10 + i;
    table[97 + i] = 10 + i;
  }
  return table;
})();

/** Value of `text[start, end)` read as an unsigned integer in `radix` 16 or 10; -1 if not all digits. */
export function parseUnsignedAt(text: string, start: number, end: number, radix: 16 | 10): number {
  if (start >= end) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    const digit = code < 256 ? (HEX_VALUE[code] ?? -1) : -1;
    if (digit < 0 || digit >= radix) return -1;
    value = value * radix + digit;
  }
  return value;
}
