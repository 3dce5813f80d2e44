import {
  GetSecretValueCommand,
  SecretsManagerClient,
  type SecretsManagerClientConfig,
} from '@aws-sdk/client-secrets-manager';
import { UsageError } from '../../core/errors.js';
import { parseKeyText, pseudonymKey, type PseudonymKey } from './pseudonymKey.js';

export interface SecretsManagerKeyOptions {
  /** Secret name or ARN. */
  secretId: string;
  /** A version stage to read. @default AWSCURRENT (the service's default) */
  versionStage?: string;
  /** A client to use (tests, custom credentials); it is left open. @default a new client, closed after use */
  client?: SecretsManagerClient;
  /** Settings for the client made when none is given. @default the SDK's credential and region chain */
  clientConfig?: SecretsManagerClientConfig;
}

/**
 * Reads the pseudonym key from AWS Secrets Manager (`GetSecretValue`). The secret holds the key as
 * `SecretBinary` (the raw bytes), or as `SecretString`: hex or base64, or JSON with a `key` field in hex or
 * base64 (what the console's key/value editor stores). The key id is `<secret ARN>#<VersionId>`: rotating the
 * secret creates a new version, so drives pseudonymised before and after a rotation name different keys.
 */
export async function keyFromSecretsManager(options: SecretsManagerKeyOptions): Promise<PseudonymKey> {
  const client = options.client ?? new SecretsManagerClient(options.clientConfig ?? {});
  const source = `Secrets Manager secret ${options.secretId}`;
  try {
    const secret = await client.send(
      new GetSecretValueCommand({
        SecretId: options.secretId,
        ...(options.versionStage ? { VersionStage: options.versionStage } : {}),
      }),
    );
    const keyId = `${secret.ARN ?? options.secretId}#${secret.VersionId ?? 'unknown-version'}`;
    if (secret.SecretBinary) return pseudonymKey(Uint8Array.from(secret.SecretBinary), keyId, source);
    if (secret.SecretString === undefined) throw new UsageError(`${source} has no value`);
    return pseudonymKey(parseKeyText(keyTextOf(secret.SecretString, source), source), keyId, source);
  } finally {
    if (!options.client) client.destroy();
  }
}

/** The key text of a secret string: the `key` field of a JSON object, else the string itself. */
function keyTextOf(secret: string, source: string): string {
  const text = secret.trim();
  if (!text.startsWith('{')) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} looks like JSON but does not parse`, {}, { cause: error });
  }
  const key =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>).key : undefined;
  if (typeof key !== 'string') throw new UsageError(`${source} is JSON without a "key" string`);
  return key;
}
