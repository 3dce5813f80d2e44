/**
 * Vehicle pseudonyms: `v_` + the first 20 hex digits (80 bits) of HMAC-SHA256(key, id).
 *
 * Why a keyed hash: a VIN has little entropy once its maker is known (the WMI, model year and plant are
 * public; the serial is 6 digits), so a plain hash is reversed by enumerating. With a secret key nobody
 * without the key can compute or reverse a pseudonym; with it, the same id always gives the same pseudonym,
 * so drives of one vehicle still join. 80 bits keep collisions negligible for any fleet (about 4e-13 for a
 * million vehicles) and the id short enough for partition paths.
 *
 * The HMAC input is `adlake/vehicle/v1\n` + the id, a domain prefix so no other use of the key (its id
 * fingerprint) can produce a pseudonym. A VIN is upper-cased first, so a lowercased copy joins.
 */
import { createHmac } from 'node:crypto';
import type { PseudonymKey } from './pseudonymKey.js';
import { canonicalVin } from './vin.js';

/** Hex digits of the HMAC kept in a pseudonym (80 bits). */
export const PSEUDONYM_HEX_CHARS = 20;
export const PSEUDONYM_PREFIX = 'v_';
const DOMAIN = 'adlake/vehicle/v1\n';
const PSEUDONYM = /^v_[0-9a-f]{20}$/;

/** The pseudonym of a vehicle id or VIN under `key`: deterministic, `v_` + 20 lowercase hex digits. */
export function pseudonym(id: string, key: PseudonymKey): string {
  const mac = createHmac('sha256', key.key)
    .update(DOMAIN + canonicalVin(id), 'utf8')
    .digest('hex');
  return PSEUDONYM_PREFIX + mac.slice(0, PSEUDONYM_HEX_CHARS);
}

/** True for a string shaped like a pseudonym (so re-ingesting under a pseudonym keeps it). */
export function isPseudonym(id: string): boolean {
  return PSEUDONYM.test(id);
}
