/**
 * Flattens a decoded ROS message (ROS 1 or ROS 2, class instance or plain object) into named scalar
 * columns for a generic `topics_<name>` table.
 *
 * Choices, and why:
 * - Nested messages become dotted names (`pose.position.x`), in the message's field order, so the
 *   columns of one type always come out in the same order (the decoders create fields in definition
 *   order).
 * - JS numbers are kept as numbers: without the message definition a decoded `int32 5` and `float64 5.0`
 *   are the same value, so the table stores every number as DOUBLE (exact for every ROS integer up to 32
 *   bits). 64-bit integers arrive as bigint and stay int64.
 * - `{sec, nsec}` (ROS 1 time/duration) and `{sec, nanosec}` (ROS 2 builtin_interfaces) become one
 *   nanosecond value (`FlatTime`), stored as a timestamp column. A duration reads as an offset from the epoch.
 * - `uint8[]` arrive as `Uint8Array` (both serializers decode them as byte buffers) and stay binary; other
 *   numeric arrays (typed or plain) become lists of doubles, `int64[]`/`uint64[]` lists of int64, and
 *   `string[]`/`bool[]` lists of strings/booleans.
 * - Arrays of messages (and of times, or anything mixed) become one JSON text column. A list of structs
 *   would need a nested schema fixed from a sample, and messages nest arrays in arrays (tf transforms,
 *   markers with points): the column count would depend on the data. JSON keeps the schema bounded
 *   (one column per field path of the type) and Athena and DuckDB query it with `json_extract`.
 * - A `BlobField` (bytes left in the source file, see `replaceBlobs`) becomes `<field>.uri`, `.offset`,
 *   `.length`, `.compressed`, `.size` and `.encoding`: enough to fetch the payload from the raw file.
 */
import type { BlobField } from '../rosmsg/LogMessage.js';

import { FlatJson, FlatList, FlatTime, type FlatValue, type ListKind } from '../../catalog/flatValue.js';

export { FlatJson, FlatList, FlatTime, type FlatValue, type ListKind } from '../../catalog/flatValue.js';

/** Nesting beyond this is written as JSON; ROS messages nest a handful of levels. */
const MAX_DEPTH = 32;

/**
 * Flattens one decoded message into `field path → value`, in field order. A message that is not an
 * object (a `std_msgs/String` decoded to a bare value never happens, but JSON-encoded MCAP may) becomes a
 * single field named `value`.
 */
export function flattenMessage(message: unknown): Map<string, FlatValue> {
  const out = new Map<string, FlatValue>();
  if (isRecord(message) && !isTime(message) && !isBlob(message)) {
    flattenRecord(message, '', out, 0);
  } else {
    flattenValue(message, 'value', out, 0);
  }
  return out;
}

function flattenRecord(
  record: Record<string, unknown>,
  prefix: string,
  out: Map<string, FlatValue>,
  depth: number,
): void {
  // Object.keys: own enumerable fields, which is what the generated message classes define.
  for (const key of Object.keys(record)) {
    flattenValue(record[key], prefix === '' ? key : `${prefix}.${key}`, out, depth + 1);
  }
}

function flattenValue(value: unknown, path: string, out: Map<string, FlatValue>, depth: number): void {
  switch (typeof value) {
    case 'number':
    case 'bigint':
    case 'string':
    case 'boolean':
      out.set(path, value);
      return;
    case 'undefined':
      out.set(path, null);
      return;
    case 'object':
      break;
    default:
      // Functions and symbols are not message data.
      return;
  }
  if (value === null) {
    out.set(path, null);
  } else if (ArrayBuffer.isView(value)) {
    out.set(path, typedArrayValue(value));
  } else if (Array.isArray(value)) {
    out.set(path, arrayValue(value as readonly unknown[]));
  } else if (isBlob(value)) {
    flattenBlob(value, path, out);
  } else {
    const record = value as Record<string, unknown>;
    const time = timeNs(record);
    if (time !== undefined) out.set(path, new FlatTime(time));
    else if (depth >= MAX_DEPTH) out.set(path, new FlatJson(toJson(record)));
    else flattenRecord(record, path, out, depth);
  }
}

