import { DecryptCommand, KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { UsageError } from '../../core/errors.js';
import { keyFingerprint, pseudonymKey, type PseudonymKey } from './pseudonymKey.js';

export interface KmsKeyOptions {
  /** The encrypted key as `aws kms encrypt` returns it (the raw `CiphertextBlob` bytes). */
  ciphertext: Uint8Array;
  /**
   * The KMS key the blob must be encrypted under (id, ARN or alias). Recommended: KMS then refuses a blob
   * made with another key. @default any key the caller may use
   */
  kmsKeyId?: string;
  /** The encryption context the blob was encrypted with, if any. */
  encryptionContext?: Record<string, string>;
  /** A client to use (tests, custom credentials); it is left open. @default a new client, closed after use */
  client?: KMSClient;
  /** Settings for the client made when none is given. @default the SDK's credential and region chain */
  clientConfig?: KMSClientConfig;
}

/**
 * Decrypts a KMS-protected pseudonym key (`Decrypt`) — e.g. a data key made once with
 * `aws kms encrypt --plaintext fileb://key.bin` and shipped as a file or an encrypted environment value.
 *
 * The key id is `<KeyId returned by KMS>#<fingerprint of the plaintext>`: the KMS key ARN alone would name
 * every data key it ever wrapped alike, so a new data key under the same KMS key (a rotation) would not show.
 */
export async function keyFromKms(options: KmsKeyOptions): Promise<PseudonymKey> {
  const client = options.client ?? new KMSClient(options.clientConfig ?? {});
  const source = `KMS ciphertext${options.kmsKeyId ? ` for ${options.kmsKeyId}` : ''}`;
  try {
    const result = await client.send(
      new DecryptCommand({
        CiphertextBlob: options.ciphertext,
        ...(options.kmsKeyId ? { KeyId: options.kmsKeyId } : {}),
        ...(options.encryptionContext ? { EncryptionContext: options.encryptionContext } : {}),
      }),
    );
    if (!result.Plaintext) throw new UsageError(`${source}: KMS returned no plaintext`);
    const key = Uint8Array.from(result.Plaintext);
    return pseudonymKey(key, `${result.KeyId ?? options.kmsKeyId ?? 'kms'}#${keyFingerprint(key)}`, source);
  } finally {
    if (!options.client) client.destroy();
  }
}
