/**
 * Parts as the DuckDB Parquet encoder takes them (see `duckdbPartEncoder.ts`): which parts it takes,
 * and the column types, COPY settings and Arrow schema it needs. No DuckDB import here: the writer's
 * thread plans, the thread that runs DuckDB stages.
 */
import { DataType, Table as ArrowTable, tableToIPC, TimeUnit } from 'apache-arrow';
import type { Field, Schema } from 'apache-arrow';
import type { ColumnView } from './columnBuffer.js';
import type { ColumnarPart, ParquetCompression, WriterPlan } from './parquetWriter.js';
import { quoteString } from './sqlLiteral.js';

/** ENUMs larger than this go through the fallback encoder: a DDL statement per part lists every member. */
const MAX_ENUM_MEMBERS = 65_535;

const CODECS: Partial<Record<ParquetCompression, string>> = {
  zstd: 'zstd',
  snappy: 'snappy',
  none: 'uncompressed',
};

/**
 * A part as DuckDB takes it: column names and DuckDB types (ENUMs list the dictionary), the column views,
 * and the COPY settings. Plain data apart from the views' arrays, so it can be posted to a thread.
 */
export interface DuckdbPart {
  columns: { name: string; type: string }[];
  views: ColumnView[];
  rows: number;
  codec: string;
  rowGroupRows: number;
  /** The `ARROW:schema` metadata value. */
  arrowSchema: string;
}

/** Decides whether DuckDB takes a part, and how (types, codec, Arrow schema); runs where the writer runs. */
export class DuckdbPartPlanner {
  private readonly arrowSchemas = new WeakMap<Schema, string>();

  /** The part as DuckDB takes it, or undefined (nested columns, an unknown codec, a huge dictionary). */
  plan(part: ColumnarPart, plan: WriterPlan): DuckdbPart | undefined {
    const codec = CODECS[plan.compression];
    const fields = part.schema.fields;
    if (codec === undefined || fields.length !== part.columns.length) return undefined;
    const columns: DuckdbPart['columns'] = [];
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as Field;
      const type = duckdbType(field, part.columns[i] as ColumnView);
      if (type === undefined) return undefined;
      columns.push({ name: field.name, type });
    }
    return {
      columns,
      views: [...part.columns],
      rows: part.rows,
      codec,
      rowGroupRows: plan.rowGroupRows,
      arrowSchema: this.arrowSchema(part.schema),
    };
  }

  /** `ARROW:schema` as arrow-rs (parquet-wasm) writes it: the IPC schema message, base64. */
  private arrowSchema(schema: Schema): string {
    let encoded = this.arrowSchemas.get(schema);
    if (encoded === undefined) {
      const stream = tableToIPC(new ArrowTable(schema), 'stream');
      const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
      // Continuation marker 0xFFFFFFFF, then the metadata length; the schema message has no body.
      const length = view.getInt32(4, true);
      encoded = Buffer.from(stream.subarray(0, 8 + length)).toString('base64');
      this.arrowSchemas.set(schema, encoded);
    }
    return encoded;
  }
}

/** The DuckDB column type for a field and its buffered rows, or undefined when DuckDB does not take it. */
function duckdbType(field: Field, column: ColumnView): string | undefined {
  const type = field.type as DataType;
  const nullable = field.nullable ? '' : ' NOT NULL';
  if (DataType.isTimestamp(type)) {
    if (type.unit !== TimeUnit.MICROSECOND || column.kind !== 'fixed') return undefined;
    // A zone means instants: Parquet TIMESTAMP(MICROS, isAdjustedToUTC=true), as arrow-rs writes it.
    return (type.timezone ? 'TIMESTAMPTZ' : 'TIMESTAMP') + nullable;
  }
  if (DataType.isInt(type)) {
    if (!type.isSigned || column.kind !== 'fixed') return undefined;
    const name = { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' }[type.bitWidth];
    return name === undefined ? undefined : name + nullable;
  }
  if (DataType.isFloat(type)) {
    return column.kind === 'fixed' && column.values instanceof Float64Array ? 'DOUBLE' + nullable : undefined;
  }
  if (DataType.isBool(type)) return column.kind === 'bool' ? 'BOOLEAN' + nullable : undefined;
  if (DataType.isDictionary(type)) {
    if (column.kind !== 'dictionary' || !DataType.isUtf8(type.dictionary)) return undefined;
    if (column.strings.length > MAX_ENUM_MEMBERS) return undefined;
    if (column.strings.length === 0) return 'VARCHAR' + nullable;
    return `ENUM(${column.strings.map(quoteString).join(', ')})` + nullable;
  }
  if (DataType.isUtf8(type)) return column.kind === 'bytes' ? 'VARCHAR' + nullable : undefined;
  if (DataType.isBinary(type)) return column.kind === 'bytes' ? 'BLOB' + nullable : undefined;
  return undefined;
}
