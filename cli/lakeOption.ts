import { resolve } from 'node:path';
import { LocalObjectStore } from '../catalog/localObjectStore.js';
import type { ObjectStore } from '../catalog/objectStore.js';
import { S3ObjectStore } from '../catalog/s3ObjectStore.js';
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
    const endpoint = ctx.env.ADLAKE_S3_ENDPOINT;
    return S3ObjectStore.open({
      uri: given,
      ...(endpoint
        ? {
            clientConfig: {
              endpoint,
              forcePathStyle: true,
              region: ctx.env.AWS_REGION ?? 'us-east-1',
              requestChecksumCalculation: 'WHEN_REQUIRED',
              responseChecksumValidation: 'WHEN_REQUIRED',
            },
          }
        : {}),
    });
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
