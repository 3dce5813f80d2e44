import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { readKeyFile } from './keyFile.js';
import { KEY_ENV, keyFromEnv, parseKeyText, type PseudonymKey } from './pseudonymKey.js';

/** Environment variables naming a key source (besides `ADLAKE_PSEUDONYM_KEY` and `_KEY_ID`). */
export const KEY_FILE_ENV = 'ADLAKE_PSEUDONYM_KEY_FILE';
export const SECRET_ENV = 'ADLAKE_PSEUDONYM_SECRET';
export const KMS_BLOB_ENV = 'ADLAKE_PSEUDONYM_KMS_BLOB';

/** How to set a key, for error messages. */
export const HOW_TO_SET_A_KEY =
  `set ${KEY_ENV} (hex or base64; make one with: openssl rand -hex 32), or give --pseudonym-key-file, ` +
  `--pseudonym-secret (AWS Secrets Manager) or --pseudonym-kms-blob (a KMS-encrypted key)`;

export interface ResolvePseudonymKeyOptions {
  /** `--pseudonym-key-file`: a key file (see `readKeyFile`). */
  keyFile?: string;
  /** `--pseudonym-secret`: a Secrets Manager secret name or ARN (see `keyFromSecretsManager`). */
  secretId?: string;
  /** `--pseudonym-kms-blob`: a file holding a KMS ciphertext (binary or base64), or `base64:<ciphertext>`. */
  kmsBlob?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Relative key and blob files are resolved from here. */
  cwd: string;
}

/**
 * Finds the pseudonym key the command line or environment names; undefined when none is set.
 *
 * Sources, one at a time: the flags, else the environment — `ADLAKE_PSEUDONYM_KEY` (with optional
 * `ADLAKE_PSEUDONYM_KEY_ID`), `ADLAKE_PSEUDONYM_KEY_FILE`, `ADLAKE_PSEUDONYM_SECRET`,
 * `ADLAKE_PSEUDONYM_KMS_BLOB`. A flag wins over the environment (explicit beats ambient); two flags, or two
 * environment sources without a flag, are refused rather than one picked silently: pseudonyms made with the
 * wrong key do not join, and nothing downstream could tell. The AWS SDK is loaded only for an AWS source.
 */
export async function resolvePseudonymKey(
  options: ResolvePseudonymKeyOptions,
): Promise<PseudonymKey | undefined> {
  const { env } = options;
  const flags = [
    options.keyFile !== undefined ? '--pseudonym-key-file' : undefined,
    options.secretId !== undefined ? '--pseudonym-secret' : undefined,
    options.kmsBlob !== undefined ? '--pseudonym-kms-blob' : undefined,
  ].filter((f) => f !== undefined);
  if (flags.length > 1) throw new UsageError(`give one pseudonym key source, not ${flags.join(' and ')}`);
  let { keyFile, secretId, kmsBlob } = options;
  if (flags.length === 0) {
    const set = (name: string): string | undefined => (env[name]?.trim() ? env[name]?.trim() : undefined);
    const sources = [KEY_ENV, KEY_FILE_ENV, SECRET_ENV, KMS_BLOB_ENV].filter((name) => set(name));
    if (sources.length > 1) {
      throw new UsageError(`give one pseudonym key source, not ${sources.join(' and ')}`);
    }
    if (sources[0] === KEY_ENV) return keyFromEnv(env);
    keyFile = set(KEY_FILE_ENV);
    secretId = set(SECRET_ENV);
    kmsBlob = set(KMS_BLOB_ENV);
  }
  if (keyFile !== undefined) return readKeyFile(resolve(options.cwd, keyFile));
  if (secretId !== undefined) {
    const { keyFromSecretsManager } = await import('./secretsManagerKey.js');
    return keyFromSecretsManager({ secretId });
  }
  if (kmsBlob !== undefined) {
    const { keyFromKms } = await import('./kmsKey.js');
    return keyFromKms({ ciphertext: await readKmsBlob(kmsBlob, options.cwd) });
  }
  return undefined;
}

/**
 * A KMS ciphertext: `base64:<text>` inline (how an encrypted environment value is usually passed), else a
 * file with the raw blob or its base64 (`aws kms encrypt --output text --query CiphertextBlob`).
 */
export async function readKmsBlob(blob: string, cwd: string): Promise<Uint8Array> {
  if (blob.startsWith('base64:')) return parseKeyText(blob, 'the KMS blob');
  const path = resolve(cwd, blob);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new NotFoundError('cannot read the KMS ciphertext file', { uri: path }, { cause: error });
  }
  const text = new TextDecoder().decode(bytes).trim();
  // A ciphertext blob is binary (it starts with a version byte); text is its base64.
  return /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? parseKeyText(`base64:${text}`, path) : bytes;
}
