import type { PartitionedTableWriter, WrittenFile } from '../../catalog/tableWriter.js';
import type { TableDef } from '../../catalog/tables.js';
import { topicTableDef, topicTableName } from '../../catalog/topicTable.js';
import type { TopicColumn, TopicTableDef } from '../../catalog/topicTable.js';
import { isInt64 } from '../../catalog/columnBuffer.js';
import type { LogMessage } from '../rosmsg/LogMessage.js';
import { flattenMessage, FlatJson, FlatList, FlatTime, toJson } from './flattenMessage.js';
import type { FlatValue } from './flattenMessage.js';

/** Makes the writer for a topic table (vehicle, drive, store and Parquet options are the caller's). */
export type TopicWriterFactory = (def: TableDef) => PartitionedTableWriter<Record<string, unknown>>;

export interface GenericTopicTablesOptions {
  writerFor: TopicWriterFactory;
  /**
   * Rows buffered per topic before they are handed to its writer. The first batch of a topic decides its
   * schema, so a larger batch sees more optional fields.
   * @default 4096
   */
  batchRows?: number;
  /**
   * Rows buffered over all topics before the fullest topic is written early; bounds memory for logs with
   * many topics.
   * @default 16 * batchRows
   */
  maxBufferedRows?: number;
  /**
   * Longest JSON text kept in a JSON column; a longer value (a huge marker array) is written as null and
   * counted in `oversized`.
   * @default 1048576
   */
  maxJsonChars?: number;
  /**
   * Applied to every string, JSON text and byte array before it is written, e.g. to replace VINs by
   * pseudonyms (byte arrays must keep their length). @default no change
   */
  scrub?: { text: (text: string) => string; bytes: (bytes: Uint8Array) => Uint8Array };
}

/** What happened to one topic. */
export interface GenericTopicCount {
  table: string;
  schemaName: string;
  /** Rows written (or buffered until `close()`): one per message. */
  rows: number;
  /** Fields absent from the schema (first seen after the first batch), with the messages that had them. */
  droppedFields: Record<string, number>;
  /** Values of another type than their column (written as null), per field path. */
  typeConflicts: Record<string, number>;
  /** JSON values longer than `maxJsonChars` (written as null), per field path. */
  oversized: Record<string, number>;
}

interface Row {
  t: bigint;
  logTime: bigint;
  fields: Map<string, FlatValue>;
}

interface TopicState {
  topic: string;
  schemaName: string;
  rows: Row[];
  count: GenericTopicCount;
  def?: TopicTableDef;
  writer?: PartitionedTableWriter<Record<string, unknown>>;
  columnOf?: ReadonlyMap<string, number>;
}

/**
 * Writes every topic without a curated table to its own `topics_<name>` table (see `topicTable.ts`), one
 * row per message with the message's fields flattened (see `flattenMessage.ts`). Rows are buffered per
 * topic and written in batches; a topic's writer is made when its first batch is written, with the schema
 * that batch shows. Later fields the schema lacks are dropped and counted, values of the wrong type become
 * null and are counted. Call `close()` after the last message; `add` calls must be awaited in turn.
 */
export class GenericTopicTables {
  private readonly topics = new Map<string, TopicState>();
  private readonly names = new Set<string>();
  private readonly writerFor: TopicWriterFactory;
  private readonly batchRows: number;
  private readonly maxBufferedRows: number;
  private readonly maxJsonChars: number;
  private readonly scrub: NonNullable<GenericTopicTablesOptions['scrub']> | undefined;
  private buffered = 0;

  constructor(options: GenericTopicTablesOptions) {
    this.writerFor = options.writerFor;
    this.batchRows = options.batchRows ?? 4096;
    this.maxBufferedRows = options.maxBufferedRows ?? 16 * this.batchRows;
    this.maxJsonChars = options.maxJsonChars ?? 1 << 20;
    this.scrub = options.scrub;
  }

  /** Per topic: table, rows, dropped fields and nulled values. */
  get counts(): Record<string, GenericTopicCount> {
    const out: Record<string, GenericTopicCount> = {};
    for (const [topic, state] of this.topics) out[topic] = state.count;
    return out;
  }

  /** Buffers messages, writing each topic's rows when it has a batch. */
  async add(messages: readonly LogMessage[]): Promise<void> {
    for (const m of messages) {
      const state = this.stateOf(m);
      // A zero header stamp means "not set" in ROS: fall back to the log time.
      const stamp = m.headerStamp;
      const t = stamp !== undefined && stamp !== 0n ? stamp : m.logTime;
      state.rows.push({ t, logTime: m.logTime, fields: flattenMessage(m.message) });
      state.count.rows++;
      this.buffered++;
      if (state.rows.length >= this.batchRows) await this.flush(state);
      if (this.buffered > this.maxBufferedRows) await this.flushFullest();
    }
  }

