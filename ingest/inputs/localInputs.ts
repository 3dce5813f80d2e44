/**
 * Node adapter: local files and folders as raw inputs.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '../../core/errors.js';
import { fileChunks, fileSource, fileStream } from '../../core/fileSource.js';
import { loadDbcFile } from '../dbc/loadDbcFile.js';
import { digestFile } from './digestFile.js';
import { gunzipHead } from './digestStream.js';
import type { RawInput } from './RawInput.js';

/**
 * The files at `path`: the file itself, or every file in the folder, walked recursively in name order with
 * hidden entries (`.name`) skipped. Throws `NotFoundError` when nothing is there.
 */
export async function listLocalFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new NotFoundError(`no such file or folder: ${path}`, { uri: path }, { cause: error });
  }
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await listLocalFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Hashes a local file and keeps its first bytes (gunzipped when gzip) for format detection. */
export async function inspectLocalFile(path: string): Promise<RawInput> {
  const digest = await digestFile(path);
  // The head of a gzip file is inflated from the file itself, so it is full even for incompressible data.
  const head = digest.gzip ? await gunzipHead(fileStream(path)) : digest.head;
  return {
    uri: path,
    bytes: digest.bytes,
    sha256: digest.sha256,
    gzip: digest.gzip,
    head,
    stream: () => fileStream(path, { gzip: digest.gzip }),
    ...(digest.gzip ? {} : { reusedChunks: () => fileChunks(path) }),
    rawStream: () => fileStream(path),
    source: () => fileSource(path),
    parseDbc: () => loadDbcFile(path),
  };
}
