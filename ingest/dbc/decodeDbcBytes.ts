/** The text of a DBC file and the encoding it was read with. */
export interface DecodedDbcText {
  text: string;
  encoding: 'utf-8' | 'cp1252';
}

/**
 * cp1252 code points for bytes 0x80..0x9F (the rest of cp1252 equals latin1). Bytes cp1252 leaves undefined
 * (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the same-numbered C1 controls, as in the WHATWG Encoding Standard.
 * Spelled out because Node's TextDecoder('windows-1252') decodes these bytes as latin1 C1 controls.
 */
const CP1252_80_9F = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];

/**
 * Decodes DBC file bytes. CANdb++ writes the Windows ANSI code page (cp1252), newer tools write UTF-8, and
 * nothing in the file says which. Valid UTF-8 is taken as UTF-8 (pure ASCII is both); anything else is read as
 * cp1252, which maps every byte to a character and never fails. A UTF-8 byte order mark is dropped.
 */
export function decodeDbcBytes(bytes: Uint8Array): DecodedDbcText {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    const latin1 = new TextDecoder('latin1').decode(bytes);
    const text = latin1.replace(/[\u0080-\u009f]/g, (c) =>
      String.fromCharCode(CP1252_80_9F[c.charCodeAt(0) - 0x80]!),
    );
    return { text, encoding: 'cp1252' };
  }
}
