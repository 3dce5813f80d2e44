import { resolve } from 'node:path';
import { LocalObjectStore } from '../catalog/localObjectStore.js';
import type { ObjectStore } from '../catalog/objectStore.js';
import { UsageError } from '../core/errors.js';
import type { CommandContext, OptionSpec, ParsedOptions } from './command.js';

export const lakeOption: OptionSpec = {
  type: 'string',
  description: 'The lake: a local folder (ADLAKE_LAKE overrides the default)',
  default: './lake',
  valueName: 'dir',
};

/** Opens the lake named by `--lake`, `ADLAKE_LAKE` or `./lake`, in that order. */
export async function openLake(ctx: CommandContext, options: ParsedOptions): Promise<ObjectStore> {
  const given = typeof options.lake === 'string' ? options.lake : (ctx.env.ADLAKE_LAKE ?? './lake');
  if (given.startsWith('s3://')) {
    throw new UsageError(`--lake ${given}: S3 lakes are not supported yet; use a local folder`);
  }
  return LocalObjectStore.open({ root: resolve(ctx.cwd, given.replace(/^file:\/\//, '')) });
}

export function stringList(value: ParsedOptions[string]): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  return Array.isArray(value) ? value : [value];
}
