import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileSource } from '../../core/fileSource.js';
import type { RandomAccessSource } from '../../core/source.js';
import { openMdf } from '../../ingest/mdf4/openMdf.js';
import { readGroup } from '../../ingest/mdf4/readGroup.js';
import { nodeInflate } from '../../ingest/mdf4/nodeInflate.js';
import type { MdfChannelGroup, MdfFile } from '../../ingest/mdf4/model.js';
import type { MdfValue } from '../../ingest/mdf4/GroupDecoder.js';

export const MDF_ROOT = '../shared/data/mdf4';

/** Every `*.mf4` file under the shared corpus, relative to the repo root, sorted. */
export function corpusFiles(dir = MDF_ROOT): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...corpusFiles(path));
    else if (/\.mf4$/i.test(name)) out.push(path);
  }
  return out;
}

export function open(pathOrSource: string | RandomAccessSource): Promise<MdfFile> {
  const source = typeof pathOrSource === 'string' ? fileSource(pathOrSource) : pathOrSource;
  return openMdf(source, { inflate: nodeInflate });
}

/** A whole group as plain arrays (small test files only). */
export interface GroupTable {
  t: number[];
  columns: Map<string, (number | MdfValue)[]>;
  rows: number;
}

export async function readTable(file: MdfFile, group: MdfChannelGroup): Promise<GroupTable> {
  const table: GroupTable = { t: [], columns: new Map(), rows: 0 };
  for await (const chunk of readGroup(file, group)) {
    table.t.push(...chunk.t);
    for (const [name, values] of chunk.columns) {
      const column = table.columns.get(name) ?? [];
      for (const value of values) column.push(value);
      table.columns.set(name, column);
    }
    table.rows += chunk.rows;
  }
  return table;
}

export function hex(bytes: MdfValue | number | undefined): string {
  return bytes instanceof Uint8Array ? Buffer.from(bytes).toString('hex') : String(bytes);
}

/** Rejects after `ms` so one bad file cannot hang the corpus walk. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
