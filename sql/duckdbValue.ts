/**
 * DuckDB values as the plain JavaScript values the `SqlEngine` port promises (see `sqlEngine.ts`).
 */
import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUnionValue,
} from '@duckdb/node-api';
import type { DuckDBValue } from '@duckdb/node-api';
import { isoTimestamp } from './sqlEngine.js';

/** One DuckDB value as a plain JS value: numbers, bigints, strings, booleans, null, bytes, arrays, objects. */
export function duckdbValue(value: DuckDBValue): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Timestamps as ISO text: DuckDB's own text keeps every digit (a JS Date would drop the microseconds).
  if (
    value instanceof DuckDBTimestampValue ||
    value instanceof DuckDBTimestampTZValue ||
    value instanceof DuckDBTimestampNanosecondsValue ||
    value instanceof DuckDBTimestampMillisecondsValue ||
    value instanceof DuckDBTimestampSecondsValue
  ) {
    return isoTimestamp(value.toString());
  }
  if (value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBBlobValue) {
    // A plain Uint8Array (DuckDB gives a Node Buffer), the same type on every engine.
    const { buffer, byteOffset, byteLength } = value.bytes;
    return new Uint8Array(buffer, byteOffset, byteLength);
  }
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue)
    return value.items.map(duckdbValue);
  if (value instanceof DuckDBStructValue) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value.entries)) out[key] = duckdbValue(item);
    return out;
  }
  if (value instanceof DuckDBMapValue) {
    const out: Record<string, unknown> = {};
    for (const entry of value.entries) out[String(duckdbValue(entry.key))] = duckdbValue(entry.value);
    return out;
  }
  if (value instanceof DuckDBUnionValue) return duckdbValue(value.value);
  // Time, interval, UUID, bit, geometry, variant: DuckDB's text for them.
  return value.toString();
}
