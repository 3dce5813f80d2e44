/**
 * The secret key vehicle pseudonyms are made with, and its id.
 *
 * Every provider (environment, key file, AWS Secrets Manager, a KMS-encrypted blob; see `keyFile.ts`,
 * `secretsManagerKey.ts`, `kmsKey.ts`, `resolvePseudonymKey.ts`) returns the same shape: the key bytes and a
 * `keyId` that names the key without revealing it. The key id is stored with every drive (`drives.
 * vehicle_key_id`) and run, so after a rotation one can tell which drives carry pseudonyms of which key.
 */
import { createHmac } from 'node:crypto';
import { UsageError } from '../../core/errors.js';

export interface PseudonymKey {
  /** Names the key (never the key itself): given with the key, or `fp-` + a fingerprint of it. */
  keyId: string;
  /** HMAC-SHA256 key bytes, at least `MIN_KEY_BYTES`. */
  key: Uint8Array;
}

/** 128 bits: below this a key could be searched. 32 random bytes (`openssl rand -hex 32`) are recommended. */
export const MIN_KEY_BYTES = 16;

/**
 * A well-known key for `adlake demo` and tests only. It is public, so its pseudonyms protect nothing; its id
 * says so, and it is never used for `adlake ingest`.
 */
export const DEMO_PSEUDONYM_KEY: PseudonymKey = Object.freeze({
  keyId: 'adlake-demo-key-public-not-secret',
  key: new TextEncoder().encode('adlake demo pseudonym key, public, not secret'),
});

/**
 * A key from its bytes (`source` names where they came from in errors, never the bytes): checks the length and, without an id, names it by fingerprint (`fp-` + 16 hex of
 * HMAC-SHA256(key, "adlake/key-id/v1"); a MAC of a constant reveals nothing about the key).
 */
export function pseudonymKey(key: Uint8Array, keyId: string | undefined, source: string): PseudonymKey {
  if (key.length < MIN_KEY_BYTES) {
    throw new UsageError(
      `pseudonym key from ${source} is ${key.length} bytes; give at least ${MIN_KEY_BYTES} (32 random bytes recommended: openssl rand -hex 32)`,
    );
  }
  const id = keyId?.trim();
  return { keyId: id ? id : keyFingerprint(key), key };
}

/** `fp-` + 16 hex digits identifying a key (see `pseudonymKey`). */
export function keyFingerprint(key: Uint8Array): string {
  return `fp-${createHmac('sha256', key).update('adlake/key-id/v1', 'utf8').digest('hex').slice(0, 16)}`;
}

/**
 * Key bytes written as text: hex (an even number of hex digits) or base64 (standard or URL alphabet, padding
 * optional). `hex:` or `base64:` in front forces one reading; without it text that is valid hex is hex.
 */
export function parseKeyText(text: string, source: string): Uint8Array {
  const trimmed = text.trim();
  const forced = /^(hex|base64):/i.exec(trimmed);
  const body = forced ? trimmed.slice(forced[0].length) : trimmed;
  const kind = forced?.[1]?.toLowerCase();
  if (kind !== 'base64' && /^(?:[0-9a-fA-F]{2})+$/.test(body))
    return Uint8Array.from(Buffer.from(body, 'hex'));
  if (kind !== 'hex' && /^[A-Za-z0-9+/_-]+={0,2}$/.test(body) && body.replace(/=+$/, '').length % 4 !== 1) {
    return Uint8Array.from(Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
  }
  throw new UsageError(
    `pseudonym key from ${source} is neither hex nor base64${kind ? ` (it says ${kind}:)` : ''}`,
  );
}

/** Environment variables the local key is read from. */
export const KEY_ENV = 'ADLAKE_PSEUDONYM_KEY';
export const KEY_ID_ENV = 'ADLAKE_PSEUDONYM_KEY_ID';

/**
 * The key in `ADLAKE_PSEUDONYM_KEY` (hex or base64), named by `ADLAKE_PSEUDONYM_KEY_ID` or its fingerprint;
 * undefined when the variable is unset or empty.
 */
export function keyFromEnv(env: Readonly<Record<string, string | undefined>>): PseudonymKey | undefined {
  const text = env[KEY_ENV];
  if (text === undefined || text.trim() === '') return undefined;
  return pseudonymKey(parseKeyText(text, KEY_ENV), env[KEY_ID_ENV], KEY_ENV);
}
