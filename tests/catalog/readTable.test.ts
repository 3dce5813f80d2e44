import { writeFile } from 'node:fs/promises';
import type { RecordBatch } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DecodeError } from '../../core/errors.js';
import type { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { listTableParts, readPart, scanPart } from '../../catalog/readTable.js';
import { PartitionedTableWriter } from '../../catalog/tableWriter.js';
import { CAN_SIGNALS } from '../../catalog/tables.js';
import { tempLake } from './tempLake.js';

const ROWS = 5000;
const START_US = 1_718_348_400_000_000n;
const SIGNALS = ['SPEED', 'YAW_RATE', 'GEAR'];

/** A drive of can_signals in parts of 2,000 rows and row groups of 700: several of each. */
async function writeDrive(store: LocalObjectStore): Promise<void> {
  const writer = new PartitionedTableWriter({
    store,
    table: CAN_SIGNALS,
    vehicle: 'v',
    driveId: 'd',
    rowsPerFile: 2000,
    parquet: { rowGroupRows: 700 },
  });
  await writer.append({
    t: BigInt64Array.from({ length: ROWS }, (_, i) => (START_US + BigInt(i) * 10_000n) * 1000n),
    bus: Array.from({ length: ROWS }, (_, i) => (i % 7 === 0 ? 'can1' : 'can0')),
    message: { indices: Int32Array.from({ length: ROWS }, (_, i) => i % 2), dictionary: ['A', 'B'] },
    signal: Array.from({ length: ROWS }, (_, i) => SIGNALS[i % 3] as string),
    value: Float64Array.from({ length: ROWS }, (_, i) => i * 0.25 - 100),
    label: {
      indices: Int32Array.from({ length: ROWS }, (_, i) => (i % 3 === 2 ? 0 : -1)),
      dictionary: ['D'],
    },
  });
  await writer.close();
}

/** Rows as plain values, copied out of a batch while it is valid. */
function rowsOf(batch: RecordBatch): unknown[][] {
  const names = ['t', 'bus', 'message', 'signal', 'value', 'label'];
  const columns = names.map((name) => batch.getChild(name));
  return Array.from({ length: batch.numRows }, (_, r) =>
    columns.map((column): unknown => (column?.get(r) as unknown) ?? null),
  );
}

describe('readPart and scanPart', () => {
  test('every row of every row group, in order, the same both ways; scanPart only views WebAssembly memory', async () => {
    const store = await tempLake();
    await writeDrive(store);
    const parts = await listTableParts(store, CAN_SIGNALS.name, { driveId: 'd' });
    expect(parts.map((p) => p.key.split('/').at(-1))).toEqual([
      'd-00000.parquet',
      'd-00001.parquet',
      'd-00002.parquet',
    ]);

    const read: unknown[][] = [];
    const scanned: unknown[][] = [];
    let batches = 0;
    for (const part of parts) {
      const table = await readPart(store, part.key);
      for (const batch of table.batches) read.push(...rowsOf(batch));
      await scanPart(
        store,
        part.key,
        ['t', 'bus', 'message', 'signal', 'value', 'label', 'missing'],
        (batch) => {
          batches++;
          // Views, not copies: the value column's bytes sit in a buffer far larger than the batch.
          const values = batch.getChild('value')?.data[0]?.values as Float64Array;
          expect(values.buffer.byteLength).toBeGreaterThan(values.byteLength * 10);
          scanned.push(...rowsOf(batch));
        },
      );
    }
    expect(batches).toBe(3 + 3 + 2); // 2000, 2000 and 1000 rows in row groups of 700
    expect(read).toHaveLength(ROWS);
    expect(scanned).toEqual(read);
    expect(read[0]).toEqual([Number(START_US / 1000n), 'can1', 'A', 'SPEED', -100, null]);
    expect(read[4999]).toEqual([
      Number((START_US + 4999n * 10_000n) / 1000n),
      'can0',
      'B',
      'YAW_RATE',
      1149.75,
      null,
    ]);
    expect(read[2]?.[5]).toBe('D');
    expect(read[7]?.[1]).toBe('can1');
  });

  test('readPart copies: tables stay valid after later reads', async () => {
    const store = await tempLake();
    await writeDrive(store);
    const parts = await listTableParts(store, CAN_SIGNALS.name, { driveId: 'd' });
    const first = await readPart(store, (parts[0] as { key: string }).key, ['value']);
    for (const part of parts) await readPart(store, part.key);
    expect(first.numRows).toBe(2000);
    expect(first.getChild('value')?.get(1999)).toBe(1999 * 0.25 - 100);
  });

  test('a part that is not Parquet is a DecodeError naming the file', async () => {
    const store = await tempLake();
    const key = 'tables/can_signals/vehicle=v/date=2024-06-14/d-00000.parquet';
    await store.put(key, new Uint8Array(0));
    await writeFile(store.pathOf(key), 'not parquet at all');
    const error = await scanPart(store, key, ['t'], () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).message).toContain('d-00000.parquet');
    await expect(readPart(store, key)).rejects.toBeInstanceOf(DecodeError);
  });
});
