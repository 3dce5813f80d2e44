import { resolve } from 'node:path';
import { LocalObjectStore } from '../catalog/localObjectStore.js';
import type { ObjectStore } from '../catalog/objectStore.js';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { UsageError } from '../core/errors.js';
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
