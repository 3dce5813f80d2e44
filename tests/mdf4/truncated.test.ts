/**
 * Real files cut short at many offsets (a logger losing power, a partial upload): reading must end in a
 * DecodeError naming a byte offset, or in data with a warning naming one; never another exception or a hang.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../core/errors.js';
import { bytesSource } from '../../core/source.js';
import { readCanFrames } from '../../ingest/mdf4/readCanFrames.js';
import { MDF_ROOT, open, readTable, withTimeout } from './helpers.js';

const FILES = [
  'css-electronics/00000005-60FEB5A8.MF4',
  'css-electronics/LOG/2F6913DB/00000004/00000001.MF4',
  'asam-vendor-examples/Vector_SingleDZ_Deflate.mf4',
  'asam-vendor-examples/Vector_DataList_TransposeDeflate.mf4',
  'asam-vendor-examples/Vector_IntegerTypes.MF4',
  'peak/asammdf_dimensional_demo.mf4',
];

type Outcome =
  | { kind: 'error'; offset: number | undefined; message: string }
  | { kind: 'ok'; rows: number; warnings: string[] };

async function readCut(bytes: Uint8Array, cut: number): Promise<Outcome> {
  try {
    const file = await open(bytesSource(`cut@${cut}`, bytes.subarray(0, cut)));
    let rows = 0;
    for (const group of file.groups) if (!group.isVlsd) rows += (await readTable(file, group)).rows;
    for await (const batch of readCanFrames(file)) rows += batch.records.length;
    return { kind: 'ok', rows, warnings: file.warnings };
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return { kind: 'error', offset: error.where.offset, message: error.message };
  }
}

describe('truncated MDF4 files', () => {
  for (const relative of FILES) {
    it(`${relative}: every cut ends in a DecodeError with an offset or a warning`, async () => {
      const bytes = new Uint8Array(readFileSync(`${MDF_ROOT}/${relative}`));
      const full = await readCut(bytes, bytes.length);
      expect(full.kind).toBe('ok');
      const cuts = [0, 7, 63, 64, 100, 200, 1000, 3000];
      for (let i = 1; i <= 12; i++) cuts.push(Math.floor((bytes.length * i) / 13));
      cuts.push(bytes.length - 1, bytes.length - 7);
      for (const cut of cuts.filter((c) => c < bytes.length)) {
        const outcome = await withTimeout(readCut(bytes, cut), 20_000, `${relative} cut at ${cut}`);
        if (outcome.kind === 'error') {
          expect(outcome.offset, outcome.message).toBeTypeOf('number');
          expect(outcome.message).toMatch(/^mdf4: /);
        } else {
          // Loaded: the cut was in sample data (or in padding): never more rows than the whole file, and
          // when rows are missing a warning says where.
          const fullRows = full.kind === 'ok' ? full.rows : 0;
          expect(outcome.rows, `cut at ${cut}`).toBeLessThanOrEqual(fullRows);
          if (outcome.rows < fullRows)
            expect(
              outcome.warnings.some((w) => /0x[0-9a-f]+/.test(w)),
              `cut at ${cut}: ${outcome.warnings.join('; ')}`,
            ).toBe(true);
        }
      }
    });
  }
});

/** Seeded xorshift32, so a failing corruption can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('corrupted MDF4 files', () => {
  for (const relative of FILES) {
    it(`${relative}: random byte damage ends in data or a DecodeError, never a crash`, async () => {
      const original = new Uint8Array(readFileSync(`${MDF_ROOT}/${relative}`));
      const next = random(0x5eed + original.length);
      for (let round = 0; round < 40; round++) {
        const bytes = original.slice();
        // Damage the metadata area (first 16 KiB) where links and lengths live, a few bytes at a time.
        const area = Math.min(bytes.length, 16_384);
        for (let i = 0; i < 4; i++) bytes[Math.floor(next() * area)] = Math.floor(next() * 256);
        const outcome = await withTimeout(readCut(bytes, bytes.length), 20_000, `${relative} round ${round}`);
        if (outcome.kind === 'error') expect(outcome.offset, outcome.message).toBeTypeOf('number');
      }
    });
  }
});
