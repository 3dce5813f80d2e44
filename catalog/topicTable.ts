/**
 * Generic per-topic tables: `topics_<name>` for every bag/MCAP topic without a curated table. The schema
 * is derived from flattened sample messages (see `flattenMessage.ts`).
 *
 * Names are made for Athena/Glue as well as DuckDB: Glue table and column names are lowercase
 * `[a-z0-9_]` of at most 255 characters (Athena lowercases identifiers and rejects other characters), so
 * dotted ROS field paths become `_`-joined column names and the exact path is kept in the field metadata.
 */
import {
  Binary,
  Bool,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  Schema,
  TimestampMicrosecond,
  Utf8,
} from 'apache-arrow';
import type { DataType } from 'apache-arrow';
import { FlatJson, FlatList, FlatTime } from './flatValue.js';
import type { FlatValue } from './flatValue.js';
import { PARTITION_KEYS } from './tables.js';
import type { TableDef } from './tables.js';

/** Glue's limit for table and column names. */
export const MAX_NAME_LENGTH = 255;

const TABLE_PREFIX = 'topics_';

/** How a flattened field is stored. */
export type ColumnKind =
  | 'float64'
  | 'int64'
  | 'bool'
  | 'utf8'
  | 'json'
  | 'timestamp'
  | 'binary'
  | 'list_float64'
  | 'list_int64'
  | 'list_utf8'
  | 'list_bool';

/** One message field's column. */
export interface TopicColumn {
  /** Flattened field path, `pose.position.x`. */
  readonly path: string;
  /** Column name in the table. */
  readonly name: string;
  readonly kind: ColumnKind;
}

/** A topic table: the writer's `TableDef` plus how flattened fields map to its columns. */
export interface TopicTableDef extends TableDef {
  readonly topic: string;
  readonly schemaName: string;
  /** Message columns in schema order (after `t`, `log_time`, `drive_id`). */
  readonly columns: readonly TopicColumn[];
}

/** Columns every topic table has, before the message fields. */
const RESERVED = ['t', 'log_time', 'drive_id'];

/**
 * The table name for a topic: `topics_` + the topic lowercased, with every run of characters outside
 * `[a-z0-9]` (`/`, `-`, `.`, ...) replaced by `_`: `/turtle1/pose` → `topics_turtle1_pose`.
 *
 * The readable part is not always unique, so an 8-hex FNV-1a hash of the exact topic is appended when:
 * the topic is not a plain lowercase ROS name (`/a/b_c`; so `/Camera` and `/camera` never share a table,
 * in any drive), the name would exceed 255 characters, or the name is in `taken` (names already given
 * to other topics, e.g. `/a_b` after `/a/b`). All three are functions of the inputs only.
 */
export function topicTableName(topic: string, taken: ReadonlySet<string> = new Set()): string {
  const base = topic
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  let name = TABLE_PREFIX + (base === '' ? 'root' : base);
  const plain = /^\/?[a-z0-9]+(?:_[a-z0-9]+)*(?:\/[a-z0-9]+(?:_[a-z0-9]+)*)*$/.test(topic);
  if (!plain || name.length > MAX_NAME_LENGTH || taken.has(name)) {
    name = `${name.slice(0, MAX_NAME_LENGTH - 9)}_${fnv1a(topic)}`;
  }
  // A hash collision with a taken name: count up, still deterministic for the same inputs.
  for (let n = 2; taken.has(name); n++) {
    const suffix = `_${n}`;
    name = name.slice(0, MAX_NAME_LENGTH - suffix.length) + suffix;
  }
  return name;
}

/** 32-bit FNV-1a of the UTF-16 code units, as 8 hex digits: short, stable, no dependency. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The column kind of one value; `undefined` for null and for an empty list (element type unknown). */
export function kindOf(value: FlatValue): ColumnKind | undefined {
  switch (typeof value) {
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int64';
    case 'string':
      return 'utf8';
    case 'boolean':
      return 'bool';
    default:
      break;
  }
  if (value === null) return undefined;
  if (value instanceof Uint8Array) return 'binary';
  if (value instanceof FlatTime) return 'timestamp';
  if (value instanceof FlatJson) return 'json';
  if (value instanceof FlatList) return value.kind === 'empty' ? undefined : `list_${value.kind}`;
  return undefined;
}

export interface TopicTableDefOptions {
  /** Table name; @default topicTableName(topic) */
  name?: string;
}

/**
 * Builds the table for a topic from sample rows (the first batch of its messages):
 * `t` (header stamp, else log time), `log_time`, `drive_id`, then one nullable column per field path in
 * order of first appearance. A field's kind is that of its first non-null sample value; a list field that
 * is JSON in some samples, or always empty, is JSON (it holds any list). A field that is null in every
 * sample is text.
 */
