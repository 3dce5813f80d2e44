/**
 * Glue `PartitionInput`s: one per (vehicle, date) folder of a table, at the folder the writer fills.
 */
import type { PartitionInput, TableInput } from '@aws-sdk/client-glue';
import { UsageError } from '../../core/errors.js';
import { assertDate, escapePathValue } from '../layout.js';

/** A partition's key values by key name: `{ vehicle: 'demo', date: '2024-05-01' }`. */
export type PartitionValues = Readonly<Record<string, string>>;

/**
 * The partition of `table` for `values`: `Values` in the table's key order (raw, unescaped, as Hive keeps them)
 * and a StorageDescriptor copied from the table's (columns, formats, SerDe; what Glue crawlers and Athena's
 * `ALTER TABLE ADD PARTITION` store) with the Location of its folder,
 * `<table location>vehicle=<escaped vehicle>/date=<date>/` (the layout's `partitionPrefix`).
 */
export function partitionInput(table: TableInput, values: PartitionValues): PartitionInput {
  const descriptor = table.StorageDescriptor;
  const location = descriptor?.Location;
  if (!descriptor || !location) throw new UsageError(`table ${table.Name} has no storage location`);
  const keys = (table.PartitionKeys ?? []).map((key) => key.Name ?? '');
  const extra = Object.keys(values).filter((name) => !keys.includes(name));
  const missing = keys.filter((name) => values[name] === undefined);
  if (extra.length > 0 || missing.length > 0) {
    throw new UsageError(
      `partition of ${table.Name} must give exactly ${keys.join(', ')}` +
        (missing.length > 0 ? `; missing ${missing.join(', ')}` : '') +
        (extra.length > 0 ? `; not keys: ${extra.join(', ')}` : ''),
    );
  }
  const ordered = keys.map((name) => values[name] ?? '');
  let folder = location.endsWith('/') ? location : `${location}/`;
  keys.forEach((name, i) => {
    const value = ordered[i] ?? '';
    if (name === 'date') assertDate(value);
    folder += `${name}=${escapePathValue(value, name)}/`;
  });
  return { Values: ordered, StorageDescriptor: { ...descriptor, Location: folder } };
}