  /** Writes the buffered rows and closes every writer; returns the files written, sorted by key. */
  async close(): Promise<WrittenFile[]> {
    const states = [...this.topics.values()].sort((a, b) =>
      a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0,
    );
    for (const state of states) await this.flush(state);
    const files: WrittenFile[] = [];
    for (const state of states) if (state.writer) files.push(...(await state.writer.close()));
    return files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private stateOf(m: LogMessage): TopicState {
    let state = this.topics.get(m.topic);
    if (!state) {
      const table = topicTableName(m.topic, this.names);
      this.names.add(table);
      state = {
        topic: m.topic,
        schemaName: m.schemaName,
        rows: [],
        count: {
          table,
          schemaName: m.schemaName,
          rows: 0,
          droppedFields: {},
          typeConflicts: {},
          oversized: {},
        },
      };
      this.topics.set(m.topic, state);
    }
    return state;
  }

  private async flushFullest(): Promise<void> {
    let fullest: TopicState | undefined;
    for (const state of this.topics.values()) {
      if (state.rows.length > (fullest?.rows.length ?? 0)) fullest = state;
    }
    if (fullest) await this.flush(fullest);
  }

  private async flush(state: TopicState): Promise<void> {
    const rows = state.rows;
    if (rows.length === 0) return;
    if (!state.def || !state.writer || !state.columnOf) {
      state.def = topicTableDef(
        state.topic,
        state.schemaName,
        rows.map((r) => r.fields),
        { name: state.count.table },
      );
      state.columnOf = new Map(state.def.columns.map((c, i) => [c.path, i]));
      state.writer = this.writerFor(state.def);
    }
    const batch = this.columns(state, state.def.columns, state.columnOf, rows);
    state.rows = [];
    this.buffered -= rows.length;
    await state.writer.append(batch);
  }

  /** Turns buffered rows into the writer's input columns, nulling and counting what does not fit. */
  private columns(
    state: TopicState,
    columns: readonly TopicColumn[],
    columnOf: ReadonlyMap<string, number>,
    rows: readonly Row[],
  ): Record<string, unknown> {
    const n = rows.length;
    const t = new BigInt64Array(n);
    const logTime = new BigInt64Array(n);
    const values = columns.map(() => new Array<unknown>(n).fill(null));
    const { count } = state;
    for (let r = 0; r < n; r++) {
      const row = rows[r] as Row;
      t[r] = row.t;
      logTime[r] = row.logTime;
      let matched = 0;
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c] as TopicColumn;
        const value = row.fields.get(column.path);
        if (value === undefined) continue;
        matched++;
        if (value === null) continue;
        const converted = this.convert(value, column.kind);
        if (converted === CONFLICT) bump(count.typeConflicts, column.path);
        else if (converted === OVERSIZED) bump(count.oversized, column.path);
        else (values[c] as unknown[])[r] = converted;
      }
      if (matched < row.fields.size) {
        for (const path of row.fields.keys()) if (!columnOf.has(path)) bump(count.droppedFields, path);
      }
    }
    const batch: Record<string, unknown> = { t, log_time: logTime };
    columns.forEach((column, c) => {
      batch[column.name] = values[c];
    });
    return batch;
  }

  private convert(value: Exclude<FlatValue, null>, kind: TopicColumn['kind']): unknown {
    switch (kind) {
      case 'float64':
        return typeof value === 'number' ? value : CONFLICT;
      case 'int64':
        return isInt64(value) ? value : CONFLICT;
      case 'bool':
        return typeof value === 'boolean' ? value : CONFLICT;
      case 'utf8':
        if (typeof value !== 'string') return CONFLICT;
        return this.scrub ? this.scrub.text(value) : value;
      case 'timestamp':
        return value instanceof FlatTime && isInt64(value.ns) ? value.ns : CONFLICT;
      case 'binary':
        if (!(value instanceof Uint8Array)) return CONFLICT;
        return this.scrub ? this.scrub.bytes(value) : value;
      case 'json': {
        const json =
          value instanceof FlatJson
            ? value.json
            : value instanceof FlatList
              ? toJson(value.values)
              : undefined;
        if (json === undefined) return CONFLICT;
        if (json.length > this.maxJsonChars) return OVERSIZED;
        return this.scrub ? this.scrub.text(json) : json;
      }
      case 'list_float64':
      case 'list_int64':
      case 'list_utf8':
      case 'list_bool': {
        if (!(value instanceof FlatList)) return CONFLICT;
        if (value.kind === 'empty') return value.values;
        if (`list_${value.kind}` !== kind) return CONFLICT;
        if (value.kind === 'int64' && !value.values.every(isInt64)) return CONFLICT;
        const scrub = this.scrub;
        if (scrub && value.kind === 'utf8') return value.values.map((v) => scrub.text(v as string));
        return value.values;
      }
    }
  }
}

const CONFLICT = Symbol('conflict');
const OVERSIZED = Symbol('oversized');

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
