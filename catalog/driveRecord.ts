/**
 * The `drives` row of one drive, read back and rewritten. Later steps (quality gates, weather) amend a
 * drive's verdict and summary after ingest; rewriting the row through `PartitionedTableWriter` keeps the
 * part key, so the row is replaced, never duplicated.
 */
import { DataType } from 'apache-arrow';
import type { Field, Table as ArrowTable } from 'apache-arrow';
import { NotFoundError } from '../core/errors.js';
import type { ObjectStore } from './objectStore.js';
import { listTableParts, readDriveTable } from './readTable.js';
import { DRIVES } from './tables.js';
import { PartitionedTableWriter, type WrittenFile } from './tableWriter.js';

export interface DriveRecord {
  driveId: string;
  vehicle: string;
  date: string;
  /** Column values of the row as the writer accepts them: timestamps as bigint ns, lists as arrays. */
  row: Record<string, unknown>;
}

/** Reads the one `drives` row of `driveId`. Throws NotFoundError when the lake has no such drive. */
export async function readDriveRecord(store: ObjectStore, driveId: string): Promise<DriveRecord> {
  for await (const { part, rows } of readDriveTable(store, DRIVES.name, driveId)) {
    if (rows.numRows === 0) continue;
    return { driveId, vehicle: part.vehicle, date: part.date, row: rowValues(rows, 0) };
  }
  throw new NotFoundError(`drive ${driveId} is not in the lake ${store.uri} (no drives row)`);
}

/** Every drive in the lake: id, vehicle and date, from the `drives` part keys (no file is read). */
export async function listDrives(
  store: ObjectStore,
): Promise<{ driveId: string; vehicle: string; date: string }[]> {
  const parts = await listTableParts(store, DRIVES.name);
  return parts.map((p) => ({ driveId: p.driveId, vehicle: p.vehicle, date: p.date }));
}

/** Rewrites the drive's row with `patch` applied over its current values. */
export async function updateDriveRecord(
  store: ObjectStore,
  record: DriveRecord,
  patch: Record<string, unknown>,
): Promise<WrittenFile[]> {
  const writer = new PartitionedTableWriter({
    store,
    table: DRIVES,
    vehicle: record.vehicle,
    driveId: record.driveId,
  });
  const row = { ...record.row, ...patch };
  const batch: Record<string, unknown> = {};
  for (const field of DRIVES.schema.fields) {
    if (field.name === 'drive_id') continue;
    batch[field.name] = [row[field.name] ?? null];
  }
  await writer.append(batch as unknown as Parameters<typeof writer.append>[0]);
  return writer.close();
}

function rowValues(table: ArrowTable, index: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of table.schema.fields) {
    const column = table.getChild(field.name);
    if (!column) continue;
    out[field.name] = toPlain(field, column.get(index), () => timestampNs(table, field.name, index));
  }
  return out;
}

function toPlain(field: Field, value: unknown, exactTimestamp: () => bigint | null): unknown {
  if (value === null || value === undefined) return null;
  // Arrow JS returns timestamps as milliseconds (a double); the micros are in the buffer.
  if (DataType.isTimestamp(field.type)) return exactTimestamp();
  if (DataType.isList(field.type)) {
    const child = field.type.children[0];
    const items = [...(value as Iterable<unknown>)];
    return child ? items.map((item) => toPlain(child, item, () => null)) : items;
  }
  if (DataType.isStruct(field.type)) {
    const struct = value as Record<string, unknown>;
    const obj: Record<string, unknown> = {};
    for (const child of field.type.children) obj[child.name] = toPlain(child, struct[child.name], () => null);
    return obj;
  }
  return value;
}

function timestampNs(table: ArrowTable, name: string, index: number): bigint | null {
  const column = table.getChild(name);
  if (!column || !column.isValid(index)) return null;
  let offset = index;
  for (const data of column.data) {
    if (offset < data.length) {
      const micros = (data.values as BigInt64Array)[offset];
      return micros === undefined ? null : micros * 1000n;
    }
    offset -= data.length;
  }
  return null;
}
