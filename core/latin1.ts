/**
 * Text formats read as bytes (candump, NMEA) are ASCII; reading bytes as Latin-1 maps every byte to one
 * character, so binary noise never throws and columns stay byte offsets. Used for the few strings the
 * byte scanners build (bus names, flags, addresses, reject text).
 */

/** Latin-1 text of `bytes[start, end)`. */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start === 1) return String.fromCharCode(bytes[start] ?? 0); // V8 caches one-character strings
  let text = '';
  for (let i = start; i < end; i += 1) text += String.fromCharCode(bytes[i] ?? 0);
  return text;
}

/** The Latin-1 bytes of `text` (characters above U+00FF keep their low byte). */
export function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  return bytes;
}
