/**
 * The AWS key providers against mocked clients (the request each sends is asserted exactly), and against
 * real AWS with ADLAKE_LIVE_AWS=1: a throwaway secret is created and deleted; the KMS test needs
 * ADLAKE_LIVE_KMS_KEY_ID (a key id, ARN or alias the caller may Encrypt and Decrypt with). Credentials and
 * region come from the SDK's usual chain.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import { keyFromKms } from '../../../transforms/pseudonym/kmsKey.js';
import { keyFingerprint } from '../../../transforms/pseudonym/pseudonymKey.js';
import { keyFromSecretsManager } from '../../../transforms/pseudonym/secretsManagerKey.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const HEX = Buffer.from(KEY).toString('hex');
const ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:adlake/pseudonym-AbCdEf';
const KMS_ARN = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('keyFromSecretsManager', () => {
  const mock = mockClient(SecretsManagerClient);
  afterEach(() => mock.reset());

  it('reads a hex SecretString and names the key by secret ARN and version', async () => {
    mock.on(GetSecretValueCommand).resolves({ ARN, VersionId: 'v-1', SecretString: HEX });
    const key = await keyFromSecretsManager({
      secretId: 'adlake/pseudonym',
      client: new SecretsManagerClient({}),
    });
    expect(key).toEqual({ keyId: `${ARN}#v-1`, key: KEY });
    expect(mock.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: 'adlake/pseudonym' },
    ]);
  });

  it('reads the "key" field of a JSON secret and SecretBinary, and asks for a version stage when given', async () => {
    mock
      .on(GetSecretValueCommand, { SecretId: 'json' })
      .resolves({
        ARN,
        VersionId: 'v-2',
        SecretString: JSON.stringify({ key: Buffer.from(KEY).toString('base64') }),
      })
      .on(GetSecretValueCommand, { SecretId: 'binary' })
      .resolves({ ARN, VersionId: 'v-3', SecretBinary: KEY });
    const client = new SecretsManagerClient({});
    expect(await keyFromSecretsManager({ secretId: 'json', client })).toEqual({
      keyId: `${ARN}#v-2`,
      key: KEY,
    });
    expect(await keyFromSecretsManager({ secretId: 'binary', versionStage: 'AWSPREVIOUS', client })).toEqual({
      keyId: `${ARN}#v-3`,
      key: KEY,
    });
    expect(mock.commandCalls(GetSecretValueCommand)[1]?.args[0].input).toEqual({
      SecretId: 'binary',
      VersionStage: 'AWSPREVIOUS',
    });
  });

  it('refuses a JSON secret without a key, and a short key', async () => {
    const client = new SecretsManagerClient({});
    mock
      .on(GetSecretValueCommand, { SecretId: 'nokey' })
      .resolves({ ARN, VersionId: 'v', SecretString: '{"k":1}' });
    mock
      .on(GetSecretValueCommand, { SecretId: 'short' })
      .resolves({ ARN, VersionId: 'v', SecretString: 'abcd' });
    await expect(keyFromSecretsManager({ secretId: 'nokey', client })).rejects.toThrow(/"key"/);
    await expect(keyFromSecretsManager({ secretId: 'short', client })).rejects.toThrow(UsageError);
  });
});

describe('keyFromKms', () => {
  const mock = mockClient(KMSClient);
  afterEach(() => mock.reset());

  it('decrypts the blob, pins the KMS key and context, and names the key by KMS key and fingerprint', async () => {
    mock.on(DecryptCommand).resolves({ KeyId: KMS_ARN, Plaintext: KEY });
    const ciphertext = Uint8Array.from([1, 2, 3]);
    const key = await keyFromKms({
      ciphertext,
      kmsKeyId: 'alias/adlake-pseudonym',
      encryptionContext: { purpose: 'adlake-pseudonym' },
      client: new KMSClient({}),
    });
    expect(key).toEqual({ keyId: `${KMS_ARN}#${keyFingerprint(KEY)}`, key: KEY });
    expect(mock.commandCalls(DecryptCommand).map((c) => c.args[0].input)).toEqual([
      {
        CiphertextBlob: ciphertext,
        KeyId: 'alias/adlake-pseudonym',
        EncryptionContext: { purpose: 'adlake-pseudonym' },
      },
    ]);
  });

  it('sends only the blob by default and refuses an empty answer', async () => {
    mock.on(DecryptCommand).resolves({ KeyId: KMS_ARN });
    await expect(keyFromKms({ ciphertext: Uint8Array.from([9]), client: new KMSClient({}) })).rejects.toThrow(
      /no plaintext/,
    );
    expect(mock.commandCalls(DecryptCommand)[0]?.args[0].input).toEqual({
      CiphertextBlob: Uint8Array.from([9]),
    });
  });
});

const LIVE = process.env.ADLAKE_LIVE_AWS === '1';

describe.runIf(LIVE)('AWS key providers on real AWS', () => {
  it('reads a key from a fresh secret (then deletes it)', async () => {
    const client = new SecretsManagerClient({});
    const secret = randomBytes(32);
    const created = await client.send(
      new CreateSecretCommand({ Name: `adlake-live-${randomUUID()}`, SecretString: secret.toString('hex') }),
    );
    try {
      const key = await keyFromSecretsManager({ secretId: created.ARN ?? '' });
      expect(key.key).toEqual(Uint8Array.from(secret));
      expect(key.keyId).toBe(`${created.ARN}#${created.VersionId}`);
    } finally {
      await client.send(new DeleteSecretCommand({ SecretId: created.ARN, ForceDeleteWithoutRecovery: true }));
      client.destroy();
    }
  });

  it.runIf(process.env.ADLAKE_LIVE_KMS_KEY_ID)('decrypts a key encrypted under a KMS key', async () => {
    const kmsKeyId = process.env.ADLAKE_LIVE_KMS_KEY_ID ?? '';
    const client = new KMSClient({});
    try {
      const secret = randomBytes(32);
      const { CiphertextBlob } = await client.send(
        new EncryptCommand({ KeyId: kmsKeyId, Plaintext: secret }),
      );
      const key = await keyFromKms({ ciphertext: CiphertextBlob ?? new Uint8Array(), kmsKeyId });
      expect(key.key).toEqual(Uint8Array.from(secret));
      expect(key.keyId).toMatch(/^arn:aws:kms:.+#fp-[0-9a-f]{16}$/);
    } finally {
      client.destroy();
    }
  });
});
