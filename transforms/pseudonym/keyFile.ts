import { readFile } from 'node:fs/promises';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { parseKeyText, pseudonymKey, type PseudonymKey } from './pseudonymKey.js';

/**
 * Reads a pseudonym key file: JSON `{"keyId": "...", "key": "<hex or base64>"}` (`keyId` optional), a line of
 * hex or base64, or the raw key bytes (a file that is not text). Without a `keyId` the key is named by its
 * fingerprint. Keep the file readable by its owner only (`chmod 600`).
 */
export async function readKeyFile(path: string): Promise<PseudonymKey> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new NotFoundError(`cannot read pseudonym key file`, { uri: path }, { cause: error });
  }
  return parseKeyFile(bytes, path);
}

/** The key in a key file's bytes (see `readKeyFile`); `source` names the file in errors. */
export function parseKeyFile(bytes: Uint8Array, source: string): PseudonymKey {
  const isText = bytes.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
  if (!isText) return pseudonymKey(bytes, undefined, source);
  const text = new TextDecoder().decode(bytes).trim();
  if (!text.startsWith('{')) return pseudonymKey(parseKeyText(text, source), undefined, source);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`pseudonym key file is not valid JSON`, { uri: source }, { cause: error });
  }
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const { key, keyId } = record;
  if (typeof key !== 'string') {
    throw new UsageError(`pseudonym key file needs a "key" string (hex or base64)`, { uri: source });
  }
  if (keyId !== undefined && typeof keyId !== 'string') {
    throw new UsageError(`pseudonym key file: "keyId" must be a string`, { uri: source });
  }
  return pseudonymKey(parseKeyText(key, source), keyId, source);
}
