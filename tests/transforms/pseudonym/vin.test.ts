import { describe, expect, it } from 'vitest';
import {
  canonicalVin,
  findVins,
  hasValidCheckDigit,
  isVin,
  replaceVinBytes,
  replaceVins,
  vinCheckDigit,
} from '../../../transforms/pseudonym/vin.js';

/** Worked example of the 49 CFR 565.15 check digit (Wikipedia, "Vehicle identification number"): X. */
const NA_VIN = '1M8GDM9AXKP042788';
/** A European VIN: position 9 is a maker code, not a check digit. */
const EU_VIN = 'WVWZZZ1JZXW000001';

describe('VIN check digit (49 CFR 565.15)', () => {
  it('computes the published worked example and rejects any one-character change', () => {
    expect(vinCheckDigit(NA_VIN)).toBe('X');
    expect(hasValidCheckDigit(NA_VIN)).toBe(true);
    expect(hasValidCheckDigit(NA_VIN.toLowerCase())).toBe(true);
    // Weight-0 position 9 aside, changing a character changes the sum mod 11 unless the values collide.
    expect(hasValidCheckDigit('1M8GDM9AXKP042789')).toBe(false);
    expect(hasValidCheckDigit('2M8GDM9AXKP042788')).toBe(false);
    expect(hasValidCheckDigit(EU_VIN)).toBe(false);
  });

  it('has no value for strings that are not 17 VIN characters', () => {
    expect(vinCheckDigit('1M8GDM9AXKP04278')).toBeUndefined();
    expect(vinCheckDigit('1M8GDM9AXKP04278O')).toBeUndefined(); // letter O is not in the alphabet
  });
});

describe('VIN detection', () => {
  it('accepts 17 VIN characters of one case with letters and digits, check digit or not', () => {
    expect(isVin(NA_VIN)).toBe(true);
    expect(isVin(EU_VIN)).toBe(true);
    expect(isVin(EU_VIN.toLowerCase())).toBe(true);
    expect(canonicalVin(EU_VIN.toLowerCase())).toBe(EU_VIN);
    expect(canonicalVin('fleet-7')).toBe('fleet-7');
  });

  it('rejects look-alikes: I/O/Q, 17 digits, mixed case, other lengths', () => {
    expect(isVin('1M8GDM9AXKP04278I')).toBe(false);
    expect(isVin('1M8GDM9AXKP04278Q')).toBe(false);
    expect(isVin('12345678901234567')).toBe(false);
    expect(isVin('1M8gDM9AXKP042788')).toBe(false);
    expect(isVin('1M8GDM9AXKP04278')).toBe(false);
    expect(isVin('1M8GDM9AXKP0427888')).toBe(false);
  });

  it('finds VIN tokens inside longer text, not windows of longer alphanumeric runs', () => {
    const text = `vin=${NA_VIN};path=/data/${EU_VIN.toLowerCase()}/can0.log sha=${'ab12'.repeat(16)} x${NA_VIN}`;
    expect(findVins(text)).toEqual([
      { start: 4, vin: NA_VIN, checkDigitValid: true },
      { start: 33, vin: EU_VIN.toLowerCase(), checkDigitValid: false },
    ]);
    expect(findVins(`${NA_VIN}_${EU_VIN}`).map((m) => m.vin)).toEqual([NA_VIN, EU_VIN]);
    expect(findVins(`é${NA_VIN}é`).map((m) => m.start)).toEqual([1]);
  });

  it('replaces every VIN and returns the same string when there is none', () => {
    expect(replaceVins(`a ${NA_VIN} b ${EU_VIN}`, (v) => `<${v.length}>`)).toBe('a <17> b <17>');
    const clean = 'a frame id that is long enough to scan';
    expect(replaceVins(clean, () => 'x')).toBe(clean);
    expect(replaceVins(NA_VIN, () => 'x')).toBe('x');
  });

  it('replaces ASCII VINs in bytes without changing the length, in a copy', () => {
    const bytes = new Uint8Array([0x90, ...new TextEncoder().encode(NA_VIN), 0x00, 0x41]);
    const out = replaceVinBytes(bytes, () => new TextEncoder().encode('*'.repeat(17)));
    expect(out).not.toBe(bytes);
    expect(out.length).toBe(bytes.length);
    expect(new TextDecoder().decode(out.subarray(1, 18))).toBe('*'.repeat(17));
    expect(bytes[1]).toBe(0x31); // the input is untouched
    const none = new Uint8Array(40);
    expect(replaceVinBytes(none, () => new Uint8Array(17))).toBe(none);
    expect(() => replaceVinBytes(bytes, () => new Uint8Array(3))).toThrow(RangeError);
  });
});
