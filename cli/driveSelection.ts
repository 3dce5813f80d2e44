import type { ObjectStore } from '../catalog/objectStore.js';
import { DecodeError, NotFoundError, UsageError } from '../core/errors.js';
import type { OptionSpec, ParsedOptions } from './command.js';

export const allDrivesOption: OptionSpec = { type: 'boolean', description: 'Every drive in the lake' };

export interface SelectedDrive {
  driveId: string;
  vehicle: string;
  date: string;
}

/**
 * The drives a step runs on: the ids given (a unique prefix is enough, as with git hashes) or, with
 * `--all`, every drive in the lake.
 */
export async function selectDrives(
  store: ObjectStore,
  command: string,
  positionals: readonly string[],
  options: ParsedOptions,
): Promise<SelectedDrive[]> {
  const all = options.all === true;
  if (all && positionals.length > 0) throw new UsageError(`${command}: give drive ids or --all, not both`);
  if (!all && positionals.length === 0) throw new UsageError(`${command}: give a drive id or --all`);
  // Loaded here: the lake's table code (Arrow, Parquet) is not needed to start the CLI.
  const { listDrives } = await import('../catalog/driveRecord.js');
  const drives = await listDrives(store);
  if (all) {
    if (drives.length === 0) throw new NotFoundError(`${command}: the lake ${store.uri} has no drives yet`);
    return drives;
  }
  return positionals.map((given) => {
    const matches = drives.filter((d) => d.driveId === given || d.driveId.startsWith(given));
    const exact = matches.find((d) => d.driveId === given);
    if (exact) return exact;
    if (matches.length === 1 && matches[0]) return matches[0];
    if (matches.length > 1) {
      throw new UsageError(
        `${command}: drive id prefix '${given}' matches ${matches.length} drives: ${matches
          .slice(0, 5)
          .map((d) => d.driveId)
          .join(', ')}`,
      );
    }
    const known = drives.slice(0, 10).map((d) => d.driveId);
    throw new NotFoundError(
      `${command}: no drive '${given}' in ${store.uri}` +
        (known.length > 0
          ? ` (drives: ${known.join(', ')}${drives.length > 10 ? ', …' : ''})`
          : ' (no drives yet)'),
    );
  });
}

/** Reads and parses a JSON config file given with `--config`, naming the file on a syntax error. */
export async function readJsonFile(path: string): Promise<unknown> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new NotFoundError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DecodeError(
      `${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      { uri: path },
    );
  }
}