function flattenBlob(blob: BlobField, path: string, out: Map<string, FlatValue>): void {
  const ref = blob.$blob;
  out.set(`${path}.uri`, ref.uri);
  out.set(`${path}.offset`, BigInt(ref.offset));
  out.set(`${path}.length`, BigInt(ref.length));
  // When compressed, offset/length are the chunk's: the field is inside it, not at the offset.
  out.set(`${path}.compressed`, ref.compressed);
  out.set(`${path}.size`, BigInt(blob.size));
  out.set(`${path}.encoding`, blob.encoding ?? null);
}

function typedArrayValue(view: ArrayBufferView): FlatValue {
  // A copy, so a buffered row does not keep the whole decoded chunk alive.
  if (view instanceof Uint8Array) return view.slice();
  if (view instanceof BigInt64Array || view instanceof BigUint64Array) {
    return new FlatList('int64', Array.from(view));
  }
  if (
    view instanceof Float64Array ||
    view instanceof Float32Array ||
    view instanceof Int32Array ||
    view instanceof Uint32Array ||
    view instanceof Int16Array ||
    view instanceof Uint16Array ||
    view instanceof Int8Array ||
    view instanceof Uint8ClampedArray
  ) {
    return new FlatList('float64', Array.from(view));
  }
  // A DataView or another view: keep its bytes.
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

function arrayValue(values: readonly unknown[]): FlatValue {
  if (values.length === 0) return new FlatList('empty', []);
  const kind = listKind(typeof values[0]);
  if (kind !== undefined && values.every((v) => listKind(typeof v) === kind)) {
    return new FlatList(kind, values as readonly (number | bigint | string | boolean)[]);
  }
  return new FlatJson(toJson(values));
}

function listKind(type: string): ListKind | undefined {
  switch (type) {
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int64';
    case 'string':
      return 'utf8';
    case 'boolean':
      return 'bool';
    default:
      return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

function isBlob(value: object): value is BlobField {
  const blob = (value as Partial<BlobField>).$blob;
  return (
    typeof blob === 'object' &&
    blob !== null &&
    typeof blob.uri === 'string' &&
    typeof blob.offset === 'number' &&
    typeof blob.length === 'number'
  );
}

function isTime(record: Record<string, unknown>): boolean {
  return timeNs(record) !== undefined;
}

/** ns of a ROS 1 `{sec, nsec}` or ROS 2 `{sec, nanosec}` object with exactly those two integer fields. */
function timeNs(record: Record<string, unknown>): bigint | undefined {
  const { sec } = record;
  const nsec = 'nsec' in record ? record.nsec : record.nanosec;
  if (!Number.isInteger(sec) || !Number.isInteger(nsec)) return undefined;
  if (Object.keys(record).length !== 2) return undefined;
  return BigInt(sec as number) * 1_000_000_000n + BigInt(nsec as number);
}

/**
 * JSON for arrays of messages. Unlike `JSON.stringify` it writes bigints as exact integers, typed arrays
 * as arrays, and non-finite doubles (which JSON cannot hold) as null.
 */
export function toJson(value: unknown): string {
  const parts: string[] = [];
  writeJson(value, parts, 0);
  return parts.join('');
}

function writeJson(value: unknown, parts: string[], depth: number): void {
  switch (typeof value) {
    case 'number':
      parts.push(Number.isFinite(value) ? String(value) : 'null');
      return;
    case 'bigint':
      parts.push(value.toString());
      return;
    case 'string':
      parts.push(JSON.stringify(value));
      return;
    case 'boolean':
      parts.push(value ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      parts.push('null');
      return;
  }
  if (value === null || depth > 64) {
    parts.push('null');
    return;
  }
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items: ArrayLike<unknown> = ArrayBuffer.isView(value)
      ? value instanceof DataView
        ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
        : (value as unknown as ArrayLike<unknown>)
      : (value as readonly unknown[]);
    parts.push('[');
    for (let i = 0; i < items.length; i++) {
      if (i > 0) parts.push(',');
      writeJson(items[i], parts, depth + 1);
    }
    parts.push(']');
    return;
  }
  parts.push('{');
  let first = true;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    if (!first) parts.push(',');
    first = false;
    parts.push(JSON.stringify(key), ':');
    writeJson(item, parts, depth + 1);
  }
  parts.push('}');
}
