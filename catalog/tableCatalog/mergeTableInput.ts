/**
 * Whether a catalogued table already says what adlake would write, and the input that updates it without
 * losing what others added. Both backends use this, so `upsertTable` answers `unchanged` in the same cases.
 */
import type { Column, Table, TableInput } from '@aws-sdk/client-glue';
import { OWNED_PARAMETER } from './tableInput.js';

/**
 * True when `existing` matches `desired` in every field adlake sets: name, description, type, partition keys,
 * columns (name, type, comment, in order), location, formats, SerDe and adlake's own parameters. Fields Glue
 * fills in itself (create time, version, `Compressed`, bucket lists) and parameters adlake does not own are
 * ignored.
 */
export function sameTableInput(existing: Table | TableInput, desired: TableInput): boolean {
  const a = existing.StorageDescriptor;
  const b = desired.StorageDescriptor;
  return (
    existing.Name === desired.Name &&
    (existing.Description ?? '') === (desired.Description ?? '') &&
    existing.TableType === desired.TableType &&
    sameColumns(existing.PartitionKeys, desired.PartitionKeys) &&
    sameColumns(a?.Columns, b?.Columns) &&
    a?.Location === b?.Location &&
    a?.InputFormat === b?.InputFormat &&
    a?.OutputFormat === b?.OutputFormat &&
    a?.SerdeInfo?.SerializationLibrary === b?.SerdeInfo?.SerializationLibrary &&
    sameRecord(a?.SerdeInfo?.Parameters, b?.SerdeInfo?.Parameters, () => true) &&
    sameRecord(existing.Parameters, desired.Parameters, OWNED_PARAMETER)
  );
}

/** `desired`, with the parameters of `existing` that adlake does not own carried over. */
export function mergeTableInput(existing: Table | TableInput | undefined, desired: TableInput): TableInput {
  const kept = Object.entries(existing?.Parameters ?? {}).filter(([key]) => !OWNED_PARAMETER(key));
  if (kept.length === 0) return desired;
  return { ...desired, Parameters: { ...Object.fromEntries(kept), ...desired.Parameters } };
}

function sameColumns(a: readonly Column[] | undefined, b: readonly Column[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return (
    x.length === y.length &&
    x.every(
      (column, i) =>
        column.Name === y[i]?.Name &&
        column.Type === y[i]?.Type &&
        (column.Comment ?? '') === (y[i]?.Comment ?? ''),
    )
  );
}

/** Equal on the keys `select` picks, in both directions. */
function sameRecord(
  a: Record<string, string> | undefined,
  b: Record<string, string> | undefined,
  select: (key: string) => boolean,
): boolean {
  const x = Object.entries(a ?? {}).filter(([key]) => select(key));
  const y = Object.entries(b ?? {}).filter(([key]) => select(key));
  return x.length === y.length && x.every(([key, value]) => b?.[key] === value);
}
