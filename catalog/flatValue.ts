/**
 * The value types of a flattened message field (see `ingest/topics/flattenMessage.ts`), defined here because
 * the topic table definitions (`topicTable.ts`) map them to Arrow types: the catalog layer owns the types,
 * ingest produces them.
 */

/** A time or duration in nanoseconds (from `{sec, nsec}` / `{sec, nanosec}`). */
export class FlatTime {
  constructor(readonly ns: bigint) {}
}

/** Element type of a `FlatList`; `empty` for a plain empty array, whose element type is unknown. */
export type ListKind = 'float64' | 'int64' | 'utf8' | 'bool' | 'empty';

/** A numeric, string or boolean array. */
export class FlatList {
  constructor(
    readonly kind: ListKind,
    readonly values: readonly (number | bigint | string | boolean)[],
  ) {}
}

/** An array of messages (or of mixed values) as JSON text. */
export class FlatJson {
  constructor(readonly json: string) {}
}

/**
 * One flattened field: DOUBLE (`number`), int64 (`bigint`), text, boolean, bytes, time, list, JSON, or
 * null for a missing value.
 */
export type FlatValue =
  number | bigint | string | boolean | Uint8Array | FlatTime | FlatList | FlatJson | null;
