import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, UsageError } from '../../../core/errors.js';
import { parseKeyFile, readKeyFile } from '../../../transforms/pseudonym/keyFile.js';
import {
  DEMO_PSEUDONYM_KEY,
  keyFingerprint,
  keyFromEnv,
  parseKeyText,
  pseudonymKey,
} from '../../../transforms/pseudonym/pseudonymKey.js';
import { readKmsBlob, resolvePseudonymKey } from '../../../transforms/pseudonym/resolvePseudonymKey.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const HEX = Buffer.from(KEY).toString('hex');
const BASE64 = Buffer.from(KEY).toString('base64');

describe('key text and ids', () => {
  it('reads hex and base64 (standard and URL alphabet), with an optional prefix that forces one', () => {
    expect(parseKeyText(HEX, 't')).toEqual(KEY);
    expect(parseKeyText(` ${BASE64}\n`, 't')).toEqual(KEY);
    expect(parseKeyText(Buffer.from(KEY).toString('base64url'), 't')).toEqual(KEY);
    // "00ff" is hex by default, 3 bytes of base64 when forced.
    expect(parseKeyText('00ff', 't')).toEqual(Uint8Array.from([0, 255]));
    expect(parseKeyText('base64:00ff', 't')).toEqual(Uint8Array.from(Buffer.from('00ff', 'base64')));
    expect(() => parseKeyText('not a key!', 't')).toThrow(UsageError);
    expect(() => parseKeyText('hex:zz', 't')).toThrow(/neither hex nor base64/);
  });

  it('refuses keys under 128 bits and names a key by fingerprint when it has no id', () => {
    expect(() => pseudonymKey(new Uint8Array(15), undefined, 'short')).toThrow(/at least 16/);
    // python3: hmac.new(bytes(range(32)), b'adlake/key-id/v1', sha256).hexdigest()[:16]
    expect(keyFingerprint(KEY)).toBe('fp-b01fad884391a4ad');
    expect(pseudonymKey(KEY, undefined, 't').keyId).toBe('fp-b01fad884391a4ad');
    expect(pseudonymKey(KEY, ' k-2024 ', 't').keyId).toBe('k-2024');
    expect(DEMO_PSEUDONYM_KEY.keyId).toContain('not-secret');
  });

  it('takes the key from ADLAKE_PSEUDONYM_KEY and its id from ADLAKE_PSEUDONYM_KEY_ID', () => {
    expect(keyFromEnv({})).toBeUndefined();
    expect(keyFromEnv({ ADLAKE_PSEUDONYM_KEY: '  ' })).toBeUndefined();
    expect(keyFromEnv({ ADLAKE_PSEUDONYM_KEY: HEX })).toEqual({ keyId: 'fp-b01fad884391a4ad', key: KEY });
    expect(keyFromEnv({ ADLAKE_PSEUDONYM_KEY: BASE64, ADLAKE_PSEUDONYM_KEY_ID: 'fleet-2024' })?.keyId).toBe(
      'fleet-2024',
    );
  });
});

describe('key files and resolution', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adlake-keys-'));
    await writeFile(join(dir, 'key.json'), JSON.stringify({ keyId: 'json-key', key: HEX }));
    await writeFile(join(dir, 'key.hex'), `${HEX}\n`);
    await writeFile(
      join(dir, 'key.bin'),
      Uint8Array.from({ length: 32 }, (_, i) => 200 + (i % 50)),
    );
    await writeFile(join(dir, 'blob.bin'), Uint8Array.from([1, 2, 3, 0, 255]));
    await writeFile(join(dir, 'blob.b64'), `${Buffer.from([1, 2, 3, 0, 255]).toString('base64')}\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads JSON, text and raw key files', async () => {
    expect(await readKeyFile(join(dir, 'key.json'))).toEqual({ keyId: 'json-key', key: KEY });
    expect(await readKeyFile(join(dir, 'key.hex'))).toEqual({ keyId: keyFingerprint(KEY), key: KEY });
    expect((await readKeyFile(join(dir, 'key.bin'))).key[0]).toBe(200);
    expect(() => parseKeyFile(new TextEncoder().encode('{"keyId": 3, "key": "00"}'), 'f')).toThrow(/keyId/);
    expect(() => parseKeyFile(new TextEncoder().encode('{"id": "x"}'), 'f')).toThrow(/"key"/);
    await expect(readKeyFile(join(dir, 'missing'))).rejects.toThrow(NotFoundError);
  });

  it('resolves flags before the environment and refuses two sources', async () => {
    const env = { ADLAKE_PSEUDONYM_KEY: HEX, ADLAKE_PSEUDONYM_KEY_ID: 'env-key' };
    expect(await resolvePseudonymKey({ env: {}, cwd: dir })).toBeUndefined();
    expect((await resolvePseudonymKey({ env, cwd: dir }))?.keyId).toBe('env-key');
    expect((await resolvePseudonymKey({ keyFile: 'key.json', env, cwd: dir }))?.keyId).toBe('json-key');
    expect(
      (await resolvePseudonymKey({ env: { ADLAKE_PSEUDONYM_KEY_FILE: 'key.json' }, cwd: dir }))?.keyId,
    ).toBe('json-key');
    await expect(
      resolvePseudonymKey({ keyFile: 'key.json', secretId: 'adlake/key', env: {}, cwd: dir }),
    ).rejects.toThrow(/one pseudonym key source/);
    await expect(
      resolvePseudonymKey({ env: { ...env, ADLAKE_PSEUDONYM_SECRET: 'adlake/key' }, cwd: dir }),
    ).rejects.toThrow(/ADLAKE_PSEUDONYM_KEY and ADLAKE_PSEUDONYM_SECRET/);
  });

  it('reads a KMS ciphertext as raw bytes, base64 file or inline base64', async () => {
    const blob = Uint8Array.from([1, 2, 3, 0, 255]);
    expect(await readKmsBlob('blob.bin', dir)).toEqual(blob);
    expect(await readKmsBlob(join(dir, 'blob.b64'), '/')).toEqual(blob);
    expect(await readKmsBlob(`base64:${Buffer.from(blob).toString('base64')}`, dir)).toEqual(blob);
    await expect(readKmsBlob('nope.bin', dir)).rejects.toThrow(NotFoundError);
  });
});
