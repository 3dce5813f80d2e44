import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import { isPseudonym, pseudonym } from '../../../transforms/pseudonym/pseudonymise.js';
import { Pseudonymiser, REDACTED_VIN } from '../../../transforms/pseudonym/Pseudonymiser.js';
import { pseudonymKey } from '../../../transforms/pseudonym/pseudonymKey.js';

const KEY = pseudonymKey(
  Uint8Array.from({ length: 32 }, (_, i) => i),
  'test-key-1',
  'test',
);
const OTHER = pseudonymKey(
  Uint8Array.from({ length: 32 }, (_, i) => 255 - i),
  'test-key-2',
  'test',
);
const VIN = '1M8GDM9AXKP042788';

describe('pseudonym', () => {
  it('matches HMAC-SHA256 computed independently (Python hmac, same domain prefix)', () => {
    // python3: hmac.new(bytes(range(32)), b'adlake/vehicle/v1\n' + id, sha256).hexdigest()[:20]
    expect(pseudonym(VIN, KEY)).toBe('v_36a7f551b390ba289227');
    expect(pseudonym('fleet-7', KEY)).toBe('v_8379493b0a6eef7d50ca');
  });

  it('is deterministic, case-blind for VINs, and differs between keys', () => {
    expect(pseudonym(VIN, KEY)).toBe(pseudonym(VIN, { ...KEY }));
    expect(pseudonym(VIN.toLowerCase(), KEY)).toBe(pseudonym(VIN, KEY));
    expect(pseudonym(VIN, OTHER)).not.toBe(pseudonym(VIN, KEY));
    expect(isPseudonym(pseudonym(VIN, OTHER))).toBe(true);
    expect(isPseudonym('v_36a7f551b390ba28922')).toBe(false);
    expect(isPseudonym(VIN)).toBe(false);
  });
});

describe('Pseudonymiser', () => {
  it('replaces the vehicle id with its pseudonym under a key, and keeps a pseudonym as it is', () => {
    const p = new Pseudonymiser(KEY);
    expect(p.keyId).toBe('test-key-1');
    expect(p.vehicle(VIN)).toBe(pseudonym(VIN, KEY));
    expect(p.vehicle('fleet-7')).toBe(pseudonym('fleet-7', KEY));
    expect(p.vehicle(pseudonym(VIN, KEY))).toBe(pseudonym(VIN, KEY));
    expect(p.pseudonymises(VIN)).toBe(true);
    expect(p.pseudonymises(pseudonym(VIN, KEY))).toBe(false);
  });

  it('without a key refuses a VIN vehicle id (without repeating it) and keeps other ids', () => {
    const p = new Pseudonymiser();
    expect(p.keyId).toBeUndefined();
    let error: unknown;
    try {
      p.vehicle(VIN);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('ADLAKE_PSEUDONYM_KEY');
    expect((error as Error).message).not.toContain(VIN);
    expect(p.vehicle('fleet-7')).toBe('fleet-7');
    expect(p.pseudonymises('fleet-7')).toBe(false);
  });

  it('scrubs text, bytes and JSON (keys too), counting what it replaced', () => {
    const p = new Pseudonymiser(KEY);
    const pv = pseudonym(VIN, KEY);
    expect(p.text(`VIN:${VIN} model:x`)).toBe(`VIN:${pv} model:x`);
    const bytes = p.bytes(new TextEncoder().encode(`\0${VIN}\0`));
    expect(new TextDecoder().decode(bytes)).toBe(`\0${pv.slice(0, 17)}\0`);
    expect(p.json({ [VIN]: [VIN, 1, { uri: `s3://raw/${VIN}/a.mcap` }], n: 2n })).toEqual({
      [pv]: [pv, 1, { uri: `s3://raw/${pv}/a.mcap` }],
      n: 2n,
    });
    expect(p.vinsReplaced).toBe(5);
  });

  it('redacts VINs in content without a key', () => {
    const p = new Pseudonymiser();
    expect(p.text(`VIN:${VIN}`)).toBe(`VIN:${REDACTED_VIN}`);
    expect(new TextDecoder().decode(p.bytes(new TextEncoder().encode(VIN)))).toBe('v_redacted_______');
  });
});
