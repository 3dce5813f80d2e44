import { resolve } from 'node:path';
import { LocalObjectStore } from '../catalog/localObjectStore.js';
import type { ObjectStore } from '../catalog/objectStore.js';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { UsageError } from '../core/errors.js';
import type { PseudonymKey } from '../transforms/pseudonym/pseudonymKey.js';
import type { CommandContext, OptionSpec, ParsedOptions } from './command.js';

export const lakeOption: OptionSpec = {
  type: 'string',
  description: 'The lake: a local folder or s3://bucket/prefix (ADLAKE_LAKE overrides the default)',
  default: './lake',
  valueName: 'dir',
};

/**
 * Opens the lake named by `--lake`, `ADLAKE_LAKE` or `./lake`, in that order. An `s3://` lake uses the
 * standard AWS credential and region chain; `ADLAKE_S3_ENDPOINT` points it at another S3-protocol server
 * (path-style addressing, e.g. MinIO or s3rver).
 */
export async function openLake(ctx: CommandContext, options: ParsedOptions): Promise<ObjectStore> {
  const given = typeof options.lake === 'string' ? options.lake : (ctx.env.ADLAKE_LAKE ?? './lake');
  if (given.startsWith('s3://')) {
    // Loaded on use: the AWS SDK is a large import that local lakes never need.
    const { S3ObjectStore } = await import('../catalog/s3ObjectStore.js');
    return S3ObjectStore.open({ uri: given, clientConfig: s3ClientConfig(ctx.env) });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given) && !given.startsWith('file://')) {
    throw new UsageError(`--lake ${given}: give a local folder, file:// or s3:// URI`);
  }
  return LocalObjectStore.open({ root: resolve(ctx.cwd, given.replace(/^file:\/\//, '')) });
}

export function stringList(value: ParsedOptions[string]): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * S3 client settings for the lake and for S3 inputs: the SDK's credential and region chain, or
 * `ADLAKE_S3_ENDPOINT` for another S3-protocol server (path-style addressing, checksums only where required).
 */
export function s3ClientConfig(env: Record<string, string | undefined>): S3ClientConfig {
  const endpoint = env.ADLAKE_S3_ENDPOINT;
  if (!endpoint) return {};
  return {
    endpoint,
    forcePathStyle: true,
    region: env.AWS_REGION ?? 'us-east-1',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/** The options naming the vehicle pseudonym key (see `transforms/pseudonym/resolvePseudonymKey.ts`). */
export const pseudonymKeyOptions: Record<string, OptionSpec> = {
  'pseudonym-key-file': {
    type: 'string',
    valueName: 'file',
    description:
      'Key for vehicle pseudonyms: JSON {"keyId","key"}, hex/base64 text or raw bytes (also ADLAKE_PSEUDONYM_KEY_FILE; or put the key itself in ADLAKE_PSEUDONYM_KEY)',
  },
  'pseudonym-secret': {
    type: 'string',
    valueName: 'id',
    description:
      'AWS Secrets Manager secret (name or ARN) holding the pseudonym key (also ADLAKE_PSEUDONYM_SECRET)',
  },
  'pseudonym-kms-blob': {
    type: 'string',
    valueName: 'file',
    description:
      'KMS-encrypted pseudonym key: a ciphertext file (raw or base64) or base64:<ciphertext> (also ADLAKE_PSEUDONYM_KMS_BLOB)',
  },
};

/** The pseudonym key the options or environment name, or undefined when none is set. */
export async function pseudonymKeyFrom(
  ctx: CommandContext,
  options: ParsedOptions,
): Promise<PseudonymKey | undefined> {
  const keyFile = options['pseudonym-key-file'];
  const secretId = options['pseudonym-secret'];
  const kmsBlob = options['pseudonym-kms-blob'];
  // Loaded on use, like the readers: `--help` does not pay for it, and the AWS SDK only loads for AWS keys.
  const { resolvePseudonymKey } = await import('../transforms/pseudonym/resolvePseudonymKey.js');
  return resolvePseudonymKey({
    ...(typeof keyFile === 'string' ? { keyFile } : {}),
    ...(typeof secretId === 'string' ? { secretId } : {}),
    ...(typeof kmsBlob === 'string' ? { kmsBlob } : {}),
    env: ctx.env,
    cwd: ctx.cwd,
  });
}
