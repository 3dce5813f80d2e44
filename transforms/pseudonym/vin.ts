/**
 * Vehicle identification numbers (ISO 3779): detection in free text and bytes, and the check digit.
 *
 * A VIN is 17 characters from the ISO 3779 alphabet: digits and Latin capitals without I, O and Q (they read
 * as 1 and 0). What counts as a VIN here, and why:
 * - a token: 17 VIN characters with no letter or digit right before or after. Inside a longer alphanumeric run
 *   (a SHA-256 in hex, a base64 blob) any 17 characters would match the alphabet, so windows are not searched;
 * - at least one letter and one digit: every VIN has both (the WMI starts the code, the serial ends it), and a
 *   17-digit number is a counter or a timestamp;
 * - one case: VINs are written in capitals; a lowercased VIN (a path or table name lowercased by a tool) still
 *   counts, a mixed-case token is a random id;
 * - the check digit (position 9, 49 CFR 565.15, mandatory in North America only) is a confidence signal,
 *   not a filter: European and Asian VINs put a manufacturer code (often `Z`) there.
 *
 * Pure: no I/O. The scanners are hand-written loops over char codes (no regex per value) because they run on
 * every string a drive carries.
 */

export const VIN_LENGTH = 17;

/** Character classes by char code (ASCII only; anything else is a token boundary). */
const OTHER = 0;
const DIGIT = 1;
const UPPER = 2;
const LOWER = 3;
/** I, O, Q and i, o, q: letters, so they extend a token, but never in a VIN. */
const FORBIDDEN = 4;

const CLASS = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = DIGIT;
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = UPPER;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = LOWER;
for (const c of 'IOQioq') CLASS[c.charCodeAt(0)] = FORBIDDEN;

function classOf(code: number): number {
  return code < 128 ? (CLASS[code] as number) : OTHER;
}

/** 49 CFR 565.15 transliteration of letters to values (I, O, Q have none). */
const LETTER_VALUE: Record<string, number> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
};
/** 49 CFR 565.15 position weights; position 9 (the check digit itself) weighs 0. */
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/**
 * The check digit position 9 should hold (49 CFR 565.15): `'0'`..`'9'` or `'X'` for 10. Undefined when `vin`
 * is not 17 VIN characters. Case-insensitive.
 */
export function vinCheckDigit(vin: string): string | undefined {
  if (vin.length !== VIN_LENGTH) return undefined;
  let sum = 0;
  for (let i = 0; i < VIN_LENGTH; i++) {
    const c = vin.charAt(i).toUpperCase();
    const value = c >= '0' && c <= '9' ? c.charCodeAt(0) - 0x30 : LETTER_VALUE[c];
    if (value === undefined) return undefined;
    sum += value * (WEIGHTS[i] as number);
  }
  const digit = sum % 11;
  return digit === 10 ? 'X' : String(digit);
}

/** True when position 9 holds the check digit (expected of every North American VIN since 1981). */
export function hasValidCheckDigit(vin: string): boolean {
  const expected = vinCheckDigit(vin);
  return expected !== undefined && vin.charAt(8).toUpperCase() === expected;
}

/**
 * True when `text` as a whole is a VIN by the rules above (17 VIN characters, a letter and a digit, one
 * case). The check digit is not required.
 */
export function isVin(text: string): boolean {
  return text.length === VIN_LENGTH && isVinRun((i) => text.charCodeAt(i), 0);
}

/** `text` in capitals when it is a VIN (so a lowercased VIN gets the same pseudonym), else unchanged. */
export function canonicalVin(text: string): string {
  return isVin(text) ? text.toUpperCase() : text;
}

export interface VinMatch {
  /** Offset of the first character. */
  start: number;
  /** The VIN as found (its case kept). */
  vin: string;
  /** Position 9 holds the 49 CFR 565.15 check digit: near-certainly a VIN, not a look-alike id. */
  checkDigitValid: boolean;
}

/** Every VIN token in `text`, in order (see the module comment for what counts). */
export function findVins(text: string): VinMatch[] {
  return vinStarts(text.length, (i) => text.charCodeAt(i)).map((start) => {
    const vin = text.slice(start, start + VIN_LENGTH);
    return { start, vin, checkDigitValid: hasValidCheckDigit(vin) };
  });
}

/**
 * `text` with every VIN token replaced by `replace(vin)`; the same string (no copy) when it holds none.
 * Strings shorter than a VIN return at once, which is most names and frame ids.
 */
export function replaceVins(text: string, replace: (vin: string) => string): string {
  if (text.length < VIN_LENGTH) return text;
  const starts = vinStarts(text.length, (i) => text.charCodeAt(i));
  if (starts.length === 0) return text;
  const parts: string[] = [];
  let from = 0;
  for (const start of starts) {
    parts.push(text.slice(from, start), replace(text.slice(start, start + VIN_LENGTH)));
    from = start + VIN_LENGTH;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/**
 * `bytes` with every VIN token (ASCII) replaced by `replace(vin)`, which must give exactly 17 bytes: binary
 * fields are fixed-width, so a replacement cannot change their length. A copy when something was replaced;
 * the same array when nothing was.
 */
export function replaceVinBytes(bytes: Uint8Array, replace: (vin: string) => Uint8Array): Uint8Array {
  if (bytes.length < VIN_LENGTH) return bytes;
  const starts = vinStarts(bytes.length, (i) => bytes[i] as number);
  if (starts.length === 0) return bytes;
  const out = bytes.slice();
  for (const start of starts) {
    const replacement = replace(String.fromCharCode(...bytes.subarray(start, start + VIN_LENGTH)));
    if (replacement.length !== VIN_LENGTH) {
      throw new RangeError(
        `a VIN replacement in bytes must be ${VIN_LENGTH} bytes, got ${replacement.length}`,
      );
    }
    out.set(replacement, start);
  }
  return out;
}

/**
 * Offsets of the VIN tokens among `length` char codes. Alphanumeric runs are measured by class-table
 * lookups and only a run of exactly 17 is examined further; `codeAt` is called once per character.
 */
function vinStarts(length: number, codeAt: (i: number) => number): number[] {
  const starts: number[] = [];
  let run = 0;
  for (let i = 0; i <= length; i++) {
    const code = i < length ? codeAt(i) : 0;
    if (code < 128 && CLASS[code] !== OTHER) {
      run++;
      continue;
    }
    if (run === VIN_LENGTH && isVinRun(codeAt, i - VIN_LENGTH)) starts.push(i - VIN_LENGTH);
    run = 0;
  }
  return starts;
}

/** The 17 char codes at `start` are VIN characters of one case with at least one digit. */
function isVinRun(codeAt: (i: number) => number, start: number): boolean {
  let digits = 0;
  let upper = 0;
  let lower = 0;
  for (let i = start; i < start + VIN_LENGTH; i++) {
    switch (classOf(codeAt(i))) {
      case DIGIT:
        digits++;
        break;
      case UPPER:
        upper++;
        break;
      case LOWER:
        lower++;
        break;
      default:
        return false;
    }
  }
  // A letter is implied: 17 digits are not a VIN; one case only.
  return digits > 0 && digits < VIN_LENGTH && (upper === 0 || lower === 0);
}
