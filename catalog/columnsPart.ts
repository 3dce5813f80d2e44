/**
 * Parts as adlake's own Parquet encoder takes them (see `columnsParquet.ts`): the Parquet type,
 * repetition, encoding and statistics of each column, decided from the Arrow schema and the writer plan.
 * Plain data apart from the views' arrays, so a part can be posted to an encoding thread.
 */
import { DataType, TimeUnit } from 'apache-arrow';
import type { Field } from 'apache-arrow';
import { arrowSchemaMetadata } from './arrowSchemaMetadata.js';
import type { ColumnView } from './columnBuffer.js';
import type { ColumnarPart, WriterPlan } from './parquetWriter.js';

export type PhysicalType = 'BOOLEAN' | 'INT32' | 'INT64' | 'DOUBLE' | 'BYTE_ARRAY';

/** The logical annotation of a column (Parquet `LogicalTypes.md`). */
export type LogicalAnnotation =
  { kind: 'string' } | { kind: 'timestamp'; utc: boolean } | { kind: 'int'; bits: 8 | 16 };

/**
 * How a column's values are encoded. `dictionary`: a dictionary page and RLE_DICTIONARY data pages
 * (for fixed-width values, PLAIN when the dictionary would pass 1 MiB, as arrow-rs falls back).
 */
export type ValueEncoding = 'dictionary' | 'plain' | 'delta_binary_packed' | 'byte_stream_split';

export interface ColumnPlan {
  name: string;
  physical: PhysicalType;
  logical?: LogicalAnnotation;
  /** OPTIONAL (with definition levels) rather than REQUIRED. */
  optional: boolean;
  encoding: ValueEncoding;
  /** Min/max and null count for each column chunk. */
  statistics: boolean;
  /**
   * A list of non-null strings (a `list` view): a LIST group over a repeated `list` group over a required
   * `element` leaf, written PLAIN with repetition and definition levels, without statistics.
   */
  list?: boolean;
}

export interface ColumnsPart {
  columns: ColumnPlan[];
  views: ColumnView[];
  rows: number;
  codec: 'zstd' | 'none';
  /** zstd level; the compressor's own when absent. */
  zstdLevel?: number;
  rowGroupRows: number;
  /** The `ARROW:schema` metadata value. */
  arrowSchema: string;
}

/**
 * The part as the encoder takes it, or undefined when it does not (nested columns, snappy, a timestamp
 * unit other than microseconds, unsigned integers): such parts go through parquet-wasm.
 */
export function planColumnsPart(part: ColumnarPart, plan: WriterPlan): ColumnsPart | undefined {
  if (plan.compression === 'snappy') return undefined;
  const fields = part.schema.fields;
  if (fields.length !== part.columns.length) return undefined;
  const settings = new Map(plan.columns.map((c) => [c.name, c]));
  const columns: ColumnPlan[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as Field;
    const typed = columnType(field, part.columns[i] as ColumnView);
    if (typed === undefined) return undefined;
    const setting = settings.get(field.name);
    const list = part.columns[i]?.kind === 'list';
    columns.push({
      name: field.name,
      ...typed,
      optional: field.nullable,
      encoding: list ? 'plain' : valueEncoding(typed.physical, setting?.dictionary, setting?.encoding),
      statistics: !list && setting?.statistics !== 'none',
      ...(list ? { list } : {}),
    });
  }
  return {
    columns,
    views: [...part.columns],
    rows: part.rows,
    codec: plan.compression,
    ...(plan.zstdLevel !== undefined ? { zstdLevel: plan.zstdLevel } : {}),
    rowGroupRows: plan.rowGroupRows,
    arrowSchema: arrowSchemaMetadata(part.schema),
  };
}

/** The Parquet type for a field and its buffered rows, or undefined when the encoder does not take it. */
function columnType(
  field: Field,
  column: ColumnView,
): { physical: PhysicalType; logical?: LogicalAnnotation } | undefined {
  const type = field.type as DataType;
  if (DataType.isTimestamp(type)) {
    if (type.unit !== TimeUnit.MICROSECOND || column.kind !== 'fixed') return undefined;
    if (!(column.values instanceof BigInt64Array)) return undefined;
    // A zone means instants: TIMESTAMP(MICROS, isAdjustedToUTC=true), as arrow-rs writes it.
    return { physical: 'INT64', logical: { kind: 'timestamp', utc: Boolean(type.timezone) } };
  }
  if (DataType.isInt(type)) {
    if (!type.isSigned || column.kind !== 'fixed') return undefined;
    if (type.bitWidth === 64)
      return column.values instanceof BigInt64Array ? { physical: 'INT64' } : undefined;
    if (type.bitWidth === 32) return column.values instanceof Int32Array ? { physical: 'INT32' } : undefined;
    if (type.bitWidth === 16 && column.values instanceof Int16Array)
      return { physical: 'INT32', logical: { kind: 'int', bits: 16 } };
    if (type.bitWidth === 8 && column.values instanceof Int8Array)
      return { physical: 'INT32', logical: { kind: 'int', bits: 8 } };
    return undefined;
  }
  if (DataType.isFloat(type)) {
    return column.kind === 'fixed' && column.values instanceof Float64Array
      ? { physical: 'DOUBLE' }
      : undefined;
  }
  if (DataType.isBool(type)) return column.kind === 'bool' ? { physical: 'BOOLEAN' } : undefined;
  if (DataType.isDictionary(type)) {
    if (column.kind !== 'dictionary' || !DataType.isUtf8(type.dictionary)) return undefined;
    return { physical: 'BYTE_ARRAY', logical: { kind: 'string' } };
  }
  if (DataType.isUtf8(type))
    return column.kind === 'bytes' ? { physical: 'BYTE_ARRAY', logical: { kind: 'string' } } : undefined;
  if (DataType.isBinary(type)) return column.kind === 'bytes' ? { physical: 'BYTE_ARRAY' } : undefined;
  if (DataType.isList(type))
    return column.kind === 'list' ? { physical: 'BYTE_ARRAY', logical: { kind: 'string' } } : undefined;
  return undefined;
}

/**
 * The plan's encoding where the type has it; otherwise dictionary, as parquet-wasm's default. Byte
 * arrays that are not dictionary columns are written PLAIN (payloads: hashing them costs more than
 * zstd saves on them).
 */
function valueEncoding(
  physical: PhysicalType,
  dictionary: boolean | undefined,
  encoding: 'plain' | 'delta_binary_packed' | 'byte_stream_split' | undefined,
): ValueEncoding {
  if (physical === 'BOOLEAN') return 'plain';
  if (encoding === 'delta_binary_packed' && (physical === 'INT32' || physical === 'INT64')) return encoding;
  if (encoding === 'byte_stream_split' && physical === 'DOUBLE') return encoding;
  if (encoding === 'plain' || dictionary === false) return 'plain';
  return 'dictionary';
}
