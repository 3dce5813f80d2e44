import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isNodeError } from '../../core/errors.js';
import { decodeDbcBytes } from './decodeDbcBytes.js';
import type { DbcDatabase } from './model.js';
import { parseDbc } from './parseDbc.js';

/**
 * Node adapter: reads a DBC file (UTF-8, else cp1252) and parses it, resolving opendbc `CM_ "IMPORT x.dbc";`
 * lines relative to the importing file's folder. DBC files are small, so imports are read synchronously.
 * @param options.strict see `ParseDbcOptions.strict` @default false
 */
export async function loadDbcFile(path: string, options: { strict?: boolean } = {}): Promise<DbcDatabase> {
  const { text } = decodeDbcBytes(await readFile(path));
  return parseDbc(text, {
    uri: path,
    strict: options.strict ?? false,
    resolveImport: (name, importingUri) => {
      try {
        return decodeDbcBytes(readFileSync(join(dirname(importingUri), name))).text;
      } catch (error) {
        if (isNodeError(error) && error.code === 'ENOENT') return undefined;
        throw error;
      }
    },
  });
}