export function topicTableDef(
  topic: string,
  schemaName: string,
  sample: readonly ReadonlyMap<string, FlatValue>[],
  options: TopicTableDefOptions = {},
): TopicTableDef {
  const kinds = new Map<string, ColumnKind | undefined>();
  const lists = new Set<string>();
  for (const row of sample) {
    for (const [path, value] of row) {
      const kind = kindOf(value);
      if (value instanceof FlatList || value instanceof FlatJson) lists.add(path);
      const known = kinds.get(path);
      if (known === undefined) kinds.set(path, kind);
      else if (kind === 'json' && known.startsWith('list_')) kinds.set(path, 'json');
    }
  }
  const used = new Set(RESERVED);
  const columns: TopicColumn[] = [];
  for (const [path, sampled] of kinds) {
    const kind = sampled ?? (lists.has(path) ? 'json' : 'utf8');
    const name = columnName(path, used);
    used.add(name);
    columns.push({ path, name, kind });
  }
  const fields = [
    column(
      't',
      new TimestampMicrosecond('UTC'),
      'Message time, UTC: header.stamp when set, else the log time.',
      false,
    ),
    column(
      'log_time',
      new TimestampMicrosecond('UTC'),
      'When the recorder logged the message (bag record time, MCAP log_time), UTC.',
      false,
    ),
    column(
      'drive_id',
      new Dictionary(new Utf8(), new Int32()),
      'The drive the row belongs to (see the drives table).',
      false,
    ),
    ...columns.map((c) =>
      column(c.name, arrowType(c.kind), `${schemaName} field ${c.path}: ${KIND_DOC[c.kind]}.`, true, c.path),
    ),
  ];
  return {
    name: options.name ?? topicTableName(topic),
    doc: `Messages of topic ${topic} (${schemaName}), one row per message, fields flattened.`,
    schema: new Schema(fields),
    partitionKeys: PARTITION_KEYS,
    timeColumn: 't',
    encodings: { t: 'delta_binary_packed', log_time: 'delta_binary_packed' },
    topic,
    schemaName,
    columns,
  };
}

const KIND_DOC: Record<ColumnKind, string> = {
  float64: 'number (any ROS numeric type up to 32 bits, as DOUBLE)',
  int64: '64-bit integer',
  bool: 'bool',
  utf8: 'string',
  json: 'array of messages as JSON text',
  timestamp: 'time/duration, UTC (a duration is an offset from 1970-01-01)',
  binary: 'uint8[] bytes',
  list_float64: 'numeric array, as DOUBLE',
  list_int64: '64-bit integer array',
  list_utf8: 'string array',
  list_bool: 'bool array',
};

function arrowType(kind: ColumnKind): DataType {
  switch (kind) {
    case 'float64':
      return new Float64();
    case 'int64':
      return new Int64();
    case 'bool':
      return new Bool();
    // Message strings are mostly names and frame ids that repeat: dictionary-coded (a plain string in Parquet).
    case 'utf8':
      return new Dictionary(new Utf8(), new Int32());
    case 'json':
      return new Utf8();
    case 'timestamp':
      return new TimestampMicrosecond('UTC');
    case 'binary':
      return new Binary();
    case 'list_float64':
      return new List(new Field('item', new Float64(), true));
    case 'list_int64':
      return new List(new Field('item', new Int64(), true));
    case 'list_utf8':
      return new List(new Field('item', new Utf8(), true));
    case 'list_bool':
      return new List(new Field('item', new Bool(), true));
  }
}

/**
 * A Glue-safe column name for a field path: lowercase, `[a-z0-9_]`, at most 255 characters, distinct from
 * `used` (`_2`, `_3`... in schema order when two paths meet, e.g. `a.b` and `a_b`, or a field named `t`).
 */
function columnName(path: string, used: ReadonlySet<string>): string {
  let base = path.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z_]/.test(base)) base = `f_${base}`;
  base = base.slice(0, MAX_NAME_LENGTH);
  let name = base;
  for (let n = 2; used.has(name); n++) {
    const suffix = `_${n}`;
    name = base.slice(0, MAX_NAME_LENGTH - suffix.length) + suffix;
  }
  return name;
}

function column(name: string, type: DataType, doc: string, nullable: boolean, rosField?: string): Field {
  const metadata = new Map([['doc', doc]]);
  if (rosField !== undefined) metadata.set('ros_field', rosField);
  return new Field(name, type, nullable, metadata);
}
